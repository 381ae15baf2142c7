/**
 * Products and solves with structured matrices: the engine's own routine where it plans one
 * (`StructuredEngine`), else a composition — the dense copy through `gemv`/`gemm`, and for a
 * solve the dense copy's triangle handed back to the engine as a `tr`.
 *
 * @module
 */

import type { Operand, StructuredOperand } from "../core/engine.ts";
import type { GEMatrix, Vector } from "../core/structures.ts";
import { isTriangular, storageLength } from "../core/kinds.ts";
import { describe, liveStructured, type StructuredMatrix } from "../core/structured.ts";
import { live, sameFactory, scalar } from "../core/checks.ts";
import { overlap } from "../core/overlap.ts";
import { densify } from "./pieces.ts";
import { ge, vctr } from "../core/construct.ts";

/** Throws unless out shares no memory with the inputs (products read every input whole). */
function apart(op: string, out: Operand, ...inputs: Operand[]): void {
  for (const x of inputs) {
    if (x.storage === out.storage && overlap(out, x) !== "none") {
      throw new RangeError(`${op}: the output shares memory with an input`);
    }
  }
}

/** The span of memory a structured matrix's storage covers, as one column. */
const structuredArea = (a: StructuredMatrix): Operand => {
  const rows = Math.max(storageLength(a), 1);
  return { storage: a.storage, offset: a.offset, rows, cols: 1, rowStride: 1, colStride: rows };
};

/** y ← αAx + βy for a structured A. */
export function mvStructured(
  alpha: number,
  a: StructuredMatrix,
  x: Vector,
  beta: number,
  y: Vector,
): Vector {
  scalar("mv_", alpha, "alpha");
  scalar("mv_", beta, "beta");
  liveStructured("mv_", a, "a");
  live("mv_", x, "x");
  live("mv_", y, "y");
  if (x.dim !== a.n || y.dim !== a.m) {
    throw new RangeError(
      `mv_: a is a ${a.m}×${a.n} ${describe(a)}, x has ${x.dim} entries, y ${y.dim}`,
    );
  }
  sameFactory("mv_", a, x, y);
  if (a.storage === y.storage) apart("mv_", y, structuredArea(a));
  apart("mv_", y, x);
  const engine = y.factory.engine;
  if (alpha === 0) {
    engine.blas.scal(beta, y);
    return y;
  }
  const plan = engine.structured?.mv?.(alpha, a as StructuredOperand, x, beta, y);
  if (plan !== undefined) {
    plan();
    return y;
  }
  const g = densify(a);
  engine.blas.gemv(alpha, g, x, beta, y);
  g[Symbol.dispose]();
  return y;
}

/** C ← αAB + βC, one of A and B structured (its side), the other and C general. */
export function mmStructured(
  alpha: number,
  a: StructuredMatrix | GEMatrix,
  b: StructuredMatrix | GEMatrix,
  beta: number,
  c: GEMatrix,
): GEMatrix {
  scalar("mm_", alpha, "alpha");
  scalar("mm_", beta, "beta");
  live("mm_", c, "c");
  const left = "kind" in a;
  const s = (left ? a : b) as StructuredMatrix, g = (left ? b : a) as GEMatrix;
  liveStructured("mm_", s, left ? "a" : "b");
  if ("kind" in b && left) {
    throw new TypeError("mm_: a product of two structured matrices: copy one into a GE first");
  }
  live("mm_", g, left ? "b" : "a");
  const [m, k1, k2, n] = left ? [s.m, s.n, g.m, g.n] : [g.m, g.n, s.m, s.n];
  if (k1 !== k2 || c.m !== m || c.n !== n) {
    throw new RangeError(
      `mm_: ${left ? `a is a ${s.m}×${s.n} ${describe(s)}` : `a is ${g.m}×${g.n}`}, ${
        left ? `b is ${g.m}×${g.n}` : `b is a ${s.m}×${s.n} ${describe(s)}`
      }, c is ${c.m}×${c.n}`,
    );
  }
  sameFactory("mm_", s, g, c);
  if (s.storage === c.storage) apart("mm_", c, structuredArea(s));
  apart("mm_", c, g);
  const engine = c.factory.engine;
  if (alpha === 0) {
    engine.blas.scal(beta, c);
    return c;
  }
  const side = left ? "left" : "right";
  const plan = engine.structured?.mm?.(side, alpha, s as StructuredOperand, g, beta, c);
  if (plan !== undefined) {
    plan();
    return c;
  }
  const d = densify(s);
  if (left) engine.blas.gemm(alpha, d, g, beta, c);
  else engine.blas.gemm(alpha, g, d, beta, c);
  d[Symbol.dispose]();
  return c;
}

/** B ← A⁻¹B for a triangular or diagonal A; b a vector or a GE matrix of right-hand sides. */
export function svStructured<B extends Vector | GEMatrix>(a: StructuredMatrix, b: B): B {
  liveStructured("sv_", a, "a");
  live("sv_", b, "b");
  if (!isTriangular(a.kind) && a.kind !== "gd") {
    throw new TypeError(
      `sv_: a ${
        describe(a)
      } has no triangular solve; the factorizations of @knap/knap/linalg solve it`,
    );
  }
  if (b.rows !== a.n) {
    throw new RangeError(`sv_: a is a ${a.n}×${a.n} ${describe(a)}, b has ${b.rows} rows`);
  }
  sameFactory("sv_", a, b);
  if (a.storage === b.storage) apart("sv_", b, structuredArea(a));
  const engine = b.factory.engine;
  const own = engine.structured?.sv?.(a as StructuredOperand, b);
  if (own !== undefined) {
    own();
    return b;
  }
  // The dense copy's triangle, as a tr over the copy's memory.
  const d = densify(a);
  const asTr: StructuredOperand = {
    kind: "tr",
    storage: d.storage,
    offset: d.offset,
    m: a.n,
    n: a.n,
    ld: d.ld,
    layout: "column",
    uplo: a.kind === "gd" ? "upper" : a.uplo,
    diag: "non-unit",
    kl: a.kind === "gd" || a.uplo === "upper" ? 0 : Math.max(a.n - 1, 0),
    ku: a.kind === "gd" || a.uplo === "lower" ? 0 : Math.max(a.n - 1, 0),
  };
  const plan = engine.structured?.sv?.(asTr, b);
  if (plan === undefined) {
    d[Symbol.dispose]();
    throw new TypeError(`sv_: ${engine.name} has no triangular solve`);
  }
  plan();
  d[Symbol.dispose]();
  return b;
}

/**
 * Solves A X = B in place: B ← A⁻¹B, for a triangular (`tr`, `tb`, `tp`) or diagonal (`gd`) A —
 * BLAS's trsv and trsm, Neanderthal's `sv!` on those kinds; each column of b is a right-hand
 * side. Returns b. Other kinds are solved through the factorizations of `@knap/knap/linalg`.
 *
 * @example A lower triangular system by forward substitution
 * ```ts
 * import { jsDouble, toArray, tr, vctr } from "@knap/knap";
 * import { sv_ } from "@knap/knap/linalg";
 * using l = tr(jsDouble, 2, [2, 1, 4], { uplo: "lower" }); // [[2, 0], [1, 4]]
 * using b = vctr(jsDouble, [4, 6]);
 * sv_(l, b);
 * if (toArray(b).join() !== "2,1") throw new Error("unexpected");
 * ```
 */
export function sv_<B extends Vector | GEMatrix>(a: StructuredMatrix, b: B): B {
  return svStructured(a, b);
}

/**
 * A new solution of A X = B for a triangular or diagonal A, b untouched.
 *
 * @example
 * ```ts
 * import { gd, jsDouble, toArray, vctr } from "@knap/knap";
 * import { sv } from "@knap/knap/linalg";
 * using d = gd(jsDouble, 2, [2, 4]);
 * using b = vctr(jsDouble, [2, 2]);
 * using x = sv(d, b);
 * if (toArray(x).join() !== "1,0.5") throw new Error("unexpected");
 * ```
 */
export function sv<B extends Vector | GEMatrix>(a: StructuredMatrix, b: B): B {
  live("sv", b, "b");
  const x = ("dim" in b ? vctr(b.factory, b.dim) : ge(b.factory, b.m, b.n)) as B;
  b.factory.engine.blas.copy(b, x);
  return svStructured(a, x);
}

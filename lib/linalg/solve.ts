/**
 * What a factorization does: solve (`trs_`, `trs`), factor and solve at once (`sv_`, `sv`),
 * invert (`tri`), its determinant (`det`) and condition number estimate (`con`). Right-hand
 * sides on a device are solved on the host, where the factors are (one transfer each way).
 *
 * @module
 */

import type { Operand } from "../core/engine.ts";
import type { Factory } from "../core/factory.ts";
import type { GEMatrix, Vector } from "../core/structures.ts";
import type { HostArray, Loc } from "../core/types.ts";
import { live, numeric } from "../core/checks.ts";
import { ge } from "../core/construct.ts";
import { trans } from "../core/views.ts";
import { KnapError } from "../core/errors.ts";
import { dt, gt, isStructured, st, type StructuredMatrix } from "../core/structured.ts";
import { tridiagonalSolve } from "./tridiagonal.ts";
import { isTriangular } from "../core/kinds.ts";
import { apart, inColumnMajor, isColumnMajor, lapackHost } from "./host.ts";
import { type Later, transfer, transfer_ } from "../access.ts";
import { svStructured } from "../structured/products.ts";
import { copy } from "../blas.ts";
import { Cholesky, LU } from "./factors.ts";
import { trf, trf_ } from "./factor.ts";
import { StructuredFactors } from "./structured_factor.ts";

/** Any factorization `trs_` solves with. */
export type Factorization<L extends Loc = Loc> = LU<L> | Cholesky<L> | StructuredFactors<L>;

/** Where a vector or matrix lives: `"host"` or `"device"`. */
export type Home<S> = S extends Vector<infer L> ? L : S extends GEMatrix<infer L> ? L : Loc;

/** Throws unless f may solve b: square, unchanged, not singular, of b's rows and dtype. */
function ready(op: string, f: Factorization, b?: Vector | GEMatrix): void {
  f.check(op);
  if (f instanceof StructuredFactors ? !f.square : f.factors.rows !== f.factors.cols) {
    throw new RangeError(
      `${op}: the LU of a rectangular matrix solves nothing`,
    );
  }
  if (f instanceof StructuredFactors && f.singular >= 0) {
    throw new KnapError(
      `${op}: the matrix is singular: ${f.routine}'s pivot ${f.singular} is exactly zero`,
      "singular",
    );
  }
  if (f instanceof LU && f.singular >= 0) {
    throw new KnapError(
      `${op}: the matrix is singular: U(${f.singular}, ${f.singular}) is exactly zero`,
      "singular",
    );
  }
  if (b === undefined) return;
  live(op, b, "b");
  numeric(op, b);
  if (b.rows !== f.n) {
    throw new RangeError(`${op}: the factorization is of order ${f.n}, b has ${b.rows} rows`);
  }
  if (b.factory.dtype !== f.dtype) {
    throw new TypeError(`${op}: the factors are ${f.dtype}, b is ${b.factory.dtype}`);
  }
  apart(op, b, f.factors, "b and the factors");
}

/** B ← A⁻¹B (A⁻ᵀB when `transpose`) over host memory: b itself, or a column-major copy. */
function solveHost(f: Factorization, b: Operand, transpose: boolean): void {
  const run = (x: Operand) => {
    if (f instanceof LU) f.lapack.getrs(f.factors, f.ipiv, x, f.transposed !== transpose);
    else if (f instanceof StructuredFactors) f.solveHost(x, transpose);
    else f.lapack.potrs(f.factors, f.upper, x);
  };
  if (isColumnMajor(b)) return run(b);
  inColumnMajor(b as Vector<"host"> | GEMatrix<"host">, run);
}

/**
 * Solves A X = B in place with A's factorization (LAPACK's getrs or potrs, Neanderthal's
 * `trs!`): b, a vector or a matrix of right-hand sides, becomes the solution; returns it. A
 * singular LU is a KnapError naming the zero pivot. A device b is solved on the host: a Promise.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { trf, trs_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [2, 0, 0, 4]);
 * using lu = trf(a);
 * using b = ge(jsDouble, 2, 2, [2, 4, 6, 8]);
 * trs_(lu, b);
 * if (toArray(b).join() !== "1,1,3,2") throw new Error("unexpected");
 * ```
 */
export function trs_<B extends Vector | GEMatrix>(f: Factorization, b: B): Later<Home<B>, B> {
  type L = Home<B>;
  ready("trs_", f, b);
  if (b.factory.location === "host") {
    solveHost(f, b, false);
    return b as Later<L, B>;
  }
  return (async () => {
    const h = await transfer(lapackHost(b.factory.dtype), b as GEMatrix);
    try {
      solveHost(f, h, false);
      transfer_(h, b as GEMatrix);
    } finally {
      h[Symbol.dispose]();
    }
    return b;
  })() as Later<L, B>;
}

/**
 * A new solution of A X = B with A's factorization, b untouched.
 *
 * @example
 * ```ts
 * import { jsDouble, sy, toArray, vctr } from "@knap/knap";
 * import { ptrf, trs } from "@knap/knap/linalg";
 * using a = sy(jsDouble, 2, [4, 2, 5]); // [[4, 2], [2, 5]] = L·Lᵀ, L = [[2, 0], [1, 2]]
 * using c = ptrf(a);
 * using b = vctr(jsDouble, [6, 7]);
 * using x = trs(c, b);
 * if (toArray(x).join() !== "1,1") throw new Error("unexpected");
 * ```
 */
export function trs<B extends Vector | GEMatrix>(f: Factorization, b: B): Later<Home<B>, B> {
  ready("trs", f, b);
  return trs_(f, copy(b as Vector) as B);
}

/**
 * Solves A X = B in place (LAPACK's gesv, sysv, gbsv, ppsv, pbsv, gtsv; Neanderthal's `sv!`): a
 * general a is factored in place by LU; a symmetric `sy` by Bunch–Kaufman, a banded `gb` by
 * banded LU, a positive definite packed `sp` or banded `sb` by Cholesky, each in a copy (a
 * untouched; an `sp` or `sb` that is not positive definite is a KnapError); a tridiagonal `gt`,
 * `dt` or `st` in O(n) with partial pivoting (a untouched); a triangular or diagonal one solved
 * directly. b becomes the solution. Returns b.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray, vctr } from "@knap/knap";
 * import { sv_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [1, 3, 2, 4]); // [[1, 2], [3, 4]]
 * using b = vctr(jsDouble, [5, 11]);
 * sv_(a, b);
 * if (toArray(b).join() !== "1,2") throw new Error("unexpected");
 * ```
 */
export function sv_<B extends Vector | GEMatrix>(
  a: GEMatrix | StructuredMatrix,
  b: B,
): Later<Home<B>, B> {
  type L = Home<B>;
  if (isStructured(a)) {
    if (isTriangular(a.kind) || a.kind === "gd") return svStructured(a, b) as Later<L, B>;
    if (a.kind === "gt" || a.kind === "dt" || a.kind === "st") return tridiagonal(a, b);
    // sy by Bunch–Kaufman, gb by banded LU, sp and sb by Cholesky: each factored in a copy.
    const f = trf(a);
    if (f instanceof Promise) {
      return f.then(async (g) => {
        try {
          return await trs_(g, b);
        } finally {
          g[Symbol.dispose]();
        }
      }) as Later<L, B>;
    }
    try {
      return trs_(f as StructuredFactors, b);
    } finally {
      (f as StructuredFactors)[Symbol.dispose]();
    }
  }
  const f = trf_(a);
  if (f instanceof Promise) {
    return f.then(async (lu) => {
      try {
        return await trs_(lu, b);
      } finally {
        lu[Symbol.dispose]();
      }
    }) as Later<L, B>;
  }
  try {
    return trs_(f, b);
  } finally {
    f[Symbol.dispose]();
  }
}

/** A tridiagonal solve on the host, a device's a and b brought there and b written back. */
function tridiagonal<B extends Vector | GEMatrix>(a: StructuredMatrix, b: B): Later<Home<B>, B> {
  live("sv_", b, "b");
  numeric("sv_", b);
  if (b.rows !== a.n) {
    throw new RangeError(`sv_: a is ${a.n}×${a.n}, b has ${b.rows} rows`);
  }
  if (a.factory !== b.factory) {
    throw new TypeError(`sv_: a is on ${a.factory.name}, b on ${b.factory.name}`);
  }
  if (a.factory.location === "host") {
    tridiagonalSolve("sv_", a, b);
    return b as Later<Home<B>, B>;
  }
  return (async () => {
    const f = lapackHost(a.factory.dtype);
    // A row-layout matrix (a transposed view) is read into the transposed view of a host one.
    using h0 = sameKind(f, a);
    const h = a.layout === "row" ? trans(h0) : h0;
    await transfer_(a, h);
    const hb = await transfer(f, b as GEMatrix);
    try {
      tridiagonalSolve("sv_", h, hb);
      transfer_(hb, b as GEMatrix);
    } finally {
      hb[Symbol.dispose]();
    }
    return b;
  })() as Later<Home<B>, B>;
}

/** An empty host matrix of a's tridiagonal kind and order, in column layout. */
function sameKind(f: Factory<"host">, a: StructuredMatrix): StructuredMatrix<"host"> {
  const make = a.kind === "gt" ? gt : a.kind === "dt" ? dt : st;
  return make(f, a.n) as StructuredMatrix<"host">;
}

/**
 * A new solution of A X = B, a and b untouched.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray, vctr } from "@knap/knap";
 * import { sv } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [1, 3, 2, 4]);
 * using b = vctr(jsDouble, [5, 11]);
 * using x = sv(a, b);
 * if (toArray(x).join() !== "1,2" || toArray(b).join() !== "5,11") throw new Error("unexpected");
 * ```
 */
export function sv<B extends Vector | GEMatrix>(
  a: GEMatrix | StructuredMatrix,
  b: B,
): Later<Home<B>, B> {
  type L = Home<B>;
  live("sv", b, "b");
  const x = copy(b as Vector) as B;
  if (isStructured(a)) return sv_(a, x);
  const c = copy(a as GEMatrix) as GEMatrix<L>;
  const r = sv_(c, x);
  if (r instanceof Promise) return r.finally(() => c[Symbol.dispose]()) as Later<L, B>;
  c[Symbol.dispose]();
  return r;
}

/**
 * The determinant of the factored matrix: ±Π U(i, i) for an LU (0 for a singular one),
 * (Π L(i, i))² for a Cholesky factor.
 *
 * @example
 * ```ts
 * import { ge, jsDouble } from "@knap/knap";
 * import { det, trf } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 3, 3, [2, 0, 0, 0, 3, 0, 0, 0, 4]);
 * using lu = trf(a);
 * if (det(lu) !== 24) throw new Error("unexpected");
 * ```
 */
export function det(f: Factorization): number {
  f.check("det");
  if (f instanceof StructuredFactors) {
    if (!f.square) throw new RangeError("det: the factored matrix is not square");
    return f.determinant();
  }
  const { factors: x } = f, buf = x.storage.buffer as HostArray, n = Math.min(x.rows, x.cols);
  if (x.rows !== x.cols) throw new RangeError(`det: the matrix is ${x.rows}×${x.cols}`);
  let d = 1;
  for (let i = 0; i < n; i++) d *= buf[x.offset + i * (x.rowStride + x.colStride)];
  if (f instanceof Cholesky) return d * d;
  let swaps = 0;
  for (let i = 0; i < n; i++) if (f.ipiv[i] !== i) swaps++;
  return swaps % 2 === 0 ? d : -d;
}

/**
 * A new inverse of the factored matrix (LAPACK's getri, potri; Neanderthal's `tri`), on the
 * factory of the matrix that was factored. A singular LU is a KnapError.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { trf, tri } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [2, 0, 0, 4]);
 * using lu = trf(a);
 * using inv = tri(lu);
 * if (toArray(inv).join() !== "0.5,0,0,0.25") throw new Error("unexpected");
 * ```
 */
export function tri<L extends Loc>(f: Factorization<L>): Later<L, GEMatrix<L>> {
  ready("tri", f);
  const n = f.n;
  const host = (f.home.location === "host" ? f.home : lapackHost(f.dtype)) as Factory<"host">;
  const inv = ge(host, n, n);
  const buf = inv.storage.buffer as HostArray;
  for (let i = 0; i < n; i++) buf[inv.offset + i + i * n] = 1;
  solveHost(f, inv, false);
  if (f.home.location === "host") return inv as Later<L, GEMatrix<L>>;
  const out = ge(f.home, n, n);
  transfer_(inv, out);
  inv[Symbol.dispose]();
  return Promise.resolve(out) as Later<L, GEMatrix<L>>;
}

/**
 * An estimate of the reciprocal condition number 1/(‖A‖·‖A⁻¹‖) in the 1-norm (`"1"`) or the
 * ∞-norm (`"inf"`), as LAPACK's gecon and pocon give it and Neanderthal's `con` takes it:
 * `anorm` is ‖A‖ in that norm, of the matrix before it was factored (`nrm1(a)` or `nrmi(a)`,
 * taken before `trf_` overwrites a); ‖A⁻¹‖ comes from Hager's and Higham's estimator, a few
 * solves, so O(n²) after the factorization. 0 for a singular matrix; near machine epsilon, the
 * matrix is numerically singular.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, nrm1 } from "@knap/knap";
 * import { con, trf } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [1, 0, 0, 1e-8]);
 * using lu = trf(a);
 * if (Math.abs(con(lu, nrm1(a)) - 1e-8) > 1e-20) throw new Error("unexpected");
 * ```
 */
export function con(f: Factorization, anorm: number, norm: "1" | "inf" = "1"): number {
  f.check("con");
  if (typeof anorm !== "number" || !(anorm >= 0)) {
    throw new RangeError(`con: anorm must be ‖A‖ (a number ≥ 0), got ${String(anorm)}`);
  }
  if (norm !== "1" && norm !== "inf") {
    throw new RangeError(`con: the norm is "1" or "inf", got ${String(norm)}`);
  }
  if ((f instanceof LU || f instanceof StructuredFactors) && f.singular >= 0) return 0;
  const n = f.n;
  if (n === 0) return Infinity;
  if (anorm === 0) return 0;
  if (!Number.isFinite(anorm)) return NaN;
  // ‖A⁻¹‖₁ from solves with A, ‖A⁻¹‖∞ = ‖A⁻ᵀ‖₁ from solves with Aᵀ.
  const inverseNorm = oneNormEstimate(n, f, norm === "inf");
  return 1 / anorm / inverseNorm;
}

/** Σ |vᵢ|. */
function l1(v: HostArray): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.abs(v[i]);
  return s;
}

/** Hager's estimate of ‖A⁻¹‖₁ (of A⁻ᵀ when `transpose`), with Higham's alternating check. */
function oneNormEstimate(n: number, f: Factorization, transpose: boolean): number {
  const v: HostArray = f.dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
  const op: Operand = {
    storage: { buffer: v, length: n, released: false },
    offset: 0,
    rows: n,
    cols: 1,
    rowStride: 1,
    colStride: n,
  };
  const solve = (t: boolean) => solveHost(f, op, t);
  v.fill(1 / n);
  let est = 0, last = -1;
  for (let it = 0; it < 5; it++) {
    solve(transpose);
    est = l1(v);
    for (let i = 0; i < n; i++) v[i] = v[i] >= 0 ? 1 : -1;
    solve(!transpose);
    let j = 0;
    for (let i = 1; i < n; i++) if (Math.abs(v[i]) > Math.abs(v[j])) j = i;
    if (j === last) break;
    last = j;
    v.fill(0);
    v[j] = 1;
  }
  for (let i = 0; i < n; i++) v[i] = (i % 2 === 0 ? 1 : -1) * (1 + i / Math.max(n - 1, 1));
  solve(transpose);
  const alt = (2 * l1(v)) / (3 * n);
  return Math.max(est, alt);
}

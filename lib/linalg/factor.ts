/**
 * trf_, trf, ptrf_ and ptrf: LU and Cholesky factorizations on any engine. Host matrices are
 * factored by their engine's LAPACK in their own memory (a row-major one as its transpose); a
 * device's are copied to the host (native where it loads), factored there, and the factors
 * written back — one transfer each way, documented rather than hidden.
 *
 * @module
 */

import type { Operand } from "../core/engine.ts";
import type { GEMatrix } from "../core/structures.ts";
import type { Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import { live, numeric } from "../core/checks.ts";
import { ge } from "../core/construct.ts";
import { KnapError } from "../core/errors.ts";
import {
  describe,
  isStructured,
  liveStructured,
  type StructuredMatrix,
  sy,
} from "../core/structured.ts";
import { factorStructured, type StructuredFactors } from "./structured_factor.ts";
import { isColumnMajor, lapackHost, lapackOf, symmetricOperand } from "./host.ts";
import { type Later, transfer, transfer_ } from "../access.ts";
import { copy } from "../blas.ts";
import { Cholesky, LU } from "./factors.ts";

/** a as a column-major operand: itself, or its transpose (then `transposed`). */
export function columnMajor(a: Operand): { op: Operand; transposed: boolean } | undefined {
  if (isColumnMajor(a)) return { op: a, transposed: false };
  if (a.colStride === 1 || a.cols <= 1) {
    return {
      op: { ...a, rows: a.cols, cols: a.rows, rowStride: 1, colStride: a.rowStride },
      transposed: true,
    };
  }
  return undefined;
}

/** LU of a host matrix in its own memory (a strided one through a column-major copy). */
function luHost(op: string, a: GEMatrix<"host">, home: Factory, owned: boolean): LU {
  const lapack = lapackOf(op, a.factory);
  let cm = columnMajor(a), held: GEMatrix | undefined = owned ? a : undefined;
  if (cm === undefined) {
    // Neither layout: a column-major copy is factored, and the factors copied back.
    held = copy(a);
    cm = { op: held, transposed: false };
  }
  const ipiv = new Int32Array(Math.min(cm.op.rows, cm.op.cols));
  const info = lapack.getrf(cm.op, ipiv);
  if (held !== undefined && held !== a) a.factory.engine.blas.copy(held, a);
  return new LU({
    factors: cm.op,
    transposed: cm.transposed,
    lapack,
    owned: held,
    home,
    ipiv,
    info,
  });
}

/**
 * Factors a in place as P·L·U with partial pivoting (LAPACK's getrf, Neanderthal's `trf!`): a
 * then holds L below its diagonal and U on and above it. Returns the factorization, whose
 * `singular` names an exactly zero pivot (a singular a factors; solving with it is an error).
 * A device matrix is factored on the host and its factors written back: a Promise.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, vctr, toArray } from "@knap/knap";
 * import { det, trf_, trs_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [4, 2, 3, 1]); // [[4, 3], [2, 1]]
 * using lu = trf_(a);
 * using b = vctr(jsDouble, [10, 4]);
 * trs_(lu, b);
 * if (toArray(b).join() !== "1,2" || det(lu) !== -2) throw new Error("unexpected");
 * ```
 */
export function trf_<L extends Loc>(a: GEMatrix<L>): Later<L, LU<L>>;
/**
 * Factors a structured matrix in its own storage: a `gb` by banded LU (gbtrf; its factors in a
 * band copy with the kl rows of room gbtrf fills, a left as it was), a `gt` or `dt` by tridiagonal
 * LU (gttrf), a symmetric indefinite `sy` by Bunch–Kaufman (sytrf), a positive definite `sp`,
 * `sb` or `st` by Cholesky (pptrf, pbtrf, pttrf). A device matrix is factored on the host and
 * the factors written back: a Promise.
 *
 * @example A symmetric indefinite system
 * ```ts
 * import { jsDouble, sy, toArray, vctr } from "@knap/knap";
 * import { det, trf_, trs_ } from "@knap/knap/linalg";
 * using a = sy(jsDouble, 2, [0, 1, 0]); // [[0, 1], [1, 0]]: one 2×2 pivot
 * using f = trf_(a);
 * using b = vctr(jsDouble, [2, 3]);
 * trs_(f, b);
 * if (toArray(b).join() !== "3,2" || det(f) !== -1) throw new Error("unexpected");
 * ```
 */
export function trf_<L extends Loc>(a: StructuredMatrix<L>): Later<L, StructuredFactors<L>>;
export function trf_<L extends Loc>(
  a: GEMatrix<L> | StructuredMatrix<L>,
): Later<L, LU<L>> | Later<L, StructuredFactors<L>> {
  if (isStructured(a)) return factorStructured("trf_", a, true, !generalKinds.has(a.kind));
  live("trf_", a, "a");
  numeric("trf_", a);
  if (a.factory.location === "host") {
    return luHost("trf_", a as GEMatrix<"host">, a.factory, false) as Later<L, LU<L>>;
  }
  return (async () => {
    const h = await transfer(lapackHost(a.factory.dtype), a as GEMatrix);
    const lu = luHost("trf_", h, a.factory, true);
    transfer_(h, a as GEMatrix);
    return lu;
  })() as Later<L, LU<L>>;
}

/**
 * A new LU factorization of a, a untouched (its factors in a copy the factorization owns and
 * releases with itself).
 *
 * @example
 * ```ts
 * import { ge, jsDouble } from "@knap/knap";
 * import { det, trf } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [1, 2, 3, 4]);
 * using lu = trf(a);
 * if (Math.abs(det(lu) + 2) > 1e-15) throw new Error("unexpected");
 * ```
 */
export function trf<L extends Loc>(a: GEMatrix<L>): Later<L, LU<L>>;
/**
 * A new factorization of a structured matrix, as `trf_` makes it, a untouched.
 *
 * @example A banded system
 * ```ts
 * import { gb, jsDouble, toArray, vctr } from "@knap/knap";
 * import { trf, trs } from "@knap/knap/linalg";
 * using a = gb(jsDouble, 2, 2, 1, 0, [2, 1, 4]); // [[2, 0], [1, 4]]
 * using lu = trf(a);
 * using b = vctr(jsDouble, [2, 5]);
 * using x = trs(lu, b);
 * if (toArray(x).join() !== "1,1") throw new Error("unexpected");
 * ```
 */
export function trf<L extends Loc>(a: StructuredMatrix<L>): Later<L, StructuredFactors<L>>;
export function trf<L extends Loc>(
  a: GEMatrix<L> | StructuredMatrix<L>,
): Later<L, LU<L>> | Later<L, StructuredFactors<L>> {
  if (isStructured(a)) return factorStructured("trf", a, false, !generalKinds.has(a.kind));
  live("trf", a, "a");
  numeric("trf", a);
  if (a.factory.location === "host") {
    const c = ge(a.factory, a.m, a.n);
    a.factory.engine.blas.copy(a, c);
    return luHost("trf", c as GEMatrix<"host">, a.factory, true) as Later<L, LU<L>>;
  }
  return (async () => {
    const h = await transfer(lapackHost(a.factory.dtype), a as GEMatrix);
    return luHost("trf", h, a.factory, true);
  })() as Later<L, LU<L>>;
}

/** Cholesky of a host sy in its own memory; throws when it is not positive definite. */
function choleskyHost(
  op: string,
  a: StructuredMatrix,
  home: Factory,
  owned?: Disposable,
): Cholesky {
  const lapack = lapackOf(op, a.factory);
  const { op: f, upper } = symmetricOperand(a as StructuredMatrix<"host">);
  const info = lapack.potrf(f, upper);
  if (info > 0) {
    owned?.[Symbol.dispose]();
    throw new KnapError(
      `${op}: the ${a.n}×${a.n} matrix is not positive definite (its leading minor of order ` +
        `${info} is not)`,
      "not-positive-definite",
    );
  }
  return new Cholesky({
    factors: f,
    transposed: false,
    lapack,
    owned,
    home,
    upper,
  });
}

/** The kinds `trf` factors by LU or Bunch–Kaufman rather than Cholesky. */
const generalKinds = new Set<string>(["gb", "gt", "dt", "sy", "tr", "tb", "tp", "gd"]);

/** Whether a kind other than sy factors by Cholesky, or a TypeError naming what it is. */
function cholesky(kind: string, op: string): boolean {
  if (kind === "sp" || kind === "sb" || kind === "st") return true;
  throw new TypeError(
    `${op}: a Cholesky factorization of a ${kind}: it takes a symmetric sy, sp, sb or st`,
  );
}

/** Throws unless a is a live `sy`. */
function symmetric(op: string, a: unknown): asserts a is StructuredMatrix {
  liveStructured(op, a, "a");
  if (a.kind !== "sy") {
    throw new TypeError(
      `${op}: a Cholesky factorization of a ${describe(a)}: it takes a symmetric sy`,
    );
  }
}

/**
 * Factors a positive definite `sy` in place as L·Lᵀ or Uᵀ·U, on its stored triangle (LAPACK's
 * potrf, Neanderthal's `ptrf!`). A matrix that is not positive definite is a KnapError naming
 * the leading minor that fails. A device matrix is factored on the host: a Promise.
 *
 * @example
 * ```ts
 * import { jsDouble, sy, toArray, vctr } from "@knap/knap";
 * import { ptrf_, trs_ } from "@knap/knap/linalg";
 * using a = sy(jsDouble, 2, [4, 2, 2], { uplo: "lower" }); // [[4, 2], [2, 2]]
 * using c = ptrf_(a);
 * using b = vctr(jsDouble, [6, 4]);
 * trs_(c, b);
 * if (toArray(b).join() !== "1,1") throw new Error("unexpected");
 * ```
 */
export function ptrf_<L extends Loc>(
  a: StructuredMatrix<L>,
): Later<L, Cholesky<L>> | Later<L, StructuredFactors<L>> {
  if (isStructured(a) && a.kind !== "sy" && cholesky(a.kind, "ptrf_")) {
    return factorStructured("ptrf_", a, true, true);
  }
  symmetric("ptrf_", a);
  if (a.factory.location === "host") {
    return choleskyHost("ptrf_", a, a.factory) as Later<L, Cholesky<L>>;
  }
  return (async () => {
    const h = symmetricLike(lapackHost(a.factory.dtype), a);
    await transfer_(a as StructuredMatrix, h);
    const c = choleskyHost("ptrf_", h, a.factory, h);
    transfer_(h, a as StructuredMatrix);
    return c;
  })() as Later<L, Cholesky<L>>;
}

/**
 * A new Cholesky factorization of a positive definite `sy`, a untouched.
 *
 * @example
 * ```ts
 * import { jsDouble, sy } from "@knap/knap";
 * import { det, ptrf } from "@knap/knap/linalg";
 * using a = sy(jsDouble, 2, [4, 2, 2], { uplo: "lower" });
 * using c = ptrf(a);
 * if (Math.abs(det(c) - 4) > 1e-14) throw new Error("unexpected");
 * ```
 */
export function ptrf<L extends Loc>(
  a: StructuredMatrix<L>,
): Later<L, Cholesky<L>> | Later<L, StructuredFactors<L>> {
  if (isStructured(a) && a.kind !== "sy" && cholesky(a.kind, "ptrf")) {
    return factorStructured("ptrf", a, false, true);
  }
  symmetric("ptrf", a);
  const host = (a.factory.location === "host" ? a.factory : lapackHost(a.factory.dtype)) as Factory<
    "host"
  >;
  const h = symmetricLike(host, a);
  // The copy is the factorization's, released with it (choleskyHost releases it on failure).
  const done = () => choleskyHost("ptrf", h, a.factory, h);
  if (a.factory.location === "host") {
    transfer_(a as StructuredMatrix<"host">, h);
    return done() as Later<L, Cholesky<L>>;
  }
  return (async () => {
    await transfer_(a as StructuredMatrix, h);
    return done();
  })() as Later<L, Cholesky<L>>;
}

/** An empty sy of a's order, triangle and layout on a host factory. */
function symmetricLike(f: Factory<"host">, a: StructuredMatrix): StructuredMatrix<"host"> {
  return sy(f, a.n, undefined, { uplo: a.uplo, layout: a.layout }) as StructuredMatrix<"host">;
}

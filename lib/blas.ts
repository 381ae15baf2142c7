/**
 * The functional BLAS API. Each function checks its arguments once and calls one engine
 * method. Names ending in `_` overwrite their output argument and return it, allocating
 * nothing; their twins without `_` allocate the result. Argument order follows Neanderthal.
 *
 * @module
 */

import type { GEMatrix, Structure, Vector } from "./core/structures.ts";
import { isStructured, type StructuredMatrix } from "./core/structured.ts";
import {
  amaxStructured,
  asumStructured,
  axpbyStructured,
  cloneStructured,
  copyStructured,
  dotStructured,
  largest,
  lineNormStructured,
  nrm2Structured,
  scalStructured,
  sumStructured,
  swapStructured,
} from "./structured/level1.ts";
import { mmStructured, mvStructured } from "./structured/products.ts";
import { rkSymmetric } from "./structured/rank.ts";
import { combine } from "./structured/pieces.ts";
import {
  compatible,
  live,
  liveMatrix,
  liveVector,
  numeric,
  productFactories,
  sameFactory,
  scalar,
  shapeOf,
} from "./core/checks.ts";
import { alike, ge, vctr } from "./core/construct.ts";
import { overlap, readable, release } from "./core/overlap.ts";
import { col, row, subvector } from "./core/views.ts";
import { settle } from "./core/settle.ts";
import type { DType, Loc, Scalar } from "./core/types.ts";

/**
 * A new structure of x's factory and shape, filled with zeros (dense, x's layout).
 *
 * @example
 * ```ts
 * import { dge, zero } from "@knap/knap";
 * using a = dge(2, 3, [1, 2, 3, 4, 5, 6]);
 * using z = zero(a);
 * if (z.m !== 2 || z.n !== 3 || [...z].some((v) => v !== 0)) throw new Error("unexpected");
 * ```
 */
export function zero<L extends Loc, D extends DType = DType>(x: Vector<L, D>): Vector<L, D>;
/** A new zero matrix of the shape, layout and factory of x. */
export function zero<L extends Loc, D extends DType = DType>(x: GEMatrix<L, D>): GEMatrix<L, D>;
export function zero(x: Structure): Structure {
  live("zero", x, "x");
  return alike(x);
}

/** out ← β·out: the whole of αAB + βC when α = 0, which reads neither A nor B (as BLAS). */
function scaleBy(beta: number, out: Structure): void {
  if (beta === 0) out.factory.engine.blas.fill(out, 0);
  else if (beta !== 1) out.factory.engine.blas.scal(beta, out);
}

/**
 * x · y: the sum of the products of corresponding entries (vectors, or matrices of one shape).
 *
 * @example
 * ```ts
 * import { dot, dv } from "@knap/knap";
 * using x = dv(1, 2, 3);
 * if (dot(x, x) !== 14) throw new Error("unexpected");
 * ```
 */
export function dot<L extends Loc>(
  x: Structure<L> | StructuredMatrix<L>,
  y: Structure<L> | StructuredMatrix<L>,
): Scalar<L> {
  if (isStructured(x)) return settle("dot", dotStructured(x, structuredArg("dot", y))) as Scalar<L>;
  live("dot", x, "x");
  numeric("dot", x);
  compatible("dot", x, y);
  return settle("dot", x.factory.engine.blas.dot(x, y)) as Scalar<L>;
}

/**
 * The sum of the entries.
 *
 * @example
 * ```ts
 * import { dv, sum } from "@knap/knap";
 * using x = dv(1, -2, 3);
 * if (sum(x) !== 2) throw new Error("unexpected");
 * ```
 */
export function sum<L extends Loc>(x: Structure<L> | StructuredMatrix<L>): Scalar<L> {
  if (isStructured(x)) return settle("sum", sumStructured(x)) as Scalar<L>;
  live("sum", x, "x");
  numeric("sum", x);
  return settle("sum", x.factory.engine.blas.sum(x)) as Scalar<L>;
}

/**
 * The sum of absolute values of the entries.
 *
 * @example
 * ```ts
 * import { asum, dv } from "@knap/knap";
 * using x = dv(1, -2, 3);
 * if (asum(x) !== 6) throw new Error("unexpected");
 * ```
 */
export function asum<L extends Loc>(x: Structure<L> | StructuredMatrix<L>): Scalar<L> {
  if (isStructured(x)) return settle("asum", asumStructured(x)) as Scalar<L>;
  live("asum", x, "x");
  numeric("asum", x);
  return settle("asum", x.factory.engine.blas.asum(x)) as Scalar<L>;
}

/**
 * The Euclidean norm of a vector, the Frobenius norm of a matrix.
 *
 * @example
 * ```ts
 * import { dv, nrm2 } from "@knap/knap";
 * using x = dv(3, 4);
 * if (nrm2(x) !== 5) throw new Error("unexpected");
 * ```
 */
export function nrm2<L extends Loc>(x: Structure<L> | StructuredMatrix<L>): Scalar<L> {
  if (isStructured(x)) return settle("nrm2", nrm2Structured(x)) as Scalar<L>;
  live("nrm2", x, "x");
  numeric("nrm2", x);
  return settle("nrm2", x.factory.engine.blas.nrm2(x)) as Scalar<L>;
}

/**
 * The 1-norm: Σ|xᵢ| for a vector, the largest column sum of |aᵢⱼ| for a matrix.
 *
 * @example
 * ```ts
 * import { dge, nrm1 } from "@knap/knap";
 * using a = dge(2, 2, [1, -2, 3, 4]);
 * if (nrm1(a) !== 7) throw new Error("unexpected");
 * ```
 */
export function nrm1<L extends Loc>(x: Structure<L> | StructuredMatrix<L>): Scalar<L> {
  if (isStructured(x)) return settle("nrm1", lineNormStructured("nrm1", x)) as Scalar<L>;
  live("nrm1", x, "x");
  numeric("nrm1", x);
  return settle("nrm1", x.factory.engine.blas.nrm1(x)) as Scalar<L>;
}

/**
 * The ∞-norm: max |xᵢ| for a vector, the largest row sum of |aᵢⱼ| for a matrix.
 *
 * @example
 * ```ts
 * import { dv, nrmi } from "@knap/knap";
 * using x = dv(1, -5, 3);
 * if (nrmi(x) !== 5) throw new Error("unexpected");
 * ```
 */
export function nrmi<L extends Loc>(x: Structure<L> | StructuredMatrix<L>): Scalar<L> {
  if (isStructured(x)) return settle("nrmi", lineNormStructured("nrmi", x)) as Scalar<L>;
  live("nrmi", x, "x");
  numeric("nrmi", x);
  return settle("nrmi", x.factory.engine.blas.nrmi(x)) as Scalar<L>;
}

/**
 * The largest magnitude of any entry (NaN where one is NaN): Neanderthal's `amax`, for vectors,
 * matrices and structured matrices (a unit diagonal's ones and a symmetric kind's mirror count).
 *
 * @example
 * ```ts
 * import { amax, dge, jsDouble, tr } from "@knap/knap";
 * using a = dge(2, 2, [1, -5, 3, 2]);
 * using u = tr(jsDouble, 2, [0.5, -0.25, 0.5], { diag: "non-unit" });
 * if (amax(a) !== 5 || amax(u) !== 0.5) throw new Error("unexpected");
 * ```
 */
export function amax<L extends Loc>(x: Structure<L> | StructuredMatrix<L>): Scalar<L> {
  if (isStructured(x)) return settle("amax", amaxStructured(x)) as Scalar<L>;
  live("amax", x, "x");
  numeric("amax", x);
  const blas = x.factory.engine.blas;
  // A gapless matrix is one vector of its entries; a view with gaps goes line by line.
  const n = x.rows * x.cols;
  const r = "dim" in x ? blas.nrmi(x) : x.ld === (x.layout === "column" ? x.m : x.n)
    ? blas.nrmi({
      storage: x.storage,
      offset: x.offset,
      rows: n,
      cols: 1,
      rowStride: 1,
      colStride: n,
    })
    : combine(lines(x).map((v) => blas.nrmi(v)), (v) => largest(v, 0));
  return settle("amax", r) as Scalar<L>;
}

/** The major lines of a matrix: its columns in column layout, its rows in row layout. */
function lines(a: GEMatrix): Vector[] {
  return Array.from(
    { length: a.layout === "column" ? a.n : a.m },
    (_, k) => a.layout === "column" ? col(a, k) : row(a, k),
  );
}

/** The second argument of an op whose first is a structured matrix: one too. */
function structuredArg(op: string, y: unknown): StructuredMatrix {
  if (!isStructured(y)) {
    throw new TypeError(
      `${op}: x is a structured matrix and y is not; BLAS defines this op between matrices of one structure`,
    );
  }
  return y;
}

function nonEmpty(op: string, x: Vector): void {
  if (x.dim === 0) throw new RangeError(`${op}: vector(0) has no entries`);
}

/**
 * The index of the first entry of largest absolute value.
 *
 * @example
 * ```ts
 * import { dv, iamax } from "@knap/knap";
 * using x = dv(1, -5, 5);
 * if (iamax(x) !== 1) throw new Error("unexpected");
 * ```
 */
export function iamax<L extends Loc>(x: Vector<L>): Scalar<L> {
  liveVector("iamax", x);
  numeric("iamax", x);
  nonEmpty("iamax", x);
  return settle("iamax", x.factory.engine.blas.iamax(x)) as Scalar<L>;
}

/**
 * The index of the first entry of smallest absolute value.
 *
 * @example
 * ```ts
 * import { dv, iamin } from "@knap/knap";
 * using x = dv(3, -1, 1);
 * if (iamin(x) !== 1) throw new Error("unexpected");
 * ```
 */
export function iamin<L extends Loc>(x: Vector<L>): Scalar<L> {
  liveVector("iamin", x);
  numeric("iamin", x);
  nonEmpty("iamin", x);
  return settle("iamin", x.factory.engine.blas.iamin(x)) as Scalar<L>;
}

/**
 * The index of the first largest entry (signed: −5 is smaller than 1), or of the first NaN —
 * Neanderthal's `imax`.
 *
 * @example
 * ```ts
 * import { dv, imax } from "@knap/knap";
 * using x = dv(1, -5, 3);
 * if (imax(x) !== 2) throw new Error("unexpected");
 * ```
 */
export function imax<L extends Loc>(x: Vector<L>): Scalar<L> {
  liveVector("imax", x);
  numeric("imax", x);
  nonEmpty("imax", x);
  return settle("imax", x.factory.engine.blas.imax(x)) as Scalar<L>;
}

/**
 * The index of the first smallest entry (signed), or of the first NaN — Neanderthal's `imin`.
 *
 * @example
 * ```ts
 * import { dv, imin } from "@knap/knap";
 * using x = dv(1, -5, 3);
 * if (imin(x) !== 1) throw new Error("unexpected");
 * ```
 */
export function imin<L extends Loc>(x: Vector<L>): Scalar<L> {
  liveVector("imin", x);
  numeric("imin", x);
  nonEmpty("imin", x);
  return settle("imin", x.factory.engine.blas.imin(x)) as Scalar<L>;
}

/**
 * Swaps the entries of x and y; returns x.
 *
 * @example
 * ```ts
 * import { dv, swp_, toArray } from "@knap/knap";
 * using x = dv(1, 2);
 * using y = dv(3, 4);
 * swp_(x, y);
 * if (toArray(x).join() !== "3,4") throw new Error("unexpected");
 * ```
 */
export function swp_<S extends Structure | StructuredMatrix>(x: S, y: S): S {
  if (isStructured(x)) return swapStructured(x, structuredArg("swp_", y)) as S;
  live("swp_", x, "x");
  compatible("swp_", x, y);
  const o = overlap(x, y);
  if (o === "partial") {
    throw new RangeError(
      `swp_: x (${shapeOf(x)}) and y (${shapeOf(y)}) share some of their memory; a swap of ` +
        "overlapping views has no answer",
    );
  }
  if (o === "none") x.factory.engine.blas.swap(x, y);
  return x;
}

/**
 * Copies x's entries into y; returns y. `copy_(x, y, offsetX, length, offsetY)` copies the
 * `length` entries of vector x from `offsetX` into vector y from `offsetY`, as Neanderthal's
 * five-argument `copy!`.
 *
 * @example
 * ```ts
 * import { copy_, dv, toArray } from "@knap/knap";
 * using x = dv(1, 2);
 * using y = dv(2);
 * if (copy_(x, y) !== y || toArray(y).join() !== "1,2") throw new Error("unexpected");
 * using z = dv(0, 0, 0);
 * if (toArray(copy_(x, z, 1, 1, 2)).join() !== "0,0,2") throw new Error("unexpected");
 * ```
 */
export function copy_<S extends Structure>(x: Structure, y: S): S;
/** y ← x over the stored entries of two structured matrices of one structure. */
export function copy_<S extends StructuredMatrix>(x: StructuredMatrix, y: S): S;
/** The form `copy_(x, y, offsetX, length, offsetY)` for vectors; see the first signature. */
export function copy_<L extends Loc, D extends DType = DType>(
  x: Vector,
  y: Vector<L, D>,
  offsetX: number,
  length: number,
  offsetY: number,
): Vector<L, D>;
export function copy_(
  x: Structure | StructuredMatrix,
  y: Structure | StructuredMatrix,
  ...range: number[]
): Structure | StructuredMatrix {
  if (isStructured(x)) return copyStructured(x, structuredArg("copy_", y));
  if (range.length > 0) {
    if (range.length !== 3) badArity("copy_", 2 + range.length, "2 or 5");
    liveVector("copy_", x, "x");
    liveVector("copy_", y, "y");
    copy_(subvector(x, range[0], range[1]), subvector(y, range[2], range[1]));
    return y;
  }
  live("copy_", x, "x");
  live("copy_", y, "y");
  compatible("copy_", x, y);
  if (overlap(x, y) === "same") return y;
  const from = readable(y, x);
  x.factory.engine.blas.copy(from, y);
  release(x, from);
  return y;
}

/**
 * A new dense copy of x on x's factory (a matrix keeps its layout).
 *
 * @example
 * ```ts
 * import { copy, dv, entry, entry_ } from "@knap/knap";
 * using x = dv(1, 2);
 * using y = copy(x);
 * entry_(y, 0, 9);
 * if (entry(x, 0) !== 1) throw new Error("a copy shares nothing");
 * ```
 */
export function copy<L extends Loc, D extends DType = DType>(x: Vector<L, D>): Vector<L, D>;
/** A new dense copy of a matrix, in its layout. */
export function copy<L extends Loc, D extends DType = DType>(x: GEMatrix<L, D>): GEMatrix<L, D>;
/** A new structured matrix of x's structure holding x's stored entries. */
export function copy<L extends Loc, D extends DType = DType>(
  x: StructuredMatrix<L, D>,
): StructuredMatrix<L, D>;
export function copy(x: Structure | StructuredMatrix): Structure | StructuredMatrix {
  if (isStructured(x)) return cloneStructured(x);
  live("copy", x, "x");
  const y = alike(x);
  x.factory.engine.blas.copy(x, y);
  return y;
}

/**
 * x ← αx; returns x.
 *
 * @example
 * ```ts
 * import { dv, scal_, toArray } from "@knap/knap";
 * using x = dv(1, 2);
 * if (toArray(scal_(2, x)).join() !== "2,4") throw new Error("unexpected");
 * ```
 */
export function scal_<S extends Structure | StructuredMatrix>(alpha: number, x: S): S {
  if (isStructured(x)) return scalStructured(alpha, x) as S;
  scalar("scal_", alpha, "alpha");
  live("scal_", x, "x");
  numeric("scal_", x);
  x.factory.engine.blas.scal(alpha, x);
  return x;
}

/**
 * A new structure αx.
 *
 * @example
 * ```ts
 * import { dv, scal, toArray } from "@knap/knap";
 * using x = dv(1, 2);
 * using y = scal(3, x);
 * if (toArray(y).join() !== "3,6") throw new Error("unexpected");
 * ```
 */
export function scal<S extends Structure>(alpha: number, x: S): S {
  scalar("scal", alpha, "alpha");
  live("scal", x, "x");
  numeric("scal", x);
  const y = alike(x) as S;
  x.factory.engine.blas.axpby(alpha, x, 0, y);
  return y;
}

/**
 * y ← αx + y; returns y. `axpy_(x, y)` is y ← x + y.
 *
 * @example The book's bias subtraction
 * ```ts
 * import { axpy_, dv, toArray } from "@knap/knap";
 * using h = dv(0.63, 1.83);
 * using b = dv(0.7, 0.2);
 * axpy_(-1, b, h);
 * if (Math.abs(toArray(h)[1] - 1.63) > 1e-12) throw new Error("unexpected");
 * ```
 */
export function axpy_<S extends Structure>(alpha: number, x: Structure, y: S): S;
/** The form `axpy_(x, y)`; see the first signature. */
export function axpy_<S extends Structure>(x: Structure, y: S): S;
/** y ← αx + y over the stored entries of two structured matrices of one structure. */
export function axpy_<S extends StructuredMatrix>(alpha: number, x: StructuredMatrix, y: S): S;
/** y ← x + y over the stored entries of two structured matrices of one structure. */
export function axpy_<S extends StructuredMatrix>(x: StructuredMatrix, y: S): S;
export function axpy_(
  ...args: [number, Structure, Structure] | [Structure, Structure] | unknown[]
): Structure | StructuredMatrix {
  const [alpha, x, y] = (args.length === 3 ? args : [1, args[0], args[1]]) as [
    number,
    Structure,
    Structure,
  ];
  if (isStructured(x)) return axpbyStructured("axpy_", alpha, x, 1, structuredArg("axpy_", y));
  scalar("axpy_", alpha, "alpha");
  live("axpy_", x, "x");
  numeric("axpy_", x);
  compatible("axpy_", x, y);
  return update(alpha, x, 1, y);
}

/**
 * A new structure αx + y (x + y with two arguments); `axpy(x, y, z, …)` is the sum of all,
 * as Neanderthal's `axpy` of several structures.
 *
 * @example
 * ```ts
 * import { axpy, dv, toArray } from "@knap/knap";
 * using x = dv(1, 2);
 * using y = dv(10, 20);
 * using z = axpy(2, x, y);
 * if (toArray(z).join() !== "12,24" || toArray(y)[0] !== 10) throw new Error("unexpected");
 * ```
 */
export function axpy<S extends Structure>(alpha: number, x: S, y: S): S;
/** The form `axpy(x, y)`; see the first signature. */
export function axpy<S extends Structure>(x: S, y: S): S;
/** The form `axpy(x, y, z, …)`: a new structure, the sum of them all. */
export function axpy<S extends Structure>(x: S, y: S, ...more: S[]): S;
export function axpy(...args: (number | Structure)[]): Structure {
  if (typeof args[0] !== "number" && args.length > 2) {
    const [first, ...rest] = args as Structure[];
    return into(axpy(first, rest[0]), (sum) => {
      for (const s of rest.slice(1)) axpy_(1, s, sum);
    });
  }
  if (args.length < 2 || args.length > 3) badArity("axpy", args.length, "2 or more");
  const [alpha, x, y] = (args.length === 3 ? args : [1, args[0], args[1]]) as [
    number,
    Structure,
    Structure,
  ];
  scalar("axpy", alpha, "alpha");
  live("axpy", x, "x");
  numeric("axpy", x);
  compatible("axpy", x, y);
  const z = alike(y);
  x.factory.engine.blas.copy(y, z);
  x.factory.engine.blas.axpby(alpha, x, 1, z);
  return z;
}

/**
 * y ← αx + βy; returns y. As in Neanderthal, `axpby_(x, beta, y)` has α = 1 and
 * `axpby_(x, y)` is `axpy_(x, y)`.
 *
 * @example
 * ```ts
 * import { axpby_, dv, toArray } from "@knap/knap";
 * using x = dv(1, 2);
 * using y = dv(10, 20);
 * if (toArray(axpby_(2, x, 0.5, y)).join() !== "7,14") throw new Error("unexpected");
 * if (toArray(axpby_(x, 0.5, y)).join() !== "4.5,9") throw new Error("unexpected");
 * ```
 */
export function axpby_<S extends Structure>(alpha: number, x: Structure, beta: number, y: S): S;
/** The form `axpby_(x, beta, y)`: y ← x + βy. */
export function axpby_<S extends Structure>(x: Structure, beta: number, y: S): S;
/** The form `axpby_(x, y)`: y ← x + y. */
export function axpby_<S extends Structure>(x: Structure, y: S): S;
/** y ← αx + βy over the stored entries of two structured matrices of one structure. */
export function axpby_<S extends StructuredMatrix>(
  alpha: number,
  x: StructuredMatrix,
  beta: number,
  y: S,
): S;
export function axpby_(...args: unknown[]): Structure | StructuredMatrix {
  const [alpha, x, beta, y] = args.length === 4
    ? args
    : args.length === 3
    ? [1, ...args]
    : args.length === 2
    ? [1, args[0], 1, args[1]]
    : badArity("axpby_", args.length, "2, 3 or 4");
  if (isStructured(x)) {
    return axpbyStructured(
      "axpby_",
      alpha as number,
      x,
      beta as number,
      structuredArg("axpby_", y),
    );
  }
  scalar("axpby_", alpha, "alpha");
  scalar("axpby_", beta, "beta");
  live("axpby_", x, "x");
  numeric("axpby_", x);
  compatible("axpby_", x, y);
  return update(alpha as number, x, beta as number, y);
}

/**
 * y ← αx + βy on checked arguments. α = 0 leaves x unread, as BLAS does (a NaN in x does not
 * reach y); an x that shares some of y's memory is read from a copy first.
 */
function update<S extends Structure>(alpha: number, x: Structure, beta: number, y: S): S {
  if (alpha === 0) {
    scaleBy(beta, y);
    return y;
  }
  const from = readable(y, x);
  y.factory.engine.blas.axpby(alpha, from, beta, y);
  release(x, from);
  return y;
}

function checkMv(op: string, a: unknown, x: unknown, y?: unknown): asserts a is GEMatrix {
  liveMatrix(op, a, "a");
  liveVector(op, x, "x");
  sameFactory(op, a, x);
  if (a.n !== x.dim) {
    throw new RangeError(
      `${op}: a is ${shapeOf(a)} but x is ${shapeOf(x)}; a needs ${x.dim} columns`,
    );
  }
  if (y !== undefined) {
    liveVector(op, y, "y");
    sameFactory(op, a, y);
    if (a.m !== y.dim) {
      throw new RangeError(
        `${op}: a is ${shapeOf(a)} but y is ${shapeOf(y)}; y needs ${a.m} entries`,
      );
    }
  }
}

/**
 * y ← αAx + βy; returns y. As in Neanderthal, `mv_(alpha, a, x, y)` accumulates (β = 1):
 * y ← αAx + y, and `mv_(a, x, y)` overwrites: y ← Ax.
 *
 * @example The book's first layer
 * ```ts
 * import { dge, dv, mv_, toArray } from "@knap/knap";
 * using x = dv(0.3, 0.9);
 * using w1 = dge(4, 2, [0.3, 0.6, 0.1, 2.0, 0.9, 3.7, 0.0, 1.0], { layout: "row" });
 * using h1 = dv(4);
 * mv_(w1, x, h1);
 * if (Array.from(toArray(h1), (v) => v.toFixed(2)).join() !== "0.63,1.83,3.60,0.90") throw new Error();
 * ```
 */
export function mv_<L extends Loc, D extends DType = DType>(
  alpha: number,
  a: GEMatrix<L>,
  x: Vector<L>,
  beta: number,
  y: Vector<L, D>,
): Vector<L, D>;
/** The form `mv_(alpha, a, x, y)`: y ← αAx + y, accumulating (β = 1). */
export function mv_<L extends Loc, D extends DType = DType>(
  alpha: number,
  a: GEMatrix<L>,
  x: Vector<L>,
  y: Vector<L, D>,
): Vector<L, D>;
/** The form `mv_(a, x, y)`; see the first signature. */
export function mv_<L extends Loc, D extends DType = DType>(
  a: GEMatrix<L>,
  x: Vector<L>,
  y: Vector<L, D>,
): Vector<L, D>;
/**
 * The forms with a structured a (triangular, symmetric, banded, packed, diagonal or
 * tridiagonal): y ← αAx + βy, through the engine's own routine or A's dense copy.
 */
export function mv_<L extends Loc, D extends DType = DType>(
  alpha: number,
  a: StructuredMatrix<L>,
  x: Vector<L>,
  beta: number,
  y: Vector<L, D>,
): Vector<L, D>;
/** `mv_(a, x, y)` with a structured a: y ← Ax. */
export function mv_<L extends Loc, D extends DType = DType>(
  a: StructuredMatrix<L>,
  x: Vector<L>,
  y: Vector<L, D>,
): Vector<L, D>;
export function mv_(...args: unknown[]): Vector {
  const [alpha, a, x, beta, y] = productArgs("mv_", args);
  if (isStructured(a)) {
    return mvStructured(alpha as number, a, x as Vector, beta as number, y as Vector);
  }
  scalar("mv_", alpha, "alpha");
  scalar("mv_", beta, "beta");
  checkMv("mv_", a, x, y);
  numeric("mv_", a);
  if (alpha === 0) {
    scaleBy(beta, y as Vector);
    return y as Vector;
  }
  return through(
    y as Vector,
    [a, x as Vector],
    (out) => a.factory.engine.blas.gemv(alpha, a, x as Vector, beta, out),
  );
}

/**
 * A new vector αAx (Ax with two arguments); with a vector y given, αAx + βy (β = 1 when left
 * out) in a new vector, y untouched.
 *
 * @example
 * ```ts
 * import { dge, dv, mv, toArray } from "@knap/knap";
 * using w2 = dge(1, 4, [0.75, 0.15, 0.22, 0.33]);
 * using h1 = dv(0.63, 1.83, 3.6, 0.9);
 * using y = mv(w2, h1);
 * if (toArray(y)[0].toFixed(2) !== "1.84") throw new Error("unexpected");
 * ```
 */
export function mv<L extends Loc, D extends DType = DType>(
  alpha: number,
  a: GEMatrix<L, D>,
  x: Vector<L>,
): Vector<L, D>;
/** The form `mv(a, x)`; see the first signature. */
export function mv<L extends Loc, D extends DType = DType>(
  a: GEMatrix<L, D>,
  x: Vector<L>,
): Vector<L, D>;
/** The form `mv(alpha, a, x, beta, y)`: a new vector αAx + βy. */
export function mv<L extends Loc, D extends DType = DType>(
  alpha: number,
  a: GEMatrix<L>,
  x: Vector<L>,
  beta: number,
  y: Vector<L, D>,
): Vector<L, D>;
/** The form `mv(alpha, a, x, y)`: a new vector αAx + y. */
export function mv<L extends Loc, D extends DType = DType>(
  alpha: number,
  a: GEMatrix<L>,
  x: Vector<L>,
  y: Vector<L, D>,
): Vector<L, D>;
/**
 * A new vector αAx for a structured A (α = 1 with two arguments), through the structure's own
 * routine.
 *
 * @example
 * ```ts
 * import { jsDouble, mv, toArray, tr, vctr } from "@knap/knap";
 * using l = tr(jsDouble, 2, [2, 1, 4], { uplo: "lower" }); // [[2, 0], [1, 4]]
 * using x = vctr(jsDouble, [1, 1]);
 * using y = mv(l, x);
 * if (toArray(y).join() !== "2,5") throw new Error("unexpected");
 * ```
 */
export function mv<L extends Loc, D extends DType = DType>(
  alpha: number,
  a: StructuredMatrix<L, D>,
  x: Vector<L>,
): Vector<L, D>;
/** The form `mv(a, x)` for a structured A. */
export function mv<L extends Loc, D extends DType = DType>(
  a: StructuredMatrix<L, D>,
  x: Vector<L>,
): Vector<L, D>;
export function mv(...args: unknown[]): Vector {
  const structured = args.find(isStructured);
  if (structured !== undefined && args.length <= 3) {
    const [alpha, a, x] = scaledArgs("mv", args, 3);
    liveVector("mv", x, "x");
    return mvStructured(
      alpha as number,
      a as StructuredMatrix,
      x,
      0,
      vctr(structured.factory, structured.m),
    );
  }
  if (args.length >= 4) {
    const [alpha, a, x, beta, y] = args.length === 5 ? args : [...args.slice(0, 3), 1, args[3]];
    liveVector("mv", y, "y");
    return into(
      copy(y as Vector),
      (out) => mv_(alpha as number, a as GEMatrix, x as Vector, beta as number, out),
    );
  }
  const [alpha, a, x] = scaledArgs("mv", args, 3);
  scalar("mv", alpha, "alpha");
  checkMv("mv", a, x);
  numeric("mv", a);
  const y = vctr(a.factory, a.m);
  if (alpha !== 0) a.factory.engine.blas.gemv(alpha, a, x as Vector, 0, y);
  return y;
}

function checkRk(op: string, x: unknown, y: unknown, a?: unknown): void {
  liveVector(op, x, "x");
  liveVector(op, y, "y");
  sameFactory(op, x, y);
  if (a !== undefined) {
    liveMatrix(op, a, "a");
    sameFactory(op, x, a);
    if (a.m !== x.dim || a.n !== y.dim) {
      throw new RangeError(
        `${op}: x is ${shapeOf(x)} and y is ${shapeOf(y)} but a is ${
          shapeOf(a)
        }; a must be ${x.dim}×${y.dim}`,
      );
    }
  }
}

/**
 * A ← αxyᵀ + A (a rank-one update); returns a. `rk_(x, y, a)` has α = 1.
 *
 * @example
 * ```ts
 * import { dge, dv, entry, rk_ } from "@knap/knap";
 * using x = dv(1, 2);
 * using y = dv(3, 4, 5);
 * using a = dge(2, 3);
 * rk_(2, x, y, a);
 * if (entry(a, 1, 2) !== 20) throw new Error("unexpected");
 * ```
 */
export function rk_<L extends Loc, D extends DType = DType>(
  alpha: number,
  x: Vector<L>,
  y: Vector<L>,
  a: GEMatrix<L, D>,
): GEMatrix<L, D>;
/** The form `rk_(x, y, a)`; see the first signature. */
export function rk_<L extends Loc, D extends DType = DType>(
  x: Vector<L>,
  y: Vector<L>,
  a: GEMatrix<L, D>,
): GEMatrix<L, D>;
/**
 * The symmetric rank-one update A ← αxxᵀ + A of a `sy` A (BLAS's syr): only the stored triangle
 * is written. `rk_(x, a)` has α = 1.
 *
 * @example
 * ```ts
 * import { entry, jsDouble, rk_, sy, vctr } from "@knap/knap";
 * using a = sy(jsDouble, 2, [1, 0, 1], { uplo: "lower" }); // the identity
 * using x = vctr(jsDouble, [1, 3]);
 * rk_(2, x, a);
 * if (entry(a, 0, 1) !== 6 || entry(a, 1, 1) !== 19) throw new Error("unexpected");
 * ```
 */
export function rk_<S extends StructuredMatrix>(alpha: number, x: Vector, a: S): S;
/** The form `rk_(x, a)` of the symmetric rank-one update. */
export function rk_<S extends StructuredMatrix>(x: Vector, a: S): S;
/**
 * The symmetric rank-k update C ← αBBᵀ + βC of a `sy` C (BLAS's syrk; β = 0 overwrites):
 * only the stored triangle is written.
 *
 * @example
 * ```ts
 * import { entry, ge, jsDouble, rk_, sy } from "@knap/knap";
 * using b = ge(jsDouble, 2, 2, [1, 2, 3, 4]); // [[1, 3], [2, 4]]
 * using c = sy(jsDouble, 2);
 * rk_(1, b, 0, c); // B·Bᵀ = [[10, 14], [14, 20]]
 * if (entry(c, 1, 0) !== 14 || entry(c, 1, 1) !== 20) throw new Error("unexpected");
 * ```
 */
export function rk_<S extends StructuredMatrix>(
  alpha: number,
  b: GEMatrix,
  beta: number,
  c: S,
): S;
export function rk_(...args: unknown[]): GEMatrix | StructuredMatrix {
  const last = args[args.length - 1];
  if (isStructured(last)) {
    if (args.length === 4) {
      return rkSymmetric("rk_", args[0] as number, args[1] as GEMatrix, args[2] as number, last);
    }
    const [alpha, x] = args.length === 3 ? [args[0], args[1]] : [1, args[0]];
    if (args.length !== 2 && args.length !== 3) badArity("rk_", args.length, "2 to 4");
    return rkSymmetric("rk_", alpha as number, x as Vector, 1, last);
  }
  const [alpha, x, y, a] = scaledArgs("rk_", args, 4);
  scalar("rk_", alpha, "alpha");
  checkRk("rk_", x, y, a);
  numeric("rk_", x as Vector);
  const out = a as GEMatrix;
  if (alpha === 0) return out;
  // A vector that is part of a is read from a copy: a changes while the update reads it.
  const xs = readable(out, x as Vector, false), ys = readable(out, y as Vector, false);
  out.factory.engine.blas.ger(alpha, xs, ys, out);
  release(x as Vector, xs);
  release(y as Vector, ys);
  return out;
}

/**
 * A new matrix αxyᵀ (the outer product; α = 1 with two arguments); `rk(alpha, x, y, a)` is a
 * new αxyᵀ + A, a untouched.
 *
 * @example
 * ```ts
 * import { dv, entry, rk } from "@knap/knap";
 * using a = rk(dv(1, 2), dv(3, 4, 5));
 * if (a.m !== 2 || a.n !== 3 || entry(a, 1, 0) !== 6) throw new Error("unexpected");
 * ```
 */
export function rk<L extends Loc, D extends DType = DType>(
  alpha: number,
  x: Vector<L, D>,
  y: Vector<L>,
): GEMatrix<L, D>;
/** The form `rk(x, y)`; see the first signature. */
export function rk<L extends Loc, D extends DType = DType>(
  x: Vector<L, D>,
  y: Vector<L>,
): GEMatrix<L, D>;
/** The form `rk(alpha, x, y, a)`: a new matrix αxyᵀ + A. */
export function rk<L extends Loc, D extends DType = DType>(
  alpha: number,
  x: Vector<L>,
  y: Vector<L>,
  a: GEMatrix<L, D>,
): GEMatrix<L, D>;
export function rk(...args: unknown[]): GEMatrix {
  if (args.length === 4) {
    liveMatrix("rk", args[3], "a");
    return into(
      copy(args[3] as GEMatrix),
      (out) => rk_(args[0] as number, args[1] as Vector, args[2] as Vector, out),
    );
  }
  const [alpha, x, y] = scaledArgs("rk", args, 3);
  scalar("rk", alpha, "alpha");
  checkRk("rk", x, y);
  numeric("rk", x as Vector);
  const a = ge((x as Vector).factory, (x as Vector).dim, (y as Vector).dim);
  if (alpha !== 0) a.factory.engine.blas.ger(alpha, x as Vector, y as Vector, a);
  return a;
}

function checkMm(op: string, a: unknown, b: unknown, c?: unknown): asserts a is GEMatrix {
  liveMatrix(op, a, "a");
  liveMatrix(op, b, "b");
  if (c === undefined) sameFactory(op, a, b);
  else {
    liveMatrix(op, c, "c");
    // Factors may be bfloat16 where c's factory computes their products (nativeFloat).
    productFactories(op, c, a, b);
  }
  if (a.n !== b.m) {
    throw new RangeError(
      `${op}: a is ${shapeOf(a)} but b is ${shapeOf(b)}; inner dimensions differ`,
    );
  }
  if (c !== undefined) {
    if (c.m !== a.m || c.n !== b.n) {
      throw new RangeError(
        `${op}: a is ${shapeOf(a)} and b is ${shapeOf(b)} but c is ${
          shapeOf(c)
        }; c must be ${a.m}×${b.n}`,
      );
    }
  }
}

/**
 * C ← αAB + βC; returns c. As in Neanderthal, `mm_(alpha, a, b, c)` accumulates (β = 1):
 * C ← αAB + C; `mm_(a, b, c)` overwrites: C ← AB. Any layout, transposed view or submatrix
 * works, without copying.
 *
 * @example
 * ```ts
 * import { dge, entry, mm_, trans } from "@knap/knap";
 * using a = dge(2, 3, [1, 2, 3, 4, 5, 6]);
 * using c = dge(2, 2);
 * mm_(a, trans(a), c);
 * if (entry(c, 0, 0) !== 35) throw new Error("unexpected");
 * ```
 */
export function mm_<L extends Loc, D extends DType = DType>(
  alpha: number,
  a: GEMatrix<L>,
  b: GEMatrix<L>,
  beta: number,
  c: GEMatrix<L, D>,
): GEMatrix<L, D>;
/** The form `mm_(alpha, a, b, c)`: C ← αAB + C, accumulating (β = 1). */
export function mm_<L extends Loc, D extends DType = DType>(
  alpha: number,
  a: GEMatrix<L>,
  b: GEMatrix<L>,
  c: GEMatrix<L, D>,
): GEMatrix<L, D>;
/** The form `mm_(a, b, c)`; see the first signature. */
export function mm_<L extends Loc, D extends DType = DType>(
  a: GEMatrix<L>,
  b: GEMatrix<L>,
  c: GEMatrix<L, D>,
): GEMatrix<L, D>;
/** The forms with a structured a or b: C ← αAB + βC. */
export function mm_<L extends Loc, D extends DType = DType>(
  alpha: number,
  a: StructuredMatrix<L> | GEMatrix<L>,
  b: StructuredMatrix<L> | GEMatrix<L>,
  beta: number,
  c: GEMatrix<L, D>,
): GEMatrix<L, D>;
/** `mm_(a, b, c)` with a structured a or b: C ← AB. */
export function mm_<L extends Loc, D extends DType = DType>(
  a: StructuredMatrix<L> | GEMatrix<L>,
  b: StructuredMatrix<L> | GEMatrix<L>,
  c: GEMatrix<L, D>,
): GEMatrix<L, D>;
export function mm_(...args: unknown[]): GEMatrix {
  const [alpha, a, b, beta, c] = productArgs("mm_", args);
  if (isStructured(a) || isStructured(b)) {
    return mmStructured(
      alpha as number,
      a as GEMatrix | StructuredMatrix,
      b as GEMatrix | StructuredMatrix,
      beta as number,
      c as GEMatrix,
    );
  }
  scalar("mm_", alpha, "alpha");
  scalar("mm_", beta, "beta");
  checkMm("mm_", a, b, c);
  numeric("mm_", c as GEMatrix);
  if (alpha === 0) {
    scaleBy(beta, c as GEMatrix);
    return c as GEMatrix;
  }
  return through(
    c as GEMatrix,
    [a, b as GEMatrix],
    (out) => out.factory.engine.blas.gemm(alpha, a, b as GEMatrix, beta, out),
  );
}

/**
 * A new matrix αAB (AB with two arguments), in column layout. `mm(a, b, c, …)` is the
 * product of them all, multiplied in the order that takes the fewest operations, as
 * Neanderthal's `mm` of a chain.
 *
 * @example
 * ```ts
 * import { dge, entry, mm } from "@knap/knap";
 * using a = dge(2, 2, [1, 2, 3, 4]);
 * using c = mm(a, a);
 * if (entry(c, 1, 1) !== 22) throw new Error("unexpected");
 * ```
 */
export function mm<L extends Loc, D extends DType = DType>(
  alpha: number,
  a: GEMatrix<L, D>,
  b: GEMatrix<L>,
): GEMatrix<L, D>;
/** The form `mm(a, b)`; see the first signature. */
export function mm<L extends Loc, D extends DType = DType>(
  a: GEMatrix<L, D>,
  b: GEMatrix<L>,
): GEMatrix<L, D>;
/** The form `mm(a, b, c, …)`: the product of the chain, in its cheapest order. */
export function mm<L extends Loc, D extends DType = DType>(
  a: GEMatrix<L, D>,
  b: GEMatrix<L>,
  c: GEMatrix<L>,
  ...more: GEMatrix<L>[]
): GEMatrix<L, D>;
export function mm(...args: unknown[]): GEMatrix {
  if (args.length > 2 && typeof args[0] !== "number") return chain(args);
  const [alpha, a, b] = scaledArgs("mm", args, 3);
  scalar("mm", alpha, "alpha");
  checkMm("mm", a, b);
  numeric("mm", a);
  const c = ge(a.factory, a.m, (b as GEMatrix).n);
  if (alpha !== 0) a.factory.engine.blas.gemm(alpha, a, b as GEMatrix, 0, c);
  return c;
}

/**
 * Runs a product into `out`, or, when out shares memory with an input (which BLAS forbids),
 * into a temporary copied back: a correct answer first, the allocation only in that case.
 */
function through<S extends Structure>(out: S, inputs: Structure[], run: (o: S) => void): S {
  if (!inputs.some((i) => overlap(out, i) !== "none")) {
    run(out);
    return out;
  }
  const tmp = alike(out) as S;
  try {
    out.factory.engine.blas.copy(out, tmp);
    run(tmp);
    out.factory.engine.blas.copy(tmp, out);
  } finally {
    tmp[Symbol.dispose]();
  }
  return out;
}

/** fn(out), returning out; out is released if fn throws. */
function into<S extends Structure>(out: S, fn: (out: S) => unknown): S {
  try {
    fn(out);
    return out;
  } catch (e) {
    out[Symbol.dispose]();
    throw e;
  }
}

/**
 * (α, a, b, β, out) from the 5-argument form, the 4 (β = 1: it accumulates, as Neanderthal's
 * `mm!` and `mv!` do) and the 3 (α = 1, β = 0).
 */
function productArgs(op: string, args: unknown[]): unknown[] {
  if (args.length === 5) return args;
  if (args.length === 4) return [args[0], args[1], args[2], 1, args[3]];
  if (args.length === 3) return [1, args[0], args[1], 0, args[2]];
  return badArity(op, args.length, "3, 4 or 5");
}

/** (α, …rest) from the full form of `full` arguments, or the one without α (α = 1). */
function scaledArgs(op: string, args: unknown[], full: number): unknown[] {
  if (args.length === full) return args;
  if (args.length === full - 1) return [1, ...args];
  return badArity(op, args.length, `${full - 1} or ${full}`);
}

function badArity(op: string, got: number, want: string): never {
  throw new TypeError(`${op}: takes ${want} arguments, got ${got}`);
}

/**
 * The product of a chain of matrices in the cheapest order (the classic dynamic program over
 * multiply-adds), releasing each intermediate once it has been used.
 */
function chain(args: unknown[]): GEMatrix {
  args.forEach((a, i) => liveMatrix("mm", a, `matrix ${i + 1}`));
  const ms = args as GEMatrix[];
  for (let i = 1; i < ms.length; i++) checkMm("mm", ms[i - 1], ms[i]);
  for (const m of ms) numeric("mm", m);
  const n = ms.length;
  const dims = [ms[0].m, ...ms.map((m) => m.n)];
  const cost: number[][] = Array.from({ length: n }, () => Array(n).fill(0));
  const split: number[][] = Array.from({ length: n }, () => Array(n).fill(0));
  for (let len = 2; len <= n; len++) {
    for (let i = 0; i + len - 1 < n; i++) {
      const j = i + len - 1;
      cost[i][j] = Infinity;
      for (let k = i; k < j; k++) {
        const c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1];
        if (c < cost[i][j]) {
          cost[i][j] = c;
          split[i][j] = k;
        }
      }
    }
  }
  const product = (i: number, j: number): GEMatrix => {
    if (i === j) return ms[i];
    const k = split[i][j];
    const left = product(i, k), right = product(k + 1, j);
    try {
      return mm(left, right);
    } finally {
      if (left !== ms[i]) left[Symbol.dispose]();
      if (right !== ms[j]) right[Symbol.dispose]();
    }
  };
  return product(0, n - 1);
}

/**
 * Views: structures that share their parent's memory. Making a view copies nothing and
 * disposing one frees nothing; writes through a view are writes to the parent.
 *
 * @module
 */

import { GEMatrix, Vector } from "./structures.ts";
import { describe, liveStructured, shapeFields, StructuredMatrix } from "./structured.ts";
import { entryIndex, transposed } from "./kinds.ts";
import type { DType, Layout, Loc } from "./types.ts";
import { count, index, liveMatrix, liveVector } from "./checks.ts";

/**
 * The l entries of x starting at entry k, sharing x's memory.
 *
 * @example
 * ```ts
 * import { dv, subvector, toArray } from "@knap/knap";
 * using x = dv(1, 2, 3, 4);
 * if (toArray(subvector(x, 1, 2)).join() !== "2,3") throw new Error("unexpected");
 * ```
 */
export function subvector<L extends Loc, D extends DType>(
  x: Vector<L, D>,
  k: number,
  l: number,
): Vector<L, D> {
  liveVector("subvector", x);
  count("subvector", k, "the start");
  count("subvector", l, "the length");
  if (k + l > x.dim) {
    throw new RangeError(`subvector: entries [${k}, ${k + l}) do not fit in vector(${x.dim})`);
  }
  return new Vector(x.factory, x.storage, x.offset + k * x.stride, x.stride, l, false);
}

/**
 * The k×l block of a starting at row i, column j, sharing a's memory.
 *
 * @example
 * ```ts
 * import { dge, entry, submatrix } from "@knap/knap";
 * using a = dge(3, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
 * if (entry(submatrix(a, 1, 1, 2, 2), 0, 0) !== 5) throw new Error("unexpected");
 * ```
 */
export function submatrix<L extends Loc, D extends DType>(
  a: GEMatrix<L, D>,
  i: number,
  j: number,
  k: number,
  l: number,
): GEMatrix<L, D> {
  liveMatrix("submatrix", a);
  for (
    const [v, what] of [[i, "row"], [j, "column"], [k, "row count"], [l, "column count"]] as const
  ) {
    count("submatrix", v, `the ${what}`);
  }
  if (i + k > a.m || j + l > a.n) {
    throw new RangeError(
      `submatrix: rows [${i}, ${i + k}) × columns [${j}, ${
        j + l
      }) do not fit in matrix(${a.m}×${a.n})`,
    );
  }
  const offset = a.offset + i * a.rowStride + j * a.colStride;
  return new GEMatrix(a.factory, a.storage, offset, k, l, a.ld, a.layout, false);
}

/**
 * Row i of a as a vector view.
 *
 * @example
 * ```ts
 * import { dge, row, toArray } from "@knap/knap";
 * using a = dge(2, 2, [1, 2, 3, 4]);
 * if (toArray(row(a, 1)).join() !== "2,4") throw new Error("unexpected");
 * ```
 */
export function row<L extends Loc, D extends DType>(a: GEMatrix<L, D>, i: number): Vector<L, D> {
  liveMatrix("row", a);
  index("row", i, a.m, "row");
  return new Vector(a.factory, a.storage, a.offset + i * a.rowStride, a.colStride, a.n, false);
}

/**
 * Column j of a as a vector view.
 *
 * @example
 * ```ts
 * import { col, dge, toArray } from "@knap/knap";
 * using a = dge(2, 2, [1, 2, 3, 4]);
 * if (toArray(col(a, 1)).join() !== "3,4") throw new Error("unexpected");
 * ```
 */
export function col<L extends Loc, D extends DType>(a: GEMatrix<L, D>, j: number): Vector<L, D> {
  liveMatrix("col", a);
  index("col", j, a.n, "column");
  return new Vector(a.factory, a.storage, a.offset + j * a.colStride, a.rowStride, a.m, false);
}

/** Views an array can hold without exhausting the JavaScript heap (about 100 bytes each). */
const MAX_VIEWS = 1 << 22;

function manyViews(op: string, n: number, instead: string): void {
  if (n > MAX_VIEWS) {
    throw new RangeError(
      `${op}: ${n} views would exhaust memory (at most ${MAX_VIEWS}); take them one at a time ` +
        `with ${instead}`,
    );
  }
}

/**
 * Every row of a as a vector view.
 *
 * @example
 * ```ts
 * import { dge, rows } from "@knap/knap";
 * using a = dge(3, 2);
 * if (rows(a).length !== 3) throw new Error("unexpected");
 * ```
 */
export function rows<L extends Loc, D extends DType>(a: GEMatrix<L, D>): Vector<L, D>[] {
  liveMatrix("rows", a);
  manyViews("rows", a.m, "row(a, i)");
  return Array.from({ length: a.m }, (_, i) => row(a, i));
}

/**
 * Every column of a as a vector view.
 *
 * @example
 * ```ts
 * import { cols, dge } from "@knap/knap";
 * using a = dge(3, 2);
 * if (cols(a).length !== 2) throw new Error("unexpected");
 * ```
 */
export function cols<L extends Loc, D extends DType>(a: GEMatrix<L, D>): Vector<L, D>[] {
  liveMatrix("cols", a);
  manyViews("cols", a.n, "col(a, j)");
  return Array.from({ length: a.n }, (_, j) => col(a, j));
}

/**
 * The main diagonal of a as a vector view.
 *
 * @example
 * ```ts
 * import { dge, dia, toArray } from "@knap/knap";
 * using a = dge(2, 2, [1, 2, 3, 4]);
 * if (toArray(dia(a)).join() !== "1,4") throw new Error("unexpected");
 * ```
 */
export function dia<L extends Loc, D extends DType>(a: GEMatrix<L, D>): Vector<L, D>;
/**
 * Diagonal k of a structured matrix (0 the main one, k > 0 above, k < 0 below) as a vector
 * view, where the kind stores it.
 */
export function dia<L extends Loc, D extends DType>(
  a: StructuredMatrix<L, D>,
  k?: number,
): Vector<L, D>;
export function dia<L extends Loc, D extends DType>(
  a: GEMatrix<L, D> | StructuredMatrix<L, D>,
  k = 0,
): Vector<L, D> {
  if (a instanceof StructuredMatrix) return structuredDiagonal(a, k);
  liveMatrix("dia", a);
  return new Vector(a.factory, a.storage, a.offset, a.ld + 1, Math.min(a.m, a.n), false);
}

/**
 * The transpose of a as a view: the same memory read in the other layout.
 *
 * @example
 * ```ts
 * import { dge, entry, trans } from "@knap/knap";
 * using a = dge(2, 3, [1, 2, 3, 4, 5, 6]);
 * const t = trans(a);
 * if (t.m !== 3 || entry(t, 2, 1) !== 6) throw new Error("unexpected");
 * ```
 */
export function trans<L extends Loc, D extends DType>(a: GEMatrix<L, D>): GEMatrix<L, D>;
/** The transpose of a structured matrix as a view: the other layout, triangle and band. */
export function trans<L extends Loc, D extends DType>(
  a: StructuredMatrix<L, D>,
): StructuredMatrix<L, D>;
export function trans<L extends Loc, D extends DType>(
  a: GEMatrix<L, D> | StructuredMatrix<L, D>,
): GEMatrix<L, D> | StructuredMatrix<L, D> {
  if (a instanceof StructuredMatrix) {
    liveStructured("trans", a);
    return new StructuredMatrix(a.factory, a.storage, a.offset, transposed(shapeFields(a)), false);
  }
  liveMatrix("trans", a);
  const layout: Layout = a.layout === "column" ? "row" : "column";
  return new GEMatrix(a.factory, a.storage, a.offset, a.n, a.m, a.ld, layout, false);
}

/**
 * A view of the whole structure that does not own its memory: disposing it frees nothing.
 *
 * @example
 * ```ts
 * import { dv, view } from "@knap/knap";
 * using x = dv(1, 2);
 * const v = view(x);
 * v[Symbol.dispose](); // frees nothing: x stays usable
 * if (v.owner || !x.owner) throw new Error("unexpected");
 * ```
 */
export function view<L extends Loc, S extends Vector<L> | GEMatrix<L>>(s: S): S;
export function view(s: Vector | GEMatrix): Vector | GEMatrix {
  if (s instanceof Vector) {
    liveVector("view", s);
    return new Vector(s.factory, s.storage, s.offset, s.stride, s.dim, false);
  }
  liveMatrix("view", s);
  return new GEMatrix(s.factory, s.storage, s.offset, s.m, s.n, s.ld, s.layout, false);
}

/**
 * A gapless matrix seen as one vector of its m·n entries, in its layout's order: the matrix case
 * of the public `viewVctr` (lib/tensor/views.ts, which also takes tensors).
 */
export function matrixAsVector<L extends Loc, D extends DType>(a: GEMatrix<L, D>): Vector<L, D> {
  liveMatrix("viewVctr", a);
  const [inner, outer] = a.layout === "column" ? [a.m, a.n] : [a.n, a.m];
  // One major slice is contiguous; a single entry per slice steps by ld; otherwise ld must close the gaps.
  const stride = outer <= 1 || inner > 1 ? 1 : a.ld;
  if (outer > 1 && inner > 1 && a.ld !== inner) {
    throw new RangeError(
      `viewVctr: matrix(${a.m}×${a.n}) with leading dimension ${a.ld} has gaps; copy it first`,
    );
  }
  return new Vector(a.factory, a.storage, a.offset, stride, a.m * a.n, false);
}

/**
 * A stride-1 vector seen as an m×n matrix (m·n ≤ its dimension) in the given layout: the vector
 * case of the public `viewGe` (lib/tensor/views.ts, which also takes tensors).
 */
export function vectorAsMatrix<L extends Loc, D extends DType>(
  x: Vector<L, D>,
  m: number,
  n: number,
  options: { readonly layout?: Layout } = {},
): GEMatrix<L, D> {
  liveVector("viewGe", x);
  count("viewGe", m, "the number of rows");
  count("viewGe", n, "the number of columns");
  if (x.stride !== 1 && x.dim > 1) {
    throw new RangeError(`viewGe: vector(${x.dim}) has stride ${x.stride}; it needs stride 1`);
  }
  if (m * n > x.dim) throw new RangeError(`viewGe: ${m}×${n} does not fit in vector(${x.dim})`);
  const layout = options.layout ?? "column";
  const ld = Math.max(layout === "column" ? m : n, 1);
  return new GEMatrix(x.factory, x.storage, x.offset, m, n, ld, layout, false);
}

function structuredDiagonal<L extends Loc, D extends DType>(
  a: StructuredMatrix<L, D>,
  k: number,
): Vector<L, D> {
  liveStructured("dia", a);
  if (!Number.isSafeInteger(k) || k <= -a.m || k >= a.n) {
    throw new RangeError(`dia: a ${a.m}×${a.n} matrix has no diagonal ${k}`);
  }
  const i = Math.max(0, -k), j = Math.max(0, k);
  const length = Math.min(a.m - i, a.n - j);
  const first = entryIndex(a, i, j);
  const step = length > 1 ? entryIndex(a, i + 1, j + 1) - first : 1;
  const last = entryIndex(a, i + length - 1, j + length - 1);
  if (first < 0 || step < 1 || last !== first + step * (length - 1)) {
    throw new RangeError(`dia: a ${describe(a)} does not store diagonal ${k} as a vector`);
  }
  return new Vector(a.factory, a.storage, a.offset + first, step, length, false);
}

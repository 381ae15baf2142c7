/**
 * What every engine already has, put to work on structured matrices: a kind's runs of stored
 * entries as strided vector operands (so level 1 and the elementwise table reach them unchanged),
 * and a dense GE copy of the matrix a kind represents (so the GE products and norms do).
 *
 * @module
 */

import type { Deferred, Operand } from "../core/engine.ts";
import { entryIndex, isTriangular, type Segment, segments } from "../core/kinds.ts";
import { sameFactory } from "../core/checks.ts";
import { describe, type StructuredMatrix } from "../core/structured.ts";
import type { GEMatrix } from "../core/structures.ts";
import { ge } from "../core/construct.ts";

/** The operand of a segment of a: its stored entries as a strided vector. */
export function segmentOperand(op: string, a: StructuredMatrix, s: Segment): Operand {
  const k0 = entryIndex(a, s.i, s.j);
  const step = s.length > 1 ? entryIndex(a, s.i + s.di, s.j + s.dj) - k0 : 1;
  if (s.length > 2) {
    // Three points fix the (at most quadratic) address: equal steps at the end make it affine.
    const last = entryIndex(a, s.i + (s.length - 1) * s.di, s.j + (s.length - 1) * s.dj);
    const mid = Math.floor(s.length / 2);
    const middle = entryIndex(a, s.i + mid * s.di, s.j + mid * s.dj);
    if (last - k0 !== step * (s.length - 1) || middle - k0 !== step * mid) {
      throw new RangeError(
        `${op}: a ${describe(a)} in ${a.layout} layout stores these entries in another order ` +
          "than the other argument; copy it into the same layout first",
      );
    }
  }
  if (k0 < 0 || step < 1) {
    throw new RangeError(`${op}: a ${describe(a)} does not store entry (${s.i}, ${s.j})`);
  }
  return {
    storage: a.storage,
    offset: a.offset + k0,
    rows: s.length,
    cols: 1,
    rowStride: step,
    colStride: step * s.length,
  };
}

/** The segment of a GE matrix along the same entries (or their mirror). */
export function geSegment(g: GEMatrix, s: Segment, mirror = false): Operand {
  const [i, j, di, dj] = mirror ? [s.j, s.i, s.dj, s.di] : [s.i, s.j, s.di, s.dj];
  const step = di * g.rowStride + dj * g.colStride;
  return {
    storage: g.storage,
    offset: g.offset + i * g.rowStride + j * g.colStride,
    rows: s.length,
    cols: 1,
    rowStride: step,
    colStride: step * s.length,
  };
}

/**
 * Throws unless x and y are matrices of one structure (kind, shape, triangle, band, diagonal)
 * and, unless told otherwise (transfers), of one factory.
 */
export function sameStructure(
  op: string,
  x: StructuredMatrix,
  y: StructuredMatrix,
  oneFactory = true,
): void {
  const kind = (k: string) => (k === "dt" ? "gt" : k);
  if (
    kind(x.kind) !== kind(y.kind) || x.m !== y.m || x.n !== y.n || x.uplo !== y.uplo ||
    x.diag !== y.diag || x.kl !== y.kl || x.ku !== y.ku
  ) {
    throw new RangeError(
      `${op}: x is a ${x.m}×${x.n} ${describe(x)}, y a ${y.m}×${y.n} ${
        describe(y)
      }: ${op} needs matrices of one structure`,
    );
  }
  if (oneFactory) sameFactory(op, x, y);
}

/**
 * A new dense GE matrix (column layout) of the matrix a represents: zeros outside its
 * structure, the mirror of a symmetric kind, the ones of a unit diagonal. Composes from `copy`
 * and `fill` on every engine.
 */
export function densify(a: StructuredMatrix): GEMatrix {
  const g = ge(a.factory, a.m, a.n);
  const blas = a.factory.engine.blas;
  for (const s of segments(a)) {
    const src = segmentOperand("densify", a, s);
    blas.copy(src, geSegment(g, s));
    if (s.twice) blas.copy(src, geSegment(g, s, true));
  }
  if (isTriangular(a.kind) && a.diag === "unit" && a.n > 0) {
    blas.fill(geSegment(g, { i: 0, j: 0, di: 1, dj: 1, length: a.n, twice: false }), 1);
  }
  return g;
}

/** f of the values once they are all known: at once on the host, as a promise on a device. */
export function combine(parts: Deferred<number>[], f: (v: number[]) => number): Deferred<number> {
  if (parts.some((p) => p instanceof Promise)) return Promise.all(parts).then(f);
  return f(parts as number[]);
}

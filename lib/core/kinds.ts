/**
 * Neanderthal's matrix kinds beside the general one, as storage: where entry (i, j) of each
 * lies, what it needs of its memory, and the runs of stored entries (segments) that level-1
 * and elementwise work walks as strided vectors.
 *
 * - `tr`, `sy`: dense storage like a GE matrix (leading dimension `ld`), one triangle read;
 *   a unit `tr` reads 1 on its diagonal without storing it, a `sy` mirrors the other triangle.
 * - `gb`, `sb`, `tb`: LAPACK's band storage: column j holds rows j − ku … j + kl, entry (i, j)
 *   at `ku + i − j + j·ld`; `sb` and `tb` keep one triangle of a band of width k.
 * - `tp`, `sp`: packed storage, one triangle column by column with no gaps.
 * - `gd`: the diagonal; `gt`, `dt`: the three diagonals [sub | main | super]; `st`: the main
 *   diagonal and the off one [main | off].
 *
 * Every kind is described in column layout. A row-layout matrix is the column-layout reading
 * of its transpose over the same memory: the triangle and the band widths flip, so `trans`
 * of any kind is a view.
 *
 * @module
 */

import type { Layout } from "./types.ts";

/** Neanderthal's structured kinds: triangular, symmetric, banded, packed, diagonal, tridiagonal. */
export type MatrixKind = "tr" | "sy" | "gb" | "sb" | "tb" | "tp" | "sp" | "gd" | "gt" | "dt" | "st";

/** Which triangle holds the data (of `tr`, `sy`, `sb`, `tb`, `tp`, `sp`). */
export type Uplo = "upper" | "lower";

/** Whether a triangular kind's diagonal is stored (`non-unit`) or reads as ones (`unit`). */
export type Diag = "unit" | "non-unit";

/** A structured matrix's shape and storage: what its kind needs to find its entries. */
export interface KindShape {
  /** Which of Neanderthal's kinds. */
  readonly kind: MatrixKind;
  /** Rows. */
  readonly m: number;
  /** Columns. */
  readonly n: number;
  /** Distance between columns (rows in row layout) of dense and band storage; else unused. */
  readonly ld: number;
  /** Column or row layout: a row-layout matrix is its transpose's column reading. */
  readonly layout: Layout;
  /** The triangle a triangular or symmetric kind stores. */
  readonly uplo: Uplo;
  /** Whether a triangular kind's diagonal is stored or reads as ones. */
  readonly diag: Diag;
  /** Stored band width below the diagonal (the stored triangle's, for `sb`/`tb`). */
  readonly kl: number;
  /** Stored band width above the diagonal. */
  readonly ku: number;
}

/** An entry that is not stored: a zero of the structure, or a unit diagonal's one. */
export const ZERO = -1, ONE = -2;

const triangular = new Set<MatrixKind>(["tr", "tb", "tp"]);
const symmetric = new Set<MatrixKind>(["sy", "sb", "sp", "st"]);
const banded = new Set<MatrixKind>(["gb", "sb", "tb"]);
const packed = new Set<MatrixKind>(["tp", "sp"]);
const diagonals = new Set<MatrixKind>(["gd", "gt", "dt", "st"]);

/** Whether a kind is triangular (`tr`, `tb`, `tp`). */
export const isTriangular = (k: MatrixKind): boolean => triangular.has(k);
/** Whether a kind is symmetric (`sy`, `sb`, `sp`, `st`). */
export const isSymmetric = (k: MatrixKind): boolean => symmetric.has(k);
/** Whether a kind keeps LAPACK's band storage (`gb`, `sb`, `tb`). */
export const isBanded = (k: MatrixKind): boolean => banded.has(k);
/** Whether a kind is packed (`tp`, `sp`). */
export const isPacked = (k: MatrixKind): boolean => packed.has(k);
/** Whether a kind is stored as diagonals (`gd`, `gt`, `dt`, `st`). */
export const isDiagonals = (k: MatrixKind): boolean => diagonals.has(k);
/** Whether a kind has dense storage with a leading dimension (`tr`, `sy`). */
export const isDense = (k: MatrixKind): boolean => k === "tr" || k === "sy";

const flipUplo = (u: Uplo): Uplo => (u === "upper" ? "lower" : "upper");

/** The column-layout reading of a shape: itself, or for row layout its transpose's. */
export function columnReading(s: KindShape): KindShape {
  if (s.layout === "column") return s;
  return {
    ...s,
    m: s.n,
    n: s.m,
    layout: "column",
    uplo: flipUplo(s.uplo),
    kl: s.ku,
    ku: s.kl,
  };
}

/** The transpose over the same memory: the other layout, the other triangle, the band flipped. */
export function transposed(s: KindShape): KindShape {
  return {
    ...s,
    m: s.n,
    n: s.m,
    layout: s.layout === "column" ? "row" : "column",
    uplo: flipUplo(s.uplo),
    kl: s.ku,
    ku: s.kl,
  };
}

/** Where entry (i, j) of a column reading lies from the offset, or ZERO or ONE. */
function columnIndex(c: KindShape, i: number, j: number): number {
  const { kind, n, ld, kl, ku } = c;
  if (isSymmetric(kind) && kind !== "st") {
    // The other triangle mirrors the stored one.
    if (c.uplo === "upper" ? i > j : i < j) [i, j] = [j, i];
  }
  if (isTriangular(kind)) {
    if (c.uplo === "upper" ? i > j : i < j) return ZERO;
    if (i === j && c.diag === "unit") return ONE;
  }
  if (isDense(kind)) return i + j * ld;
  if (isBanded(kind)) {
    if (i - j > kl || j - i > ku) return ZERO;
    return ku + i - j + j * ld;
  }
  if (isPacked(kind)) {
    return c.uplo === "upper" ? i + (j * (j + 1)) / 2 : i + (j * (2 * n - j - 1)) / 2;
  }
  if (kind === "gd") return i === j ? i : ZERO;
  if (kind === "st") {
    if (i === j) return i;
    return Math.abs(i - j) === 1 ? n + Math.min(i, j) : ZERO;
  }
  // gt, dt: [sub | main | super].
  if (i === j) return n - 1 + i;
  if (i === j + 1) return j;
  if (j === i + 1) return 2 * n - 1 + i;
  return ZERO;
}

/** Where entry (i, j) of a structure lies from its offset: ZERO and ONE are not stored. */
export function entryIndex(s: KindShape, i: number, j: number): number {
  return s.layout === "column" ? columnIndex(s, i, j) : columnIndex(columnReading(s), j, i);
}

/** Entries of memory a shape spans from its offset (one past the last it may read). */
export function storageLength(s: KindShape): number {
  const c = columnReading(s);
  const { kind, m, n, ld } = c;
  if (m === 0 || n === 0) return 0;
  if (isDense(kind)) return (n - 1) * ld + m;
  if (isBanded(kind)) return (n - 1) * ld + c.kl + c.ku + 1;
  if (isPacked(kind)) return (n * (n + 1)) / 2;
  if (kind === "gd") return n;
  if (kind === "st") return 2 * n - 1;
  return 3 * n - 2;
}

/** The rows a band or triangle stores along a reading's column j, as [first, end). */
function columnRange(c: KindShape, j: number): [number, number] {
  const unit = isTriangular(c.kind) && c.diag === "unit";
  if (isDense(c.kind) || isPacked(c.kind)) {
    return c.uplo === "upper" ? [0, unit ? j : j + 1] : [unit ? j + 1 : j, c.n];
  }
  return [Math.max(0, j - c.ku), Math.min(c.m, j + c.kl + 1)];
}

/**
 * A run of stored entries: `length` entries from (i, j), each (di, dj) after the one before.
 * `twice` marks entries a symmetric kind also reads at their mirror.
 */
export interface Segment {
  readonly i: number;
  readonly j: number;
  readonly di: number;
  readonly dj: number;
  readonly length: number;
  readonly twice: boolean;
}

/**
 * Every stored entry once, in runs that are strided vectors of the memory: columns of dense
 * and packed kinds (diagonal entries of symmetric ones apart, as they count once), diagonals
 * of band kinds and of the diagonal kinds. Coordinates are the structure's own.
 */
export function segments(s: KindShape): Segment[] {
  const c = columnReading(s);
  const out: Segment[] = [];
  const sym = isSymmetric(c.kind);
  const add = (i: number, j: number, di: number, dj: number, length: number, twice: boolean) => {
    if (length <= 0) return;
    out.push(
      s.layout === "column"
        ? { i, j, di, dj, length, twice }
        : { i: j, j: i, di: dj, dj: di, length, twice },
    );
  };
  if (isBanded(c.kind) || isDiagonals(c.kind)) {
    const lo = c.kind === "gd" ? 0 : isDiagonals(c.kind) ? -1 : -c.ku;
    const hi = c.kind === "gd" ? 0 : c.kind === "st" ? 0 : isDiagonals(c.kind) ? 1 : c.kl;
    for (let d = lo; d <= hi; d++) {
      // d = i − j; st stores its off-diagonal once, read here as the super-diagonal.
      if (d === 0 && isTriangular(c.kind) && c.diag === "unit") continue;
      const j0 = Math.max(0, -d), j1 = Math.min(c.n, c.m - d);
      add(j0 + d, j0, 1, 1, j1 - j0, sym && d !== 0);
    }
    return out;
  }
  for (let j = 0; j < c.n; j++) {
    const [first, end] = columnRange(c, j);
    if (!sym) {
      add(first, j, 1, 0, end - first, false);
      continue;
    }
    // Diagonal entries count once: they go apart, the rest of each column twice.
    if (c.uplo === "upper") add(0, j, 1, 0, j, true);
    else add(j + 1, j, 1, 0, c.n - j - 1, true);
    // Packed storage has no stride along the diagonal: its entries go one by one.
    if (isPacked(c.kind)) add(j, j, 1, 0, 1, false);
  }
  if (sym && !isPacked(c.kind)) add(0, 0, 1, 1, c.n, false);
  return out;
}

/**
 * LAPACK's LU and Cholesky in TypeScript, the reference the native engine is checked against and
 * the zero-install default: a right-looking blocked LU whose trailing updates are the js engine's
 * GEMM (most of the work at any useful size), and column-oriented Cholesky and solves whose inner
 * loops run down contiguous columns. Arithmetic in float64 whatever the storage.
 *
 * @module
 */

import type { BlasEngine, Operand } from "../../core/engine.ts";
import type { LinalgEngine } from "../../core/linalg_engine.ts";
import type { HostArray } from "../../core/types.ts";
import { gesdd, syevd, syevr } from "./eigen.ts";
import { gees, geev } from "./nonsymmetric.ts";
import { geqp3, geqrf, ormqr } from "./householder.ts";
import { jsStructuredLapack } from "./structured_lapack.ts";

const NB = 64;

const view = (a: Operand, i: number, j: number, rows: number, cols: number): Operand => ({
  storage: a.storage,
  offset: a.offset + i + j * a.colStride,
  rows,
  cols,
  rowStride: 1,
  colStride: a.colStride,
});

/** A column-major triangular factor: its buffer, offset, leading dimension and order. */
interface Triangle {
  readonly A: HostArray;
  readonly o: number;
  readonly ld: number;
  readonly n: number;
}

const triangle = (x: Operand): Triangle => ({
  A: x.storage.buffer as HostArray,
  o: x.offset,
  ld: x.colStride,
  n: x.rows,
});

/** Runs f on each column of b: entry i of the column as a buffer index. */
function eachColumn(b: Operand, f: (at: (i: number) => number) => void): void {
  for (let col = 0; col < b.cols; col++) {
    const e = b.offset + col * b.colStride, rs = b.rowStride;
    f((i) => e + i * rs);
  }
}

// The four triangular sweeps getrs and potrs are made of. Like reference BLAS, the column forms
// skip a zero multiplier, so the native engine and this one agree on what a NaN in the factors
// reaches.

/** L·y = b down L's columns (L's diagonal ones when `unit`). */
function lowerColumns(t: Triangle, B: HostArray, at: (i: number) => number, unit: boolean) {
  const { A, o, ld, n } = t;
  for (let k = 0; k < n; k++) {
    const c = o + k * ld, v = unit ? B[at(k)] : (B[at(k)] /= A[c + k]);
    if (v === 0) continue;
    for (let i = k + 1; i < n; i++) B[at(i)] -= A[c + i] * v;
  }
}

/** U·x = y down U's columns. */
function upperColumns(t: Triangle, B: HostArray, at: (i: number) => number) {
  const { A, o, ld, n } = t;
  for (let k = n - 1; k >= 0; k--) {
    const c = o + k * ld, v = (B[at(k)] /= A[c + k]);
    if (v === 0) continue;
    for (let i = 0; i < k; i++) B[at(i)] -= A[c + i] * v;
  }
}

/** Uᵀ·y = b as dot products down U's columns. */
function upperDots(t: Triangle, B: HostArray, at: (i: number) => number) {
  const { A, o, ld, n } = t;
  for (let k = 0; k < n; k++) {
    const c = o + k * ld;
    let s = B[at(k)];
    for (let i = 0; i < k; i++) s -= A[c + i] * B[at(i)];
    B[at(k)] = s / A[c + k];
  }
}

/** Lᵀ·x = y as dot products down L's columns (L's diagonal ones when `unit`). */
function lowerDots(t: Triangle, B: HostArray, at: (i: number) => number, unit: boolean) {
  const { A, o, ld, n } = t;
  for (let k = n - 1; k >= 0; k--) {
    const c = o + k * ld;
    let s = B[at(k)];
    for (let i = k + 1; i < n; i++) s -= A[c + i] * B[at(i)];
    B[at(k)] = unit ? s : s / A[c + k];
  }
}

/** The js engine's LAPACK; `gemm` is its BLAS's, for the trailing updates. */
export function jsLapack(gemm: BlasEngine["gemm"]): LinalgEngine {
  return {
    ...jsStructuredLapack,
    getrf(a, ipiv) {
      const A = a.storage.buffer as HostArray, o = a.offset, ld = a.colStride;
      const m = a.rows, n = a.cols, k = Math.min(m, n);
      let info = 0;
      for (let j = 0; j < k; j += NB) {
        const jb = Math.min(NB, k - j);
        // The panel, column by column: pivot, swap within the panel, scale, update the panel.
        for (let c = j; c < j + jb; c++) {
          const cc = o + c * ld;
          let p = c, best = Math.abs(A[cc + c]);
          for (let r = c + 1; r < m; r++) {
            const v = Math.abs(A[cc + r]);
            if (v > best) [p, best] = [r, v];
          }
          ipiv[c] = p;
          if (A[cc + p] !== 0) {
            if (p !== c) {
              for (let q = j; q < j + jb; q++) {
                const e = o + q * ld, t = A[e + c];
                A[e + c] = A[e + p];
                A[e + p] = t;
              }
            }
            const inv = 1 / A[cc + c];
            for (let r = c + 1; r < m; r++) A[cc + r] *= inv;
          } else if (info === 0) info = c + 1;
          for (let q = c + 1; q < j + jb; q++) {
            const e = o + q * ld, f = A[e + c];
            if (f !== 0) { for (let r = c + 1; r < m; r++) A[e + r] -= A[cc + r] * f; }
          }
        }
        // The panel's swaps applied to the columns on either side.
        for (let c = j; c < j + jb; c++) {
          const p = ipiv[c];
          if (p === c) continue;
          for (let q = 0; q < n; q++) {
            if (q === j) q = j + jb;
            if (q >= n) break;
            const e = o + q * ld, t = A[e + c];
            A[e + c] = A[e + p];
            A[e + p] = t;
          }
        }
        if (j + jb < n) {
          // A12 ← L11⁻¹·A12, then A22 ← A22 − A21·A12.
          for (let q = j + jb; q < n; q++) {
            const e = o + q * ld;
            for (let r = j; r < j + jb; r++) {
              const v = A[e + r];
              if (v === 0) continue;
              const l = o + r * ld;
              for (let s = r + 1; s < j + jb; s++) A[e + s] -= A[l + s] * v;
            }
          }
          if (j + jb < m) {
            gemm(
              -1,
              view(a, j + jb, j, m - j - jb, jb),
              view(a, j, j + jb, jb, n - j - jb),
              1,
              view(a, j + jb, j + jb, m - j - jb, n - j - jb),
            );
          }
        }
      }
      return info;
    },

    getrs(lu, ipiv, b, transpose) {
      const t = triangle(lu), B = b.storage.buffer as HostArray;
      const swap = (at: (i: number) => number, i: number) => {
        const p = ipiv[i];
        if (p !== i) [B[at(i)], B[at(p)]] = [B[at(p)], B[at(i)]];
      };
      eachColumn(b, (at) => {
        if (!transpose) {
          // P·b, then L·y = Pb and U·x = y down the factor's columns.
          for (let i = 0; i < t.n; i++) swap(at, i);
          lowerColumns(t, B, at, true);
          upperColumns(t, B, at);
        } else {
          // Uᵀ·y = b, then Lᵀ·z = y as dot products down the columns; then the swaps backwards.
          upperDots(t, B, at);
          lowerDots(t, B, at, true);
          for (let i = t.n - 1; i >= 0; i--) swap(at, i);
        }
      });
    },

    potrf(a, upper) {
      const A = a.storage.buffer as HostArray, o = a.offset, ld = a.colStride, n = a.rows;
      for (let j = 0; j < n; j++) {
        const jj = o + j + j * ld;
        const d = A[jj];
        // NaN fails here too, as LAPACK's DISNAN test makes it.
        if (!(d > 0)) return j + 1;
        const r = Math.sqrt(d);
        A[jj] = r;
        if (!upper) {
          // Column j below the diagonal, then the trailing lower triangle, column by column.
          const cj = o + j * ld;
          for (let i = j + 1; i < n; i++) A[cj + i] /= r;
          for (let c = j + 1; c < n; c++) {
            const f = A[cj + c];
            if (f === 0) continue;
            const cc = o + c * ld;
            for (let i = c; i < n; i++) A[cc + i] -= A[cj + i] * f;
          }
        } else {
          // Row j right of the diagonal, then the trailing upper triangle, column by column.
          for (let c = j + 1; c < n; c++) A[o + j + c * ld] /= r;
          for (let c = j + 1; c < n; c++) {
            const cc = o + c * ld, f = A[cc + j];
            if (f === 0) continue;
            for (let i = j + 1; i <= c; i++) A[cc + i] -= A[o + j + i * ld] * f;
          }
        }
      }
      return 0;
    },

    potrs(f, upper, b) {
      const t = triangle(f), B = b.storage.buffer as HostArray;
      eachColumn(b, (at) => {
        if (!upper) {
          // L·y = b down the columns, then Lᵀ·x = y as dot products down them.
          lowerColumns(t, B, at, false);
          lowerDots(t, B, at, false);
        } else {
          // Uᵀ·y = b as dot products down U's columns, then U·x = y down them.
          upperDots(t, B, at);
          upperColumns(t, B, at);
        }
      });
    },

    geqrf,
    geqp3,
    ormqr,

    syevd,
    syevr,
    gesdd,
    // One-sided Jacobi serves both of LAPACK's SVD routines.
    gesvd: gesdd,
    geev,
    gees,
  };
}

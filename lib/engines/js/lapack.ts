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
      const A = lu.storage.buffer as HostArray, o = lu.offset, ld = lu.colStride, n = lu.rows;
      const B = b.storage.buffer as HostArray, rs = b.rowStride;
      for (let col = 0; col < b.cols; col++) {
        const e = b.offset + col * b.colStride;
        const at = (i: number) => e + i * rs;
        if (!transpose) {
          for (let i = 0; i < n; i++) {
            const p = ipiv[i];
            if (p !== i) [B[at(i)], B[at(p)]] = [B[at(p)], B[at(i)]];
          }
          // L·y = Pb, then U·x = y, each down the factor's columns.
          for (let k = 0; k < n; k++) {
            const v = B[at(k)];
            if (v === 0) continue;
            const c = o + k * ld;
            for (let i = k + 1; i < n; i++) B[at(i)] -= A[c + i] * v;
          }
          for (let k = n - 1; k >= 0; k--) {
            const c = o + k * ld;
            const v = (B[at(k)] /= A[c + k]);
            if (v === 0) continue;
            for (let i = 0; i < k; i++) B[at(i)] -= A[c + i] * v;
          }
        } else {
          // Uᵀ·y = b, then Lᵀ·z = y, each a dot product down a column; then the swaps backwards.
          for (let k = 0; k < n; k++) {
            const c = o + k * ld;
            let s = B[at(k)];
            for (let i = 0; i < k; i++) s -= A[c + i] * B[at(i)];
            B[at(k)] = s / A[c + k];
          }
          for (let k = n - 1; k >= 0; k--) {
            const c = o + k * ld;
            let s = B[at(k)];
            for (let i = k + 1; i < n; i++) s -= A[c + i] * B[at(i)];
            B[at(k)] = s;
          }
          for (let i = n - 1; i >= 0; i--) {
            const p = ipiv[i];
            if (p !== i) [B[at(i)], B[at(p)]] = [B[at(p)], B[at(i)]];
          }
        }
      }
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
      const A = f.storage.buffer as HostArray, o = f.offset, ld = f.colStride, n = f.rows;
      const B = b.storage.buffer as HostArray, rs = b.rowStride;
      for (let col = 0; col < b.cols; col++) {
        const e = b.offset + col * b.colStride;
        const at = (i: number) => e + i * rs;
        if (!upper) {
          // L·y = b down the columns, then Lᵀ·x = y as dot products down them.
          for (let k = 0; k < n; k++) {
            const c = o + k * ld, v = (B[at(k)] /= A[c + k]);
            if (v === 0) continue;
            for (let i = k + 1; i < n; i++) B[at(i)] -= A[c + i] * v;
          }
          for (let k = n - 1; k >= 0; k--) {
            const c = o + k * ld;
            let s = B[at(k)];
            for (let i = k + 1; i < n; i++) s -= A[c + i] * B[at(i)];
            B[at(k)] = s / A[c + k];
          }
        } else {
          // Uᵀ·y = b as dot products down U's columns, then U·x = y down them.
          for (let k = 0; k < n; k++) {
            const c = o + k * ld;
            let s = B[at(k)];
            for (let i = 0; i < k; i++) s -= A[c + i] * B[at(i)];
            B[at(k)] = s / A[c + k];
          }
          for (let k = n - 1; k >= 0; k--) {
            const c = o + k * ld, v = (B[at(k)] /= A[c + k]);
            if (v === 0) continue;
            for (let i = 0; i < k; i++) B[at(i)] -= A[c + i] * v;
          }
        }
      }
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

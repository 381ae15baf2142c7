/**
 * LAPACK's structured factorizations in TypeScript, each in its own storage and in O(n·k²) for
 * band width k: banded LU with partial pivoting (gbtf2's order), tridiagonal LU (gttrf),
 * Cholesky of packed and band storage through one routine over an index map, L·D·Lᵀ of a
 * tridiagonal (pttrf), and Bunch–Kaufman's diagonal pivoting (sytf2, lower). Arithmetic in
 * float64 whatever the storage.
 *
 * @module
 */

import type { Operand } from "../../core/operand.ts";
import type { StructuredLinalg } from "../../core/structured_lapack.ts";
import type { HostArray } from "../../core/types.ts";

const data = (x: Operand) => x.storage.buffer as HostArray;

/** Entry i of a vector operand, as a buffer index. */
const at = (x: Operand) => (i: number) => x.offset + i * x.rowStride;

/** Runs f on each column of b: entry i of the column as a buffer index. */
function columns(b: Operand, f: (x: (i: number) => number) => void): void {
  for (let c = 0; c < b.cols; c++) {
    const base = b.offset + c * b.colStride;
    f((i) => base + i * b.rowStride);
  }
}

/**
 * Cholesky L·Lᵀ over an index map: `idx(i, j)`, i ≥ j, is where L(i, j) lies (for an upper
 * storage, where U(j, i) = L(i, j) lies); kd bounds the band.
 */
function cholesky(A: HostArray, n: number, kd: number, idx: (i: number, j: number) => number) {
  for (let j = 0; j < n; j++) {
    let s = A[idx(j, j)];
    for (let k = Math.max(0, j - kd); k < j; k++) s -= A[idx(j, k)] ** 2;
    if (!(s > 0)) return j + 1;
    const ljj = Math.sqrt(s);
    A[idx(j, j)] = ljj;
    for (let i = j + 1; i <= Math.min(n - 1, j + kd); i++) {
      let t = A[idx(i, j)];
      for (let k = Math.max(0, i - kd); k < j; k++) t -= A[idx(i, k)] * A[idx(j, k)];
      A[idx(i, j)] = t / ljj;
    }
  }
  return 0;
}

/** B ← (L·Lᵀ)⁻¹B over the same index map. */
function choleskySolve(
  A: HostArray,
  n: number,
  kd: number,
  idx: (i: number, j: number) => number,
  b: Operand,
): void {
  const B = data(b);
  columns(b, (x) => {
    for (let i = 0; i < n; i++) {
      let s = B[x(i)];
      for (let k = Math.max(0, i - kd); k < i; k++) s -= A[idx(i, k)] * B[x(k)];
      B[x(i)] = s / A[idx(i, i)];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = B[x(i)];
      for (let k = i + 1; k <= Math.min(n - 1, i + kd); k++) s -= A[idx(k, i)] * B[x(k)];
      B[x(i)] = s / A[idx(i, i)];
    }
  });
}

/** Where L(i, j), i ≥ j, lies in packed storage of order n. */
function packed(ap: Operand, n: number, upper: boolean) {
  const o = ap.offset, s = ap.rowStride;
  return upper
    ? (i: number, j: number) => o + s * (j + (i * (i + 1)) / 2)
    : (i: number, j: number) => o + s * (i + (j * (2 * n - j - 1)) / 2);
}

/** Where L(i, j), i ≥ j, lies in band storage with kd off-diagonals. */
function band(ab: Operand, kd: number, upper: boolean) {
  const o = ab.offset, ld = ab.colStride;
  return upper
    ? (i: number, j: number) => o + kd + j - i + i * ld
    : (i: number, j: number) => o + i - j + j * ld;
}

/** An upper triangle read transposed is a lower one: the same algorithm serves both. */
const lowerReading = (a: Operand, upper: boolean): Operand =>
  upper ? { ...a, rowStride: a.colStride, colStride: a.rowStride } : a;

/** The js engine's structured LAPACK. */
export const jsStructuredLapack: StructuredLinalg = {
  gbtrf(ab, m, kl, ku, ipiv) {
    const A = data(ab), o = ab.offset, ld = ab.colStride, n = ab.cols, kv = ku + kl;
    const e = (i: number, j: number) => o + kv + i - j + j * ld;
    for (let j = 0; j < n; j++) for (let r = 0; r < kl; r++) A[o + r + j * ld] = 0;
    let info = 0, ju = 0;
    for (let j = 0; j < Math.min(m, n); j++) {
      const km = Math.min(kl, m - 1 - j);
      let jp = 0, best = Math.abs(A[e(j, j)]);
      for (let r = 1; r <= km; r++) {
        const v = Math.abs(A[e(j + r, j)]);
        if (v > best) [best, jp] = [v, r];
      }
      ipiv[j] = j + jp;
      if (A[e(j + jp, j)] !== 0) {
        ju = Math.max(ju, Math.min(j + ku + jp, n - 1));
        if (jp !== 0) {
          for (let c = j; c <= ju; c++) {
            const t = A[e(j, c)];
            A[e(j, c)] = A[e(j + jp, c)];
            A[e(j + jp, c)] = t;
          }
        }
        const piv = A[e(j, j)];
        for (let r = 1; r <= km; r++) A[e(j + r, j)] /= piv;
        for (let c = j + 1; c <= ju; c++) {
          const u = A[e(j, c)];
          if (u !== 0) { for (let r = 1; r <= km; r++) A[e(j + r, c)] -= A[e(j + r, j)] * u; }
        }
      } else if (info === 0) info = j + 1;
    }
    return info;
  },

  gbtrs(ab, kl, ku, ipiv, b, transpose) {
    const A = data(ab), o = ab.offset, ld = ab.colStride, n = ab.cols, kv = ku + kl;
    const e = (i: number, j: number) => o + kv + i - j + j * ld;
    const B = data(b);
    columns(b, (x) => {
      const swap = (i: number, j: number) => {
        const t = B[x(i)];
        B[x(i)] = B[x(j)];
        B[x(j)] = t;
      };
      if (!transpose) {
        for (let j = 0; j < n - 1; j++) {
          const km = Math.min(kl, n - 1 - j);
          if (ipiv[j] !== j) swap(j, ipiv[j]);
          const v = B[x(j)];
          for (let r = 1; r <= km; r++) B[x(j + r)] -= A[e(j + r, j)] * v;
        }
        for (let j = n - 1; j >= 0; j--) {
          const v = (B[x(j)] /= A[e(j, j)]);
          for (let i = Math.max(0, j - kv); i < j; i++) B[x(i)] -= A[e(i, j)] * v;
        }
      } else {
        for (let j = 0; j < n; j++) {
          let s = B[x(j)];
          for (let i = Math.max(0, j - kv); i < j; i++) s -= A[e(i, j)] * B[x(i)];
          B[x(j)] = s / A[e(j, j)];
        }
        for (let j = n - 2; j >= 0; j--) {
          const km = Math.min(kl, n - 1 - j);
          let s = B[x(j)];
          for (let r = 1; r <= km; r++) s -= A[e(j + r, j)] * B[x(j + r)];
          B[x(j)] = s;
          if (ipiv[j] !== j) swap(j, ipiv[j]);
        }
      }
    });
  },

  gttrf(dl, d, du, du2, ipiv) {
    const L = data(dl), D = data(d), U = data(du), U2 = data(du2);
    const l = at(dl), dd = at(d), u = at(du), u2 = at(du2), n = d.rows;
    for (let i = 0; i < n; i++) ipiv[i] = i;
    for (let i = 0; i < n - 2; i++) U2[u2(i)] = 0;
    for (let i = 0; i < n - 1; i++) {
      if (Math.abs(D[dd(i)]) >= Math.abs(L[l(i)])) {
        // No interchange.
        if (D[dd(i)] !== 0) {
          const fact = L[l(i)] / D[dd(i)];
          L[l(i)] = fact;
          D[dd(i + 1)] -= fact * U[u(i)];
        }
      } else {
        // Rows i and i + 1 change places; the second superdiagonal fills.
        const fact = D[dd(i)] / L[l(i)];
        D[dd(i)] = L[l(i)];
        L[l(i)] = fact;
        const t = U[u(i)];
        U[u(i)] = D[dd(i + 1)];
        D[dd(i + 1)] = t - fact * D[dd(i + 1)];
        if (i < n - 2) {
          U2[u2(i)] = U[u(i + 1)];
          U[u(i + 1)] = -fact * U[u(i + 1)];
        }
        ipiv[i] = i + 1;
      }
    }
    for (let i = 0; i < n; i++) if (D[dd(i)] === 0) return i + 1;
    return 0;
  },

  gttrs(dl, d, du, du2, ipiv, b, transpose) {
    const L = data(dl), D = data(d), U = data(du), U2 = data(du2), B = data(b);
    const l = at(dl), dd = at(d), u = at(du), u2 = at(du2), n = d.rows;
    if (n === 0) return;
    columns(b, (x) => {
      if (!transpose) {
        for (let i = 0; i < n - 1; i++) {
          if (ipiv[i] === i) B[x(i + 1)] -= L[l(i)] * B[x(i)];
          else {
            const t = B[x(i)];
            B[x(i)] = B[x(i + 1)];
            B[x(i + 1)] = t - L[l(i)] * B[x(i)];
          }
        }
        B[x(n - 1)] /= D[dd(n - 1)];
        if (n > 1) B[x(n - 2)] = (B[x(n - 2)] - U[u(n - 2)] * B[x(n - 1)]) / D[dd(n - 2)];
        for (let i = n - 3; i >= 0; i--) {
          B[x(i)] = (B[x(i)] - U[u(i)] * B[x(i + 1)] - U2[u2(i)] * B[x(i + 2)]) / D[dd(i)];
        }
      } else {
        B[x(0)] /= D[dd(0)];
        if (n > 1) B[x(1)] = (B[x(1)] - U[u(0)] * B[x(0)]) / D[dd(1)];
        for (let i = 2; i < n; i++) {
          B[x(i)] = (B[x(i)] - U[u(i - 1)] * B[x(i - 1)] - U2[u2(i - 2)] * B[x(i - 2)]) / D[dd(i)];
        }
        for (let i = n - 2; i >= 0; i--) {
          if (ipiv[i] === i) B[x(i)] -= L[l(i)] * B[x(i + 1)];
          else {
            const t = B[x(i + 1)];
            B[x(i + 1)] = B[x(i)] - L[l(i)] * t;
            B[x(i)] = t;
          }
        }
      }
    });
  },

  pptrf(ap, n, upper) {
    return cholesky(data(ap), n, n - 1, packed(ap, n, upper));
  },

  pptrs(ap, n, upper, b) {
    choleskySolve(data(ap), n, n - 1, packed(ap, n, upper), b);
  },

  pbtrf(ab, kd, upper) {
    return cholesky(data(ab), ab.cols, kd, band(ab, kd, upper));
  },

  pbtrs(ab, kd, upper, b) {
    choleskySolve(data(ab), ab.cols, kd, band(ab, kd, upper), b);
  },

  pttrf(d, e) {
    const D = data(d), E = data(e), dd = at(d), ee = at(e), n = d.rows;
    for (let i = 0; i < n - 1; i++) {
      if (!(D[dd(i)] > 0)) return i + 1;
      const ei = E[ee(i)];
      E[ee(i)] = ei / D[dd(i)];
      D[dd(i + 1)] -= E[ee(i)] * ei;
    }
    return n > 0 && !(D[dd(n - 1)] > 0) ? n : 0;
  },

  pttrs(d, e, b) {
    const D = data(d), E = data(e), B = data(b), dd = at(d), ee = at(e), n = d.rows;
    if (n === 0) return;
    columns(b, (x) => {
      for (let i = 1; i < n; i++) B[x(i)] -= E[ee(i - 1)] * B[x(i - 1)];
      B[x(n - 1)] /= D[dd(n - 1)];
      for (let i = n - 2; i >= 0; i--) B[x(i)] = B[x(i)] / D[dd(i)] - E[ee(i)] * B[x(i + 1)];
    });
  },

  sytrf(stored, upper, ipiv) {
    const a = lowerReading(stored, upper), A = data(a), n = a.rows;
    const e = (i: number, j: number) => a.offset + i * a.rowStride + j * a.colStride;
    const swap = (p: number, q: number) => {
      const t = A[p];
      A[p] = A[q];
      A[q] = t;
    };
    const alpha = (1 + Math.sqrt(17)) / 8;
    let info = 0;
    for (let k = 0; k < n;) {
      let kstep = 1, kp = k;
      const absakk = Math.abs(A[e(k, k)]);
      let imax = k, colmax = 0;
      for (let i = k + 1; i < n; i++) {
        const v = Math.abs(A[e(i, k)]);
        if (v > colmax) [colmax, imax] = [v, i];
      }
      if (Math.max(absakk, colmax) === 0 || Number.isNaN(absakk)) {
        if (info === 0) info = k + 1;
      } else {
        if (absakk < alpha * colmax) {
          let rowmax = 0;
          for (let j = k; j < imax; j++) rowmax = Math.max(rowmax, Math.abs(A[e(imax, j)]));
          for (let j = imax + 1; j < n; j++) rowmax = Math.max(rowmax, Math.abs(A[e(j, imax)]));
          if (absakk >= alpha * colmax * (colmax / rowmax)) kp = k;
          else if (Math.abs(A[e(imax, imax)]) >= alpha * rowmax) kp = imax;
          else {
            kp = imax;
            kstep = 2;
          }
        }
        const kk = k + kstep - 1;
        if (kp !== kk) {
          // Interchange rows and columns kk and kp of the trailing lower triangle.
          for (let i = kp + 1; i < n; i++) swap(e(i, kk), e(i, kp));
          for (let j = kk + 1; j < kp; j++) swap(e(j, kk), e(kp, j));
          swap(e(kk, kk), e(kp, kp));
          if (kstep === 2) swap(e(k + 1, k), e(kp, k));
        }
        if (kstep === 1) {
          const d11 = 1 / A[e(k, k)];
          for (let j = k + 1; j < n; j++) {
            const v = A[e(j, k)] * d11;
            for (let i = j; i < n; i++) A[e(i, j)] -= A[e(i, k)] * v;
          }
          for (let i = k + 1; i < n; i++) A[e(i, k)] *= d11;
        } else if (k < n - 2) {
          let d21 = A[e(k + 1, k)];
          const d11 = A[e(k + 1, k + 1)] / d21, d22 = A[e(k, k)] / d21;
          const t = 1 / (d11 * d22 - 1);
          d21 = t / d21;
          for (let j = k + 2; j < n; j++) {
            const wk = d21 * (d11 * A[e(j, k)] - A[e(j, k + 1)]);
            const wkp1 = d21 * (d22 * A[e(j, k + 1)] - A[e(j, k)]);
            for (let i = j; i < n; i++) A[e(i, j)] -= A[e(i, k)] * wk + A[e(i, k + 1)] * wkp1;
            A[e(j, k)] = wk;
            A[e(j, k + 1)] = wkp1;
          }
        }
      }
      if (kstep === 1) ipiv[k] = kp + 1;
      else ipiv[k] = ipiv[k + 1] = -(kp + 1);
      k += kstep;
    }
    return info;
  },

  sytrs(stored, upper, ipiv, b) {
    const a = lowerReading(stored, upper), A = data(a), B = data(b), n = a.rows;
    const e = (i: number, j: number) => a.offset + i * a.rowStride + j * a.colStride;
    columns(b, (x) => {
      const swap = (i: number, j: number) => {
        const t = B[x(i)];
        B[x(i)] = B[x(j)];
        B[x(j)] = t;
      };
      // L·D·y = P·b, forward.
      for (let k = 0; k < n;) {
        if (ipiv[k] > 0) {
          const kp = ipiv[k] - 1;
          if (kp !== k) swap(k, kp);
          const v = B[x(k)];
          for (let i = k + 1; i < n; i++) B[x(i)] -= A[e(i, k)] * v;
          B[x(k)] = v / A[e(k, k)];
          k += 1;
        } else {
          const kp = -ipiv[k] - 1;
          if (kp !== k + 1) swap(k + 1, kp);
          const v0 = B[x(k)], v1 = B[x(k + 1)];
          for (let i = k + 2; i < n; i++) B[x(i)] -= A[e(i, k)] * v0 + A[e(i, k + 1)] * v1;
          const akm1k = A[e(k + 1, k)];
          const akm1 = A[e(k, k)] / akm1k, ak = A[e(k + 1, k + 1)] / akm1k;
          const denom = akm1 * ak - 1;
          const bkm1 = v0 / akm1k, bk = v1 / akm1k;
          B[x(k)] = (ak * bkm1 - bk) / denom;
          B[x(k + 1)] = (akm1 * bk - bkm1) / denom;
          k += 2;
        }
      }
      // Lᵀ·P·x = y, backward.
      for (let k = n - 1; k >= 0;) {
        let s = 0;
        for (let i = k + 1; i < n; i++) s += A[e(i, k)] * B[x(i)];
        B[x(k)] -= s;
        if (ipiv[k] > 0) {
          const kp = ipiv[k] - 1;
          if (kp !== k) swap(k, kp);
          k -= 1;
        } else {
          let t = 0;
          for (let i = k + 1; i < n; i++) t += A[e(i, k - 1)] * B[x(i)];
          B[x(k - 1)] -= t;
          const kp = -ipiv[k] - 1;
          if (kp !== k) swap(k, kp);
          k -= 2;
        }
      }
    });
  },
};

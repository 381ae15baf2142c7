/**
 * The eigenvalues of a general real matrix in TypeScript: Householder reduction to upper
 * Hessenberg form, then the Francis double-shift QR iteration with deflation (EISPACK's hqr, as
 * Numerical Recipes carries it), in float64 whatever the storage. Eigenvalues only: the vectors
 * are the native engine's (LAPACK's geev).
 *
 * @module
 */

import type { Operand } from "../../core/operand.ts";
import type { HostArray } from "../../core/types.ts";

/** A's entries as rows of float64. */
function rowsOf(a: Operand): Float64Array[] {
  const A = a.storage.buffer as HostArray, n = a.rows;
  return Array.from({ length: n }, (_, i) => {
    const r = new Float64Array(n);
    for (let j = 0; j < n; j++) r[j] = A[a.offset + i * a.rowStride + j * a.colStride];
    return r;
  });
}

/** Reduces a (rows) to upper Hessenberg form in place by Householder similarity transforms. */
function hessenberg(a: Float64Array[]): void {
  const n = a.length;
  for (let k = 0; k < n - 2; k++) {
    let scale = 0;
    for (let i = k + 1; i < n; i++) scale = Math.max(scale, Math.abs(a[i][k]));
    if (scale === 0) continue;
    const v = new Float64Array(n);
    let norm = 0;
    for (let i = k + 1; i < n; i++) {
      v[i] = a[i][k] / scale;
      norm += v[i] * v[i];
    }
    norm = Math.sqrt(norm);
    const alpha = v[k + 1] > 0 ? -norm : norm;
    v[k + 1] -= alpha;
    let vv = 0;
    for (let i = k + 1; i < n; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    // A ← (I − 2vvᵀ/vᵀv)·A·(I − 2vvᵀ/vᵀv).
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k + 1; i < n; i++) s += v[i] * a[i][j];
      s = (2 * s) / vv;
      for (let i = k + 1; i < n; i++) a[i][j] -= s * v[i];
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += a[i][j] * v[j];
      s = (2 * s) / vv;
      for (let j = k + 1; j < n; j++) a[i][j] -= s * v[j];
    }
    for (let i = k + 2; i < n; i++) a[i][k] = 0;
  }
}

const sign = (a: number, b: number) => (b >= 0 ? Math.abs(a) : -Math.abs(a));

/**
 * The eigenvalues of the upper Hessenberg a (rows, 1-based below as in EISPACK) into wr + i·wi.
 * Returns 0, or the count of eigenvalues left when 30 iterations on one did not converge.
 */
function hqr(h: Float64Array[], wr: Float64Array, wi: Float64Array): number {
  const n = h.length;
  // 1-based views, as the algorithm is written.
  const a = (i: number, j: number) => h[i - 1][j - 1];
  const set = (i: number, j: number, v: number) => (h[i - 1][j - 1] = v);
  let anorm = 0;
  for (let i = 1; i <= n; i++) {
    for (let j = Math.max(i - 1, 1); j <= n; j++) anorm += Math.abs(a(i, j));
  }
  let nn = n, t = 0;
  let x = 0, y = 0, z = 0, w = 0, p = 0, q = 0, r = 0, s = 0;
  while (nn >= 1) {
    let its = 0, l: number;
    do {
      for (l = nn; l >= 2; l--) {
        s = Math.abs(a(l - 1, l - 1)) + Math.abs(a(l, l));
        if (s === 0) s = anorm;
        if (Math.abs(a(l, l - 1)) + s === s) {
          set(l, l - 1, 0);
          break;
        }
      }
      x = a(nn, nn);
      if (l === nn) {
        wr[nn - 1] = x + t;
        wi[nn - 1] = 0;
        nn--;
      } else {
        y = a(nn - 1, nn - 1);
        w = a(nn, nn - 1) * a(nn - 1, nn);
        if (l === nn - 1) {
          p = 0.5 * (y - x);
          q = p * p + w;
          z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) {
            z = p + sign(z, p);
            wr[nn - 2] = wr[nn - 1] = x + z;
            if (z) wr[nn - 1] = x - w / z;
            wi[nn - 2] = wi[nn - 1] = 0;
          } else {
            wr[nn - 2] = wr[nn - 1] = x + p;
            wi[nn - 2] = -(wi[nn - 1] = z);
          }
          nn -= 2;
        } else {
          if (its === 30) return nn;
          if (its === 10 || its === 20) {
            // An exceptional shift.
            t += x;
            for (let i = 1; i <= nn; i++) set(i, i, a(i, i) - x);
            s = Math.abs(a(nn, nn - 1)) + Math.abs(a(nn - 1, nn - 2));
            y = x = 0.75 * s;
            w = -0.4375 * s * s;
          }
          ++its;
          let m: number;
          for (m = nn - 2; m >= l; m--) {
            z = a(m, m);
            r = x - z;
            s = y - z;
            p = (r * s - w) / a(m + 1, m) + a(m, m + 1);
            q = a(m + 1, m + 1) - z - r - s;
            r = a(m + 2, m + 1);
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s;
            q /= s;
            r /= s;
            if (m === l) break;
            const u = Math.abs(a(m, m - 1)) * (Math.abs(q) + Math.abs(r));
            const v = Math.abs(p) *
              (Math.abs(a(m - 1, m - 1)) + Math.abs(z) + Math.abs(a(m + 1, m + 1)));
            if (u + v === v) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            set(i, i - 2, 0);
            if (i !== m + 2) set(i, i - 3, 0);
          }
          for (let k = m; k <= nn - 1; k++) {
            if (k !== m) {
              p = a(k, k - 1);
              q = a(k + 1, k - 1);
              r = 0;
              if (k !== nn - 1) r = a(k + 2, k - 1);
              if ((x = Math.abs(p) + Math.abs(q) + Math.abs(r)) !== 0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            if ((s = sign(Math.sqrt(p * p + q * q + r * r), p)) !== 0) {
              if (k === m) {
                if (l !== m) set(k, k - 1, -a(k, k - 1));
              } else set(k, k - 1, -s * x);
              p += s;
              x = p / s;
              y = q / s;
              z = r / s;
              q /= p;
              r /= p;
              for (let j = k; j <= nn; j++) {
                p = a(k, j) + q * a(k + 1, j);
                if (k !== nn - 1) {
                  p += r * a(k + 2, j);
                  set(k + 2, j, a(k + 2, j) - p * z);
                }
                set(k + 1, j, a(k + 1, j) - p * y);
                set(k, j, a(k, j) - p * x);
              }
              const mmin = nn < k + 3 ? nn : k + 3;
              for (let i = l; i <= mmin; i++) {
                p = x * a(i, k) + y * a(i, k + 1);
                if (k !== nn - 1) {
                  p += z * a(i, k + 2);
                  set(i, k + 2, a(i, k + 2) - p * r);
                }
                set(i, k + 1, a(i, k + 1) - p * q);
                set(i, k, a(i, k) - p);
              }
            }
          }
        }
      }
    } while (l < nn - 1);
  }
  return 0;
}

/** The eigenvalues of a general square a into wr + i·wi (in no particular order). */
export function geev(a: Operand, wr: Float64Array, wi: Float64Array): number {
  const n = a.rows;
  if (n === 0) return 0;
  const h = rowsOf(a);
  hessenberg(h);
  return hqr(h, wr, wi);
}

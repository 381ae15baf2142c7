/**
 * Symmetric eigenvalues and the SVD in TypeScript, in float64 work arrays whatever the storage:
 * Householder reduction to tridiagonal form and the implicit QL iteration (the EISPACK
 * tred2/tql2 pair, as JAMA carries it) for `syevd`, and one-sided Jacobi rotations (Hestenes) for
 * `gesdd` — slower than divide and conquer at large orders but accurate to the last digits in
 * the small singular values, and simple enough to trust as the reference.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { HostArray } from "../../core/types.ts";
import type { EigenRange } from "../../core/linalg_engine.ts";

const EPS = 2 ** -52;

/** A symmetric matrix from one triangle of a, as a full column-major float64 array. */
function symmetricCopy(a: Operand, upper: boolean): Float64Array {
  const n = a.rows, A = a.storage.buffer as HostArray, v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const [r, c] = (upper ? i <= j : i >= j) ? [i, j] : [j, i];
      v[i + j * n] = A[a.offset + r * a.rowStride + c * a.colStride];
    }
  }
  return v;
}

/** Reduces the symmetric V (n×n, column-major) to tridiagonal d, e, accumulating the transform. */
function tred2(n: number, V: Float64Array, d: Float64Array, e: Float64Array): void {
  const at = (r: number, c: number) => r + c * n;
  for (let j = 0; j < n; j++) d[j] = V[at(n - 1, j)];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[at(i - 1, j)];
        V[at(i, j)] = 0;
        V[at(j, i)] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1], g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[at(j, i)] = f;
        g = e[j] + V[at(j, j)] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[at(k, j)] * d[k];
          e[k] += V[at(k, j)] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[at(k, j)] -= f * e[k] + g * d[k];
        d[j] = V[at(i - 1, j)];
        V[at(i, j)] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[at(n - 1, i)] = V[at(i, i)];
    V[at(i, i)] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[at(k, i + 1)] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[at(k, i + 1)] * V[at(k, j)];
        for (let k = 0; k <= i; k++) V[at(k, j)] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[at(k, i + 1)] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[at(n - 1, j)];
    V[at(n - 1, j)] = 0;
  }
  if (n > 0) V[at(n - 1, n - 1)] = 1;
  e[0] = 0;
}

/** The implicit QL iteration on tridiagonal d, e; eigenvalues ascending, vectors into V. */
function tql2(n: number, V: Float64Array, d: Float64Array, e: Float64Array): number {
  const at = (r: number, c: number) => r + c * n;
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  if (n > 0) e[n - 1] = 0;
  let f = 0, tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n && Math.abs(e[m]) > EPS * tst1) m++;
    if (m === n) m = n - 1;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) return l + 1;
        let g = d[l], p = (d[l + 1] - g) / (2 * e[l]), r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = c, c3 = c, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            const t = V[at(k, i + 1)];
            V[at(k, i + 1)] = s * V[at(k, i)] + c * t;
            V[at(k, i)] = c * V[at(k, i)] - s * t;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  // Ascending, the vectors moved along.
  for (let i = 0; i < n - 1; i++) {
    let k = i, p = d[i];
    for (let j = i + 1; j < n; j++) if (d[j] < p) [k, p] = [j, d[j]];
    if (k === i) continue;
    d[k] = d[i];
    d[i] = p;
    for (let j = 0; j < n; j++) [V[at(j, i)], V[at(j, k)]] = [V[at(j, k)], V[at(j, i)]];
  }
  return 0;
}

/** The symmetric eigenproblem as LAPACK's syevd states it. */
export function syevd(a: Operand, upper: boolean, w: Float64Array, vectors: boolean): number {
  const n = a.rows;
  if (n === 0) return 0;
  const V = symmetricCopy(a, upper), e = new Float64Array(n);
  tred2(n, V, w, e);
  const info = tql2(n, V, w, e);
  if (info === 0 && vectors) {
    const A = a.storage.buffer as HostArray;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) A[a.offset + i * a.rowStride + j * a.colStride] = V[i + j * n];
    }
  }
  return info;
}

/** The thin SVD by one-sided Jacobi rotations, as LAPACK's gesdd states its result. */
export function gesdd(a: Operand, s: Float64Array, u?: Operand, vt?: Operand): number {
  const m0 = a.rows, n0 = a.cols, k = Math.min(m0, n0);
  if (k === 0) return 0;
  // A wide matrix is worked as its transpose: Aᵀ = V·Σ·Uᵀ.
  const wide = m0 < n0, m = wide ? n0 : m0, n = wide ? m0 : n0;
  const A = a.storage.buffer as HostArray;
  const W = new Float64Array(m * n), V = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) {
      const [r, c] = wide ? [j, i] : [i, j];
      W[i + j * m] = A[a.offset + r * a.rowStride + c * a.colStride];
    }
    V[j + j * n] = 1;
  }
  // A column whose norm is under ε·‖A‖ is rounding noise (a rank-deficient A has many): turning
  // it against another changes nothing above A's backward error, and its noise, never orthogonal
  // to other noise to relative precision, would keep the sweeps from converging.
  let frobenius2 = 0;
  for (let i = 0; i < m * n; i++) frobenius2 += W[i] * W[i];
  const negligible = EPS * EPS * frobenius2;
  let converged = false;
  for (let sweep = 0; sweep < 60 && !converged; sweep++) {
    converged = true;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        const cp = p * m, cq = q * m;
        for (let i = 0; i < m; i++) {
          const x = W[cp + i], y = W[cq + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (alpha <= negligible || beta <= negligible) continue;
        if (Math.abs(gamma) <= EPS * Math.sqrt(alpha * beta) || gamma === 0) continue;
        converged = false;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), sn = c * t;
        for (let i = 0; i < m; i++) {
          const x = W[cp + i], y = W[cq + i];
          W[cp + i] = c * x - sn * y;
          W[cq + i] = sn * x + c * y;
        }
        for (let i = 0; i < n; i++) {
          const x = V[p * n + i], y = V[q * n + i];
          V[p * n + i] = c * x - sn * y;
          V[q * n + i] = sn * x + c * y;
        }
      }
    }
  }
  if (!converged) return 1;
  // σⱼ = ‖Wⱼ‖, descending; Uⱼ = Wⱼ/σⱼ.
  const norms = Array.from({ length: n }, (_, j) => {
    let t = 0;
    for (let i = 0; i < m; i++) t += W[j * m + i] ** 2;
    return Math.sqrt(t);
  });
  const order = norms.map((_, j) => j).sort((x, y) => norms[y] - norms[x]);
  for (let q = 0; q < k; q++) s[q] = norms[order[q]];
  // Left and right vectors of the problem worked; for a wide A they trade places.
  const [left, right] = wide ? [vt, u] : [u, vt];
  const put = (o: Operand | undefined, i: number, j: number, v: number) => {
    if (o === undefined) return;
    (o.storage.buffer as HostArray)[o.offset + i * o.rowStride + j * o.colStride] = v;
  };
  for (let q = 0; q < k; q++) {
    const j = order[q], sigma = norms[j];
    for (let i = 0; i < m; i++) {
      const v = sigma > 0 ? W[j * m + i] / sigma : 0;
      if (wide) put(left, q, i, v);
      else put(left, i, q, v);
    }
    for (let i = 0; i < n; i++) {
      const v = V[j * n + i];
      if (wide) put(right, i, q, v);
      else put(right, q, i, v);
    }
  }
  return 0;
}

/**
 * The eigenvalues of a symmetric a in a range (LAPACK's syevr states the result): all of them by
 * syevd, then the range kept — the js engine has no bisection or MRRR to compute only some.
 */
export function syevr(
  a: Operand,
  upper: boolean,
  range: EigenRange,
  w: Float64Array,
  z?: Operand,
): { info: number; count: number } {
  const n = a.rows, all = new Float64Array(n);
  const info = syevd(a, upper, all, z !== undefined);
  if (info > 0) return { info, count: 0 };
  let lo: number, hi: number;
  if ("index" in range) [lo, hi] = range.index;
  else {
    const [below, top] = range.value;
    lo = all.findIndex((v) => v > below);
    if (lo < 0) lo = n;
    hi = lo - 1;
    while (hi + 1 < n && all[hi + 1] <= top) hi++;
  }
  const count = Math.max(0, hi - lo + 1);
  w.set(all.subarray(lo, lo + count));
  if (z) {
    const A = a.storage.buffer as HostArray, Z = z.storage.buffer as HostArray;
    for (let j = 0; j < count; j++) {
      for (let i = 0; i < n; i++) {
        Z[z.offset + i * z.rowStride + j * z.colStride] =
          A[a.offset + i * a.rowStride + (lo + j) * a.colStride];
      }
    }
  }
  return { info: 0, count };
}

/**
 * The general real eigenproblem in TypeScript, in float64 whatever the storage: Householder
 * reduction to upper Hessenberg form, Francis's double-shift QR iteration to the real Schur form
 * T = ZᵀAZ (EISPACK's hqr2, as JAMA carries it), its 2×2 blocks put in LAPACK's standard form
 * (dlanv2), and eigenvectors by back substitution on T — the right ones on T, the left ones on T's
 * transpose turned around so that it is upper quasi-triangular too.
 *
 * @module
 */

import type { Operand } from "../../core/operand.ts";
import type { HostArray } from "../../core/types.ts";
import { schurBlock } from "./schur_block.ts";

const EPS = 2 ** -52;

/** A's entries as rows of float64. */
function rowsOf(a: Operand): Float64Array[] {
  const A = a.storage.buffer as HostArray, n = a.rows;
  return Array.from({ length: n }, (_, i) => {
    const r = new Float64Array(n);
    for (let j = 0; j < n; j++) r[j] = A[a.offset + i * a.rowStride + j * a.colStride];
    return r;
  });
}

/** Writes rows into an operand. */
function writeRows(rows: Float64Array[], x: Operand): void {
  const X = x.storage.buffer as HostArray;
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) X[x.offset + i * x.rowStride + j * x.colStride] = rows[i][j];
  }
}

const identity = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const r = new Float64Array(n);
    r[i] = 1;
    return r;
  });

/**
 * Reduces a (rows) to upper Hessenberg form in place by Householder similarity transforms,
 * accumulating them into z (A = Z·H·Zᵀ) when given.
 */
function hessenberg(a: Float64Array[], z?: Float64Array[]): void {
  const n = a.length;
  const v = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    let scale = 0;
    for (let i = k + 1; i < n; i++) scale = Math.max(scale, Math.abs(a[i][k]));
    if (scale === 0) continue;
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
    // A ← P·A·P with P = I − 2vvᵀ/vᵀv; Z ← Z·P.
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k + 1; i < n; i++) s += v[i] * a[i][j];
      s = (2 * s) / vv;
      for (let i = k + 1; i < n; i++) a[i][j] -= s * v[i];
    }
    for (const rows of z ? [a, z] : [a]) {
      for (let i = 0; i < n; i++) {
        const r = rows[i];
        let s = 0;
        for (let j = k + 1; j < n; j++) s += r[j] * v[j];
        s = (2 * s) / vv;
        for (let j = k + 1; j < n; j++) r[j] -= s * v[j];
      }
    }
    for (let i = k + 2; i < n; i++) a[i][k] = 0;
  }
}

/**
 * Francis's double-shift QR iteration on the upper Hessenberg h, eigenvalues into wr + i·wi
 * (a complex pair as +β, −β). With `schur`, the whole of h is updated so that it ends as the real
 * Schur form, and z (when given) accumulates the transformations; without, only the active window
 * is. Returns 0, or how many eigenvalues were left when one took over 100 iterations.
 */
function francis(
  h: Float64Array[],
  wr: Float64Array,
  wi: Float64Array,
  schur: boolean,
  z?: Float64Array[],
): number {
  const nn = h.length;
  let norm = 0;
  for (let i = 0; i < nn; i++) {
    for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(h[i][j]);
  }
  let n = nn - 1, exshift = 0, iter = 0;
  let p = 0, q = 0, r = 0, s = 0, w = 0, x = 0, y = 0, zz = 0;
  while (n >= 0) {
    let l = n;
    while (l > 0) {
      s = Math.abs(h[l - 1][l - 1]) + Math.abs(h[l][l]);
      if (s === 0) s = norm;
      if (Math.abs(h[l][l - 1]) <= EPS * s) {
        h[l][l - 1] = 0;
        break;
      }
      l--;
    }
    if (l === n) {
      // One root.
      h[n][n] += exshift;
      wr[n] = h[n][n];
      wi[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) {
      // Two roots: a real pair is split by a rotation, a complex one kept as a 2×2 block.
      w = h[n][n - 1] * h[n - 1][n];
      p = (h[n - 1][n - 1] - h[n][n]) / 2;
      q = p * p + w;
      zz = Math.sqrt(Math.abs(q));
      h[n][n] += exshift;
      h[n - 1][n - 1] += exshift;
      x = h[n][n];
      if (q >= 0) {
        zz = p >= 0 ? p + zz : p - zz;
        wr[n - 1] = x + zz;
        wr[n] = zz !== 0 ? x - w / zz : wr[n - 1];
        wi[n - 1] = wi[n] = 0;
        x = h[n][n - 1];
        s = Math.abs(x) + Math.abs(zz);
        p = x / s;
        q = zz / s;
        r = Math.sqrt(p * p + q * q);
        p /= r;
        q /= r;
        for (let j = n - 1; j < (schur ? nn : n + 1); j++) {
          zz = h[n - 1][j];
          h[n - 1][j] = q * zz + p * h[n][j];
          h[n][j] = q * h[n][j] - p * zz;
        }
        for (let i = schur ? 0 : l; i <= n; i++) {
          zz = h[i][n - 1];
          h[i][n - 1] = q * zz + p * h[i][n];
          h[i][n] = q * h[i][n] - p * zz;
        }
        if (z) {
          for (const row of z) {
            zz = row[n - 1];
            row[n - 1] = q * zz + p * row[n];
            row[n] = q * row[n] - p * zz;
          }
        }
        h[n][n - 1] = 0;
      } else {
        wr[n - 1] = wr[n] = x + p;
        wi[n - 1] = zz;
        wi[n] = -zz;
      }
      n -= 2;
      iter = 0;
    } else {
      if (iter === 100) return n + 1;
      x = h[n][n];
      y = h[n - 1][n - 1];
      w = h[n][n - 1] * h[n - 1][n];
      if (iter === 10 || iter === 50) {
        // Wilkinson's exceptional shift.
        exshift += x;
        for (let i = 0; i <= n; i++) h[i][i] -= x;
        s = Math.abs(h[n][n - 1]) + Math.abs(h[n - 1][n - 2]);
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter === 30 || iter === 70) {
        // MATLAB's exceptional shift.
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = 0; i <= n; i++) h[i][i] -= s;
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      // Two consecutive small subdiagonal entries.
      let m = n - 2;
      while (m >= l) {
        zz = h[m][m];
        r = x - zz;
        s = y - zz;
        p = (r * s - w) / h[m + 1][m] + h[m][m + 1];
        q = h[m + 1][m + 1] - zz - r - s;
        r = h[m + 2][m + 1];
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m === l) break;
        const u = Math.abs(h[m][m - 1]) * (Math.abs(q) + Math.abs(r));
        const v = EPS *
          (Math.abs(p) * (Math.abs(h[m - 1][m - 1]) + Math.abs(zz) + Math.abs(h[m + 1][m + 1])));
        if (u < v) break;
        m--;
      }
      for (let i = m + 2; i <= n; i++) {
        h[i][i - 2] = 0;
        if (i > m + 2) h[i][i - 3] = 0;
      }
      // A double QR step on rows l..n and columns m..n.
      for (let k = m; k <= n - 1; k++) {
        const notlast = k !== n - 1;
        if (k !== m) {
          p = h[k][k - 1];
          q = h[k + 1][k - 1];
          r = notlast ? h[k + 2][k - 1] : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x === 0) continue;
          p /= x;
          q /= x;
          r /= x;
        }
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s === 0) continue;
        if (k !== m) h[k][k - 1] = -s * x;
        else if (l !== m) h[k][k - 1] = -h[k][k - 1];
        p += s;
        x = p / s;
        y = q / s;
        zz = r / s;
        q /= p;
        r /= p;
        const last = schur ? nn - 1 : n;
        for (let j = k; j <= last; j++) {
          p = h[k][j] + q * h[k + 1][j];
          if (notlast) {
            p += r * h[k + 2][j];
            h[k + 2][j] -= p * zz;
          }
          h[k][j] -= p * x;
          h[k + 1][j] -= p * y;
        }
        const bottom = Math.min(n, k + 3);
        for (let i = schur ? 0 : l; i <= bottom; i++) {
          p = x * h[i][k] + y * h[i][k + 1];
          if (notlast) {
            p += zz * h[i][k + 2];
            h[i][k + 2] -= p * r;
          }
          h[i][k] -= p;
          h[i][k + 1] -= p * q;
        }
        if (z) {
          for (const row of z) {
            p = x * row[k] + y * row[k + 1];
            if (notlast) {
              p += zz * row[k + 2];
              row[k + 2] -= p * r;
            }
            row[k] -= p;
            row[k + 1] -= p * q;
          }
        }
      }
    }
  }
  return 0;
}

/**
 * Clears what lies below T's quasi-triangle and puts each 2×2 block in LAPACK's standard form
 * (equal diagonal, off-diagonals of opposite sign), rotating the rest of T and z to match and
 * rereading wr and wi from the blocks.
 */
function standardize(t: Float64Array[], wr: Float64Array, wi: Float64Array, z?: Float64Array[]) {
  const n = t.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i - 1; j++) t[i][j] = 0;
    if (i > 0 && !(wi[i - 1] > 0 && wi[i] < 0)) t[i][i - 1] = 0;
  }
  for (let i = 0; i + 1 < n; i++) {
    if (!(wi[i] > 0)) continue;
    const b = schurBlock(t[i][i], t[i][i + 1], t[i + 1][i], t[i + 1][i + 1]);
    [t[i][i], t[i][i + 1], t[i + 1][i], t[i + 1][i + 1]] = [b.a, b.b, b.c, b.d];
    const { cs, sn } = b;
    for (let j = i + 2; j < n; j++) {
      const u = t[i][j], v = t[i + 1][j];
      t[i][j] = cs * u + sn * v;
      t[i + 1][j] = cs * v - sn * u;
    }
    const rotateColumns = (rows: Float64Array[], count: number) => {
      for (let r = 0; r < count; r++) {
        const u = rows[r][i], v = rows[r][i + 1];
        rows[r][i] = cs * u + sn * v;
        rows[r][i + 1] = cs * v - sn * u;
      }
    };
    rotateColumns(t, i);
    if (z) rotateColumns(z, z.length);
    wr[i] = b.a;
    wr[i + 1] = b.d;
    wi[i] = b.c === 0 ? 0 : Math.sqrt(Math.abs(b.b)) * Math.sqrt(Math.abs(b.c));
    wi[i + 1] = -wi[i];
    i++;
  }
}

/** (a + ib) / (c + id), scaled against overflow. */
function cdiv(a: number, b: number, c: number, d: number): [number, number] {
  if (Math.abs(c) > Math.abs(d)) {
    const r = d / c, den = c + r * d;
    return [(a + r * b) / den, (b - r * a) / den];
  }
  const r = c / d, den = d + r * c;
  return [(r * a + b) / den, (r * b - a) / den];
}

/**
 * Overwrites the upper quasi-triangular h (eigenvalues d + i·e, a pair as +β then −β) with its
 * eigenvectors by back substitution: column j for a real eigenvalue, columns j and j + 1 the real
 * and imaginary parts of a pair's first eigenvalue.
 */
function backSubstitute(h: Float64Array[], d: Float64Array, e: Float64Array): void {
  const nn = h.length;
  let norm = 0;
  for (let i = 0; i < nn; i++) {
    for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(h[i][j]);
  }
  if (norm === 0) {
    for (let i = 0; i < nn; i++) h[i].fill(0).fill(1, i, i + 1);
    return;
  }
  let r = 0, s = 0, t = 0, w = 0, x = 0, y = 0, z = 0;
  for (let n = nn - 1; n >= 0; n--) {
    const p = d[n], q = e[n];
    if (q === 0) {
      let l = n;
      h[n][n] = 1;
      for (let i = n - 1; i >= 0; i--) {
        w = h[i][i] - p;
        r = 0;
        for (let j = l; j <= n; j++) r += h[i][j] * h[j][n];
        if (e[i] < 0) {
          z = w;
          s = r;
        } else {
          l = i;
          if (e[i] === 0) {
            h[i][n] = -r / (w !== 0 ? w : EPS * norm);
          } else {
            x = h[i][i + 1];
            y = h[i + 1][i];
            const qq = (d[i] - p) * (d[i] - p) + e[i] * e[i];
            t = (x * s - z * r) / qq;
            h[i][n] = t;
            h[i + 1][n] = Math.abs(x) > Math.abs(z) ? (-r - w * t) / x : (-s - y * t) / z;
          }
          t = Math.abs(h[i][n]);
          if (EPS * t * t > 1) { for (let j = i; j <= n; j++) h[j][n] /= t; }
        }
      }
    } else if (q < 0) {
      let l = n - 1;
      if (Math.abs(h[n][n - 1]) > Math.abs(h[n - 1][n])) {
        h[n - 1][n - 1] = q / h[n][n - 1];
        h[n - 1][n] = -(h[n][n] - p) / h[n][n - 1];
      } else {
        [h[n - 1][n - 1], h[n - 1][n]] = cdiv(0, -h[n - 1][n], h[n - 1][n - 1] - p, q);
      }
      h[n][n - 1] = 0;
      h[n][n] = 1;
      for (let i = n - 2; i >= 0; i--) {
        let ra = 0, sa = 0;
        for (let j = l; j <= n; j++) {
          ra += h[i][j] * h[j][n - 1];
          sa += h[i][j] * h[j][n];
        }
        w = h[i][i] - p;
        if (e[i] < 0) {
          z = w;
          r = ra;
          s = sa;
        } else {
          l = i;
          if (e[i] === 0) {
            [h[i][n - 1], h[i][n]] = cdiv(-ra, -sa, w, q);
          } else {
            x = h[i][i + 1];
            y = h[i + 1][i];
            let vr = (d[i] - p) * (d[i] - p) + e[i] * e[i] - q * q;
            const vi = (d[i] - p) * 2 * q;
            if (vr === 0 && vi === 0) {
              vr = EPS * norm *
                (Math.abs(w) + Math.abs(q) + Math.abs(x) + Math.abs(y) + Math.abs(z));
            }
            [h[i][n - 1], h[i][n]] = cdiv(
              x * r - z * ra + q * sa,
              x * s - z * sa - q * ra,
              vr,
              vi,
            );
            if (Math.abs(x) > Math.abs(z) + Math.abs(q)) {
              h[i + 1][n - 1] = (-ra - w * h[i][n - 1] + q * h[i][n]) / x;
              h[i + 1][n] = (-sa - w * h[i][n] - q * h[i][n - 1]) / x;
            } else {
              [h[i + 1][n - 1], h[i + 1][n]] = cdiv(
                -r - y * h[i][n - 1],
                -s - y * h[i][n],
                z,
                q,
              );
            }
          }
          t = Math.max(Math.abs(h[i][n - 1]), Math.abs(h[i][n]));
          if (EPS * t * t > 1) {
            for (let j = i; j <= n; j++) {
              h[j][n - 1] /= t;
              h[j][n] /= t;
            }
          }
        }
      }
    }
  }
  // The vectors are upper triangular; below them lies what is left of T's blocks.
  for (let i = 0; i < nn; i++) h[i].fill(0, 0, i);
}

/**
 * Scales each vector (a pair's two columns as one complex vector) to Euclidean norm 1 and, for
 * a pair, turns it so that its largest component is real — LAPACK's geev normalization.
 */
function normalize(v: Float64Array[], wi: Float64Array): void {
  const n = v.length;
  for (let j = 0; j < n; j++) {
    if (wi[j] === 0) {
      let s = 0;
      for (let i = 0; i < n; i++) s = Math.hypot(s, v[i][j]);
      if (s > 0) { for (let i = 0; i < n; i++) v[i][j] /= s; }
    } else if (wi[j] > 0) {
      let s = 0, big = -1, k = 0;
      for (let i = 0; i < n; i++) s = Math.hypot(s, v[i][j], v[i][j + 1]);
      for (let i = 0; i < n; i++) {
        const m = v[i][j] ** 2 + v[i][j + 1] ** 2;
        if (m > big) [big, k] = [m, i];
      }
      const f = v[k][j], g = v[k][j + 1], rr = Math.hypot(f, g);
      const cs = f / rr, sn = g / rr;
      for (let i = 0; i < n; i++) {
        const a = v[i][j], b = v[i][j + 1];
        v[i][j] = (cs * a + sn * b) / s;
        v[i][j + 1] = (cs * b - sn * a) / s;
      }
      v[k][j + 1] = 0;
      j++;
    }
  }
}

/** Z·X for the rows z and the upper quasi-triangular x (a pair's block reaching one below). */
function times(z: Float64Array[], x: Float64Array[]): Float64Array[] {
  const n = z.length;
  return z.map((row) => {
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let s = 0;
      const top = Math.min(j + 1, n - 1);
      for (let k = 0; k <= top; k++) s += row[k] * x[k][j];
      out[j] = s;
    }
    return out;
  });
}

/**
 * The left eigenvectors of A = Z·T·Zᵀ: the right ones of S = J·Tᵀ·J (J the reversal, S upper
 * quasi-triangular) turned back, u = Z·J·w, and conjugated into LAPACK's layout.
 */
function leftVectors(t: Float64Array[], wr: Float64Array, wi: Float64Array, z: Float64Array[]) {
  const n = t.length;
  const s = Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(n);
    for (let j = 0; j < n; j++) row[j] = t[n - 1 - j][n - 1 - i];
    return row;
  });
  const d = new Float64Array(n), e = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = wr[n - 1 - i];
  for (let j = 0; j + 1 < n; j++) {
    if (wi[j] > 0) {
      const p = n - 2 - j;
      e[p] = wi[j];
      e[p + 1] = -wi[j];
      j++;
    }
  }
  backSubstitute(s, d, e);
  const out = Array.from({ length: n }, () => new Float64Array(n));
  // Column j of the left vectors is column n − 1 − j of S's for a real eigenvalue; a pair at
  // j, j + 1 sits at p = n − 2 − j, p + 1 in S and is conjugated.
  for (let j = 0; j < n; j++) {
    const pair = wi[j] > 0;
    const p = pair ? n - 2 - j : n - 1 - j;
    for (let i = 0; i < n; i++) {
      let re = 0, im = 0;
      for (let k = 0; k < n; k++) {
        const w = n - 1 - k;
        re += z[i][k] * s[w][p];
        if (pair) im += z[i][k] * s[w][p + 1];
      }
      out[i][j] = re;
      if (pair) out[i][j + 1] = -im;
    }
    if (pair) j++;
  }
  normalize(out, wi);
  return out;
}

/**
 * The eigenvalues of a general square a into wr + i·wi, and its left (vl) and right (vr)
 * eigenvectors in LAPACK's layout and normalization when given. Returns 0, or how many
 * eigenvalues the iteration left.
 */
export function geev(
  a: Operand,
  wr: Float64Array,
  wi: Float64Array,
  vl?: Operand,
  vr?: Operand,
): number {
  const n = a.rows;
  if (n === 0) return 0;
  const h = rowsOf(a), vectors = vl !== undefined || vr !== undefined;
  const z = vectors ? identity(n) : undefined;
  hessenberg(h, z);
  const info = francis(h, wr, wi, vectors, z);
  if (info > 0 || !z) return info;
  standardize(h, wr, wi, z);
  if (vl) writeRows(leftVectors(h, wr, wi, z), vl);
  if (vr) {
    backSubstitute(h, wr, wi);
    const v = times(z, h);
    normalize(v, wi);
    writeRows(v, vr);
  }
  return 0;
}

/**
 * The real Schur form of a general square a: a ← T = ZᵀAZ, upper quasi-triangular with its 2×2
 * blocks in standard form, eigenvalues into wr + i·wi in T's order, and Z into vs when given.
 * Returns 0, or how many eigenvalues the iteration left (a then holds no Schur form).
 */
export function gees(a: Operand, wr: Float64Array, wi: Float64Array, vs?: Operand): number {
  const n = a.rows;
  if (n === 0) return 0;
  const h = rowsOf(a), z = identity(n);
  hessenberg(h, z);
  const info = francis(h, wr, wi, true, z);
  if (info > 0) return info;
  standardize(h, wr, wi, z);
  writeRows(h, a);
  if (vs) writeRows(z, vs);
  return 0;
}

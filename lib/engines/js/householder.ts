/**
 * Householder factorizations in TypeScript: QR (geqrf), QR with column pivoting (geqp3), and the
 * LQ, QL and RQ forms, with Q applied unformed (ormqr and friends). One QR routine serves all four
 * forms: each is the QR of A seen transposed (LQ), reversed in both directions (QL), or both (RQ),
 * and LAPACK's own storage of those forms is exactly that QR's storage seen back — the reflectors'
 * scalars in reverse order for QL and RQ. The views are copied to column-major and back, so the
 * inner loops always run down contiguous columns.
 *
 * @module
 */

import type { Operand } from "../../core/operand.ts";
import type { OrthogonalForm } from "../../core/linalg_engine.ts";
import type { HostArray } from "../../core/types.ts";

/**
 * QR of a column-major a in place: R on and above the diagonal, the reflectors below, their
 * scalars in tau. With `jpvt`, each step first brings forward the remaining column of largest
 * norm below the finished rows, recording the original column indices.
 */
function qr(a: Operand, tau: Float64Array, jpvt?: Int32Array): void {
  const A = a.storage.buffer as HostArray, o = a.offset, ld = a.colStride;
  const m = a.rows, n = a.cols, k = Math.min(m, n);
  for (let j = 0; j < k; j++) {
    if (jpvt) pivot(A, o, ld, m, n, j, jpvt);
    const c = o + j * ld;
    // ‖x‖ of the column below the diagonal, scaled so no square overflows.
    let big = 0;
    for (let i = j + 1; i < m; i++) big = Math.max(big, Math.abs(A[c + i]));
    let ss = 0;
    if (big > 0) { for (let i = j + 1; i < m; i++) ss += (A[c + i] / big) ** 2; }
    const xnorm = big * Math.sqrt(ss), alpha = A[c + j];
    if (xnorm === 0 && !Number.isNaN(xnorm)) {
      tau[j] = 0;
      continue;
    }
    const h = Math.hypot(alpha, xnorm), beta = alpha >= 0 ? -h : h;
    const t = (tau[j] = (beta - alpha) / beta), scale = 1 / (alpha - beta);
    for (let i = j + 1; i < m; i++) A[c + i] *= scale;
    A[c + j] = beta;
    // H = I − τ·v·vᵀ (v₀ = 1) on the columns to the right.
    for (let q = j + 1; q < n; q++) {
      const cq = o + q * ld;
      let w = A[cq + j];
      for (let i = j + 1; i < m; i++) w += A[c + i] * A[cq + i];
      w *= t;
      A[cq + j] -= w;
      for (let i = j + 1; i < m; i++) A[cq + i] -= w * A[c + i];
    }
  }
}

/**
 * Swaps into column j the column among j..n−1 whose rows j..m−1 have the largest norm. The norms
 * are recomputed at each step rather than downdated: O(m·n) a step, as the step's update costs,
 * and no cancellation to guard against.
 */
function pivot(
  A: HostArray,
  o: number,
  ld: number,
  m: number,
  n: number,
  j: number,
  jpvt: Int32Array,
): void {
  let best = j, bestNorm = -1;
  for (let q = j; q < n; q++) {
    const c = o + q * ld;
    let s = 0;
    for (let i = j; i < m; i++) s += A[c + i] * A[c + i];
    if (s > bestNorm) [best, bestNorm] = [q, s];
  }
  if (best === j) return;
  const cj = o + j * ld, cb = o + best * ld;
  for (let i = 0; i < m; i++) [A[cj + i], A[cb + i]] = [A[cb + i], A[cj + i]];
  [jpvt[j], jpvt[best]] = [jpvt[best], jpvt[j]];
}

/** C ← Q·C, Qᵀ·C, C·Q or C·Qᵀ from a column-major QR's reflectors; c at any strides. */
function applyQ(
  side: "left" | "right",
  transpose: boolean,
  f: Operand,
  tau: Float64Array,
  c: Operand,
) {
  const A = f.storage.buffer as HostArray, o = f.offset, ld = f.colStride, m = f.rows;
  const C = c.storage.buffer as HostArray, rs = c.rowStride, cs = c.colStride;
  const k = tau.length;
  // QᵀC and CQ apply H₁ first; QC and CQᵀ apply Hₖ first.
  const ascending = side === "left" ? transpose : !transpose;
  for (let s = 0; s < k; s++) {
    const j = ascending ? s : k - 1 - s, t = tau[j];
    if (t === 0) continue;
    const v = o + j * ld;
    if (side === "left") {
      for (let col = 0; col < c.cols; col++) {
        const e = c.offset + col * cs;
        let w = C[e + j * rs];
        for (let i = j + 1; i < m; i++) w += A[v + i] * C[e + i * rs];
        w *= t;
        C[e + j * rs] -= w;
        for (let i = j + 1; i < m; i++) C[e + i * rs] -= w * A[v + i];
      }
    } else {
      for (let r = 0; r < c.rows; r++) {
        const e = c.offset + r * rs;
        let w = C[e + j * cs];
        for (let i = j + 1; i < m; i++) w += C[e + i * cs] * A[v + i];
        w *= t;
        C[e + j * cs] -= w;
        for (let i = j + 1; i < m; i++) C[e + i * cs] -= w * A[v + i];
      }
    }
  }
}

/** a seen as the matrix whose QR is its `form`: transposed (lq), reversed (ql), or both (rq). */
function seen(a: Operand, form: Exclude<OrthogonalForm, "qr">): Operand {
  const last = a.offset + (a.rows - 1) * a.rowStride + (a.cols - 1) * a.colStride;
  const empty = a.rows === 0 || a.cols === 0;
  switch (form) {
    case "lq":
      return { ...a, rows: a.cols, cols: a.rows, rowStride: a.colStride, colStride: a.rowStride };
    case "ql":
      return {
        ...a,
        offset: empty ? a.offset : last,
        rowStride: -a.rowStride,
        colStride: -a.colStride,
      };
    case "rq":
      return {
        ...a,
        offset: empty ? a.offset : last,
        rows: a.cols,
        cols: a.rows,
        rowStride: -a.colStride,
        colStride: -a.rowStride,
      };
  }
}

/** Copies between operands of one shape, entry by entry. */
function copy(x: Operand, y: Operand): void {
  const X = x.storage.buffer as HostArray, Y = y.storage.buffer as HostArray;
  for (let j = 0; j < x.cols; j++) {
    for (let i = 0; i < x.rows; i++) {
      Y[y.offset + i * y.rowStride + j * y.colStride] =
        X[x.offset + i * x.rowStride + j * x.colStride];
    }
  }
}

/** A column-major copy of an operand, in the same element type. */
function columnMajor(x: Operand): Operand {
  const B = x.storage.buffer as HostArray;
  const buffer = B instanceof Float32Array
    ? new Float32Array(x.rows * x.cols)
    : new Float64Array(x.rows * x.cols);
  const out: Operand = {
    storage: { buffer, length: buffer.length, released: false },
    offset: 0,
    rows: x.rows,
    cols: x.cols,
    rowStride: 1,
    colStride: Math.max(x.rows, 1),
  };
  copy(x, out);
  return out;
}

/**
 * A = Q·R, L·Q, Q·L or R·Q in place, stored as LAPACK's geqrf, gelqf, geqlf and gerqf store
 * them.
 */
export function geqrf(a: Operand, tau: Float64Array, form: OrthogonalForm = "qr"): void {
  if (form === "qr") return qr(a, tau);
  const v = seen(a, form), t = columnMajor(v);
  const k = Math.min(a.rows, a.cols), scalars = new Float64Array(k);
  qr(t, scalars);
  copy(t, v);
  if (form === "lq") tau.set(scalars);
  else for (let i = 0; i < k; i++) tau[i] = scalars[k - 1 - i];
}

/** A·P = Q·R with column pivoting (geqp3): jpvt[j] the 0-based original column now at j. */
export function geqp3(a: Operand, jpvt: Int32Array, tau: Float64Array): void {
  for (let j = 0; j < a.cols; j++) jpvt[j] = j;
  qr(a, tau, jpvt);
}

/** C ← Q·C, Qᵀ·C, C·Q or C·Qᵀ with the Q of a factorization of the given form (ormqr and friends). */
export function ormqr(
  side: "left" | "right",
  transpose: boolean,
  f: Operand,
  tau: Float64Array,
  c: Operand,
  form: OrthogonalForm = "qr",
): void {
  if (form === "qr") return applyQ(side, transpose, f, tau, c);
  const t = columnMajor(seen(f, form));
  const k = tau.length;
  const scalars = form === "lq" ? tau : Float64Array.from({ length: k }, (_, i) => tau[k - 1 - i]);
  // Q_lq = Q_tᵀ; Q_ql = J·Q_t·J; Q_rq = J·Q_tᵀ·J, J reversing C's rows (left) or columns (right).
  const flip = form === "lq" || form === "rq";
  let target = c;
  if (form !== "lq") {
    const last = side === "left" ? c.rows - 1 : c.cols - 1;
    target = side === "left"
      ? { ...c, offset: c.offset + Math.max(last, 0) * c.rowStride, rowStride: -c.rowStride }
      : { ...c, offset: c.offset + Math.max(last, 0) * c.colStride, colStride: -c.colStride };
  }
  applyQ(side, flip ? !transpose : transpose, t, scalars, target);
}

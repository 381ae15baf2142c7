/**
 * BLAS level 2 in TypeScript: gemv and ger over any layout and strides. The loop order follows
 * the matrix's layout, so the inner loop always walks contiguous memory when there is any.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { HostArray } from "../../core/types.ts";
import { scaleOutput } from "./blas1.ts";

/** y ← αAx + βy. */
export function gemv(alpha: number, a: Operand, x: Operand, beta: number, y: Operand): void {
  scaleOutput(beta, y);
  if (alpha === 0) return;
  const A = a.storage.buffer as HostArray;
  const X = x.storage.buffer as HostArray;
  const Y = y.storage.buffer as HostArray;
  const { rows: m, cols: n, rowStride: rs, colStride: cs } = a;
  if (rs <= cs) {
    // Column-major: y += (α xⱼ) · column j, four columns per pass so y is read and written
    // a quarter as often.
    const ys = y.rowStride;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const xj = x.offset + j * x.rowStride;
      const t0 = alpha * X[xj], t1 = alpha * X[xj + x.rowStride];
      const t2 = alpha * X[xj + 2 * x.rowStride], t3 = alpha * X[xj + 3 * x.rowStride];
      const c0 = a.offset + j * cs, c1 = c0 + cs, c2 = c1 + cs, c3 = c2 + cs;
      if (rs === 1 && ys === 1) {
        for (let i = 0, iy = y.offset; i < m; i++, iy++) {
          Y[iy] += t0 * A[c0 + i] + t1 * A[c1 + i] + t2 * A[c2 + i] + t3 * A[c3 + i];
        }
      } else {
        for (let i = 0, ia = 0, iy = y.offset; i < m; i++, ia += rs, iy += ys) {
          Y[iy] += t0 * A[c0 + ia] + t1 * A[c1 + ia] + t2 * A[c2 + ia] + t3 * A[c3 + ia];
        }
      }
    }
    for (; j < n; j++) {
      const t = alpha * X[x.offset + j * x.rowStride];
      let ia = a.offset + j * cs, iy = y.offset;
      for (let i = 0; i < m; i++, ia += rs, iy += ys) Y[iy] += t * A[ia];
    }
  } else {
    // Row-major: yᵢ += α (row i · x).
    for (let i = 0; i < m; i++) {
      let s = 0;
      let ia = a.offset + i * rs, ix = x.offset;
      for (let j = 0; j < n; j++, ia += cs, ix += x.rowStride) s += A[ia] * X[ix];
      Y[y.offset + i * y.rowStride] += alpha * s;
    }
  }
}

/** A ← αxyᵀ + A. */
export function ger(alpha: number, x: Operand, y: Operand, a: Operand): void {
  const A = a.storage.buffer as HostArray;
  const X = x.storage.buffer as HostArray;
  const Y = y.storage.buffer as HostArray;
  const { rows: m, cols: n, rowStride: rs, colStride: cs } = a;
  if (rs <= cs) {
    for (let j = 0; j < n; j++) {
      const t = alpha * Y[y.offset + j * y.rowStride];
      let ia = a.offset + j * cs, ix = x.offset;
      for (let i = 0; i < m; i++, ia += rs, ix += x.rowStride) A[ia] += t * X[ix];
    }
  } else {
    for (let i = 0; i < m; i++) {
      const t = alpha * X[x.offset + i * x.rowStride];
      let ia = a.offset + i * rs, iy = y.offset;
      for (let j = 0; j < n; j++, ia += cs, iy += y.rowStride) A[ia] += t * Y[iy];
    }
  }
}

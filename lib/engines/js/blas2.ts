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
    // Column-major: y += (α xⱼ) · column j.
    for (let j = 0; j < n; j++) {
      const t = alpha * X[x.offset + j * x.rowStride];
      if (t === 0) continue;
      let ia = a.offset + j * cs, iy = y.offset;
      for (let i = 0; i < m; i++, ia += rs, iy += y.rowStride) Y[iy] += t * A[ia];
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

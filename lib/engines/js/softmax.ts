/**
 * Softmax over the columns of a matrix, the reference every engine is checked against: the
 * column's largest entry is subtracted before exp, so nothing overflows, and the sum is
 * accumulated in float64.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { HostArray } from "../../core/types.ts";

/** out ← softmax (or log-softmax) of each column of x; out may be x. */
export function softmaxColumns(x: Operand, out: Operand, log: boolean): void {
  const a = x.storage.buffer as HostArray, o = out.storage.buffer as HostArray;
  for (let j = 0; j < x.cols; j++) {
    const xj = x.offset + j * x.colStride, oj = out.offset + j * out.colStride;
    let max = -Infinity;
    for (let i = 0; i < x.rows; i++) {
      const v = a[xj + i * x.rowStride];
      // NaN must win, and Math.max lets it.
      max = Math.max(max, v);
    }
    let sum = 0;
    for (let i = 0; i < x.rows; i++) sum += Math.exp(a[xj + i * x.rowStride] - max);
    const logSum = Math.log(sum);
    for (let i = 0; i < x.rows; i++) {
      const shifted = a[xj + i * x.rowStride] - max;
      o[oj + i * out.rowStride] = log ? shifted - logSum : Math.exp(shifted) / sum;
    }
  }
}

/**
 * Gathering columns on the host: column k of the output is column indices[k] of the input. Any
 * typed array works, so the native engine's float32 and bfloat16 memory take the same loop, and a
 * column of unit stride is one `set` of a subarray.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";

type Typed = Float32Array | Float64Array | Uint16Array;

/** out[:, k] ← x[:, indices[k]]. */
export function gatherColumns(x: Operand, indices: Int32Array, out: Operand): void {
  const a = x.storage.buffer as Typed, o = out.storage.buffer as Typed;
  const m = x.rows;
  const whole = x.rowStride === 1 && out.rowStride === 1 && a.constructor === o.constructor;
  for (let k = 0; k < indices.length; k++) {
    const from = x.offset + indices[k] * x.colStride, to = out.offset + k * out.colStride;
    if (whole) {
      (o as Float32Array).set((a as Float32Array).subarray(from, from + m), to);
      continue;
    }
    for (let i = 0; i < m; i++) o[to + i * out.rowStride] = a[from + i * x.rowStride];
  }
}

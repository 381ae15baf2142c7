/**
 * Planned checks for NaN and infinities before a oneDNN primitive that would drop them: max
 * pooling's max, and a convolution's padding, which oneDNN skips where PyTorch multiplies its
 * zeros into the weights (0 · NaN is NaN). A gapless tensor is summed as one flat run through
 * the native reduction route (threaded: 0.24 of one ?asum's time on 128×64×24×24); a tensor in
 * other strides is always reported, so its call takes the js loops.
 *
 * @module
 */

import type { DnnEngine, TensorOperand } from "../../core/engine.ts";
import { fold } from "../../tensor/desc.ts";
import type { Cblas } from "./level1.ts";

/** A screen over the engine's reduction: each call answers whether t holds a NaN or ∞ now. */
export function finiteScreen(
  reduce: NonNullable<DnnEngine["reduction"]>,
): (t: TensorOperand) => () => boolean {
  return (t) => {
    const runs = fold(t.shape, t.strides);
    if (runs.length !== 1 || runs[0].stride !== 1) return () => true;
    const total = new Float32Array(1);
    const sum = reduce("sum", { ...t, shape: [runs[0].extent], strides: [1] }, {
      storage: { buffer: total, length: 1, released: false },
      offset: 0,
      shape: [1],
      strides: [1],
    }, "float32")!;
    return () => {
      sum();
      return !Number.isFinite(total[0]);
    };
  };
}

/**
 * Whether n consecutive float32 entries of a from aOffset, or of b from bOffset, hold a NaN or ∞
 * (or their products sum past float's range, which only sends a call to the loops): one sdot
 * over both, NaN·anything and ∞·0 being NaN. OpenBLAS's sdot runs at several times its sasum's
 * speed here (7 µs against 29–45 µs on 2¹⁶ entries), and one call reads both operands.
 */
export function flatNonFinite(
  blas: Cblas,
  n: number,
  a: Float32Array,
  aOffset: number,
  b: Float32Array = a,
  bOffset: number = aOffset,
): boolean {
  return !Number.isFinite(blas.cblas_sdot(n, a.subarray(aOffset), 1, b.subarray(bOffset), 1));
}

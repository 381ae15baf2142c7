/**
 * The spatial dimensions of convolution and pooling tensors ([n, c, …spatial]) as engines walk
 * them: always three, the missing leading ones of extent 1 (stride 0), so one loop nest or one
 * compiled kernel serves one, two and three spatial dimensions.
 *
 * @module
 */

import type { TensorOperand } from "../core/engine.ts";

/** t's three spatial extents and strides, padded in front with extent 1 and stride 0. */
export function spatial3(t: TensorOperand): { e: number[]; s: number[] } {
  const e = t.shape.slice(2), s = t.strides.slice(2);
  while (e.length < 3) {
    e.unshift(1);
    s.unshift(0);
  }
  return { e, s };
}

/** A per-dimension setting for three dimensions, padded in front with `fill`. */
export function padded3(v: readonly number[], fill: number): number[] {
  const out = [...v];
  while (out.length < 3) out.unshift(fill);
  return out;
}

/**
 * One whole number ≥ least for each of `count` dimensions, from a number for all or a list:
 * the strides, padding, dilation or kernel of convolution and pooling. Throws naming op.
 */
export function perDimension(
  op: string,
  name: string,
  v: number | readonly number[],
  count: number,
  least: number,
): number[] {
  const list = typeof v === "number" ? new Array<number>(count).fill(v) : [...v];
  if (list.length !== count || !list.every((s) => Number.isSafeInteger(s) && s >= least)) {
    throw new RangeError(
      `${op}: ${name} must be ${count} whole number(s) ≥ ${least}, got ${JSON.stringify(v)}`,
    );
  }
  return list;
}

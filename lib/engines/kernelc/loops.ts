/**
 * How the C kernels (OpenCL, CUDA) launch: how many work items a launch over n entries takes,
 * the loop budget a work item's loops stay within (the plans cut longer work in spans and
 * parts, ../cutting.ts and ../kernels/device.ts), and the scratch buffers kept per purpose.
 *
 * @module
 */

import type { DeviceBuffer, KernelRuntime } from "./runtime.ts";

/** Work items for n entries: a grid-stride loop over at most 2¹⁸ of them. */
export const items = (n: number): number => Math.min(n, 1 << 18);

/** Loop iterations a work item may make in one launch. Tests lower it to cut small shapes. */
export const loopBudget: { iterations: number } = { iterations: 16384 };

const kept = new WeakMap<KernelRuntime, Map<string, DeviceBuffer>>();

/**
 * A scratch buffer of at least `bytes` kept for one purpose on a runtime, grown on demand (the
 * old one given back once the work queued with it is done). Plans fetch it on every run, so a
 * plan made later that grows it never leaves an earlier one a freed buffer.
 */
export function scratchFor(rt: KernelRuntime, purpose: string, bytes: number): DeviceBuffer {
  let byPurpose = kept.get(rt);
  if (byPurpose === undefined) kept.set(rt, byPurpose = new Map());
  let b = byPurpose.get(purpose);
  if (b === undefined || b.bytes < bytes) {
    if (b !== undefined) rt.free(b);
    b = rt.scratch(Math.max(bytes, 8));
    byPurpose.set(purpose, b);
  }
  return b;
}

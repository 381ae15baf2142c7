/**
 * MPI counts are C ints: one call takes at most 2³¹ − 1 entries. Longer runs (8 GB of float32
 * and up) go in pieces rather than wrap around.
 *
 * @module
 */

import type { HostArray } from "../core/types.ts";

/** The most entries one MPI call is given. */
export const MOST_ENTRIES = 2 ** 31 - 1;

/** Calls f on consecutive pieces of data of at most `most` entries (on data itself if it fits). */
export function inPieces(
  data: HostArray,
  f: (piece: HostArray) => void,
  most: number = MOST_ENTRIES,
): void {
  if (data.length <= most) return f(data);
  for (let at = 0; at < data.length; at += most) f(data.subarray(at, at + most));
}

/** Whether two host arrays share any memory. */
export function meet(a: HostArray, b: HostArray): boolean {
  return a.buffer === b.buffer && a.byteLength > 0 && b.byteLength > 0 &&
    a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

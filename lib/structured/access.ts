/**
 * Entries of structured matrices: reading any entry of the matrix a kind represents, and writing
 * the entries it stores — a write into a triangular kind's zero triangle, outside a band, or onto
 * a unit diagonal is an error naming the index.
 *
 * @module
 */

import { entryIndex, ONE, ZERO } from "../core/kinds.ts";
import { describe, liveStructured, type StructuredMatrix } from "../core/structured.ts";
import { index, value } from "../core/checks.ts";
import { hostArrayOf } from "../core/structures.ts";

/** Entry (i, j) of a host structured matrix: zeros, mirrors and unit ones included. */
export function entryStructured(a: StructuredMatrix, i: number, j: number): number {
  liveStructured("entry", a);
  index("entry", i, a.m, "row");
  index("entry", j, a.n, "column");
  const k = entryIndex(a, i, j);
  if (k === ZERO) return 0;
  if (k === ONE) return 1;
  return hostArrayOf("entry", a)[a.offset + k];
}

/** Sets stored entry (i, j) of a host structured matrix (a symmetric kind's mirror sets its twin). */
export function setEntryStructured(
  a: StructuredMatrix,
  i: number,
  j: number,
  v: number,
): StructuredMatrix {
  liveStructured("entry_", a);
  index("entry_", i, a.m, "row");
  index("entry_", j, a.n, "column");
  value("entry_", v, "value");
  const k = entryIndex(a, i, j);
  if (k === ZERO || k === ONE) {
    throw new RangeError(
      `entry_: a ${a.m}×${a.n} ${describe(a)} does not store entry (${i}, ${j})${
        k === ONE ? ": its unit diagonal reads 1" : ""
      }`,
    );
  }
  hostArrayOf("entry_", a)[a.offset + k] = v;
  return a;
}

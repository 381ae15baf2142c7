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
import type { HostArray } from "../core/types.ts";

/** The host array behind a, or a TypeError saying how a device's matrix is read. */
function hostOf(op: string, a: StructuredMatrix): HostArray {
  if (a.factory.engine.hostArray(a.storage.buffer) === undefined) {
    throw new TypeError(
      `${op}: this ${describe(a)} lives on ${a.factory.engine.name}, which the host cannot read; ` +
        "`await transfer_(a, b)` copies it into b, a matrix of the same structure on a host factory",
    );
  }
  return hostArrayOf(op, a);
}

/** Entry (i, j) of a host structured matrix: zeros, mirrors and unit ones included. */
export function entryStructured(a: StructuredMatrix, i: number, j: number): number {
  liveStructured("entry", a);
  index("entry", i, a.m, "row");
  index("entry", j, a.n, "column");
  const k = entryIndex(a, i, j);
  const host = hostOf("entry", a);
  return k === ZERO ? 0 : k === ONE ? 1 : host[a.offset + k];
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
  hostOf("entry_", a)[a.offset + k] = v;
  return a;
}

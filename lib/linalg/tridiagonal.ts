/**
 * Tridiagonal systems (`gt`, `dt`, `st`) solved in O(n) by Gaussian elimination with partial
 * pivoting, as LAPACK's gtsv does it (a row interchange fills one second superdiagonal, kept in
 * the subdiagonal's place). The matrix is read into float64 work arrays; it is not overwritten.
 * A device's matrix and right-hand sides are solved on the host.
 *
 * @module
 */

import type { GEMatrix, Vector } from "../core/structures.ts";
import type { HostArray } from "../core/types.ts";
import { KnapError } from "../core/errors.ts";
import { entryIndex, ONE, ZERO } from "../core/kinds.ts";
import { describe, type StructuredMatrix } from "../core/structured.ts";

/** Entry (i, j) of a host structured matrix. */
function reader(a: StructuredMatrix): (i: number, j: number) => number {
  const buf = a.storage.buffer as HostArray;
  return (i, j) => {
    const k = entryIndex(a, i, j);
    return k === ZERO ? 0 : k === ONE ? 1 : buf[a.offset + k];
  };
}

/** Solves the host tridiagonal a against every column of the host b, in place. */
export function tridiagonalSolve(op: string, a: StructuredMatrix, b: Vector | GEMatrix): void {
  const n = a.n, read = reader(a);
  const B = b.storage.buffer as HostArray, rs = b.rowStride;
  const cols = "dim" in b ? 1 : b.n, cs = "dim" in b ? 0 : b.colStride;
  for (let col = 0; col < cols; col++) {
    const dl = Float64Array.from({ length: Math.max(n - 1, 0) }, (_, i) => read(i + 1, i));
    const d = Float64Array.from({ length: n }, (_, i) => read(i, i));
    const du = Float64Array.from({ length: Math.max(n - 1, 0) }, (_, i) => read(i, i + 1));
    const base = b.offset + col * cs;
    const x = Float64Array.from({ length: n }, (_, i) => B[base + i * rs]);
    const singular = (i: number) =>
      new KnapError(
        `${op}: the ${n}×${n} ${describe(a)} is singular (pivot ${i} is zero)`,
        "singular",
      );
    for (let i = 0; i < n - 1; i++) {
      if (Math.abs(d[i]) >= Math.abs(dl[i])) {
        if (d[i] === 0) throw singular(i);
        const fact = dl[i] / d[i];
        d[i + 1] -= fact * du[i];
        x[i + 1] -= fact * x[i];
        dl[i] = 0;
      } else {
        // Rows i and i + 1 change places; dl[i] keeps the second superdiagonal that appears.
        const fact = d[i] / dl[i];
        d[i] = dl[i];
        const t = d[i + 1];
        d[i + 1] = du[i] - fact * t;
        if (i < n - 2) {
          dl[i] = du[i + 1];
          du[i + 1] = -fact * dl[i];
        } else dl[i] = 0;
        du[i] = t;
        const bt = x[i];
        x[i] = x[i + 1];
        x[i + 1] = bt - fact * x[i + 1];
      }
    }
    if (n > 0 && d[n - 1] === 0) throw singular(n - 1);
    for (let i = n - 1; i >= 0; i--) {
      let v = x[i];
      if (i + 1 < n) v -= du[i] * x[i + 1];
      if (i + 2 < n) v -= dl[i] * x[i + 2];
      x[i] = v / d[i];
    }
    for (let i = 0; i < n; i++) B[base + i * rs] = x[i];
  }
}

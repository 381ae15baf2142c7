/**
 * Gathering columns: a minibatch of chosen samples, one column each, in one call.
 *
 * @module
 */

import type { GEMatrix } from "./core/structures.ts";
import type { Loc } from "./core/types.ts";
import { liveMatrix, sameFactory, shapeOf } from "./core/checks.ts";
import { overlap } from "./core/overlap.ts";
import { col } from "./core/views.ts";

/**
 * Overwrites column k of out with column indices[k] of x, for every k: the samples a shuffled
 * minibatch takes, in one call (an engine with a gather primitive copies them at once; otherwise
 * one copy per column). out must not share memory with x.
 *
 * @example
 * ```ts
 * import { dge, toArray } from "@knap/knap";
 * import { gatherColumns_ } from "@knap/knap/ops";
 * using x = dge(2, 3, [1, 2, 3, 4, 5, 6]);
 * using out = dge(2, 2);
 * gatherColumns_(x, [2, 0], out);
 * if (toArray(out).join() !== "5,6,1,2") throw new Error("unexpected");
 * ```
 */
export function gatherColumns_<L extends Loc>(
  x: GEMatrix<L>,
  indices: ArrayLike<number>,
  out: GEMatrix<L>,
): GEMatrix<L> {
  const op = "gatherColumns_";
  liveMatrix(op, x, "x");
  liveMatrix(op, out, "out");
  sameFactory(op, x, out);
  if (x.m !== out.m || indices.length !== out.n) {
    throw new RangeError(
      `${op}: x is ${shapeOf(x)}, out ${shapeOf(out)}, with ${indices.length} indices; out must ` +
        `have x's ${x.m} rows and a column per index`,
    );
  }
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= x.n) {
      throw new RangeError(`${op}: index ${k} is ${i}; x has columns 0 to ${x.n - 1}`);
    }
  }
  // Training passes an Int32Array made once; only other arrays are copied into one.
  const picked = indices instanceof Int32Array ? indices : Int32Array.from(indices);
  if (overlap(x, out) !== "none") {
    throw new RangeError(`${op}: out shares memory with x; gather into a separate matrix`);
  }
  const gather = x.factory.engine.nn?.gatherColumns?.(x, picked, out);
  if (gather !== undefined) {
    gather();
  } else {
    const blas = x.factory.engine.blas;
    for (let k = 0; k < picked.length; k++) blas.copy(col(x, picked[k]), col(out, k));
  }
  return out;
}

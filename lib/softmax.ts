/**
 * Softmax and log-softmax over the columns of a matrix — with one column per sample, each
 * sample's outputs become probabilities over its classes. Engines compute it in one planned
 * primitive; the column's largest entry is subtracted first, so no entry overflows.
 *
 * @module
 */

import type { GEMatrix } from "./core/structures.ts";
import type { Loc } from "./core/types.ts";
import { compatible, liveMatrix, numeric } from "./core/checks.ts";
import { alike } from "./core/construct.ts";
import { readable, release } from "./core/overlap.ts";
import { KnapError } from "./core/errors.ts";

function run<L extends Loc>(
  op: string,
  a: GEMatrix<L>,
  out: GEMatrix<L> | "fresh",
  log: boolean,
): GEMatrix<L> {
  liveMatrix(op, a, "a");
  numeric(op, a);
  const softmax = a.factory.engine.nn?.softmax;
  if (softmax === undefined) {
    throw new KnapError(`${op}: the ${a.factory.engine.name} engine has no softmax`, "unsupported");
  }
  if (out === "fresh") {
    const o = alike(a);
    softmax(a, o, log)();
    return o;
  }
  compatible(op, a, out, ["a", "the output"]);
  // A column is read whole before it is written, so an output that is exactly a is safe; one
  // that shares only part of a's memory reads a copy.
  const src = readable(out, a);
  softmax(src, out, log)();
  release(a, src);
  return out;
}

/**
 * Overwrites `out` (a when left out) with the softmax of each column of a: exp(a) over the
 * column's sum of exp(a). A column holding NaN, or an infinite largest entry, is NaN throughout.
 *
 * @example
 * ```ts
 * import { dge, softmax_, toArray } from "@knap/knap";
 * using a = dge(3, 1, [1, 2, 3]);
 * softmax_(a);
 * if (Array.from(toArray(a), (v) => v.toFixed(3)).join() !== "0.090,0.245,0.665") throw new Error();
 * ```
 */
export function softmax_<L extends Loc>(a: GEMatrix<L>, out?: GEMatrix<L>): GEMatrix<L> {
  return run("softmax_", a, out ?? a, false);
}

/**
 * Overwrites `out` (a when left out) with the log-softmax of each column of a: a minus the log
 * of the column's sum of exp(a), exact where log(softmax) would round to −∞.
 *
 * @example
 * ```ts
 * import { dge, logSoftmax_, toArray } from "@knap/knap";
 * using a = dge(2, 1, [0, 200]);
 * logSoftmax_(a);
 * if (toArray(a)[0] !== -200 || toArray(a)[1] !== 0) throw new Error("unexpected");
 * ```
 */
export function logSoftmax_<L extends Loc>(a: GEMatrix<L>, out?: GEMatrix<L>): GEMatrix<L> {
  return run("logSoftmax_", a, out ?? a, true);
}

/**
 * The softmax of each column of a, in a new matrix.
 *
 * @example
 * ```ts
 * import { dge, softmax, toArray } from "@knap/knap";
 * using a = dge(2, 2, [0, 0, 1000, 1000]);
 * using p = softmax(a);
 * if (toArray(p).join() !== "0.5,0.5,0.5,0.5") throw new Error("unexpected");
 * ```
 */
export function softmax<L extends Loc>(a: GEMatrix<L>): GEMatrix<L> {
  return run("softmax", a, "fresh", false);
}

/**
 * The log-softmax of each column of a, in a new matrix.
 *
 * @example
 * ```ts
 * import { dge, logSoftmax, toArray } from "@knap/knap";
 * using a = dge(2, 1, [1, 1]);
 * using p = logSoftmax(a);
 * if (Math.abs(toArray(p)[0] + Math.LN2) > 1e-15) throw new Error("unexpected");
 * ```
 */
export function logSoftmax<L extends Loc>(a: GEMatrix<L>): GEMatrix<L> {
  return run("logSoftmax", a, "fresh", true);
}

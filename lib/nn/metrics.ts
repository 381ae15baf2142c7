/**
 * Metrics of a trained network's outputs.
 *
 * @module
 */

import type { Structure } from "../core/structures.ts";
import type { Deferred } from "../core/engine.ts";
import type { Loc, Scalar } from "../core/types.ts";
import { compatible, live } from "../core/checks.ts";
import { asum, axpy_, copy } from "../blas.ts";
import { round_ } from "../math.ts";
import { settle } from "../core/settle.ts";

/**
 * The fraction of outputs that, rounded to 0 or 1, equal their binary targets: the book's
 * accuracy for classification with a sigmoid output.
 *
 * @example
 * ```ts
 * import { dge } from "@knap/knap";
 * import { binaryAccuracy } from "@knap/knap/nn";
 * using y = dge(1, 4, [1, 0, 1, 0]);
 * using a = dge(1, 4, [0.9, 0.2, 0.4, 0.1]);
 * if (binaryAccuracy(y, a) !== 0.75) throw new Error("unexpected");
 * ```
 */
export function binaryAccuracy<L extends Loc>(y: Structure<L>, a: Structure<L>): Scalar<L> {
  live("binaryAccuracy", y, "y");
  compatible("binaryAccuracy", y, a, ["y", "a"]);
  const n = y.rows * y.cols;
  using wrong = axpy_(-1, y, round_(copy(a as never) as Structure));
  const misses: Deferred<number> = asum(wrong);
  return (typeof misses === "number"
    ? 1 - misses / n
    : settle("binaryAccuracy", misses.then((m) => 1 - m / n))) as Scalar<L>;
}

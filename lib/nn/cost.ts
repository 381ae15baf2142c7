/**
 * Costs: how far a network's output is from the targets, and the error that backpropagation
 * starts from.
 *
 * @module
 */

import type { GEMatrix } from "../core/structures.ts";
import type { Deferred } from "../core/engine.ts";
import { axpy_, copy_, dot, nrm2, scal_, sum } from "../blas.ts";
import { clamp_, log1p_, log_, sigmoidCrossentropy_ } from "../math.ts";
import { logSoftmax_ } from "../softmax.ts";
import type { Activation } from "./activation.ts";

/** A cost function C(a, y) over a batch of outputs a and targets y (one column per sample). */
export interface Cost {
  /** Its name, for messages. */
  readonly name: string;
  /**
   * The output activation whose derivative this cost's error already includes (sigmoid for
   * cross-entropy: its error is a − y). Training with any other output activation is an error.
   */
  readonly activation?: Activation;
  /**
   * delta ← the output error for each sample (unscaled by the batch size); returns delta.
   * Backpropagation multiplies it by the output activation's derivative, unless `activation`
   * says it is already in.
   */
  error_(a: GEMatrix, y: GEMatrix, delta: GEMatrix): GEMatrix;
  /**
   * The cost of outputs a for targets y over n samples, given the error `error_` just put in
   * delta; `scratch` is a buffer of a's shape it may overwrite. `z`, where the network keeps
   * it, holds the output layer's weighted sums (its logits), from which a cross-entropy is exact
   * however far a probability in a rounds to 0 or 1.
   */
  value(
    a: GEMatrix,
    y: GEMatrix,
    delta: GEMatrix,
    scratch: GEMatrix,
    n: number,
    z?: GEMatrix,
  ): Deferred<number>;
}

/** f(values…) for numbers now, or once they arrive from a device. */
function combine(f: (...v: number[]) => number, ...values: Deferred<number>[]): Deferred<number> {
  return values.every((v) => typeof v === "number")
    ? f(...values as number[])
    : Promise.all(values).then((v) => f(...v));
}

/**
 * The quadratic cost C = 1/(2n) Σ ‖a − y‖², the book's cost for regression; its error is a − y.
 *
 * @example
 * ```ts
 * import { dge } from "@knap/knap";
 * import { quadraticCost_ } from "@knap/knap/nn";
 * using a = dge(1, 2, [1, 3]);
 * using y = dge(1, 2, [0, 1]);
 * using d = dge(1, 2);
 * quadraticCost_.error_(a, y, d);
 * if (Math.abs((quadraticCost_.value(a, y, d, d, 2) as number) - 1.25) > 1e-12) throw new Error();
 * ```
 */
export const quadraticCost_: Cost = {
  name: "quadratic",
  error_: (a, y, delta) => axpy_(-1, y, copy_(a, delta)),
  value: (_a, _y, delta, _scratch, n) => combine((norm) => norm * norm / (2 * n), nrm2(delta)),
};

/**
 * The cross-entropy of a sigmoid output, C = −1/n Σ [y ln a + (1 − y) ln(1 − a)], for binary
 * classification. With a sigmoid output its error is simply a − y (the sigmoid's derivative
 * cancels), so training with any other output activation is refused. Training computes it from
 * the output layer's logits z, as PyTorch's `binary_cross_entropy_with_logits` does, so a sample
 * the network gets wrong by z = 40 costs 40; from the probabilities alone (no z), one closer
 * than 10⁻⁷ to 0 or 1 counts as 10⁻⁷ from it.
 *
 * @example
 * ```ts
 * import { dge } from "@knap/knap";
 * import { sigmoidCrossentropyCost_ } from "@knap/knap/nn";
 * using a = dge(1, 2, [0.9, 0.2]);
 * using y = dge(1, 2, [1, 0]);
 * using d = dge(1, 2), s = dge(1, 2);
 * sigmoidCrossentropyCost_.error_(a, y, d);
 * const c = sigmoidCrossentropyCost_.value(a, y, d, s, 2) as number;
 * if (Math.abs(c - -(Math.log(0.9) + Math.log(0.8)) / 2) > 1e-12) throw new Error();
 * ```
 */
export const sigmoidCrossentropyCost_: Cost = {
  name: "sigmoid cross-entropy",
  activation: "sigmoid",
  error_: (a, y, delta) => axpy_(-1, y, copy_(a, delta)),
  value(a, y, _delta, scratch, n, z) {
    if (z !== undefined) return combine((s) => s / n, sum(sigmoidCrossentropy_(z, y, scratch)));
    // Outputs that saturate at 0 or 1 would give 0·ln 0: keep them a hair inside.
    const yLogA = dot(y, log_(clamp_(a, 1e-7, 1 - 1e-7, scratch))); // Σ y ln a
    const log1MinusA = log1p_(scal_(-1, clamp_(a, 1e-7, 1 - 1e-7, scratch))); // ln(1 − a)
    return combine((p, q, r) => -(p + q - r) / n, yLogA, sum(log1MinusA), dot(y, log1MinusA));
  },
};

/**
 * The categorical cross-entropy of a softmax output, C = −1/n Σ y ln a, for classification into
 * classes given one-hot (or as probabilities) in y. With a softmax output its error is a − y
 * (the softmax Jacobian cancels), so training with any other output activation is refused.
 * Training computes ln a as the log-softmax of the output layer's logits z, as PyTorch's
 * `cross_entropy` does, so logits [0, 40] for class 0 cost 40; from the probabilities alone
 * (no z), one under 10⁻⁷ counts as 10⁻⁷.
 *
 * @example
 * ```ts
 * import { dge } from "@knap/knap";
 * import { categoricalCrossentropyCost_ } from "@knap/knap/nn";
 * using a = dge(3, 1, [0.7, 0.2, 0.1]);
 * using y = dge(3, 1, [1, 0, 0]);
 * using d = dge(3, 1), s = dge(3, 1);
 * categoricalCrossentropyCost_.error_(a, y, d);
 * const c = categoricalCrossentropyCost_.value(a, y, d, s, 1) as number;
 * if (Math.abs(c + Math.log(0.7)) > 1e-12) throw new Error("unexpected");
 * ```
 */
export const categoricalCrossentropyCost_: Cost = {
  name: "categorical cross-entropy",
  activation: "softmax",
  error_: (a, y, delta) => axpy_(-1, y, copy_(a, delta)),
  value(a, y, _delta, scratch, n, z) {
    // Without the logits, a probability that rounded to 0 would give 0·ln 0 (NaN): keep it a
    // hair above.
    const logA = z === undefined ? log_(clamp_(a, 1e-7, 1, scratch)) : logSoftmax_(z, scratch);
    return combine((p) => -p / n, dot(y, logA));
  },
};

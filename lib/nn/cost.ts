/**
 * Costs: how far a network's output is from the targets, and the error that backpropagation
 * starts from.
 *
 * @module
 */

import type { GEMatrix } from "../core/structures.ts";
import type { Deferred } from "../core/engine.ts";
import { axpy_, copy_, nrm2 } from "../blas.ts";

/** A cost function C(a, y) over a batch of outputs a and targets y (one column per sample). */
export interface Cost {
  /** Its name, for messages. */
  readonly name: string;
  /**
   * delta ← ∂C/∂a for each sample (unscaled by the batch size); returns delta. Backpropagation
   * multiplies it by the output activation's derivative.
   */
  error_(a: GEMatrix, y: GEMatrix, delta: GEMatrix): GEMatrix;
  /** The cost, given the output error `error_` just computed, for a batch of n samples. */
  value(delta: GEMatrix, n: number): Deferred<number>;
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
 * if (Math.abs((quadraticCost_.value(d, 2) as number) - 1.25) > 1e-12) throw new Error();
 * ```
 */
export const quadraticCost_: Cost = {
  name: "quadratic",
  error_: (a, y, delta) => axpy_(-1, y, copy_(a, delta)),
  value(delta, n) {
    const norm = nrm2(delta);
    return typeof norm === "number" ? norm * norm / (2 * n) : norm.then((v) => v * v / (2 * n));
  },
};

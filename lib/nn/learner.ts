/**
 * What minibatch training drives, one per lane: a network bound to its batch buffers, which
 * either takes a whole step or computes the batch's mean gradients and later steps from them
 * (after shards or ranks have averaged them). Dense networks' learner is here; the tensor
 * networks' is in `@knap/knap/dnn`'s train.ts.
 *
 * @module
 */

import type { GEMatrix, Structure } from "../core/structures.ts";
import type { Deferred } from "../core/engine.ts";
import type { Loc } from "../core/types.ts";
import type { Cost } from "./cost.ts";
import type { InferenceNetwork } from "./network.ts";
import type { Optimizer } from "./optimizer.ts";
import { type TrainingNetwork, trainingNetwork, type TrainingOptions } from "./training.ts";

/** A network bound to one lane's batches. */
export interface Learner<L extends Loc = Loc> extends Disposable {
  /** The buffer batches are gathered into. */
  readonly input: GEMatrix<L>;
  /** Trains on x (shaped as `input`: a view of the data) from now on. */
  take(x: GEMatrix<L>): void;
  /**
   * One step on the batch in the input against targets y: forward, the output error, the cost
   * when `read` (a promise on a device), backward and the update with step eta.
   */
  step(cost: Cost, y: GEMatrix<L>, eta: number, read: boolean): Deferred<number> | undefined;
  /**
   * Forward, the output error, the cost when `read`, and the batch's mean gradients written
   * into {@linkcode Learner.gradients}; no parameter moves.
   */
  computeGradients(cost: Cost, y: GEMatrix<L>, read: boolean): Deferred<number> | undefined;
  /** The mean gradients `computeGradients` writes, in an order every lane shares. */
  readonly gradients: readonly Structure[];
  /** One step of size eta from `gradients` as they are now. */
  update(eta: number): void;
}

/** A dense network's learner: its training network. */
export class DenseLearner<L extends Loc> implements Learner<L> {
  readonly #t: TrainingNetwork<L>;

  /** The network bound to inputs shaped as x (its first batch). */
  constructor(
    net: InferenceNetwork<L>,
    x: GEMatrix<L>,
    optimizer: Optimizer | undefined,
    options: TrainingOptions<L>,
  ) {
    this.#t = trainingNetwork(net, x, optimizer, options);
  }

  get input(): GEMatrix<L> {
    return this.#t.x;
  }

  take(x: GEMatrix<L>): void {
    this.#t.input(x);
  }

  step(cost: Cost, y: GEMatrix<L>, eta: number, read: boolean): Deferred<number> | undefined {
    return this.#t.step(cost, y, eta, read);
  }

  computeGradients(cost: Cost, y: GEMatrix<L>, read: boolean): Deferred<number> | undefined {
    const t = this.#t;
    t.forward();
    t.outputError(cost, y);
    const c = read ? t.cost(cost, y) : undefined;
    t.computeGradients();
    return c;
  }

  get gradients(): readonly Structure[] {
    return this.#t.gradients;
  }

  update(eta: number): void {
    this.#t.update(eta);
  }

  [Symbol.dispose](): void {
    this.#t[Symbol.dispose]();
  }
}

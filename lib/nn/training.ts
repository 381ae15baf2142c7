/**
 * Training networks: an inference network bound to a training set, with every buffer the
 * forward and backward passes need made once, here — so an epoch allocates nothing.
 *
 * Shapes, for a batch of n samples and layer l with inₗ inputs and outₗ neurons:
 * x is in₀×n; aₗ and δₗ are outₗ×n; Wₗ is outₗ×inₗ; bₗ has outₗ entries; ones has n.
 * The weighted sums zₗ are computed in aₗ and activated in place: backpropagation takes each
 * derivative from the activation aₗ, so no layer keeps its z.
 *
 * @module
 */

import type { GEMatrix, Vector } from "../core/structures.ts";
import { ge, vctr } from "../core/construct.ts";
import { liveMatrix, sameFactory, shapeOf } from "../core/checks.ts";
import { KnapError } from "../core/errors.ts";
import type { Factory } from "../core/factory.ts";
import { entry_ } from "../access.ts";
import { mm_, mv_, rk_ } from "../blas.ts";
import { trans } from "../core/views.ts";
import type { Loc } from "../core/types.ts";
import { activate_, backprop_ } from "./activation.ts";
import { type InferenceNetwork, type Layer, liveNetwork } from "./network.ts";
import type { Cost } from "./cost.ts";

interface TrainingLayer<L extends Loc> {
  readonly layer: Layer<L>;
  readonly a: GEMatrix<L>;
  readonly delta: GEMatrix<L>;
  /** Views made once: Wᵀ for the error of the layer below, aₗ₋₁ᵀ for the weight gradient. */
  readonly weightsT: GEMatrix<L>;
  readonly inputT: GEMatrix<L>;
}

/** An inference network with a training set's input and the buffers to learn from it. */
export class TrainingNetwork<L extends Loc = Loc> implements Disposable {
  /** The network whose weights training updates. */
  readonly network: InferenceNetwork<L>;
  /** The training inputs, one column per sample (not copied: keep it alive while training). */
  readonly x: GEMatrix<L>;
  /** Samples per batch. */
  readonly batch: number;
  readonly #ones: Vector<L>;
  readonly #layers: TrainingLayer<L>[];
  #released = false;

  /** Internal: use {@linkcode trainingNetwork}. */
  constructor(network: InferenceNetwork<L>, x: GEMatrix<L>) {
    this.network = network;
    this.x = x;
    this.batch = x.n;
    const f: Factory<L> = network.factory;
    this.#ones = entry_(vctr(f, x.n), 1);
    let input: GEMatrix<L> = x;
    this.#layers = network.layers.map((layer) => {
      const t = {
        layer,
        a: ge(f, layer.outDim, x.n),
        delta: ge(f, layer.outDim, x.n),
        weightsT: trans(layer.weights),
        inputT: trans(input),
      };
      input = t.a;
      return t;
    });
  }

  /** The factory of every buffer. */
  get factory(): Factory<L> {
    return this.network.factory;
  }

  /** The output of the last forward pass (a view, outDim × batch). */
  get output(): GEMatrix<L> {
    return this.#layers[this.#layers.length - 1].a;
  }

  /** Whether it was released. */
  get released(): boolean {
    return this.#released;
  }

  /** a ← f(W a₋₁ + b), layer by layer, from the training input. */
  forward(): GEMatrix<L> {
    let input = this.x;
    for (const t of this.#layers) {
      mm_(t.layer.weights, input, t.a);
      rk_(t.layer.bias, this.#ones, t.a);
      activate_(t.layer.activation, t.a, t.a);
      input = t.a;
    }
    return this.output;
  }

  /**
   * The output layer's error from the cost (δ ← ∂C/∂a), for the cost value to be read from;
   * returns it. Call after `forward`.
   */
  outputError(cost: Cost, y: GEMatrix<L>): GEMatrix<L> {
    const last = this.#layers[this.#layers.length - 1];
    return cost.error_(last.a, y, last.delta) as GEMatrix<L>;
  }

  /**
   * Backpropagates the output error `outputError` left and takes one gradient step of size eta:
   * δₗ ← fₗ'(zₗ) ⊙ δₗ (from aₗ); δₗ₋₁ ← Wₗᵀ δₗ (before Wₗ changes); Wₗ ← Wₗ − (η/n) δₗ aₗ₋₁ᵀ;
   * bₗ ← bₗ − (η/n) δₗ·1.
   */
  backward(eta: number): void {
    const step = -eta / this.batch;
    for (let l = this.#layers.length - 1; l >= 0; l--) {
      const t = this.#layers[l];
      backprop_(t.layer.activation, t.a, t.delta);
      if (l > 0) mm_(t.weightsT, t.delta, this.#layers[l - 1].delta);
      mm_(step, t.delta, t.inputT, 1, t.layer.weights);
      mv_(step, t.delta, this.#ones, 1, t.layer.bias);
    }
  }

  /** Releases the training buffers (not the network, not x). */
  [Symbol.dispose](): void {
    if (this.#released) return;
    this.#released = true;
    this.#ones[Symbol.dispose]();
    for (const t of this.#layers) {
      t.a[Symbol.dispose]();
      t.delta[Symbol.dispose]();
    }
  }
}

/** Throws unless the training network and its network are alive. */
export function liveTraining(op: string, t: TrainingNetwork): void {
  if (!(t instanceof TrainingNetwork)) throw new TypeError(`${op}: expected a training network`);
  if (t.released) throw new KnapError(`${op}: the training network was released`, "released");
  liveNetwork(op, t.network);
  liveMatrix(op, t.x, "the training input");
}

/**
 * Binds a network to training inputs x (inDim × n, one column per sample) and makes every
 * buffer training needs; epochs then allocate nothing.
 *
 * @example
 * ```ts
 * import { defaultDouble, dge } from "@knap/knap";
 * import { fullyConnected, inferenceNetwork, trainingNetwork } from "@knap/knap/nn";
 * using net = inferenceNetwork(defaultDouble(), 2, [fullyConnected(1, "linear")]);
 * using x = dge(2, 5);
 * using training = trainingNetwork(net, x);
 * if (training.batch !== 5) throw new Error("unexpected");
 * ```
 */
export function trainingNetwork<L extends Loc>(
  net: InferenceNetwork<L>,
  x: GEMatrix<L>,
): TrainingNetwork<L> {
  liveNetwork("trainingNetwork", net);
  liveMatrix("trainingNetwork", x, "x");
  sameFactory("trainingNetwork", net.layers[0].weights, x);
  if (x.m !== net.inDim) {
    throw new RangeError(
      `trainingNetwork: the network takes ${net.inDim} inputs but x is ${shapeOf(x)}`,
    );
  }
  if (x.n === 0) throw new RangeError("trainingNetwork: x has no samples (0 columns)");
  return new TrainingNetwork(net, x);
}

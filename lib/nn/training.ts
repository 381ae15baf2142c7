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

import type { GEMatrix, Structure, Vector } from "../core/structures.ts";
import { alike, ge, vctr } from "../core/construct.ts";
import {
  liveMatrix,
  nonNegative,
  productFactories,
  sameFactory,
  seed as checkSeed,
  shapeOf,
} from "../core/checks.ts";
import { derivedSeed, offsetSeed } from "../core/seeded.ts";
import { KnapError } from "../core/errors.ts";
import type { Factory } from "../core/factory.ts";
import { entry_ } from "../access.ts";
import { mm_, mv_ } from "../blas.ts";
import { innerProduct_ } from "../inner_product.ts";
import { linearFrac_, mul_, sigmoid_, signum_ } from "../math.ts";
import { softmax_ } from "../softmax.ts";
import { randUniform_ } from "../random.ts";
import { trans } from "../core/views.ts";
import type { Loc } from "../core/types.ts";
import type { Deferred } from "../core/engine.ts";
import { backprop_ } from "./activation.ts";
import { type InferenceNetwork, type Layer, liveNetwork } from "./network.ts";
import type { Cost } from "./cost.ts";
import type { Optimizer, OptimizerState } from "./optimizer.ts";

interface Gradients<L extends Loc> {
  readonly weights: GEMatrix<L>;
  readonly bias: Vector<L>;
  readonly weightState: OptimizerState;
  readonly biasState: OptimizerState;
}

interface TrainingLayer<L extends Loc> {
  readonly layer: Layer<L>;
  readonly a: GEMatrix<L>;
  readonly delta: GEMatrix<L>;
  /** Dropout: the mask (0 or 1/(1 − p)) and the masked output the next layer reads. */
  readonly mask?: GEMatrix<L>;
  readonly dropped?: GEMatrix<L>;
  /** Views made once: Wᵀ for the error of the layer below, the input's transpose for ∇W. */
  readonly weightsT: GEMatrix<L>;
  inputT: GEMatrix<L>;
  readonly gradients?: Gradients<L>;
}

/** An inference network with a training set's input and the buffers to learn from it. */
export class TrainingNetwork<L extends Loc = Loc> implements Disposable {
  /** The network whose weights training updates. */
  readonly network: InferenceNetwork<L>;
  /** The training inputs, one column per sample (not copied: keep it alive while training). */
  x: GEMatrix<L>;
  /** Samples per batch. */
  readonly batch: number;
  /** The optimizer; plain gradient descent (fused into the backward pass) when undefined. */
  readonly optimizer: Optimizer | undefined;
  readonly #ones: Vector<L>;
  readonly #scratch: GEMatrix<L>;
  /** A softmax or sigmoid output layer's weighted sums, from which cross-entropies are exact. */
  readonly #logits: GEMatrix<L> | undefined;
  readonly #layers: TrainingLayer<L>[];
  #outputDerivative = true;
  #steps = 0;
  /** The first dropout mask's seed (seed · 1000003 mod 2⁵³), made once. */
  readonly #maskSeed: number | undefined;
  readonly #inputError: GEMatrix<L> | undefined;
  readonly #reduce: TrainingOptions<L>["reduceGradient"];
  #masks = 0;
  #released = false;
  readonly #gradientList: readonly Structure[];
  /** The reductions of one reduced backward pass, two a layer. */
  readonly #pending: { wait(): void; progress?(): void }[] = [];

  /** Internal: use {@linkcode trainingNetwork}. */
  constructor(
    network: InferenceNetwork<L>,
    x: GEMatrix<L>,
    optimizer?: Optimizer,
    options: TrainingOptions<L> = {},
  ) {
    this.#maskSeed = options.seed === undefined
      ? undefined
      : derivedSeed(options.seed, 1_000_003, 0);
    this.#inputError = options.inputError;
    this.#reduce = options.reduceGradient;
    this.network = network;
    this.x = x;
    this.batch = x.n;
    this.optimizer = optimizer;
    const f: Factory<L> = network.factory;
    this.#ones = entry_(vctr(f, x.n), 1);
    this.#scratch = ge(f, network.outDim, x.n);
    let input: GEMatrix<L> = x;
    const last = network.layers.length - 1;
    this.#layers = network.layers.map((layer, l) => {
      const a = ge(f, layer.outDim, x.n);
      const drop = layer.dropout > 0 && l < last;
      const dropped = drop ? ge(f, layer.outDim, x.n) : undefined;
      const t: TrainingLayer<L> = {
        layer,
        a,
        delta: ge(f, layer.outDim, x.n),
        mask: drop ? ge(f, layer.outDim, x.n) : undefined,
        dropped,
        weightsT: trans(layer.weights),
        inputT: trans(input),
        gradients: optimizer === undefined ? undefined : gradientsFor(layer, optimizer),
      };
      input = dropped ?? a;
      return t;
    });
    const output = network.layers[last].activation;
    this.#logits = output === "softmax" || output === "sigmoid"
      ? ge(f, network.outDim, x.n)
      : undefined;
    this.#gradientList = this.#layers.flatMap((t) =>
      t.gradients === undefined ? [] : [t.gradients.weights, t.gradients.bias]
    );
  }

  /**
   * Trains on another input of the same shape from now on — a minibatch taken as a view of a
   * larger data set. Nothing is copied or allocated but the view of its transpose.
   */
  input(x: GEMatrix<L>): void {
    if (x.m !== this.x.m || x.n !== this.x.n) {
      throw new RangeError(`input: expected ${this.x.m}×${this.x.n}, got ${shapeOf(x)}`);
    }
    this.x = x;
    this.#layers[0].inputT = trans(x);
  }

  /** The factory of every buffer. */
  get factory(): Factory<L> {
    return this.network.factory;
  }

  /** The output of the last forward pass (outDim × batch). */
  get output(): GEMatrix<L> {
    return this.#layers[this.#layers.length - 1].a;
  }

  /** Whether it was released. */
  get released(): boolean {
    return this.#released;
  }

  /** a ← f(W a₋₁ + b), layer by layer, from the training input, with dropout where asked. */
  forward(): GEMatrix<L> {
    let input = this.x;
    const logits = this.#logits, last = this.#layers[this.#layers.length - 1];
    for (const t of this.#layers) {
      if (t === last && logits !== undefined) {
        // The output layer keeps its logits: the cost is exact from them.
        innerProduct_(t.layer.weights, input, t.layer.bias, logits, "linear");
        if (t.layer.activation === "softmax") softmax_(logits, t.a);
        else sigmoid_(logits, t.a);
      } else innerProduct_(t.layer.weights, input, t.layer.bias, t.a, t.layer.activation);
      input = t.a;
      if (t.mask !== undefined && t.dropped !== undefined) {
        // A fresh mask each pass: 1/(1 − p) where a uniform draw passes p, 0 elsewhere.
        const p = t.layer.dropout, keep = 0.5 / (1 - p);
        // Seeded training draws each mask from its own key, so runs repeat exactly.
        const seed = this.#maskSeed === undefined
          ? undefined
          : offsetSeed(this.#maskSeed, this.#masks++);
        linearFrac_(keep, signum_(linearFrac_(1, randUniform_(t.mask, { seed }), -p)), keep);
        input = mul_(t.a, t.mask, t.dropped);
      }
    }
    return this.output;
  }

  /**
   * The output layer's error from the cost (δ ← ∂C/∂a), and the cost if `read`; call after
   * `forward`. A cost made for one output activation (cross-entropy for sigmoid) refuses others.
   */
  outputError(cost: Cost, y: GEMatrix<L>): GEMatrix<L> {
    const last = this.#layers[this.#layers.length - 1];
    if (last.layer.activation === "softmax" && cost.activation !== "softmax") {
      throw new TypeError(
        `sgd: a softmax output layer trains with categoricalCrossentropyCost_, not the ${cost.name} cost`,
      );
    }
    if (cost.activation !== undefined && cost.activation !== last.layer.activation) {
      throw new TypeError(
        `sgd: ${cost.name} cost needs a ${cost.activation} output layer, not ${last.layer.activation}`,
      );
    }
    this.#outputDerivative = cost.activation === undefined;
    return cost.error_(last.a, y, last.delta) as GEMatrix<L>;
  }

  /** The cost of the last forward pass, from the error `outputError` computed. */
  cost(cost: Cost, y: GEMatrix<L>): ReturnType<Cost["value"]> {
    const last = this.#layers[this.#layers.length - 1];
    return cost.value(last.a, y, last.delta, this.#scratch, this.batch, this.#logits);
  }

  /**
   * One training step on the current input: forward, the output error against y, the cost
   * when `read` (a promise on a device), then backward with step eta.
   */
  step(cost: Cost, y: GEMatrix<L>, eta: number, read: boolean): Deferred<number> | undefined {
    this.forward();
    this.outputError(cost, y);
    const c = read ? this.cost(cost, y) : undefined;
    this.backward(eta);
    return c;
  }

  /**
   * Backpropagates the output error and takes one step of size eta: δₗ ← fₗ'(zₗ) ⊙ δₗ (from
   * aₗ; for the output layer only when the cost leaves it out); δₗ₋₁ ← Wₗᵀ δₗ before Wₗ
   * changes (masked by layer l − 1's dropout); then Wₗ and bₗ move by −(η/n) δₗ aₗ₋₁ᵀ and
   * −(η/n) δₗ·1 — fused into one mm_ and one mv_ for plain gradient descent, through the
   * optimizer's update otherwise.
   */
  backward(eta: number): void {
    if (this.#reduce !== undefined) return this.#reducedBackward(eta, this.#reduce);
    const scale = 1 / this.batch;
    const step = ++this.#steps;
    const last = this.#layers.length - 1;
    for (let l = last; l >= 0; l--) {
      const t = this.#layers[l];
      this.#propagate(l, last);
      if (t.gradients === undefined) {
        mm_(-eta * scale, t.delta, t.inputT, 1, t.layer.weights);
        mv_(-eta * scale, t.delta, this.#ones, 1, t.layer.bias);
      } else {
        this.#layerGradients(t);
        this.#layerStep(t, eta, step);
      }
    }
  }

  /**
   * Backpropagates the output error and writes every layer's gradient — the batch's mean
   * ∂C/∂W and ∂C/∂b — into {@linkcode gradients}, moving no weight. With {@linkcode update} it
   * is what `backward` does, split so that gradients can be summed over shards first. Needs an
   * optimizer.
   *
   * @example Two halves of a batch, their gradients averaged, one step
   * ```ts
   * import { axpy_, defaultDouble, dge, scal_, submatrix } from "@knap/knap";
   * import { fullyConnected, gradientDescent, inferenceNetwork, quadraticCost_, trainingNetwork } from "@knap/knap/nn";
   * using net = inferenceNetwork(defaultDouble(), 1, [fullyConnected(1, "linear")]);
   * using x = dge(1, 4, [0, 1, 2, 3]);
   * using y = dge(1, 4, [-1, 1, 3, 5]);
   * using a = trainingNetwork(net, submatrix(x, 0, 0, 1, 2), gradientDescent());
   * using b = trainingNetwork(net, submatrix(x, 0, 2, 1, 2), gradientDescent());
   * for (const [t, ys] of [[a, submatrix(y, 0, 0, 1, 2)], [b, submatrix(y, 0, 2, 1, 2)]] as const) {
   *   t.forward();
   *   t.outputError(quadraticCost_, ys);
   *   t.computeGradients();
   * }
   * a.gradients.forEach((g, i) => scal_(0.5, axpy_(1, b.gradients[i], g)));
   * a.update(0.1);
   * ```
   */
  computeGradients(): void {
    this.#needsGradients("computeGradients");
    const last = this.#layers.length - 1;
    for (let l = last; l >= 0; l--) {
      this.#propagate(l, last);
      this.#layerGradients(this.#layers[l]);
    }
  }

  /**
   * The gradient buffers {@linkcode computeGradients} fills, layer by layer from the first:
   * ∂C/∂W (outₗ × inₗ), then ∂C/∂b. Empty without an optimizer.
   *
   * @example
   * ```ts
   * import { defaultDouble, dge } from "@knap/knap";
   * import { adam, fullyConnected, inferenceNetwork, trainingNetwork } from "@knap/knap/nn";
   * using net = inferenceNetwork(defaultDouble(), 2, [fullyConnected(3, "relu"), fullyConnected(1, "linear")]);
   * using x = dge(2, 4);
   * using t = trainingNetwork(net, x, adam());
   * if (t.gradients.length !== 4) throw new Error("unexpected");
   * ```
   */
  get gradients(): readonly Structure[] {
    return this.#gradientList;
  }

  /**
   * One optimizer step of size eta from the gradient buffers as they are now: after
   * {@linkcode computeGradients}, and whatever was done to the gradients in between.
   *
   * @example
   * ```ts
   * import { defaultDouble, dge, entry } from "@knap/knap";
   * import { fullyConnected, gradientDescent, inferenceNetwork, quadraticCost_, trainingNetwork } from "@knap/knap/nn";
   * using net = inferenceNetwork(defaultDouble(), 1, [fullyConnected(1, "linear")]);
   * using x = dge(1, 2, [1, 2]);
   * using y = dge(1, 2, [3, 5]);
   * using t = trainingNetwork(net, x, gradientDescent());
   * const before = entry(net.layers[0].bias, 0);
   * t.forward();
   * t.outputError(quadraticCost_, y);
   * t.computeGradients();
   * t.update(0.1);
   * if (entry(net.layers[0].bias, 0) === before) throw new Error("no step");
   * ```
   */
  update(eta: number): void {
    this.#needsGradients("update");
    nonNegative("update", eta, "eta");
    const step = ++this.#steps;
    for (let l = this.#layers.length - 1; l >= 0; l--) this.#layerStep(this.#layers[l], eta, step);
  }

  #needsGradients(op: string): void {
    if (this.#released) throw new KnapError(`${op}: the training network was released`, "released");
    if (this.optimizer === undefined) {
      throw new TypeError(`${op}: gradients are kept only with an optimizer (gradientDescent())`);
    }
  }

  /** ∇Wₗ = δₗ aₗ₋₁ᵀ / n and ∇bₗ = δₗ·1 / n, into the layer's gradient buffers. */
  #layerGradients(t: TrainingLayer<L>): void {
    const g = t.gradients!, scale = 1 / this.batch;
    mm_(scale, t.delta, t.inputT, 0, g.weights);
    mv_(scale, t.delta, this.#ones, 0, g.bias);
  }

  #layerStep(t: TrainingLayer<L>, eta: number, step: number): void {
    const g = t.gradients!;
    g.weightState.update_(t.layer.weights, g.weights, eta, step, true);
    g.biasState.update_(t.layer.bias, g.bias, eta, step, false);
  }

  /**
   * Layer l's error through its activation (δₗ ← fₗ'(zₗ) ⊙ δₗ), and on to the layer below — or
   * to the input's error — through Wₗ before it moves.
   */
  #propagate(l: number, last: number): void {
    this.#throughActivation(l, last);
    this.#below(l);
  }

  /** δₗ ← fₗ'(zₗ) ⊙ δₗ (for the output layer only when the cost leaves it out). */
  #throughActivation(l: number, last: number): void {
    const t = this.#layers[l];
    if (l < last || this.#outputDerivative) backprop_(t.layer.activation, t.a, t.delta);
  }

  /** δₗ₋₁ ← Wₗᵀ δₗ (masked by layer l − 1's dropout), or the input's error below the first. */
  #below(l: number): void {
    const t = this.#layers[l];
    if (l > 0) {
      const below = this.#layers[l - 1];
      mm_(t.weightsT, t.delta, below.delta);
      if (below.mask !== undefined) mul_(below.delta, below.mask);
    } else if (this.#inputError !== undefined) {
      mm_(t.weightsT, t.delta, this.#inputError);
    }
  }

  /**
   * Backward with the gradients reduced across processes: every layer's gradients are computed
   * and their reductions started, last layer first, while the layers below still compute; then
   * each waits and steps. (W moves only after every δ has been propagated through it.)
   */
  #reducedBackward(
    eta: number,
    reduce: (g: Structure) => { wait(): void; progress?(): void },
  ): void {
    const step = ++this.#steps;
    const last = this.#layers.length - 1;
    // Layer l's two reductions sit at 2l and 2l + 1 of an array kept between steps.
    const pending = this.#pending;
    for (let l = last; l >= 0; l--) {
      const t = this.#layers[l];
      // MPI advances started reductions only inside its calls: give it a turn per layer.
      for (let k = 2 * l + 2; k <= 2 * last + 1; k++) pending[k].progress?.();
      // The gradients first, so that their reductions travel while δ goes on to the layer below.
      this.#throughActivation(l, last);
      this.#layerGradients(t);
      pending[2 * l] = reduce(t.gradients!.weights);
      pending[2 * l + 1] = reduce(t.gradients!.bias);
      this.#below(l);
    }
    for (let l = last; l >= 0; l--) {
      pending[2 * l].wait();
      pending[2 * l + 1].wait();
      this.#layerStep(this.#layers[l], eta, step);
    }
  }

  /** Releases the training buffers and optimizer state (not the network, not x). */
  [Symbol.dispose](): void {
    if (this.#released) return;
    this.#released = true;
    const own: (Structure | Disposable | undefined)[] = [this.#ones, this.#scratch, this.#logits];
    for (const t of this.#layers) {
      own.push(t.a, t.delta, t.mask, t.dropped);
      const g = t.gradients;
      if (g !== undefined) own.push(g.weights, g.bias, g.weightState, g.biasState);
    }
    for (const s of own) s?.[Symbol.dispose]();
  }
}

/** Options of {@linkcode trainingNetwork}. */
export interface TrainingOptions<L extends Loc = Loc> {
  /** A seed for dropout's masks, an integer in [0, 2⁵³), so a training run repeats exactly. */
  readonly seed?: number;
  /**
   * Receives the error of the input (Wᵀ δ of the first layer, inDim × n) in every backward
   * pass: the layers before this network — convolutions feeding dense layers — learn from it.
   */
  readonly inputError?: GEMatrix<L>;
  /**
   * Starts reducing a gradient (the batch's mean) across processes in place and returns what
   * completes it: data-parallel training's all-reduce. Needs an optimizer.
   */
  readonly reduceGradient?: (g: Structure) => { wait(): void; progress?(): void };
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
 * buffer training needs, optimizer state included; epochs then allocate nothing. Without an
 * optimizer, training is plain gradient descent.
 *
 * @example
 * ```ts
 * import { defaultDouble, dge } from "@knap/knap";
 * import { adam, fullyConnected, inferenceNetwork, trainingNetwork } from "@knap/knap/nn";
 * using net = inferenceNetwork(defaultDouble(), 2, [fullyConnected(1, "linear")]);
 * using x = dge(2, 5);
 * using training = trainingNetwork(net, x, adam());
 * if (training.batch !== 5) throw new Error("unexpected");
 * ```
 */
export function trainingNetwork<L extends Loc>(
  net: InferenceNetwork<L>,
  x: GEMatrix<L>,
  optimizer?: Optimizer,
  options?: TrainingOptions<L>,
): TrainingNetwork<L> {
  liveNetwork("trainingNetwork", net);
  liveMatrix("trainingNetwork", x, "x");
  // The inputs may be bfloat16 where the network's factory computes their products.
  productFactories("trainingNetwork", net.layers[0].weights, x);
  if (x.m !== net.inDim) {
    throw new RangeError(
      `trainingNetwork: the network takes ${net.inDim} inputs but x is ${shapeOf(x)}`,
    );
  }
  if (x.n === 0) throw new RangeError("trainingNetwork: x has no samples (0 columns)");
  const hidden = net.layers.slice(0, -1).findIndex((l) => l.activation === "softmax");
  if (hidden >= 0) {
    throw new TypeError(
      `trainingNetwork: layer ${hidden + 1} is softmax; softmax trains only as the output layer`,
    );
  }
  if (options?.seed !== undefined) checkSeed("trainingNetwork", options.seed);
  if (options?.reduceGradient !== undefined && optimizer === undefined) {
    throw new TypeError("trainingNetwork: reduced gradients need an optimizer (gradientDescent())");
  }
  const e = options?.inputError;
  if (e !== undefined) {
    liveMatrix("trainingNetwork", e, "inputError");
    sameFactory("trainingNetwork", net.layers[0].weights, e);
    if (e.m !== net.inDim || e.n !== x.n) {
      throw new RangeError(
        `trainingNetwork: inputError must be ${net.inDim}×${x.n}, it is ${shapeOf(e)}`,
      );
    }
  }
  if (optimizer !== undefined && typeof optimizer.state !== "function") {
    throw new TypeError("trainingNetwork: optimizer must be one such as adam() or momentum()");
  }
  return new TrainingNetwork(net, x, optimizer, options);
}

/**
 * A layer's gradient buffers and optimizer state. ∇W = δ a₋₁ᵀ is fastest written row by row
 * (oneDNN; bench/matmul.bench.ts); the optimizer's state takes the gradient's layout, so only the
 * step into W crosses layouts.
 */
function gradientsFor<L extends Loc>(layer: Layer<L>, optimizer: Optimizer): Gradients<L> {
  const weights = ge(layer.weights.factory, layer.outDim, layer.inDim, undefined, {
    layout: "row",
  });
  return {
    weights,
    bias: alike(layer.bias),
    weightState: optimizer.state(weights),
    biasState: optimizer.state(layer.bias),
  };
}

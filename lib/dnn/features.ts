/**
 * The tensor layers of a network as one stack: their passes planned together for a batch size
 * (each layer reading the buffer the one before writes, and in training writing its input's
 * error into that layer's error buffer), and the step that moves their parameters.
 *
 * @module
 */

import type { Factory } from "../core/factory.ts";
import type { Loc } from "../core/types.ts";
import { axpy_, scal_ } from "../blas.ts";
import { entry_ } from "../access.ts";
import { randNormal_ } from "../random.ts";
import { derivedSeed } from "../core/seeded.ts";
import type { Structure, Vector } from "../core/structures.ts";
import { tensor } from "../tensor/construct.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { tensorVctr } from "../tensor/views.ts";
import type { Optimizer, OptimizerState } from "../nn/optimizer.ts";
import type { InitOptions } from "../nn/init.ts";
import type { FeatureLayer, Gradient, LayerPass } from "./layers.ts";
import type { RankSync } from "./sync_batch_norm.ts";

/** The passes of every tensor layer for one batch size, and the input buffer they read. */
export class FeaturePlan<L extends Loc = Loc> implements Disposable {
  /** The input the first layer reads, dense, [batch, …sample]: fill it before `forward`. */
  readonly input: Tensor<L>;
  /** Each layer's passes. */
  readonly passes: readonly LayerPass<L>[];

  /** Internal: use {@linkcode FeatureStack.plan}. */
  constructor(input: Tensor<L>, passes: LayerPass<L>[]) {
    this.input = input;
    this.passes = passes;
  }

  /** The last layer's output (the input when there are no layers). */
  get output(): Tensor<L> {
    return this.passes.at(-1)?.y ?? this.input;
  }

  /** In training, the buffer the layers after the stack write the error of its output into. */
  get outputError(): Tensor<L> | undefined {
    return this.passes.at(-1)?.dy;
  }

  /** Every layer forward, in order. */
  forward(): Tensor<L> {
    for (const p of this.passes) p.forward();
    return this.output;
  }

  /** Every layer backward, last first, from the error in `outputError`. */
  backward(): void {
    for (let i = this.passes.length - 1; i >= 0; i--) this.passes[i].backward();
  }

  /** Releases the passes' buffers and the input. */
  [Symbol.dispose](): void {
    for (const p of this.passes) p[Symbol.dispose]();
    this.input[Symbol.dispose]();
  }
}

/** How many batch sizes' inference plans a stack keeps. */
const BATCH_SIZES_KEPT = 4;

/** The tensor layers of a network, input to output. */
export class FeatureStack<L extends Loc = Loc> implements Disposable {
  /** The layers. */
  readonly layers: readonly FeatureLayer<L>[];
  /** The shape of one input sample. */
  readonly input: readonly number[];
  readonly #factory: Factory<L>;
  readonly #inference = new Map<number, FeaturePlan<L>>();

  /** Internal: the network builds it. */
  constructor(f: Factory<L>, input: readonly number[], layers: FeatureLayer<L>[]) {
    this.#factory = f;
    this.input = input;
    this.layers = layers;
  }

  /** The shape of one output sample. */
  get output(): readonly number[] {
    return this.layers.at(-1)?.output ?? this.input;
  }

  /**
   * Plans every layer's passes for batches of `batch` samples over a fresh input buffer; in
   * training the backward passes too, dropout's masks keyed by `seed`, batch normalization
   * over the whole batch of a data-parallel job with `sync`. The caller owns it.
   */
  plan(batch: number, training: boolean, seed?: number, sync?: RankSync): FeaturePlan<L> {
    const input = tensor(this.#factory, [batch, ...this.input]);
    const passes: LayerPass<L>[] = [];
    try {
      let x = input;
      let dx: Tensor<L> | undefined = undefined;
      this.layers.forEach((layer, i) => {
        const s = seed === undefined ? undefined : derivedSeed(seed, 1_000_033, i);
        const p = layer.pass(x, training, dx, s, sync);
        passes.push(p);
        x = p.y;
        dx = p.dy;
      });
    } catch (e) {
      for (const p of passes) p[Symbol.dispose]();
      input[Symbol.dispose]();
      throw e;
    }
    return new FeaturePlan(input, passes);
  }

  /** The inference plan for a batch size, kept for the last four sizes used. */
  inference(batch: number): FeaturePlan<L> {
    let p = this.#inference.get(batch);
    if (p !== undefined) {
      this.#inference.delete(batch);
    } else {
      if (this.#inference.size >= BATCH_SIZES_KEPT) {
        const [oldest, plan] = this.#inference.entries().next().value!;
        this.#inference.delete(oldest);
        plan[Symbol.dispose]();
      }
      p = this.plan(batch, false);
    }
    this.#inference.set(batch, p);
    return p;
  }

  /** Random weights scaled to each convolution's fan-in (as `init_` scales dense layers'). */
  init_(options: InitOptions = {}): void {
    const method = options.method ?? "small";
    // Inference plans of batch normalization read the running statistics, which restart too.
    this.layers.forEach((layer, i) => {
      layer.reset?.();
      for (const p of layer.parameters) {
        const v = tensorVctr(p.tensor);
        if (p.name === "weight" && p.decay) {
          const [out, channels, ...kernel] = p.tensor.shape;
          const taps = kernel.reduce((a, b) => a * b, 1);
          const fanIn = channels * taps, fanOut = out * taps;
          const sigma = method === "xavier"
            ? Math.sqrt(2 / (fanIn + fanOut))
            : method === "he"
            ? Math.sqrt(2 / fanIn)
            : 1 / Math.sqrt(fanIn);
          const seed = options.seed === undefined ? undefined : derivedSeed(options.seed, 1009, i);
          randNormal_(v, { sigma, seed });
        } else {
          entry_(v, p.name === "weight" || p.name === "running_var" ? 1 : 0);
        }
      }
    });
  }

  /** Releases every layer's parameters and the inference plans. */
  [Symbol.dispose](): void {
    for (const p of this.#inference.values()) p[Symbol.dispose]();
    this.#inference.clear();
    for (const l of this.layers) l[Symbol.dispose]();
  }
}

/** The optimizer's state for each trained parameter of a training plan. */
export class FeatureUpdate<L extends Loc = Loc> implements Disposable {
  readonly #moves: readonly {
    readonly w: Vector<L>;
    readonly dw: Vector<L>;
    readonly decay: boolean;
    readonly state: OptimizerState | undefined;
  }[];

  readonly #reduce: ((g: Structure) => { wait(): void }) | undefined;
  /** The reductions of one step, kept between steps. */
  readonly #pending: { wait(): void }[] = [];

  /**
   * The gradients of `plan`, each with state from `optimizer` (none: gradient descent); with
   * `reduce`, each mean gradient is reduced across processes before it steps.
   */
  constructor(
    plan: FeaturePlan<L>,
    optimizer: Optimizer | undefined,
    reduce?: (g: Structure) => { wait(): void },
  ) {
    this.#reduce = reduce;
    this.#moves = plan.passes.flatMap((p) => p.gradients).map((g: Gradient<L>) => {
      const dw = tensorVctr(g.gradient);
      return {
        w: tensorVctr(g.parameter.tensor),
        dw,
        decay: g.parameter.decay,
        state: optimizer?.state(dw),
      };
    });
  }

  /** The gradient of every trained parameter, in the plan's order: sums over the batch. */
  get gradients(): readonly Vector<L>[] {
    return this.#moves.map((m) => m.dw);
  }

  /** Scales every gradient, a sum over `batch` samples, to the batch's mean. */
  mean_(batch: number): void {
    for (const m of this.#moves) scal_(1 / batch, m.dw);
  }

  /**
   * Moves each parameter by its gradient as it is now — a mean, after `mean_` and whatever
   * averaged it over shards — with step eta at step t ≥ 1.
   */
  stepFromMeans(eta: number, t: number): void {
    for (const { w, dw, decay, state } of this.#moves) {
      if (state === undefined) axpy_(-eta, dw, w);
      else state.update_(w, dw, eta, t, decay);
    }
  }

  /**
   * Moves each parameter by its gradient (summed over `batch` samples) with step eta at step t
   * ≥ 1: the optimizer's update of the mean gradient, or plain descent.
   */
  step(eta: number, t: number, batch: number): void {
    const reduce = this.#reduce, moves = this.#moves, pending = this.#pending;
    if (reduce !== undefined) {
      // Every reduction under way before the first waits.
      for (let i = 0; i < moves.length; i++) pending[i] = reduce(scal_(1 / batch, moves[i].dw));
      for (let i = 0; i < moves.length; i++) {
        const { w, dw, decay, state } = moves[i];
        pending[i].wait();
        if (state === undefined) axpy_(-eta, dw, w);
        else state.update_(w, dw, eta, t, decay);
      }
      return;
    }
    for (const { w, dw, decay, state } of this.#moves) {
      if (state === undefined) axpy_(-eta / batch, dw, w);
      else state.update_(w, scal_(1 / batch, dw), eta, t, decay);
    }
  }

  /** Releases the optimizer's state. */
  [Symbol.dispose](): void {
    for (const m of this.#moves) m.state?.[Symbol.dispose]();
  }
}

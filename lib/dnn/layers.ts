/**
 * The tensor layers of a network — convolution, pooling, batch normalization, dropout and
 * flatten — each owning its parameters and planning its passes once per batch size: the
 * forward pass as planned tensor operations over buffers it makes, and in training the backward
 * pass that writes the error of its input into the buffer the layer before it reads.
 *
 * Every buffer is a dense tensor in the row-major layout of its rank (nchw for images), so any
 * layer's output feeds the next with no copy; each engine's primitive takes it from there (the
 * native engine reorders into oneDNN's blocked layouts inside its planned operations).
 *
 * @module
 */

import type { Factory } from "../core/factory.ts";
import type { Loc } from "../core/types.ts";
import { axpby_ } from "../blas.ts";
import { linearFrac_, mul_, signum_ } from "../math.ts";
import { randUniform_ } from "../random.ts";
import { offsetSeed } from "../core/seeded.ts";
import { entry_ } from "../access.ts";
import { tensor } from "../tensor/construct.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { TensorOp } from "../tensor/operation.ts";
import { tensorGe, tensorVctr, viewTz } from "../tensor/views.ts";
import {
  convolution,
  convolutionBackwardData,
  convolutionBackwardWeights,
  convolutionShape,
} from "../tensor/convolution.ts";
import { poolingForward, poolingShape, poolingTrainingPair } from "../tensor/pooling.ts";
import { batchNormBackward, batchNormForward } from "../tensor/batch_norm.ts";
import { type RankSync, syncedBatchNorm } from "./sync_batch_norm.ts";
import { eltwise, eltwiseBackward } from "../tensor/eltwise.ts";
import type { NamedTensor } from "../nn/persist.ts";
import type {
  BatchNormSpec,
  ConvoSpec,
  DropoutSpec,
  FeatureSpec,
  PoolingSpec,
  TensorActivation,
} from "./specs.ts";

/** A tensor a layer owns, under the name PyTorch's module gives it. */
export interface Parameter<L extends Loc = Loc> {
  /** PyTorch's name within the module: weight, bias, running_mean, running_var. */
  readonly name: string;
  /** The values. */
  readonly tensor: Tensor<L>;
  /** Whether training moves it by its gradient (running statistics are not). */
  readonly trained: boolean;
  /** Whether weight decay applies to it (weights, not biases or scales). */
  readonly decay: boolean;
}

/** A parameter's gradient, which a training pass writes in its backward pass. */
export interface Gradient<L extends Loc = Loc> {
  /** The parameter. */
  readonly parameter: Parameter<L>;
  /** Its gradient, summed over the batch. */
  readonly gradient: Tensor<L>;
}

/** One layer's passes for one batch size, planned once. */
export interface LayerPass<L extends Loc = Loc> extends Disposable {
  /** The output: a buffer of the pass, or a view of its input. */
  readonly y: Tensor<L>;
  /** In training, the error of the output, which the next layer (or the dense layers) writes. */
  readonly dy: Tensor<L> | undefined;
  /** The parameters' gradients this pass's backward writes. */
  readonly gradients: readonly Gradient<L>[];
  /** Computes y from the input. */
  forward(): void;
  /** From dy: the gradients, and the error of the input where one was asked for. */
  backward(): void;
}

/** A tensor layer with its parameters, for samples of one shape. */
export interface FeatureLayer<L extends Loc = Loc> extends Disposable {
  /** Its description. */
  readonly spec: FeatureSpec;
  /** The shape of one input sample. */
  readonly input: readonly number[];
  /** The shape of one output sample. */
  readonly output: readonly number[];
  /** What it owns, in PyTorch's order. */
  readonly parameters: readonly Parameter<L>[];
  /** The PyTorch modules it stands for (a convolution and its activation are two). */
  readonly modules: number;
  /**
   * Plans the passes over input x ([n, …input]); in training also the backward pass, which
   * writes the error of x into dx when given. `seed` keys dropout's masks; `sync`, in a
   * data-parallel job, makes batch normalization take the whole batch's statistics.
   */
  pass(
    x: Tensor<L>,
    training: boolean,
    dx: Tensor<L> | undefined,
    seed?: number,
    sync?: RankSync,
  ): LayerPass<L>;
  /** Saved state beside the parameters (batch normalization's batch counter), named from `prefix`. */
  counters?(prefix: string): NamedTensor[];
  /** Forgets state kept beside the parameters (the batch counter), as fresh weights do. */
  reset?(): void;
}

/** The activation's forward and backward operations over z (before) and y (after). */
function activation<L extends Loc>(
  f: TensorActivation,
  z: Tensor<L>,
  y: Tensor<L>,
  dy: Tensor<L> | undefined,
): { forward?: TensorOp<L>; backward?: TensorOp<L> } {
  if (f === "linear") return {};
  return {
    forward: eltwise(z, y, f),
    // The error through the activation overwrites dy: f′(z) · dy, entry by entry.
    backward: dy === undefined ? undefined : eltwiseBackward(z, dy, dy, f),
  };
}

function release(...ts: (Disposable | undefined)[]): void {
  for (const t of ts) t?.[Symbol.dispose]();
}

/** A planned operation, or a step made of matrix operations. */
interface Step {
  run(): unknown;
}

function runAll(ops: readonly (Step | undefined)[]): void {
  for (const op of ops) op?.run();
}

/** A pass made of planned operations over buffers it owns. */
function plannedPass<L extends Loc>(
  y: Tensor<L>,
  dy: Tensor<L> | undefined,
  gradients: readonly Gradient<L>[],
  forward: readonly (Step | undefined)[],
  backward: readonly (Step | undefined)[],
  owned: readonly (Disposable | undefined)[],
): LayerPass<L> {
  return {
    y,
    dy,
    gradients,
    forward: () => runAll(forward),
    backward: () => runAll(backward),
    [Symbol.dispose]: () => release(...owned),
  };
}

function batchShape(x: Tensor, sample: readonly number[]): number[] {
  return [x.shape[0], ...sample];
}

class Convolution<L extends Loc> implements FeatureLayer<L> {
  readonly parameters: readonly Parameter<L>[];
  readonly output: readonly number[];
  readonly modules: number;
  readonly #w: Tensor<L>;
  readonly #b: Tensor<L>;

  constructor(
    f: Factory<L>,
    readonly spec: ConvoSpec,
    readonly input: readonly number[],
  ) {
    const spatial = input.length - 1;
    if (spatial < 1 || spatial > 3 || spec.kernel.length !== spatial) {
      throw new RangeError(
        `convo: samples [${input.join(", ")}] need [channels, …${spec.kernel.length} spatial ` +
          `extents] for the kernel [${spec.kernel.join(", ")}]`,
      );
    }
    const wShape = [spec.filters, input[0], ...spec.kernel];
    this.output = convolutionShape([1, ...input], wShape, spec).slice(1);
    if (this.output.some((e) => e < 1)) {
      throw new RangeError(
        `convo: the kernel [${spec.kernel.join(", ")}] does not fit samples [${input.join(", ")}]`,
      );
    }
    this.#w = tensor(f, wShape);
    this.#b = tensor(f, [spec.filters]);
    this.parameters = [
      { name: "weight", tensor: this.#w, trained: true, decay: true },
      { name: "bias", tensor: this.#b, trained: true, decay: false },
    ];
    this.modules = spec.activation === "linear" ? 1 : 2;
  }

  pass(x: Tensor<L>, training: boolean, dx: Tensor<L> | undefined): LayerPass<L> {
    const f = x.factory as Factory<L>, s = this.spec, shape = batchShape(x, this.output);
    const z = tensor(f, shape);
    const linear = s.activation === "linear";
    // Inference activates in place; training keeps z for the activation's derivative.
    const y = linear || !training ? z : tensor(f, shape);
    const act = activation(s.activation, z, y, undefined);
    if (!training) return plannedPass(y, undefined, [], [this.#conv(x, z), act.forward], [], [z]);
    const dy = tensor(f, shape);
    const dw = tensor(f, this.#w.shape), db = tensor(f, this.#b.shape);
    const back = activation(s.activation, z, y, dy);
    return plannedPass(
      y,
      dy,
      [{ parameter: this.parameters[0], gradient: dw }, {
        parameter: this.parameters[1],
        gradient: db,
      }],
      [this.#conv(x, z), act.forward],
      [
        back.backward,
        convolutionBackwardWeights(x, dy, dw, db, s),
        dx === undefined ? undefined : convolutionBackwardData(dy, this.#w, dx, s),
      ],
      [z, linear ? undefined : y, dy, dw, db],
    );
  }

  #conv(x: Tensor<L>, z: Tensor<L>): TensorOp<L> {
    return convolution(x, this.#w, this.#b, z, this.spec);
  }

  [Symbol.dispose](): void {
    release(this.#w, this.#b);
  }
}

class Pooling<L extends Loc> implements FeatureLayer<L> {
  readonly parameters: readonly Parameter<L>[] = [];
  readonly output: readonly number[];
  readonly modules = 1;

  constructor(readonly spec: PoolingSpec, readonly input: readonly number[]) {
    if (input.length - 1 !== spec.kernel.length) {
      throw new RangeError(
        `pooling: samples [${input.join(", ")}] need [channels, …${spec.kernel.length} ` +
          `spatial extents] for the kernel [${spec.kernel.join(", ")}]`,
      );
    }
    this.output = poolingShape([1, ...input], spec.kernel, spec).slice(1);
    if (this.output.some((e) => e < 1)) {
      throw new RangeError(
        `pooling: the window [${spec.kernel.join(", ")}] does not fit samples [${
          input.join(", ")
        }]`,
      );
    }
  }

  pass(x: Tensor<L>, training: boolean, dx: Tensor<L> | undefined): LayerPass<L> {
    const f = x.factory as Factory<L>, s = this.spec, shape = batchShape(x, this.output);
    const y = tensor(f, shape);
    const dy = training ? tensor(f, shape) : undefined;
    // Training plans both passes together: the backward pass reads what the forward kept.
    const [forward, backward] = dy !== undefined && dx !== undefined
      ? poolingTrainingPair(x, y, dy, dx, s.algorithm, s.kernel, s)
      : [poolingForward(x, y, s.algorithm, s.kernel, s), undefined];
    return plannedPass(y, dy, [], [forward], [backward], [y, dy]);
  }

  [Symbol.dispose](): void {}
}

class BatchNormalization<L extends Loc> implements FeatureLayer<L> {
  readonly parameters: readonly Parameter<L>[];
  readonly output: readonly number[];
  readonly modules: number;
  /** The training batches seen: PyTorch's `num_batches_tracked`. */
  batches = 0;

  constructor(f: Factory<L>, readonly spec: BatchNormSpec, readonly input: readonly number[]) {
    if (input.length < 1 || input.length > 4) {
      throw new RangeError(
        `batchNorm: samples [${input.join(", ")}] need [channels] and up to 3 spatial extents`,
      );
    }
    this.output = input;
    const c = input[0];
    const [scale, shift, mean, variance] = [0, 1, 2, 3].map(() => tensor(f, [c]));
    // γ = 1 and β = 0 pass each normalized channel through; the running statistics start at
    // PyTorch's 0 and 1.
    entry_(tensorVctr(scale), 1);
    entry_(tensorVctr(variance), 1);
    this.parameters = [
      { name: "weight", tensor: scale, trained: true, decay: false },
      { name: "bias", tensor: shift, trained: true, decay: false },
      { name: "running_mean", tensor: mean, trained: false, decay: false },
      { name: "running_var", tensor: variance, trained: false, decay: false },
    ];
    this.modules = spec.activation === "linear" ? 1 : 2;
  }

  pass(
    x: Tensor<L>,
    training: boolean,
    dx: Tensor<L> | undefined,
    _seed?: number,
    sync?: RankSync,
  ): LayerPass<L> {
    const f = x.factory as Factory<L>, s = this.spec, shape = batchShape(x, this.output);
    const [scale, shift, running, runningVariance] = this.parameters.map((p) => p.tensor);
    const epsilon = s.epsilon;
    const z = tensor(f, shape);
    const linear = s.activation === "linear";
    const y = linear || !training ? z : tensor(f, shape);
    if (!training) {
      const norm = batchNormForward(
        x,
        z,
        { scale, shift, mean: running, variance: runningVariance },
        { training: false, epsilon },
      );
      return plannedPass(
        y,
        undefined,
        [],
        [
          norm,
          activation(s.activation, z, y, undefined).forward,
        ],
        [],
        [z],
      );
    }
    const c = this.input[0];
    const mean = tensor(f, [c]), variance = tensor(f, [c]);
    const dy = tensor(f, shape);
    const dScale = tensor(f, [c]), dShift = tensor(f, [c]);
    const act = activation(s.activation, z, y, dy);
    const norm = batchNormForward(x, z, { scale, shift, mean, variance }, { epsilon });
    const back = batchNormBackward(x, dy, dx ?? dy, {
      scale,
      mean,
      variance,
      dScale,
      dShift,
    }, { epsilon });
    // In a job of several ranks the statistics and dx become the whole batch's.
    const synced = sync === undefined || sync.ranks === 1 ? undefined : syncedBatchNorm(
      { x, z, dx, scale, shift, mean, variance, dScale, dShift },
      sync,
      epsilon,
    );
    // PyTorch's running averages: the variance's is of the unbiased estimate, m/(m − 1) σ².
    const perChannel = x.size / c * (synced === undefined ? 1 : sync!.ranks), m = s.momentum;
    const unbiased = perChannel > 1 ? perChannel / (perChannel - 1) : 1;
    const [mv, vv] = [tensorVctr(mean), tensorVctr(variance)];
    const [rm, rv] = [tensorVctr(running), tensorVctr(runningVariance)];
    const statistics: Step = {
      run: () => {
        this.batches++;
        axpby_(m, mv, 1 - m, rm);
        axpby_(m * unbiased, vv, 1 - m, rv);
      },
    };
    return plannedPass(
      y,
      dy,
      [{ parameter: this.parameters[0], gradient: dScale }, {
        parameter: this.parameters[1],
        gradient: dShift,
      }],
      [norm, synced?.forward, statistics, act.forward],
      [act.backward, back, synced?.backward],
      [synced, z, linear ? undefined : y, dy, mean, variance, dScale, dShift],
    );
  }

  reset(): void {
    this.batches = 0;
  }

  counters(prefix: string): NamedTensor[] {
    return [{
      name: `${prefix}num_batches_tracked`,
      shape: [],
      dtype: "I64",
      optional: true,
      bytes: () => Promise.resolve(new Uint8Array(BigInt64Array.of(BigInt(this.batches)).buffer)),
      set: (values) => {
        this.batches = values[0];
        return Promise.resolve();
      },
    }];
  }

  [Symbol.dispose](): void {
    release(...this.parameters.map((p) => p.tensor));
  }
}

class Dropout<L extends Loc> implements FeatureLayer<L> {
  readonly parameters: readonly Parameter<L>[] = [];
  readonly output: readonly number[];
  readonly modules = 1;

  constructor(readonly spec: DropoutSpec, readonly input: readonly number[]) {
    this.output = input;
  }

  pass(x: Tensor<L>, training: boolean, dx: Tensor<L> | undefined, seed?: number): LayerPass<L> {
    if (!training) return plannedPass(x, undefined, [], [], [], []);
    const f = x.factory as Factory<L>, shape = batchShape(x, this.output);
    const y = tensor(f, shape), dy = tensor(f, shape), mask = tensor(f, shape);
    const [xm, ym, dym, mm] = [x, y, dy, mask].map(tensorGe);
    const dxm = dx === undefined ? undefined : tensorGe(dx);
    const p = this.spec.p, keep = 0.5 / (1 - p);
    let masks = 0;
    return {
      y,
      dy,
      gradients: [],
      forward() {
        // A fresh mask each pass: 1/(1 − p) where a uniform draw passes p, 0 elsewhere.
        const s = seed === undefined ? undefined : offsetSeed(seed, masks++);
        linearFrac_(keep, signum_(linearFrac_(1, randUniform_(mm, { seed: s }), -p)), keep);
        mul_(xm, mm, ym);
      },
      backward() {
        if (dxm !== undefined) mul_(dym, mm, dxm);
      },
      [Symbol.dispose]: () => release(y, dy, mask),
    };
  }

  [Symbol.dispose](): void {}
}

class Flatten<L extends Loc> implements FeatureLayer<L> {
  readonly spec = { kind: "flatten" } as const;
  readonly parameters: readonly Parameter<L>[] = [];
  readonly output: readonly number[];
  readonly modules = 1;

  constructor(readonly input: readonly number[]) {
    this.output = [input.reduce((a, b) => a * b, 1)];
  }

  pass(x: Tensor<L>, training: boolean, dx: Tensor<L> | undefined): LayerPass<L> {
    // Views both ways: the next layer writes the error straight into the one before's buffer.
    const shape = batchShape(x, this.output);
    const own = training && dx === undefined ? tensor(x.factory as Factory<L>, shape) : undefined;
    const dy = training ? own ?? viewTz(dx!, shape) : undefined;
    return plannedPass(viewTz(x, shape), dy, [], [], [], [own]);
  }

  [Symbol.dispose](): void {}
}

/** The layer a description asks for, for samples of shape `input`, with zero weights. */
export function featureLayer<L extends Loc>(
  f: Factory<L>,
  spec: FeatureSpec,
  input: readonly number[],
): FeatureLayer<L> {
  switch (spec.kind) {
    case "convo":
      return new Convolution(f, spec, input);
    case "pooling":
      return new Pooling(spec, input);
    case "batchNorm":
      return new BatchNormalization(f, spec, input);
    case "dropout":
      return new Dropout(spec, input);
    case "flatten":
      return new Flatten(input);
  }
}

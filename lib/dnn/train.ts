/**
 * Minibatch training of a network with tensor layers: each batch is gathered into the input
 * buffer the layers' operations were planned over, goes forward through the tensor layers and
 * the dense layers, and the error comes back the same way — the dense layers' training network
 * writes the error of its input into the last tensor layer's error buffer. Every buffer and
 * plan is made before the first epoch; an epoch allocates nothing. The schedule (shuffles,
 * shares, shards) and the ways a batch trains are the dense networks' (`@knap/knap/nn`'s
 * minibatches.ts and batch_steps.ts); the tensor network brings its {@linkcode Learner}.
 *
 * @module
 */

import type { GEMatrix, Structure, Vector } from "../core/structures.ts";
import type { Loc, Scalar } from "../core/types.ts";
import type { Deferred } from "../core/engine.ts";
import { tensorVctr, viewGe } from "../tensor/views.ts";
import { derivedSeed } from "../core/seeded.ts";
import { liveTensor, type Tensor } from "../tensor/tensor.ts";
import type { Cost } from "../nn/cost.ts";
import type { Optimizer } from "../nn/optimizer.ts";
import { gradientDescent } from "../nn/optimizer.ts";
import { type TrainingNetwork, trainingNetwork } from "../nn/training.ts";
import { checkMinibatch, Minibatches, type MinibatchOptions } from "../nn/minibatches.ts";
import type { Learner } from "../nn/learner.ts";
import { trainLanes } from "../nn/batch_steps.ts";
import { agreed } from "../nn/shares.ts";
import { movesBatches } from "../nn/host_batches.ts";
import { sgdTrain } from "../nn/minibatch.ts";
import { type FeaturePlan, FeatureUpdate } from "./features.ts";
import type { RankSync } from "./sync_batch_norm.ts";
import { batchMatrix, checkSamples, type TensorNetwork } from "./network.ts";

/** x's samples as columns, or an error saying how to make them so. */
function columns<L extends Loc>(op: string, t: Tensor<L>, name: string): GEMatrix<L> {
  try {
    return viewGe(t);
  } catch (e) {
    throw new RangeError(
      `${op}: ${name}'s samples must each be one run in memory (nchw, nc, …): ${
        (e as Error).message
      }`,
    );
  }
}

/**
 * A tensor network bound to one lane's batches: its tensor layers' training plan, their
 * optimizer state, and the dense layers' training network over the plan's output.
 */
class FeatureLearner<L extends Loc> implements Learner<L> {
  readonly input: GEMatrix<L>;
  readonly gradients: readonly Structure[];
  readonly #plan: FeaturePlan<L>;
  readonly #update: FeatureUpdate<L>;
  readonly #head: TrainingNetwork<L>;
  readonly #local: number;
  #steps = 0;

  constructor(
    net: TensorNetwork<L>,
    local: number,
    optimizer: Optimizer | undefined,
    seed: number | undefined,
    sync: RankSync | undefined,
    reduce: ((g: Structure) => { wait(): void; progress?(): void }) | undefined,
  ) {
    this.#local = local;
    const plan = this.#plan = net.features.plan(
      local,
      true,
      seed === undefined ? undefined : derivedSeed(seed, 7919, 1),
      sync,
    );
    let update: FeatureUpdate<L> | undefined;
    try {
      this.input = viewGe(plan.input);
      update = this.#update = new FeatureUpdate(plan, optimizer, reduce);
      this.#head = trainingNetwork(net.layers, viewGe(plan.output), optimizer, {
        seed,
        inputError: viewGe(plan.outputError!),
        reduceGradient: reduce,
      });
    } catch (e) {
      update?.[Symbol.dispose]();
      plan[Symbol.dispose]();
      throw e;
    }
    this.gradients = [...update.gradients, ...this.#head.gradients];
  }

  take(): void {
    throw new TypeError("train: a tensor network gathers its batches into its planned input");
  }

  step(cost: Cost, y: GEMatrix<L>, eta: number, read: boolean): Deferred<number> | undefined {
    const head = this.#head;
    this.#plan.forward();
    head.forward();
    head.outputError(cost, y);
    const c = read ? head.cost(cost, y) : undefined;
    head.backward(eta);
    this.#plan.backward();
    this.#update.step(eta, ++this.#steps, this.#local);
    return c;
  }

  computeGradients(cost: Cost, y: GEMatrix<L>, read: boolean): Deferred<number> | undefined {
    const head = this.#head;
    this.#plan.forward();
    head.forward();
    head.outputError(cost, y);
    const c = read ? head.cost(cost, y) : undefined;
    head.computeGradients();
    this.#plan.backward();
    this.#update.mean_(this.#local);
    return c;
  }

  update(eta: number): void {
    this.#head.update(eta);
    this.#update.stepFromMeans(eta, ++this.#steps);
  }

  [Symbol.dispose](): void {
    this.#head[Symbol.dispose]();
    this.#update[Symbol.dispose]();
    this.#plan[Symbol.dispose]();
  }
}

/**
 * Trains a network whose first layers are tensor layers on x ([n, …sample]) and y ([n,
 * outputs]); returns the last epoch's cost (a promise on a device). Called by `train`, which
 * checked the network, x and y.
 */
function trainFeatures<L extends Loc>(
  net: TensorNetwork<L>,
  x: Tensor<L> | Tensor<"host">,
  y: Tensor<L> | Tensor<"host">,
  cost: Cost,
  epochs: number,
  options: MinibatchOptions,
): Scalar<L> {
  const op = "train";
  checkMinibatch(op, epochs, options);
  const xs = columns(op, x as Tensor<L>, "x"), ys = columns(op, y as Tensor<L>, "y");
  if (y.factory !== net.factory && !movesBatches(ys, net.factory)) {
    throw new TypeError(`${op}: y is on ${y.factory.name}, the network on ${net.factory.name}`);
  }
  const comm = options.communicator;
  const normalizes = net.features.layers.some((l) => l.spec.kind === "batchNorm");
  if ((options.shards ?? 1) > 1 && normalizes) {
    throw new TypeError(
      `${op}: shards stand for a job's ranks, and each rank's batch normalization keeps running ` +
        "statistics of its own, which one process cannot keep apart; train with a communicator, " +
        "or without shards",
    );
  }
  const device = net.factory.location !== "host";
  if ((comm?.size ?? 1) > 1 && device && normalizes && options.syncBatchNorm !== false) {
    throw new TypeError(
      `${op}: batch normalization synchronizes its statistics across ranks on host engines ` +
        `only; on ${net.factory.name} pass syncBatchNorm: false (each rank its own share's)`,
    );
  }
  const parameters = () => [
    ...net.features.layers.flatMap((l) => l.parameters.map((p) => tensorVctr(p.tensor))),
    ...net.layers.layers.flatMap((l) => [l.weights, l.bias]),
  ];
  const schedule = new Minibatches<L>(
    op,
    {
      x: xs,
      y: ys,
      factory: net.factory,
      parameters,
      facts: { syncBatchNorm: options.syncBatchNorm === false ? 0 : 1 },
      views: false,
    },
    epochs,
    options,
  );
  const learners: FeatureLearner<L>[] = [];
  const release = () => {
    for (const l of learners) l[Symbol.dispose]();
    schedule[Symbol.dispose]();
  };
  try {
    const { parts } = schedule.share, host = schedule.host;
    // Batch normalization over the whole batch unless told to keep each rank's statistics.
    const sync = parts > 1 && host && options.syncBatchNorm !== false
      ? { ranks: parts, sum: (v: Vector) => void comm!.allReduce_(v, "sum", agreed) }
      : undefined;
    // On host engines a job's gradients are reduced inside the step.
    const reduce = parts > 1 && host
      ? (g: Structure) => comm!.startAllReduce(g, "mean", agreed)
      : undefined;
    const optimizer = options.optimizer ??
      (parts > 1 || schedule.lanes > 1 ? gradientDescent() : undefined);
    for (let s = 0; s < schedule.lanes; s++) {
      learners.push(new FeatureLearner(net, schedule.local, optimizer, options.seed, sync, reduce));
    }
  } catch (e) {
    release();
    throw e;
  }
  return trainLanes(op, schedule, learners, cost, epochs, options, parameters, release) as Scalar<
    L
  >;
}

/**
 * Trains the network on inputs x and targets y (y's samples are the outputs: [n, outputs]) for
 * `epochs` epochs of minibatches, with the matrix networks' costs and optimizers; returns the
 * last epoch's cost (a promise on a device).
 *
 * @example
 * ```ts
 * import { jsDouble, tensor } from "@knap/knap";
 * import { dense, init_, network, train } from "@knap/knap/dnn";
 * import { adam, quadraticCost_ } from "@knap/knap/nn";
 * using net = init_(network(jsDouble, [4, 1], [dense(1, "linear")]), { seed: 1 });
 * using x = tensor(jsDouble, [4, 1], "nc", [0, 1, 2, 3]);
 * using y = tensor(jsDouble, [4, 1], "nc", [1, 3, 5, 7]);
 * const cost = train(net, x, y, quadraticCost_, 500, { batch: 4, eta: 0.05, optimizer: adam(), seed: 1 });
 * if (cost > 1e-3) throw new Error(`cost ${cost}`);
 * ```
 */
export function train<L extends Loc>(
  net: TensorNetwork<L>,
  x: Tensor<L> | Tensor<"host">,
  y: Tensor<L> | Tensor<"host">,
  cost: Cost,
  epochs: number,
  options: MinibatchOptions,
): Scalar<L> {
  const deep = net.features.layers.length > 0;
  if (deep) checkSamples("train", net, x);
  const xs = deep ? undefined : batchMatrix("train", net, x as Tensor<L>);
  liveTensor("train", y, "y");
  if (y.shape.length !== 2 || y.shape[0] !== x.shape[0] || y.shape[1] !== net.layers.outDim) {
    throw new RangeError(
      `train: y must be [${x.shape[0]}, ${net.layers.outDim}], one row of targets per sample; ` +
        `it is [${y.shape.join(", ")}]`,
    );
  }
  if (xs === undefined) return trainFeatures(net, x, y, cost, epochs, options);
  return sgdTrain<L>(net.layers, xs, viewGe(y as Tensor<L>), cost, epochs, options);
}

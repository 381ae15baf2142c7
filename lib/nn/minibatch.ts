/**
 * Stochastic gradient descent over minibatches: each epoch visits the training set in a fresh
 * random order, one batch at a time, with every buffer — the batch itself included — made once.
 *
 * Two ways to form batches: `"samples"` (the default) shuffles the samples every epoch and
 * copies each batch's columns into a batch buffer; `"batches"` takes each batch as a view of
 * consecutive columns, shuffling only the order of the batches — no copy at all, for data sets
 * that were shuffled once when loaded. Every batch has the same size and every sample is seen
 * each epoch: with shuffled samples a last, partial batch is filled up with the epoch's first
 * samples (wrapping around); with batch views the last view ends at the last sample, overlapping
 * the one before it.
 *
 * @module
 */

import type { GEMatrix } from "../core/structures.ts";
import { ge } from "../core/construct.ts";
import {
  count,
  liveMatrix,
  nonNegative,
  productFactories,
  sameFactory,
  seed as checkSeed,
  shapeOf,
} from "../core/checks.ts";
import type { Loc, Scalar } from "../core/types.ts";
import type { Deferred } from "../core/engine.ts";
import { gatherColumns_ } from "../gather.ts";
import { axpy_, scal_ } from "../blas.ts";
import { submatrix } from "../core/views.ts";
import type { Cost } from "./cost.ts";
import { type InferenceNetwork, liveNetwork } from "./network.ts";
import { gradientDescent, type Optimizer } from "./optimizer.ts";
import type { Communicator } from "../distributed/communicator.ts";
import { agreed, jobCost, jobReads, reportingOn, shareBatches } from "./shares.ts";
import { StagedCollectives } from "./staged_collectives.ts";
import { HostBatches, movesBatches } from "./host_batches.ts";
import type { SgdOptions } from "./sgd.ts";
import { minibatchEpoch, runEpochs } from "./epochs.ts";
import { type TrainingNetwork, trainingNetwork } from "./training.ts";
import { mulberry32, shuffle } from "../core/seeded.ts";

/** Options of {@linkcode sgdTrain}. */
export interface MinibatchOptions extends SgdOptions {
  /** Samples per batch. */
  readonly batch: number;
  /** The learning rate. */
  readonly eta: number;
  /** The optimizer (plain gradient descent without one). */
  readonly optimizer?: Optimizer;
  /** How batches are formed (see the module docs); "samples" by default. */
  readonly shuffle?: "samples" | "batches";
  /** A seed for the shuffles and dropout's masks, an integer in [0, 2⁵³). */
  readonly seed?: number;
  /**
   * Data-parallel training over the processes of a job (`communicator()` of
   * `@knap/knap/distributed`): rank 0's initial weights go to every rank, every rank shuffles
   * alike and trains on its share of each batch (the batch must split evenly), and the
   * gradients are averaged across ranks before every step. On a device engine the weights and
   * gradients cross ranks through host copies, each batch waiting for the device (networks with
   * tensor layers train data-parallel on host engines only).
   */
  readonly communicator?: Communicator;
  /**
   * With a communicator, whether batch normalization layers normalize with the statistics of
   * the whole batch, all ranks' samples (default true: the job trains as one process would,
   * for two small all-reduces per layer and pass — PyTorch's SyncBatchNorm), or each rank with
   * its own share's (false: PyTorch DDP's default).
   */
  readonly syncBatchNorm?: boolean;
  /**
   * Trains in one process as a job of this many ranks would (default 1): each batch split into
   * equal shards, each shard's gradients computed on its own (dropout masks drawn as each rank
   * draws them), their mean taken in shard order, then one step. In float64 the weights equal a
   * two-rank job's bit for bit — the reference for a data-parallel run. Not with a communicator
   * of several processes.
   */
  readonly shards?: number;
}

/**
 * Trains `net` on inputs x (inDim × n) and targets y (outDim × n) for `epochs` epochs of
 * minibatches; returns the last epoch's cost, the mean over its batches (a promise on a GPU).
 *
 * @example
 * ```ts
 * import { defaultDouble, dge } from "@knap/knap";
 * import { adam, fullyConnected, inferenceNetwork, init_, quadraticCost_, sgdTrain } from "@knap/knap/nn";
 * using net = init_(inferenceNetwork(defaultDouble(), 1, [fullyConnected(1, "linear")]), { seed: 1 });
 * using x = dge(1, 10, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 * using y = dge(1, 10, [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
 * const cost = sgdTrain(net, x, y, quadraticCost_, 300, { batch: 4, eta: 0.05, optimizer: adam(), seed: 2 });
 * if (cost > 0.01) throw new Error(`cost ${cost}`);
 * ```
 */
export function sgdTrain<L extends Loc>(
  net: InferenceNetwork<L>,
  data: GEMatrix<L> | GEMatrix<"host">,
  targets: GEMatrix<L> | GEMatrix<"host">,
  cost: Cost,
  epochs: number,
  options: MinibatchOptions,
): Scalar<L> {
  liveNetwork("sgdTrain", net);
  liveMatrix("sgdTrain", data, "x");
  liveMatrix("sgdTrain", targets, "y");
  // Host data for a network on a device moves a batch at a time (host_batches.ts).
  const moveX = movesBatches(data, net.factory), moveY = movesBatches(targets, net.factory);
  if (!moveX) productFactories("sgdTrain", net.layers[0].weights, data);
  if (!moveY) sameFactory("sgdTrain", net.layers[0].weights, targets);
  const x = data as GEMatrix<L>, y = targets as GEMatrix<L>;
  if (x.n !== y.n || y.m !== net.outDim) {
    throw new RangeError(
      `sgdTrain: x is ${shapeOf(x)} and y is ${shapeOf(y)}; y must be ${net.outDim}×${x.n}`,
    );
  }
  checkMinibatch("sgdTrain", epochs, options);
  const n = x.n, size = Math.min(Math.max(options.batch, 1), n);
  const batches = Math.ceil(n / size);
  const comm = options.communicator;
  const shards = options.shards ?? 1;
  count("sgdTrain", shards, "shards");
  if (shards < 1) throw new RangeError("sgdTrain: shards must be at least 1");
  if (shards > 1 && (comm?.size ?? 1) > 1) {
    throw new TypeError(
      `sgdTrain: shards stand for the ranks of a job in one process; this job has ${comm!.size}`,
    );
  }
  if (size % shards !== 0) {
    throw new RangeError(
      `sgdTrain: a batch of ${size} does not split evenly into ${shards} shards`,
    );
  }
  // Every rank starts from rank 0's weights and draws the same shuffles.
  const share = shareBatches(
    "sgdTrain",
    comm,
    size,
    net.factory.location,
    () => net.layers.flatMap((l) => [l.weights, l.bias]),
    options.seed,
    { samples: n, epochs },
  );
  const { parts, rank, seed } = share;
  const local = share.local / shards;
  const random = mulberry32(seed);
  const byViews = options.shuffle === "batches";
  const order = new Int32Array(byViews ? batches : n).map((_, i) => i);
  const optimizer = options.optimizer ??
    (parts > 1 || shards > 1 ? gradientDescent() : undefined);
  // On a device the job's collectives go through host copies, one batch at a time.
  const staged = parts > 1 && net.factory.location !== "host";
  // A lane per shard (one without shards): a rank trains on columns [rank·local, (rank + 1)·local)
  // of every batch, shard s on [s·local, (s + 1)·local).
  type Lane = {
    offset: number;
    xb?: GEMatrix<L>;
    yb?: GEMatrix<L>;
    xViews: GEMatrix<L>[];
    yViews: GEMatrix<L>[];
    t: TrainingNetwork<L>;
  };
  const lanes: Lane[] = [];
  // Batches are gathered unless they are views of data already where the network is.
  const views = byViews && !moveX && !moveY;
  const hostX = moveX ? new HostBatches(data as GEMatrix<"host">, local) : undefined;
  const hostY = moveY ? new HostBatches(targets as GEMatrix<"host">, local) : undefined;
  const release = () => {
    for (const lane of lanes) {
      lane.t[Symbol.dispose]();
      lane.xb?.[Symbol.dispose]();
      lane.yb?.[Symbol.dispose]();
    }
    hostX?.[Symbol.dispose]();
    hostY?.[Symbol.dispose]();
  };
  /** The first sample of batch b's share for the lane at `offset` (the last ends at the last sample). */
  const start = (b: number, offset: number) => Math.min(b * size, n - size) + offset;
  const lane = (s: number): Lane => {
    const offset = (rank + s) * local;
    // "samples": one batch buffer, filled by gathering the batch's columns.
    const xb = views ? undefined : ge(moveX ? net.factory : x.factory, x.m, local);
    const yb = views ? undefined : ge(net.factory, y.m, local);
    // "batches": a view per batch.
    const xViews = views
      ? Array.from({ length: batches }, (_, b) => submatrix(x, 0, start(b, offset), x.m, local))
      : [];
    const yViews = views
      ? Array.from({ length: batches }, (_, b) => submatrix(y, 0, start(b, offset), y.m, local))
      : [];
    try {
      const t = trainingNetwork(net, xb ?? xViews[0], optimizer, {
        seed: options.seed,
        reduceGradient: parts > 1 && !staged
          ? (g) => comm!.startAllReduce(g, "mean", agreed)
          : undefined,
      });
      return { offset, xb, yb, xViews, yViews, t };
    } catch (e) {
      xb?.[Symbol.dispose]();
      yb?.[Symbol.dispose]();
      throw e;
    }
  };
  try {
    for (let s = 0; s < shards; s++) lanes.push(lane(s));
  } catch (e) {
    release();
    throw e;
  }
  const picked = new Int32Array(local);
  // Made once: each lane's gradient buffers, and the shards' costs of a batch.
  const gradients = lanes.map((l) => l.t.gradients);
  const shardCosts: Deferred<number>[] = [];
  /** Lane's input for batch b; returns its targets. */
  const fill = (lane: Lane, b: number): GEMatrix<L> => {
    if (views) {
      lane.t.input(lane.xViews[order[b]]);
      return lane.yViews[order[b]];
    }
    for (let j = 0; j < local; j++) {
      picked[j] = byViews
        ? start(order[b], lane.offset) + j
        : order[(b * size + lane.offset + j) % n];
    }
    if (hostX !== undefined) hostX.move(picked, lane.xb!);
    else gatherColumns_(x, picked, lane.xb!);
    if (hostY !== undefined) hostY.move(picked, lane.yb!);
    else gatherColumns_(y, picked, lane.yb!);
    return lane.yb!;
  };
  let collectives: StagedCollectives | undefined;
  /** A batch on a device in a job: its gradients averaged through the host, then the step. */
  const stagedBatch = async (b: number, eta: number, read: boolean) => {
    const t = lanes[0].t, target = fill(lanes[0], b);
    t.forward();
    t.outputError(cost, target);
    const c = read ? t.cost(cost, target) : undefined;
    t.computeGradients();
    await collectives!.mean_(gradients[0]);
    t.update(eta);
    return jobCost(comm, await c);
  };
  const batch = (b: number, eta: number, read: boolean): Deferred<number> | undefined => {
    if (staged) return stagedBatch(b, eta, read) as Promise<number>;
    if (shards === 1) {
      return jobCost(comm, lanes[0].t.step(cost, fill(lanes[0], b), eta, read));
    }
    shardCosts.length = 0;
    for (const lane of lanes) {
      const target = fill(lane, b);
      lane.t.forward();
      lane.t.outputError(cost, target);
      if (read) shardCosts.push(lane.t.cost(cost, target));
      lane.t.computeGradients();
    }
    // The shards' mean as a job's all-reduce takes it: the sum in rank order, then 1/shards.
    const first = gradients[0];
    for (let s = 1; s < shards; s++) {
      for (let i = 0; i < first.length; i++) axpy_(1, gradients[s][i], first[i]);
    }
    for (const g of first) scal_(1 / shards, g);
    lanes[0].t.update(eta);
    return read ? meanInOrder(shardCosts) : undefined;
  };

  const host = net.factory.location === "host";
  // One epoch in a fresh order; when read, the mean of its batches' costs.
  const epoch = (eta: number, wanted: boolean): Deferred<number> | undefined => {
    const read = jobReads(comm, wanted);
    shuffle(order, random);
    return minibatchEpoch(batches, host, read, (b, r) => batch(b, eta, r), staged);
  };
  let costs: number[] | Promise<number[]>;
  try {
    const watched = reportingOn(share, options);
    const run = () => runEpochs("sgdTrain", host, [[epochs, options.eta]], watched, epoch);
    costs = !staged ? run() : (async () => {
      // Host copies of the parameters (gradients have their shapes): rank 0's weights first.
      collectives = await StagedCollectives.make(comm!, gradients[0]);
      await collectives.broadcast_(net.layers.flatMap((l) => [l.weights, l.bias]));
      return await run();
    })();
  } catch (e) {
    release();
    throw e;
  }
  if (costs instanceof Promise) {
    return costs.finally(() => {
      release();
      collectives?.[Symbol.dispose]();
    }).then((c) => c[0]) as Scalar<L>;
  }
  release();
  return costs[0] as Scalar<L>;
}

/** The checks every minibatch trainer makes of its epochs and options. */
export function checkMinibatch(op: string, epochs: number, options: MinibatchOptions): void {
  count(op, epochs, "epochs");
  count(op, options.batch, "the batch size");
  if (options.batch < 1) throw new RangeError(`${op}: the batch size must be at least 1`);
  nonNegative(op, options.eta, "eta");
  if (options.seed !== undefined) checkSeed(op, options.seed);
}

/** The mean of costs summed in order (numbers, or promises of them on a device). */
function meanInOrder(costs: readonly Deferred<number>[]): Deferred<number> {
  const mean = (c: readonly number[]) => c.reduce((sum, v) => sum + v, 0) / c.length;
  if (costs.every((c) => typeof c === "number")) return mean(costs as readonly number[]);
  return Promise.all(costs).then(mean);
}

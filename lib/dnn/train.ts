/**
 * Minibatch training of a network with tensor layers: each batch is gathered into the input
 * buffer the layers' operations were planned over, goes forward through the tensor layers and
 * the dense layers, and the error comes back the same way — the dense layers' training network
 * writes the error of its input into the last tensor layer's error buffer. Every buffer and
 * plan is made before the first epoch; an epoch allocates nothing.
 *
 * @module
 */

import type { GEMatrix } from "../core/structures.ts";
import type { Loc, Scalar } from "../core/types.ts";
import type { Deferred } from "../core/engine.ts";
import { ge } from "../core/construct.ts";
import { viewGe } from "../tensor/views.ts";
import { derivedSeed, mulberry32, shuffle } from "../core/seeded.ts";
import { gatherColumns_ } from "../gather.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { Cost } from "../nn/cost.ts";
import { checkMinibatch, type MinibatchOptions } from "../nn/minibatch.ts";
import { minibatchEpoch, runEpochs } from "../nn/epochs.ts";
import { trainingNetwork } from "../nn/training.ts";
import { gradientDescent } from "../nn/optimizer.ts";
import { tensorVctr } from "../tensor/views.ts";
import type { Structure, Vector } from "../core/structures.ts";
import { FeatureUpdate } from "./features.ts";
import { agreed, jobCost, jobReads, reportingOn, shareBatches } from "../nn/shares.ts";
import { batchMatrix, checkSamples, type TensorNetwork } from "./network.ts";
import { sgdTrain } from "../nn/minibatch.ts";
import { liveTensor } from "../tensor/tensor.ts";
import { HostBatches, movesBatches } from "../nn/host_batches.ts";

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
 * Trains a network whose first layers are tensor layers on x ([n, …sample]) and y ([n,
 * outputs]); returns the last epoch's cost (a promise on a device). Called by `train`, which
 * checked the network, x and y.
 */
export function trainFeatures<L extends Loc>(
  net: TensorNetwork<L>,
  x: Tensor<L> | Tensor<"host">,
  y: Tensor<L> | Tensor<"host">,
  cost: Cost,
  epochs: number,
  options: MinibatchOptions,
): Scalar<L> {
  const op = "train";
  checkMinibatch(op, epochs, options);
  if ((options.shards ?? 1) !== 1) {
    throw new TypeError(
      `${op}: shards are not yet taken by networks with tensor layers (dense-only networks and ` +
        "sgdTrain take them)",
    );
  }
  const xs = columns(op, x as Tensor<L>, "x"), ys = columns(op, y as Tensor<L>, "y");
  // Host data for a network on a device moves a batch at a time (host_batches.ts).
  const moveX = movesBatches(xs, net.factory), moveY = movesBatches(ys, net.factory);
  if (y.factory !== net.factory && !moveY) {
    throw new TypeError(`${op}: y is on ${y.factory.name}, the network on ${net.factory.name}`);
  }
  const n = x.shape[0], size = Math.min(options.batch, n);
  const batches = Math.ceil(n / size);
  // Data-parallel: rank 0's parameters everywhere, one seed, each rank its share of a batch.
  const comm = options.communicator;
  if ((comm?.size ?? 1) > 1 && net.factory.location !== "host") {
    throw new TypeError(
      `${op}: networks with tensor layers train data-parallel on host engines (on ` +
        `${net.factory.name}, dense networks do, with sgdTrain)`,
    );
  }
  const share = shareBatches(
    op,
    comm,
    size,
    net.factory.location,
    () => [
      ...net.features.layers.flatMap((l) => l.parameters.map((p) => tensorVctr(p.tensor))),
      ...net.layers.layers.flatMap((l) => [l.weights, l.bias]),
    ],
    options.seed,
    { samples: n, epochs, syncBatchNorm: options.syncBatchNorm === false ? 0 : 1 },
  );
  const { parts, rank, local } = share;
  const random = mulberry32(share.seed);
  // "batches" keeps each batch's samples together, shuffling only the order of the batches.
  const byBatches = options.shuffle === "batches";
  const order = new Int32Array(byBatches ? batches : n).map((_, i) => i);
  const picked = new Int32Array(local);
  const start = (b: number) => Math.min(b * size, n - size) + rank * local;

  const seed = options.seed;
  // Batch normalization over the whole batch unless told to keep each rank's statistics.
  const sync = parts > 1 && options.syncBatchNorm !== false
    ? { ranks: parts, sum: (v: Vector) => void comm!.allReduce_(v, "sum", agreed) }
    : undefined;
  const plan = net.features.plan(
    local,
    true,
    seed === undefined ? undefined : derivedSeed(seed, 7919, 1),
    sync,
  );
  const release: Disposable[] = [plan];
  try {
    const xb = viewGe(plan.input);
    const yb = ge(net.factory, ys.m, local);
    release.push(yb);
    const hostX = moveX ? new HostBatches(xs as GEMatrix<"host">, local) : undefined;
    const hostY = moveY ? new HostBatches(ys as GEMatrix<"host">, local) : undefined;
    if (hostX !== undefined) release.push(hostX);
    if (hostY !== undefined) release.push(hostY);
    const reduce = parts > 1
      ? (g: Structure) => comm!.startAllReduce(g, "mean", agreed)
      : undefined;
    const optimizer = options.optimizer ?? (parts > 1 ? gradientDescent() : undefined);
    const update = new FeatureUpdate(plan, optimizer, reduce);
    release.push(update);
    const head = trainingNetwork(net.layers, viewGe(plan.output), optimizer, {
      seed,
      inputError: viewGe(plan.outputError!),
      reduceGradient: reduce,
    });
    release.push(head);
    let steps = 0;

    const batch = (b: number, eta: number, read: boolean): Deferred<number> | undefined => {
      for (let j = 0; j < local; j++) {
        picked[j] = byBatches ? start(order[b]) + j : order[(b * size + rank * local + j) % n];
      }
      if (hostX !== undefined) hostX.move(picked, xb);
      else gatherColumns_(xs, picked, xb);
      if (hostY !== undefined) hostY.move(picked, yb);
      else gatherColumns_(ys, picked, yb);
      plan.forward();
      head.forward();
      head.outputError(cost, yb);
      const c = read ? head.cost(cost, yb) : undefined;
      head.backward(eta);
      plan.backward();
      update.step(eta, ++steps, local);
      return jobCost(comm, c);
    };

    const host = net.factory.location === "host";
    const epoch = (eta: number, wanted: boolean): Deferred<number> | undefined => {
      const read = jobReads(comm, wanted);
      shuffle(order, random);
      return minibatchEpoch(batches, host, read, (b, r) => batch(b, eta, r));
    };
    const costs = runEpochs(op, host, [[epochs, options.eta]], reportingOn(share, options), epoch);
    const done = () => {
      for (const r of release.reverse()) r[Symbol.dispose]();
    };
    if (costs instanceof Promise) return costs.finally(done).then((c) => c[0]) as Scalar<L>;
    done();
    return costs[0] as Scalar<L>;
  } catch (e) {
    for (const r of release.reverse()) r[Symbol.dispose]();
    throw e;
  }
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

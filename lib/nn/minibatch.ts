/**
 * Stochastic gradient descent over minibatches for the matrix networks: each epoch visits the
 * training set in a fresh random order, one batch at a time, with every buffer — the batch
 * itself included — made once. The schedule is `Minibatches`' (minibatches.ts: the order, the
 * shares, gathered batches or views) and a batch trains one of batch_steps.ts's three ways;
 * here the network and data are checked and each lane gets its training network.
 *
 * @module
 */

import type { GEMatrix } from "../core/structures.ts";
import { liveMatrix, productFactories, sameFactory, shapeOf } from "../core/checks.ts";
import type { Loc, Scalar } from "../core/types.ts";
import type { Cost } from "./cost.ts";
import { type InferenceNetwork, liveNetwork } from "./network.ts";
import { gradientDescent } from "./optimizer.ts";
import { agreed } from "./shares.ts";
import { movesBatches } from "./host_batches.ts";
import { checkMinibatch, Minibatches, type MinibatchOptions } from "./minibatches.ts";
import { DenseLearner } from "./learner.ts";
import { trainLanes } from "./batch_steps.ts";

export type { MinibatchOptions } from "./minibatches.ts";

/**
 * Trains `net` on inputs x (inDim × n) and targets y (outDim × n) for `epochs` epochs of
 * minibatches; returns the last epoch's cost, the mean over its batches (a promise on a GPU).
 * `train` does this for a matrix network and takes tensor networks too.
 *
 * @deprecated Use `train`, one function for both kinds of network (its errors name `train`).
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
  const op = "train";
  liveNetwork(op, net);
  liveMatrix(op, data, "x");
  liveMatrix(op, targets, "y");
  // Host data for a network on a device moves a batch at a time (host_batches.ts).
  if (!movesBatches(data, net.factory)) productFactories(op, net.layers[0].weights, data);
  if (!movesBatches(targets, net.factory)) sameFactory(op, net.layers[0].weights, targets);
  if (data.n !== targets.n || targets.m !== net.outDim) {
    throw new RangeError(
      `${op}: x is ${shapeOf(data)} and y is ${
        shapeOf(targets)
      }; y must be ${net.outDim}×${data.n}`,
    );
  }
  checkMinibatch(op, epochs, options);
  const parameters = () => net.layers.flatMap((l) => [l.weights, l.bias]);
  const schedule = new Minibatches<L>(
    op,
    {
      x: data,
      y: targets,
      factory: net.factory,
      parameters,
      views: true,
    },
    epochs,
    options,
  );
  const learners: DenseLearner<L>[] = [];
  const release = () => {
    for (const l of learners) l[Symbol.dispose]();
    schedule[Symbol.dispose]();
  };
  try {
    const { parts } = schedule.share, host = schedule.host;
    const optimizer = options.optimizer ??
      (parts > 1 || schedule.lanes > 1 ? gradientDescent() : undefined);
    const comm = options.communicator;
    for (let s = 0; s < schedule.lanes; s++) {
      learners.push(
        new DenseLearner(net, schedule.input(s), optimizer, {
          seed: options.seed,
          // On host engines a job's gradients are reduced inside the step.
          reduceGradient: parts > 1 && host
            ? (g) => comm!.startAllReduce(g, "mean", agreed)
            : undefined,
        }),
      );
    }
  } catch (e) {
    release();
    throw e;
  }
  return trainLanes(op, schedule, learners, cost, epochs, options, parameters, release) as Scalar<
    L
  >;
}

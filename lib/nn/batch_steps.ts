/**
 * How a batch trains, in one of three ways, and the epochs around them — shared by dense and
 * tensor networks, whose difference is only their {@linkcode Learner}:
 *
 * - one lane: the learner steps on its share of the batch (in a job on host engines, its
 *   gradients are reduced across ranks inside the step);
 * - shards: each lane computes its shard's mean gradients, lane 0 sums them in shard order and
 *   scales by 1/shards, as a job's all-reduce does, and steps;
 * - staged: on a device in a job, the gradients cross ranks through host copies, each batch
 *   waiting for the device.
 *
 * @module
 */

import type { Structure } from "../core/structures.ts";
import type { Deferred } from "../core/engine.ts";
import type { Loc } from "../core/types.ts";
import { axpy_, scal_ } from "../blas.ts";
import type { Communicator } from "../distributed/communicator.ts";
import type { Cost } from "./cost.ts";
import type { Learner } from "./learner.ts";
import type { Minibatches, MinibatchOptions } from "./minibatches.ts";
import { jobCost, jobReads, reportingOn } from "./shares.ts";
import { StagedCollectives } from "./staged_collectives.ts";
import { type BatchTick, minibatchEpoch, runEpochs } from "./epochs.ts";

/** Trains batch b of the epoch with step eta; its cost when `read`. */
type BatchStep = (b: number, eta: number, read: boolean) => Deferred<number> | undefined;

/** Lane s's share of batch b in the learner; returns its targets. */
function load<L extends Loc>(schedule: Minibatches<L>, learner: Learner<L>, b: number, s: number) {
  const { x, y } = schedule.batch(b, s, learner.input);
  if (x !== learner.input) learner.take(x);
  return y;
}

function oneLane<L extends Loc>(
  schedule: Minibatches<L>,
  learner: Learner<L>,
  cost: Cost,
  comm: Communicator | undefined,
): BatchStep {
  return (b, eta, read) =>
    jobCost(comm, learner.step(cost, load(schedule, learner, b, 0), eta, read));
}

function shards<L extends Loc>(
  schedule: Minibatches<L>,
  learners: readonly Learner<L>[],
  cost: Cost,
): BatchStep {
  // Made once: the shards' costs of a batch.
  const costs: Deferred<number>[] = [];
  const first = learners[0].gradients;
  return (b, eta, read) => {
    costs.length = 0;
    learners.forEach((learner, s) => {
      const c = learner.computeGradients(cost, load(schedule, learner, b, s), read);
      if (read) costs.push(c!);
    });
    // The shards' mean as a job's all-reduce takes it: the sum in rank order, then 1/shards.
    for (let s = 1; s < learners.length; s++) {
      const g = learners[s].gradients;
      for (let i = 0; i < first.length; i++) axpy_(1, g[i], first[i]);
    }
    for (const g of first) scal_(1 / learners.length, g);
    learners[0].update(eta);
    return read ? meanInOrder(costs) : undefined;
  };
}

function staged<L extends Loc>(
  schedule: Minibatches<L>,
  learner: Learner<L>,
  cost: Cost,
  comm: Communicator,
  collectives: () => StagedCollectives,
): BatchStep {
  return async (b, eta, read) => {
    const c = learner.computeGradients(cost, load(schedule, learner, b, 0), read);
    await collectives().mean_(learner.gradients);
    learner.update(eta);
    return jobCost(comm, await c) as number;
  };
}

/**
 * Trains the learners (one per lane of the schedule) for `epochs` epochs; returns the last
 * epoch's cost, a promise on a device. `parameters` are the network's, which a job on a device
 * broadcasts from rank 0 first. `release` is called once training ends, however it ends.
 */
export function trainLanes<L extends Loc>(
  op: string,
  schedule: Minibatches<L>,
  learners: readonly Learner<L>[],
  cost: Cost,
  epochs: number,
  options: MinibatchOptions,
  parameters: () => readonly Structure[],
  release: () => void,
): Deferred<number> {
  const comm = options.communicator, host = schedule.host;
  // On a device the job's collectives go through host copies, one batch at a time.
  const inTurn = schedule.share.parts > 1 && !host;
  let collectives: StagedCollectives | undefined;
  const step = inTurn
    ? staged(schedule, learners[0], cost, comm!, () => collectives!)
    : learners.length === 1
    ? oneLane(schedule, learners[0], cost, comm)
    : shards(schedule, learners, cost);
  // One epoch in a fresh order; when read, the mean of its batches' costs.
  const epoch = (eta: number, wanted: boolean, tick?: BatchTick): Deferred<number> | undefined => {
    const read = jobReads(comm, wanted);
    schedule.shuffle();
    return minibatchEpoch(schedule.count, host, read, (b, r) => step(b, eta, r), inTurn, tick);
  };
  let costs: number[] | Promise<number[]>;
  try {
    const watched = reportingOn(schedule.share, options);
    const run = () => runEpochs(op, host, [[epochs, options.eta]], watched, epoch, schedule.size);
    costs = !inTurn ? run() : (async () => {
      // Rank 0's parameters first, through host copies of them.
      const first = parameters();
      const copies = await StagedCollectives.make(comm!, first);
      try {
        await copies.broadcast_(first);
      } finally {
        copies[Symbol.dispose]();
      }
      collectives = await StagedCollectives.make(comm!, learners[0].gradients);
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
    }).then((c) => c[0]);
  }
  release();
  return costs[0];
}

/** The mean of costs summed in order (numbers, or promises of them on a device). */
function meanInOrder(costs: readonly Deferred<number>[]): Deferred<number> {
  const mean = (c: readonly number[]) => c.reduce((sum, v) => sum + v, 0) / c.length;
  if (costs.every((c) => typeof c === "number")) return mean(costs as readonly number[]);
  return Promise.all(costs).then(mean);
}

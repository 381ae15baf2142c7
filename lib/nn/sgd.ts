/**
 * Gradient descent over the whole training set: each epoch a forward pass, the cost's error,
 * and a backward pass that updates every weight in place. The cost is read only when asked for
 * (at the end, or every `progress` epochs): on a GPU each reading waits for the device.
 *
 * @module
 */

import type { GEMatrix } from "../core/structures.ts";
import { liveMatrix, nonNegative, sameFactory, shapeOf } from "../core/checks.ts";
import type { Loc, Scalar } from "../core/types.ts";
import type { Later } from "../access.ts";
import type { Cost } from "./cost.ts";
import { liveTraining, type TrainingNetwork } from "./training.ts";
import { runEpochs, type Stretch, type WatchOptions } from "./epochs.ts";

/** Options of {@linkcode sgd}: how training is watched. */
export type SgdOptions = WatchOptions;

export type { Stretch };

function check(t: TrainingNetwork, y: GEMatrix, cost: Cost, schedule: readonly Stretch[]): void {
  liveTraining("sgd", t);
  liveMatrix("sgd", y, "y");
  sameFactory("sgd", t.output, y);
  const out = t.network.outDim;
  if (y.m !== out || y.n !== t.batch) {
    throw new RangeError(`sgd: the network gives ${out}×${t.batch} outputs but y is ${shapeOf(y)}`);
  }
  if (typeof cost?.error_ !== "function") {
    throw new TypeError("sgd: cost must be a Cost such as quadraticCost_");
  }
  for (const [epochs, eta] of schedule) {
    if (!Number.isInteger(epochs) || epochs < 0) {
      throw new RangeError(`sgd: epochs must be a non-negative integer, got ${epochs}`);
    }
    nonNegative("sgd", eta, "eta");
  }
}

/**
 * Trains by gradient descent: `sgd(t, y, cost, epochs, eta)` returns the cost after the last
 * epoch; `sgd(t, y, cost, [[epochs, eta], …])` runs each stretch in turn and returns the cost
 * after each. y holds the targets, outDim × n. On a GPU the results arrive as promises.
 *
 * @example Learning y = 2x − 1
 * ```ts
 * import { defaultDouble, dge } from "@knap/knap";
 * import { fullyConnected, inferenceNetwork, quadraticCost_, sgd, trainingNetwork } from "@knap/knap/nn";
 * using net = inferenceNetwork(defaultDouble(), 1, [fullyConnected(1, "linear")]);
 * using x = dge(1, 4, [0, 1, 2, 3]);
 * using y = dge(1, 4, [-1, 1, 3, 5]);
 * using training = trainingNetwork(net, x);
 * const cost = sgd(training, y, quadraticCost_, 2000, 0.1);
 * if (cost > 1e-6) throw new Error(`cost ${cost}`);
 * ```
 */
export function sgd<L extends Loc>(
  t: TrainingNetwork<L>,
  y: GEMatrix<L>,
  cost: Cost,
  epochs: number,
  eta: number,
  options?: SgdOptions,
): Scalar<L>;
/** The schedule form: each [epochs, eta] in turn; returns the cost after each. */
export function sgd<L extends Loc>(
  t: TrainingNetwork<L>,
  y: GEMatrix<L>,
  cost: Cost,
  schedule: readonly Stretch[],
  options?: SgdOptions,
): Later<L, number[]>;
export function sgd(
  t: TrainingNetwork,
  y: GEMatrix,
  cost: Cost,
  ...rest: [number, number, SgdOptions?] | [readonly Stretch[], SgdOptions?]
): unknown {
  const scheduled = Array.isArray(rest[0]);
  const schedule: readonly Stretch[] = scheduled
    ? rest[0] as readonly Stretch[]
    : [[rest[0] as number, rest[1] as number]];
  const options = (scheduled ? rest[1] : rest[2]) as SgdOptions | undefined ?? {};
  check(t, y, cost, schedule);
  const host = t.factory.location === "host";
  const costs = runEpochs(
    "sgd",
    host,
    schedule,
    options,
    (eta, read) => t.step(cost, y, eta, read),
  );
  if (costs instanceof Promise) return scheduled ? costs : costs.then((c) => c[0]);
  return scheduled ? costs : costs[0];
}

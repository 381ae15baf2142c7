/**
 * Gradient descent over the whole training set: each epoch a forward pass, the cost's error,
 * and a backward pass that updates every weight in place. The cost is read only when asked for
 * (at the end, or every `progress` epochs): on a GPU each reading waits for the device.
 *
 * @module
 */

import type { GEMatrix } from "../core/structures.ts";
import type { Deferred } from "../core/engine.ts";
import { liveMatrix, nonNegative, sameFactory, shapeOf } from "../core/checks.ts";
import type { Loc, Scalar } from "../core/types.ts";
import type { Later } from "../access.ts";
import type { Cost } from "./cost.ts";
import { liveTraining, type TrainingNetwork } from "./training.ts";
import { CostWatch } from "./watch.ts";

/** Options of {@linkcode sgd}. */
export interface SgdOptions {
  /** Read the cost every this many epochs, and report it. */
  readonly progress?: number;
  /**
   * Receives (epoch, cost) at every report; without it, a line goes to standard error. Epochs
   * count from 1 over the whole schedule.
   */
  readonly onProgress?: (epoch: number, cost: number) => void;
  /**
   * Stop with a KnapError at the first epoch whose cost is NaN or ±∞ (default true): on the host
   * the cost is read every epoch for it, on a device at the first epoch and then once a second.
   */
  readonly checkFinite?: boolean;
}

/** One stretch of a schedule: this many epochs at this learning rate. */
export type Stretch = readonly [epochs: number, eta: number];

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

/** The progress option, checked: a whole number of epochs, 0 for none. */
export function progressEvery(op: string, options: SgdOptions): number {
  const every = options.progress ?? 0;
  if (!Number.isSafeInteger(every) || every < 0) {
    throw new RangeError(`${op}: progress must be a whole number of epochs, got ${every}`);
  }
  return every;
}

function report(epoch: number, cost: number, started: number): void {
  const s = ((performance.now() - started) / 1000).toFixed(1);
  console.error(`epoch ${epoch}  cost ${cost.toPrecision(4)}  (${s} s)`);
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
  const every = progressEvery("sgd", options);
  const started = performance.now();
  const onProgress = options.onProgress ?? ((e: number, c: number) => report(e, c, started));
  const host = t.factory.location === "host";
  const watch = new CostWatch("sgd", options.checkFinite ?? true, host);
  const total = schedule.reduce((n, [epochs]) => n + epochs, 0);
  const costs: Deferred<number>[] = [];
  let epoch = 0;

  // One epoch; returns the cost when it is read this epoch.
  const step = (eta: number, read: boolean): Deferred<number> | undefined => {
    epoch++;
    return t.step(cost, y, eta, read);
  };

  if (host) {
    for (const [epochs, eta] of schedule) {
      let last = NaN;
      for (let e = 1; e <= epochs; e++) {
        const due = every > 0 && (epoch + 1) % every === 0;
        const c = step(eta, e === epochs || due || watch.due()) as number | undefined;
        if (c !== undefined) last = watch.check(c, epoch, total, eta);
        if (due) onProgress(epoch, c!);
      }
      costs.push(epochs === 0 ? NaN : last);
    }
    return scheduled ? costs as number[] : costs[0];
  }

  // A device: await the cost only where it is read, so the queue stays full in between.
  const run = async (): Promise<number[]> => {
    const out: number[] = [];
    for (const [epochs, eta] of schedule) {
      let last: Deferred<number> = NaN;
      for (let e = 1; e <= epochs; e++) {
        const due = every > 0 && (epoch + 1) % every === 0;
        const checking = watch.due();
        const c = step(eta, e === epochs || due || checking);
        if (c !== undefined) last = c;
        if (due || checking) {
          const value = watch.check(await c!, epoch, total, eta);
          if (due) onProgress(epoch, value);
        }
      }
      out.push(epochs === 0 ? NaN : watch.check(await last, epoch, total, eta));
    }
    return out;
  };
  if (scheduled) return run();
  return run().then((c): number => c[0]);
}

/**
 * The epoch loop `sgd` and `sgdTrain` share: when to read the cost, the check for a NaN cost,
 * the progress bar, the reports every N epochs, and the `onEpoch` callback that may stop
 * training early. On the host it is a plain loop that returns numbers; on a device an async one
 * that awaits only the costs it reads, so the device's queue stays full in between.
 *
 * @module
 */

import type { Deferred } from "../core/engine.ts";
import { bar as barOf, clock, ProgressBar } from "../core/progress.ts";
import { CostWatch } from "./watch.ts";

/** What `onEpoch` is told after each epoch. */
export interface EpochInfo {
  /** The epoch just trained, counting from 1 over the whole run. */
  readonly epoch: number;
  /** Its cost: the mean over its minibatches (`sgdTrain`), or the whole batch's (`sgd`). */
  readonly cost: number;
  /** Seconds since training began. */
  readonly seconds: number;
}

/** Options about watching training, shared by `sgd` and `sgdTrain`. */
export interface WatchOptions {
  /** Report the cost every this many epochs (a line on standard error, or `onProgress`). */
  readonly progress?: number;
  /**
   * Receives (epoch, cost) at every report; without it, a line goes to standard error. Epochs
   * count from 1 over the whole run.
   */
  readonly onProgress?: (epoch: number, cost: number) => void;
  /**
   * Called after every epoch with its cost and the time so far: compute a validation metric
   * there, or return `false` to stop training after this epoch. On a device a promise it returns
   * is awaited; on the host training is synchronous, so it must return at once.
   */
  readonly onEpoch?: (info: EpochInfo) => boolean | void | Promise<boolean | void>;
  /**
   * Stop with a KnapError at the first epoch whose cost is NaN or ±∞ (default true): on the host
   * the cost is read every epoch for it, on a device at the first epoch and then once a second.
   */
  readonly checkFinite?: boolean;
  /** No progress bar (it is drawn only on a terminal anyway). */
  readonly quiet?: boolean;
}

/** One stretch of training: this many epochs at this learning rate. */
export type Stretch = readonly [epochs: number, eta: number];

/** Told after each batch of an epoch on the host: `done` of its `count` batches have trained. */
export type BatchTick = (done: number, count: number) => void;

/** Seconds into an epoch after which the bar follows its batches instead of the epochs. */
const LONG_EPOCH_S = 1;

/**
 * The line drawn inside a long epoch: the epoch, a bar over its batches, the samples per second,
 * the time left in the epoch and in the whole run (at this epoch's pace).
 */
export function formatBatchProgress(
  op: string,
  epoch: number,
  epochs: number,
  done: number,
  count: number,
  samplesPerBatch: number,
  seconds: number,
): string {
  const f = done / count;
  const perEpoch = f > 0 ? seconds / f : Infinity;
  const left = perEpoch * (1 - f), all = left + perEpoch * (epochs - epoch);
  const rate = seconds > 0 ? Math.round(done * samplesPerBatch / seconds) : 0;
  return `${op} epoch ${epoch} of ${epochs} ${barOf(f)} batch ${done} of ${count}, ${rate} ` +
    `samples/s, ${clock(left)} left${epochs > epoch ? ` (${clock(all)} in all)` : ""}`;
}

/** The progress option, checked: a whole number of epochs, 0 for none. */
function progressEvery(op: string, options: WatchOptions): number {
  const every = options.progress ?? 0;
  if (!Number.isSafeInteger(every) || every < 0) {
    throw new RangeError(`${op}: progress must be a whole number of epochs, got ${every}`);
  }
  return every;
}

/**
 * Runs the stretches: `epoch(eta, read)` trains one epoch and returns its cost when `read`.
 * Returns the cost after each stretch (NaN for an empty one); training stopped by `onEpoch`
 * ends with the stretch it stopped in.
 */
export function runEpochs(
  op: string,
  host: boolean,
  stretches: readonly Stretch[],
  options: WatchOptions,
  epoch: (eta: number, read: boolean, tick?: BatchTick) => Deferred<number> | undefined,
  samplesPerBatch = 0,
): number[] | Promise<number[]> {
  const every = progressEvery(op, options);
  const total = stretches.reduce((n, [e]) => n + e, 0);
  const bar = new ProgressBar(op, total, "epochs", options.quiet);
  // Inside an epoch that runs past LONG_EPOCH_S the bar follows its batches; a short epoch's
  // batches cost one clock read each, and none at all where no bar is drawn.
  let epochBegan = 0;
  const tick: BatchTick | undefined = host && bar.shown && samplesPerBatch > 0
    ? (done, count) => {
      const s = (performance.now() - epochBegan) / 1000;
      if (s >= LONG_EPOCH_S) {
        bar.draw(formatBatchProgress(op, n, total, done, count, samplesPerBatch, s));
      }
    }
    : undefined;
  const watch = new CostWatch(op, options.checkFinite ?? true, host);
  const began = performance.now();
  const seconds = () => (performance.now() - began) / 1000;
  const report = options.onProgress ??
    ((e: number, c: number) =>
      bar.log(`epoch ${e}  cost ${c.toPrecision(4)}  (${seconds().toFixed(1)} s)`));
  const onEpoch = options.onEpoch;
  const costs: number[] = [];
  let n = 0;

  /** After a read epoch: the checks, the bar, the report, the callback's verdict. */
  const after = (cost: number, eta: number, due: boolean) => {
    watch.check(cost, n, total, eta);
    bar.update(n, `cost ${cost.toPrecision(4)}`);
    if (due) report(n, cost);
    return onEpoch?.({ epoch: n, cost, seconds: seconds() });
  };

  if (host) {
    try {
      for (const [epochs, eta] of stretches) {
        let last = NaN, stop = false;
        for (let e = 1; e <= epochs && !stop; e++) {
          n++;
          const due = every > 0 && n % every === 0;
          const read = e === epochs || due || watch.due() || onEpoch !== undefined || bar.shown;
          epochBegan = performance.now();
          const c = epoch(eta, read, tick) as number | undefined;
          if (c === undefined) continue;
          last = c;
          const verdict = after(c, eta, due);
          if (verdict instanceof Promise) {
            throw new TypeError(`${op}: on the host onEpoch must return at once, not a promise`);
          }
          stop = verdict === false;
        }
        costs.push(last);
        if (stop) break;
      }
      return costs;
    } finally {
      bar.finish();
    }
  }
  return (async () => {
    try {
      for (const [epochs, eta] of stretches) {
        let last = NaN, stop = false;
        for (let e = 1; e <= epochs && !stop; e++) {
          n++;
          const due = every > 0 && n % every === 0;
          const read = e === epochs || due || watch.due() || onEpoch !== undefined;
          const c = epoch(eta, read);
          if (!read || c === undefined) {
            // An epoch whose batches wait in turn must end before the next starts.
            await c;
            bar.update(n);
            continue;
          }
          last = await c;
          stop = (await after(last, eta, due)) === false;
        }
        costs.push(last);
        if (stop) break;
      }
      return costs;
    } finally {
      bar.finish();
    }
  })();
}

/**
 * One epoch of `count` minibatches, `batch(b, read)` training batch b: undefined unless `read`,
 * else the mean of the batches' costs — summed as they come on the host, gathered from the
 * device's promises without waiting between batches.
 */
export function minibatchEpoch(
  count: number,
  host: boolean,
  read: boolean,
  batch: (b: number, read: boolean) => Deferred<number> | undefined,
  inTurn = false,
  tick?: BatchTick,
): Deferred<number> | undefined {
  if (inTurn) return batchesInTurn(count, read, batch);
  if (!read) {
    for (let b = 0; b < count; b++) {
      batch(b, false);
      if (host) tick?.(b + 1, count);
    }
    return undefined;
  }
  if (host) {
    let sum = 0;
    for (let b = 0; b < count; b++) {
      sum += batch(b, true) as number;
      tick?.(b + 1, count);
    }
    return sum / count;
  }
  const costs: Deferred<number>[] = [];
  for (let b = 0; b < count; b++) costs.push(batch(b, true)!);
  return Promise.all(costs).then((c) => c.reduce((s, v) => s + v, 0) / count);
}

/**
 * Batches that each wait for the device before the next may start (their gradients cross ranks
 * through the host); an epoch not read resolves to NaN, which the caller does not read.
 */
async function batchesInTurn(
  count: number,
  read: boolean,
  batch: (b: number, read: boolean) => Deferred<number> | undefined,
): Promise<number> {
  let sum = 0;
  for (let b = 0; b < count; b++) sum += (await batch(b, read)) ?? NaN;
  return read ? sum / count : NaN;
}

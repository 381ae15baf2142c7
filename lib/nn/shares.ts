/**
 * How a training run's batches are shared among the processes of a data-parallel job — written
 * once for the matrix networks (`sgdTrain`) and the tensor networks (`train` of
 * `@knap/knap/dnn`): rank 0's parameters on every rank, one shuffle seed, each rank its equal
 * share of every batch.
 *
 * @module
 */

import type { Structure } from "../core/structures.ts";
import type { Loc } from "../core/types.ts";
import type { Communicator } from "../distributed/communicator.ts";
import type { Deferred } from "../core/engine.ts";
import type { WatchOptions } from "./epochs.ts";

/** This process's share of the batches. */
export interface BatchShare {
  /** The ranks, 1 without a communicator. */
  readonly parts: number;
  /** This rank. */
  readonly rank: number;
  /** Samples of every batch this rank trains on: columns [rank·local, (rank + 1)·local). */
  readonly local: number;
  /** The shuffle seed every rank uses. */
  readonly seed: number;
}

/**
 * Checks that a batch of `size` splits over the job's ranks, broadcasts rank 0's `parameters`
 * to every rank — those in host memory; device parameters the caller broadcasts through host
 * copies — and agrees on one seed (rank 0's when none is given).
 */
export function shareBatches(
  op: string,
  comm: Communicator | undefined,
  size: number,
  location: Loc,
  parameters: () => readonly Structure[],
  seed: number | undefined,
): BatchShare {
  const parts = comm?.size ?? 1, rank = comm?.rank ?? 0;
  const drawn = seed ?? Math.floor(Math.random() * 2 ** 31);
  if (comm === undefined || parts === 1) return { parts, rank, local: size, seed: drawn };
  if (size % parts !== 0) {
    throw new RangeError(`${op}: a batch of ${size} does not split evenly over ${parts} processes`);
  }
  if (location === "host") { for (const p of parameters()) comm.broadcast_(p); }
  return { parts, rank, local: size / parts, seed: comm.broadcastNumber(drawn) };
}

/** The options a rank trains under: only rank 0 draws progress and reports. */
export function reportingOn<O extends WatchOptions>(share: BatchShare, options: O): O {
  return share.rank === 0
    ? options
    : { ...options, quiet: true, progress: 0, onProgress: undefined };
}

/** A batch's cost over the job: the mean of the ranks' costs, whose shares are equal. */
export function jobCost(
  comm: Communicator | undefined,
  cost: Deferred<number> | undefined,
): Deferred<number> | undefined {
  return comm !== undefined && comm.size > 1 && cost !== undefined
    ? comm.reduceNumber(cost as number, "mean")
    : cost;
}

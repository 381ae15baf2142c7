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
 * to every rank — host memory here; device memory only where `staged`, and then the caller
 * broadcasts them through host copies — and agrees on one seed (rank 0's when none is given).
 */
export function shareBatches(
  op: string,
  comm: Communicator | undefined,
  size: number,
  location: Loc,
  parameters: () => readonly Structure[],
  seed: number | undefined,
  staged = false,
): BatchShare {
  const parts = comm?.size ?? 1, rank = comm?.rank ?? 0;
  const drawn = seed ?? Math.floor(Math.random() * 2 ** 31);
  if (comm === undefined || parts === 1) return { parts, rank, local: size, seed: drawn };
  if (size % parts !== 0) {
    throw new RangeError(`${op}: a batch of ${size} does not split evenly over ${parts} processes`);
  }
  if (location !== "host" && !staged) {
    throw new TypeError(
      `${op}: data-parallel training of networks with tensor layers runs on host engines ` +
        "(dense networks train data-parallel on devices too)",
    );
  }
  if (location === "host") { for (const p of parameters()) comm.broadcast_(p); }
  return { parts, rank, local: size / parts, seed: comm.broadcastNumber(drawn) };
}

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
 * The collectives of a training step, whose agreement every rank checked once, from the
 * network, before the first (`shareBatches`): they skip the per-call check.
 */
export const agreed = { agreed: true } as const;

const dtypeNames = ["float32", "float64", "bfloat16"];

/**
 * Checks, once, that every rank trains the same network the same way — its parameters' count,
 * dtype and shapes, and `facts` such as the batch and the epochs — as PyTorch's DDP checks its
 * model's shapes: a rank that differs would make collectives of other lengths, or other numbers
 * of them. Throws on every rank a KnapError naming the ranks and what each has.
 */
function agreeOnNetwork(
  op: string,
  comm: Communicator,
  parameters: readonly Structure[],
  facts: Readonly<Record<string, number>>,
): void {
  const names = Object.keys(facts);
  const dtype = dtypeNames.indexOf(parameters[0]?.factory.dtype ?? "float64");
  comm.agree(
    op,
    [parameters.length, dtype, ...names.map((n) => facts[n])],
    (v) =>
      `a network of ${v[0]} parameter${v[0] === 1 ? "" : "s"} in ${dtypeNames[v[1]] ?? "?"}, ${
        names.map((n, i) => `${n} ${v[2 + i]}`).join(", ")
      }`,
  );
  comm.agree(
    op,
    parameters.flatMap((p) => [p.rows, p.cols]),
    (v) =>
      `parameters of ${
        Array.from({ length: v.length / 2 }, (_, i) => `${v[2 * i]}×${v[2 * i + 1]}`).join(", ")
      }`,
  );
}

/**
 * Checks that every rank trains the same network on the same schedule (`facts`: the samples,
 * the epochs, …) and that a batch of `size` splits over the job's ranks, broadcasts rank 0's
 * `parameters` to every rank — those in host memory; device parameters the caller broadcasts
 * through host copies — and agrees on one seed (rank 0's when none is given).
 */
export function shareBatches(
  op: string,
  comm: Communicator | undefined,
  size: number,
  location: Loc,
  parameters: () => readonly Structure[],
  seed: number | undefined,
  facts: Readonly<Record<string, number>> = {},
): BatchShare {
  const parts = comm?.size ?? 1, rank = comm?.rank ?? 0;
  const drawn = seed ?? Math.floor(Math.random() * 2 ** 31);
  if (comm === undefined || parts === 1) return { parts, rank, local: size, seed: drawn };
  agreeOnNetwork(op, comm, parameters(), { batch: size, ...facts });
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
    ? comm.reduceNumber(cost as number, "mean", agreed)
    : cost;
}

/**
 * Whether an epoch reads its cost, as rank 0 decided: every rank must reduce the costs of the
 * same batches, and what decides it — a progress bar, `progress` (rank 0's alone), a device's
 * once-a-second check — differs between ranks.
 */
export function jobReads(comm: Communicator | undefined, read: boolean): boolean {
  return comm !== undefined && comm.size > 1 ? comm.broadcastNumber(read ? 1 : 0) === 1 : read;
}

/**
 * What a collective's arguments must be on every communicator alike — so that a program tested
 * in one process fails the same way under `mpirun` — and what every rank must agree on before
 * one: a signature of the call, its length, its dtype and its op or root, compared in one small
 * all-reduce, and the words that name the ranks that disagree.
 *
 * @module
 */

import type { Structure } from "../core/structures.ts";
import { live } from "../core/checks.ts";

/** How a reduction combines the ranks' values: their sum, mean, largest or smallest. */
export type ReduceOp = "sum" | "mean" | "max" | "min";

const reduceOps: readonly ReduceOp[] = ["sum", "mean", "max", "min"];

/** The collectives, as signatures and the watchdog name them. */
export const BARRIER = 0, BROADCAST = 1, ALL_REDUCE = 2, REDUCE_NUMBER = 3;
export const BROADCAST_NUMBER = 4, AGREE = 5;
export const operations: readonly string[] = [
  "barrier",
  "broadcast_",
  "allReduce_",
  "reduceNumber",
  "broadcastNumber",
  "agree",
];

/** The op, or a TypeError naming the ones there are. */
export function reduceOp(op: string, value: unknown): ReduceOp {
  if (!reduceOps.includes(value as ReduceOp)) {
    throw new TypeError(`${op}: ${String(value)} is not a reduction; use ${reduceOps.join(", ")}`);
  }
  return value as ReduceOp;
}

/** The root, or a RangeError unless it is a rank of `size`. */
export function rootOf(op: string, root: unknown, size: number): number {
  if (!Number.isInteger(root) || (root as number) < 0 || (root as number) >= size) {
    throw new RangeError(`${op}: root ${String(root)} is not a rank of ${size}`);
  }
  return root as number;
}

/** v, or a TypeError unless it is a number (NaN and ∞ travel as they are). */
export function aNumber(op: string, v: unknown): number {
  if (typeof v !== "number") {
    throw new TypeError(`${op}: ${typeof v} ${String(v)} is not a number`);
  }
  return v;
}

/** Throws unless x is a live float32 or float64 structure anywhere. */
export function floats(op: string, x: unknown): asserts x is Structure {
  live(op, x, "x");
  const dtype = (x as Structure).factory.dtype;
  if (dtype !== "float32" && dtype !== "float64") {
    throw new TypeError(
      `${op}: ${dtype} structures are not reduced; transfer x to a float32 structure first`,
    );
  }
}

/** Throws unless x is a live float32 or float64 structure in host memory. */
export function hostFloats(op: string, x: unknown): asserts x is Structure {
  floats(op, x);
  if (x.factory.location !== "host") {
    throw new TypeError(
      `${op}: ${x.factory.name} memory is not host memory; transfer it to the host (transfer_), ` +
        "reduce there and transfer it back, or use allReduceAsync_",
    );
  }
}

/** Throws unless every value is a finite number, as an agreement compares them. */
export function agreeable(op: string, values: readonly number[]): void {
  for (const v of values) {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new TypeError(`${op}: the values to agree on must be finite numbers, got ${String(v)}`);
    }
  }
}

const dtypes = ["float32", "float64"];
const ops = ["sum", "mean", "max", "min"];

/**
 * A collective's signature: the call, its entries, its dtype, its op or root, and whether this
 * rank refused it (its own arguments were wrong: the others must not wait for it).
 */
export function signature(
  call: number,
  entries = 0,
  dtype = "float64",
  detail: number | ReduceOp = 0,
  refused = false,
): number[] {
  const d = typeof detail === "number" ? detail : ops.indexOf(detail);
  return [call, entries, dtypes.indexOf(dtype), d, refused ? 1 : 0];
}

/** The collectives in words, by call. */
const calls = [
  "a barrier",
  "a broadcast",
  "an all-reduce",
  "an all-reduce",
  "a broadcast",
  "agree",
];

/** A signature in words: "an all-reduce of 5 float64 entries (sum)". */
export function describeCall(s: readonly number[]): string {
  const [call, entries, dtype, detail, refused] = s;
  if (refused === 1) return `${operations[call]}, refused (its own error says why)`;
  const name = calls[call];
  if (call === BARRIER) return name;
  const what = call === REDUCE_NUMBER || call === BROADCAST_NUMBER
    ? "a number"
    : `${entries} ${dtypes[dtype] ?? "?"} ${entries === 1 ? "entry" : "entries"}`;
  const how = call === BROADCAST || call === BROADCAST_NUMBER
    ? `from root ${detail}`
    : `(${ops[detail] ?? "?"})`;
  return `${name} of ${what} ${how}`;
}

/**
 * "allReduce_: the ranks disagree — ranks 0, 2: …; rank 1: …": each distinct description with
 * the ranks that gave it.
 */
export function disagreement(
  what: string,
  rows: readonly (readonly number[])[],
  describe: (values: readonly number[]) => string,
): string {
  const groups = new Map<string, number[]>();
  rows.forEach((row, rank) => {
    const d = describe(row);
    groups.set(d, [...groups.get(d) ?? [], rank]);
  });
  const parts = [...groups].map(([d, ranks]) =>
    `${ranks.length === 1 ? "rank" : "ranks"} ${ranks.join(", ")}: ${d}`
  );
  return `${what}: the ranks disagree — ${parts.join("; ")}`;
}

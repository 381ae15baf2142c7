/**
 * Planned tensor operations: checked and cut into work once, run as often as needed — the way
 * oneDNN and cuDNN primitives are used, and Deep Diamond's blueprints. This file holds what
 * every planned operation shares: the object a plan returns and the checks made when planning.
 *
 * @module
 */

import type { Loc } from "../core/types.ts";
import { liveTensor, type Tensor } from "./tensor.ts";

/**
 * One planned operation over fixed tensors. `run()` performs it and returns its output; on a
 * device the work is queued and the output is ready when the device's later reads are.
 */
export class TensorOp<L extends Loc = Loc> {
  /** The operation's name, as its errors give it. */
  readonly name: string;
  /** The tensors it reads. */
  readonly inputs: readonly Tensor<L>[];
  /** The tensor it writes. */
  readonly output: Tensor<L>;
  /** The matrix pieces a run makes; 1 where the engine's own primitive runs. */
  readonly pieces: number;
  /** Whether a run is the engine's own primitive rather than matrix pieces. */
  readonly primitive: boolean;
  readonly #run: () => void;
  readonly #others: readonly Tensor<L>[];

  /**
   * Internal: the planning functions (`eltwise`, `binary`, `reduction`, …) make these. `others`
   * are further tensors a run writes (a bias gradient beside the weights').
   */
  constructor(
    name: string,
    inputs: readonly Tensor<L>[],
    output: Tensor<L>,
    run: () => void,
    pieces: number,
    primitive: boolean,
    others: readonly Tensor<L>[] = [],
  ) {
    this.name = name;
    this.inputs = Object.freeze([...inputs]);
    this.output = output;
    this.#run = run;
    this.pieces = pieces;
    this.primitive = primitive;
    this.#others = others;
    Object.freeze(this);
  }

  /** Performs the operation on the tensors it was planned for and returns the output. */
  run(): Tensor<L> {
    for (const t of this.inputs) liveTensor(this.name, t, "its input");
    liveTensor(this.name, this.output, "its output");
    for (const t of this.#others) liveTensor(this.name, t, "its output");
    this.#run();
    return this.output;
  }

  /** `#TensorOp[binary, 2 pieces]`. */
  toString(): string {
    return `#TensorOp[${this.name}, ${this.primitive ? "primitive" : `${this.pieces} pieces`}]`;
  }
}

/** Index of the last entry a tensor reaches (its offset when it has none). */
function lastEntry(t: Tensor): number {
  return t.shape.reduce((at, e, d) => at + Math.max(e - 1, 0) * t.strides[d], t.offset);
}

/** Whether two tensors of one shape have each entry in the same place. */
export function sameEntries(a: Tensor, b: Tensor): boolean {
  return a.storage === b.storage && a.offset === b.offset &&
    a.shape.length === b.shape.length &&
    a.shape.every((e, d) => e === b.shape[d] && (e === 1 || a.strides[d] === b.strides[d]));
}

/**
 * Throws unless out and x lie apart in memory, or — where `same` allows it — hold the same
 * entries in the same places (an in-place operation). Tensors whose spans meet otherwise are
 * refused even when their entries interleave without meeting: a wrong number is worse.
 */
export function checkApart(op: string, out: Tensor, x: Tensor, name: string, same: boolean): void {
  if (out.storage !== x.storage || out.size === 0 || x.size === 0) return;
  if (same && sameEntries(out, x)) return;
  if (lastEntry(out) < x.offset || lastEntry(x) < out.offset) return;
  throw new RangeError(
    `${op}: the output shares memory with ${name}${
      same ? " without being the same entries" : ""
    }; use a separate tensor`,
  );
}

/** Throws unless every tensor is alive, they share one factory, and it computes (not bfloat16). */
export function checkTensors(op: string, named: Readonly<Record<string, unknown>>): void {
  let factory: unknown;
  for (const [name, t] of Object.entries(named)) {
    liveTensor(op, t, name);
    factory ??= t.factory;
    if (t.factory !== factory) {
      throw new TypeError(
        `${op}: ${name} lives on ${t.factory.name}, the others on ${
          (factory as Tensor["factory"]).name
        }; transform it first (transformer)`,
      );
    }
    if (t.dtype === "bfloat16") {
      throw new TypeError(
        `${op}: ${name} is bfloat16, which knap only stores and multiplies; transform it into a ` +
          "float32 tensor first (transformer)",
      );
    }
  }
}

/** "[2, 3, 4]" for messages. */
export const dims = (t: Tensor): string => `[${t.shape.join(", ")}]`;

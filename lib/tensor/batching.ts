/**
 * Moving samples between tensors, as training needs: a batcher copies a run of samples of a data
 * set into a minibatch tensor, a shuffler copies chosen samples, and a connector hands a tensor to
 * a consumer that wants another layout — a view when the layouts agree, a planned copy when not.
 * Each works across layouts, factories and engines, through transformers.
 *
 * @module
 */

import type { Loc } from "../core/types.ts";
import type { Later } from "../access.ts";
import { KnapError } from "../core/errors.ts";
import type { TensorDesc } from "./desc.ts";
import { liveTensor, type Tensor } from "./tensor.ts";
import { tensor } from "./construct.ts";
import { transformer } from "./transformer.ts";
import { batchOf } from "./views.ts";
import { submatrix } from "../core/views.ts";
import { viewGe } from "./views.ts";
import { gatherColumns_ } from "../gather.ts";
import type { Factory } from "../core/factory.ts";

function checkSamples(op: string, x: Tensor, y: Tensor): void {
  liveTensor(op, x, "x");
  liveTensor(op, y, "y");
  if (x.shape.slice(1).join() !== y.shape.slice(1).join()) {
    throw new RangeError(
      `${op}: samples of x are [${x.shape.slice(1).join(", ")}], of y [${
        y.shape.slice(1).join(", ")
      }]`,
    );
  }
}

/** Copies runs of samples from one tensor into another; see {@linkcode batcher}. */
export class Batcher<L extends Loc = Loc, M extends Loc = Loc> {
  /** The source of samples. */
  readonly input: Tensor<L>;
  /** The destination. */
  readonly output: Tensor<M>;
  /** Samples per copy. */
  readonly size: number;

  /** Internal: use {@linkcode batcher}. */
  constructor(input: Tensor<L>, output: Tensor<M>, size: number) {
    this.input = input;
    this.output = output;
    this.size = size;
  }

  /** Copies samples from … from + size − 1 of the input into to … to + size − 1 of the output. */
  run(from: number, to = 0): Later<L, Tensor<M>> {
    const op = "batcher";
    if (
      !Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < 0 ||
      from + this.size > this.input.shape[0] || to + this.size > this.output.shape[0]
    ) {
      throw new RangeError(
        `${op}: ${this.size} samples from ${from} into ${to} do not fit ${this.input.shape[0]} ` +
          `and ${this.output.shape[0]}`,
      );
    }
    const done = transformer(
      batchOf(this.input, from, this.size),
      batchOf(this.output, to, this.size),
    ).run();
    return (done instanceof Promise ? done.then(() => this.output) : this.output) as Later<
      L,
      Tensor<M>
    >;
  }
}

/**
 * Plans copying `size` samples (the output's whole batch by default) at a time from x into y,
 * tensors whose samples have one shape, in any layouts and on any factories.
 *
 * @example
 * ```ts
 * import { batcher, jsFloat, tensor } from "@knap/knap";
 * using data = tensor(jsFloat, [6, 2], "nc", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
 * using batch = tensor(jsFloat, [2, 2], "cn");
 * batcher(data, batch).run(4);
 * if (Array.from(batch.toArray()).join() !== "9,10,11,12") throw new Error("unexpected");
 * ```
 */
export function batcher<L extends Loc, M extends Loc>(
  x: Tensor<L>,
  y: Tensor<M>,
  size: number = y.shape[0],
): Batcher<L, M> {
  checkSamples("batcher", x, y);
  if (!Number.isSafeInteger(size) || size < 1 || size > x.shape[0] || size > y.shape[0]) {
    throw new RangeError(
      `batcher: a batch of ${size} does not fit ${x.shape[0]} and ${y.shape[0]} samples`,
    );
  }
  return new Batcher(x, y, size);
}

/**
 * Copies the samples of x at the given indices into y, in order: y's sample k is x's sample
 * indices[k]. For shuffled minibatches.
 *
 * @example
 * ```ts
 * import { jsFloat, shuffle_, tensor } from "@knap/knap";
 * using x = tensor(jsFloat, [3, 2], "nc", [1, 2, 3, 4, 5, 6]);
 * using y = tensor(jsFloat, [2, 2]);
 * await shuffle_(x, [2, 0], y);
 * if (Array.from(y.toArray()).join() !== "5,6,1,2") throw new Error("unexpected");
 * ```
 */
export async function shuffle_<L extends Loc, M extends Loc>(
  x: Tensor<L>,
  indices: ArrayLike<number>,
  y: Tensor<M>,
): Promise<Tensor<M>> {
  const op = "shuffle_";
  checkSamples(op, x, y);
  if (indices.length > y.shape[0]) {
    throw new RangeError(`${op}: ${indices.length} samples do not fit y's ${y.shape[0]}`);
  }
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isSafeInteger(i) || i < 0 || i >= x.shape[0]) {
      throw new RangeError(`${op}: index ${k} is ${i}; x has samples 0 to ${x.shape[0] - 1}`);
    }
  }
  // Same factory, and both tensors features × batch matrices with the same sample layout: one
  // gather. Otherwise a planned copy per sample.
  const asMatrix = (t: Tensor) => {
    try {
      return viewGe(t);
    } catch {
      return undefined;
    }
  };
  const xm = asMatrix(x), ym = asMatrix(y);
  const sameLayout = x.strides.slice(1).join() === y.strides.slice(1).join();
  if ((x.factory as Factory) === y.factory && xm && ym && sameLayout && x.storage !== y.storage) {
    gatherColumns_(xm, indices, submatrix(ym, 0, 0, ym.m, indices.length));
    return y;
  }
  const pending: Promise<unknown>[] = [];
  for (let k = 0; k < indices.length; k++) {
    const done = transformer(batchOf(x, indices[k], 1), batchOf(y, k, 1)).run() as unknown;
    if (done instanceof Promise) pending.push(done);
  }
  await Promise.all(pending);
  return y;
}

/** What {@linkcode connector} gives: the tensor to read from, and how to bring it up to date. */
export interface Connection<L extends Loc = Loc> extends Disposable {
  /** The tensor in the wanted layout: the input itself when the layouts agree. */
  readonly output: Tensor<L>;
  /** Whether the output is a copy (which `run` refreshes) rather than the input itself. */
  readonly copies: boolean;
  /** Brings the output up to date with the input; nothing to do for a view. */
  run(): Later<L, Tensor<L>>;
}

/**
 * Connects x to a consumer that wants the layout of `want` (same shape and dtype): the output is
 * x itself when its strides already are those, else a tensor of that layout on x's factory,
 * which `run` fills by a planned copy. Disposing the connection releases a copy it made.
 *
 * @example
 * ```ts
 * import { connector, desc, jsFloat, tensor } from "@knap/knap";
 * using x = tensor(jsFloat, [2, 3, 2, 2], "nchw");
 * using same = connector(x, x.desc);
 * using other = connector(x, desc([2, 3, 2, 2], "float32", "nhwc"));
 * if (same.copies || !other.copies || other.output.layout !== "nhwc") throw new Error();
 * ```
 */
export function connector<L extends Loc>(x: Tensor<L>, want: TensorDesc): Connection<L> {
  const op = "connector";
  liveTensor(op, x, "x");
  if (want.shape.join() !== x.shape.join() || want.dtype !== x.dtype) {
    throw new RangeError(
      `${op}: x is ${x.dtype} [${x.shape.join(", ")}], the consumer wants ${want.dtype} ` +
        `[${want.shape.join(", ")}]`,
    );
  }
  if (want.strides.every((s, d) => s === x.strides[d] || x.shape[d] <= 1)) {
    return {
      output: x,
      copies: false,
      run: () => (x.factory.location === "device" ? Promise.resolve(x) : x) as Later<L, Tensor<L>>,
      [Symbol.dispose]() {},
    };
  }
  const y = tensor(x.factory, want);
  const plan = transformer(x, y);
  return {
    output: y,
    copies: true,
    run: () => {
      if (y.storage.released) throw new KnapError(`${op}: the connection was released`, "released");
      return plan.run() as Later<L, Tensor<L>>;
    },
    [Symbol.dispose]: () => y[Symbol.dispose](),
  };
}

/** Copies chosen samples from one tensor into another; see {@linkcode shuffler}. */
export class Shuffler<L extends Loc = Loc, M extends Loc = Loc> {
  /** The source of samples. */
  readonly input: Tensor<L>;
  /** The destination. */
  readonly output: Tensor<M>;

  /** Internal: use {@linkcode shuffler}. */
  constructor(input: Tensor<L>, output: Tensor<M>) {
    this.input = input;
    this.output = output;
  }

  /** The output's first samples become the input's samples at `indices`, in order. */
  run(indices: ArrayLike<number>): Promise<Tensor<M>> {
    return shuffle_(this.input, indices, this.output);
  }
}

/**
 * Deep Diamond's shuffler: plans copying chosen samples of x into y (see {@linkcode shuffle_}).
 *
 * @example
 * ```ts
 * import { jsFloat, shuffler, tensor } from "@knap/knap";
 * using x = tensor(jsFloat, [3, 2], "nc", [1, 2, 3, 4, 5, 6]);
 * using y = tensor(jsFloat, [2, 2]);
 * await shuffler(x, y).run([1, 2]);
 * if (Array.from(y.toArray()).join() !== "3,4,5,6") throw new Error("unexpected");
 * ```
 */
export function shuffler<L extends Loc, M extends Loc>(x: Tensor<L>, y: Tensor<M>): Shuffler<L, M> {
  checkSamples("shuffler", x, y);
  return new Shuffler(x, y);
}

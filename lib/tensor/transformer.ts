/**
 * Transformers: copying a tensor into another of the same shape but another layout, factory or
 * engine — planned once, run many times. Within a factory whose engine has a reorder primitive
 * (oneDNN's, natively) the plan is that primitive. Otherwise it folds the dimensions both layouts
 * keep together, picks the two that are innermost in the source and in the destination, and cuts
 * the copy into matrix copies over them, which every engine already runs (its `copy` within a
 * factory, `transfer_` between factories).
 *
 * @module
 */

import type { Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import type { Later } from "../access.ts";
import { GEMatrix, Vector } from "../core/structures.ts";
import { transfer_ } from "../access.ts";
import { liveTensor, type Tensor } from "./tensor.ts";

/** One dimension of the joint walk: its extent and its strides in the source and destination. */
interface Joint {
  readonly e: number;
  readonly xs: number;
  readonly ys: number;
}

/** The dimensions of x and y, merged where both keep neighbours together, outermost in y first. */
function jointDims(x: Tensor, y: Tensor): Joint[] {
  const dims = x.shape.map((e, d) => ({ e, xs: x.strides[d], ys: y.strides[d] }))
    .filter((j) => j.e > 1)
    .sort((a, b) => b.ys - a.ys || b.xs - a.xs);
  const out: Joint[] = [];
  for (const j of dims) {
    const outer = out[out.length - 1];
    if (outer !== undefined && outer.xs === j.xs * j.e && outer.ys === j.ys * j.e) {
      out[out.length - 1] = { e: outer.e * j.e, xs: j.xs, ys: j.ys };
    } else {
      out.push(j);
    }
  }
  return out;
}

/** A source view and a destination view of the same shape: one piece of the copy. */
type Piece = readonly [Vector | GEMatrix, Vector | GEMatrix];

/** The views of one piece at the given offsets: over dims a (rows) and b (columns) if given. */
function pieceAt(x: Tensor, y: Tensor, xo: number, yo: number, a: Joint, b?: Joint): Piece {
  if (b === undefined) {
    return [
      new Vector(x.factory, x.storage, xo, Math.max(a.xs, 1), a.e, false),
      new Vector(y.factory, y.storage, yo, Math.max(a.ys, 1), a.e, false),
    ];
  }
  // Rows along a, columns along b: each side is column layout where a is unit-stride, row
  // layout where b is.
  const side = (t: Tensor, o: number, sa: number, sb: number) =>
    sa === 1
      ? new GEMatrix(t.factory, t.storage, o, a.e, b.e, sb, "column", false)
      : new GEMatrix(t.factory, t.storage, o, a.e, b.e, sa, "row", false);
  return [side(x, xo, a.xs, b.xs), side(y, yo, a.ys, b.ys)];
}

/**
 * A planned copy from one tensor into another of the same shape. `run()` performs it and
 * returns the destination (a promise of it when the source is on a device).
 */
export class Transformer<L extends Loc = Loc, M extends Loc = Loc> {
  /** The source. */
  readonly input: Tensor<L>;
  /** The destination. */
  readonly output: Tensor<M>;
  readonly #pieces: readonly Piece[];
  readonly #primitive: (() => void) | undefined;

  /** Internal: use {@linkcode transformer}. */
  constructor(
    input: Tensor<L>,
    output: Tensor<M>,
    pieces: readonly Piece[],
    primitive?: () => void,
  ) {
    this.input = input;
    this.output = output;
    this.#pieces = pieces;
    this.#primitive = primitive;
  }

  /** The number of matrix or vector copies one run makes; 1 where the engine's own primitive runs. */
  get pieces(): number {
    return this.#primitive ? 1 : this.#pieces.length;
  }

  /** Whether a run is the engine's own reorder primitive rather than matrix copies. */
  get primitive(): boolean {
    return this.#primitive !== undefined;
  }

  /** Copies the input into the output. */
  run(): Later<L, Tensor<M>> {
    liveTensor("transformer", this.input, "its input");
    liveTensor("transformer", this.output, "its output");
    if (this.#primitive) {
      this.#primitive();
      return this.output as Later<L, Tensor<M>>;
    }
    const f = this.input.factory as Factory;
    // The pieces were checked when planned, in separate memory; liveness was checked above.
    const copy = f === this.output.factory ? f.engine.blas.copy : undefined;
    const pending: Promise<unknown>[] = [];
    for (const [src, dst] of this.#pieces) {
      if (copy !== undefined) {
        copy(src, dst);
      } else {
        const done = transfer_(src as GEMatrix, dst as GEMatrix) as unknown;
        if (done instanceof Promise) pending.push(done);
      }
    }
    if (this.input.factory.location === "device") {
      return Promise.all(pending).then(() => this.output) as Later<L, Tensor<M>>;
    }
    return this.output as Later<L, Tensor<M>>;
  }
}

/**
 * Plans copying x into y, tensors of the same shape in any layouts, on any factories (the
 * dtype converts on the way). Run it with `run()`, as often as needed.
 *
 * @example nchw to nhwc
 * ```ts
 * import { jsFloat, tensor, transformer } from "@knap/knap";
 * using x = tensor(jsFloat, [1, 2, 2, 2], "nchw", [1, 2, 3, 4, 5, 6, 7, 8]);
 * using y = tensor(jsFloat, [1, 2, 2, 2], "nhwc");
 * transformer(x, y).run();
 * if (Array.from(y.toArray()).join() !== "1,2,3,4,5,6,7,8") throw new Error("same entries");
 * if (y.storage.buffer instanceof Float32Array && y.storage.buffer.join() !== "1,5,2,6,3,7,4,8") {
 *   throw new Error("channels innermost");
 * }
 * ```
 */
export function transformer<L extends Loc, M extends Loc>(
  x: Tensor<L>,
  y: Tensor<M>,
): Transformer<L, M> {
  const op = "transformer";
  liveTensor(op, x, "x");
  liveTensor(op, y, "y");
  if (x.shape.join() !== y.shape.join()) {
    throw new RangeError(`${op}: x is [${x.shape.join(", ")}], y is [${y.shape.join(", ")}]`);
  }
  if (x.storage === y.storage) {
    throw new RangeError(`${op}: x and y share memory; transform into a separate tensor`);
  }
  // A tensor with an empty dimension has nothing to copy, however long its other dimensions.
  if (x.size === 0) return new Transformer(x, y, []);
  const f = x.factory as Factory;
  const primitive = f === y.factory ? f.engine.dnn?.reorder?.(x, y, f.dtype) : undefined;
  if (primitive) return new Transformer(x, y, [], primitive);
  const dims = jointDims(x, y);
  if (dims.length === 0) {
    return new Transformer(x, y, [pieceAt(x, y, x.offset, y.offset, { e: 1, xs: 1, ys: 1 })]);
  }
  // Rows along the dimension innermost in x, columns along the one innermost in y.
  const byX = dims.reduce((best, j) => (j.xs < best.xs ? j : best));
  const byY = dims[dims.length - 1];
  let rowsDim: Joint, colsDim: Joint | undefined;
  if (byX !== byY && byX.xs === 1 && byY.ys === 1) {
    [rowsDim, colsDim] = [byX, byY];
  } else if (dims.length > 1 && byY.xs === 1 && byY.ys === 1) {
    [rowsDim, colsDim] = [byY, dims[dims.length - 2]];
  } else {
    [rowsDim, colsDim] = [byY, undefined];
  }
  const outer = dims.filter((j) => j !== rowsDim && j !== colsDim);
  const pieces: Piece[] = [];
  const index = new Array<number>(outer.length).fill(0);
  let xo = x.offset, yo = y.offset;
  for (;;) {
    pieces.push(pieceAt(x, y, xo, yo, rowsDim, colsDim));
    let d = outer.length - 1;
    for (; d >= 0; d--) {
      if (++index[d] < outer[d].e) {
        xo += outer[d].xs;
        yo += outer[d].ys;
        break;
      }
      xo -= (outer[d].e - 1) * outer[d].xs;
      yo -= (outer[d].e - 1) * outer[d].ys;
      index[d] = 0;
    }
    if (d < 0) break;
  }
  return new Transformer(x, y, pieces);
}

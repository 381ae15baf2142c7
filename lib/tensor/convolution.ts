/**
 * Convolutions of tensors, planned once: the forward pass, the error behind it and the weights'
 * gradients, over one, two or three spatial dimensions, with strides, zero padding and dilation,
 * as PyTorch's `conv1d`/`conv2d`/`conv3d` compute them (a cross-correlation). Each runs as the
 * factory's engine's own primitive: loops on js, oneDNN's convolution primitives natively.
 *
 * @module
 */

import type { ConvolutionGeometry, ConvolutionPass } from "../core/engine.ts";
import type { Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import type { Tensor } from "./tensor.ts";
import { checkApart, checkTensors, dims, TensorOp } from "./operation.ts";
import { filling } from "./pieces.ts";
import { perDimension } from "./spatial.ts";

/** Strides, padding and dilation: one number for every spatial dimension, or one each. */
export interface ConvolutionOptions {
  /** The step between windows (default 1). */
  readonly strides?: number | readonly number[];
  /** Zeros added at both ends of each spatial dimension (default 0). */
  readonly padding?: number | readonly number[];
  /** The distance between a kernel's taps, 1 for neighbours (default 1). */
  readonly dilation?: number | readonly number[];
}

function geometry(op: string, spatial: number, o: ConvolutionOptions = {}): ConvolutionGeometry {
  return {
    strides: perDimension(op, "strides", o.strides ?? 1, spatial, 1),
    padding: perDimension(op, "padding", o.padding ?? 0, spatial, 0),
    dilation: perDimension(op, "dilation", o.dilation ?? 1, spatial, 1),
  };
}

/**
 * The output shape of a convolution of x-shaped data by w-shaped weights: [n, o, …] with each
 * spatial extent ⌊(i + 2p − d(k − 1) − 1) / s⌋ + 1.
 *
 * @example
 * ```ts
 * import { convolutionShape } from "@knap/knap/ops";
 * const y = convolutionShape([2, 1, 28, 28], [8, 1, 3, 3], { padding: 1 });
 * if (y.join() !== "2,8,28,28") throw new Error("unexpected");
 * ```
 */
export function convolutionShape(
  x: readonly number[],
  w: readonly number[],
  options?: ConvolutionOptions,
): number[] {
  const op = "convolutionShape";
  if (x.length < 3 || x.length > 5 || w.length !== x.length) {
    throw new RangeError(
      `${op}: x [${x.join(", ")}] and w [${w.join(", ")}] need one rank of 3 to 5`,
    );
  }
  if (x[1] !== w[1]) {
    throw new RangeError(`${op}: x has ${x[1]} channels, w takes ${w[1]} (w is [o, c, …kernel])`);
  }
  const g = geometry(op, x.length - 2, options);
  const out = [x[0], w[0]];
  for (let d = 0; d < x.length - 2; d++) {
    const span = g.dilation[d] * (w[d + 2] - 1) + 1;
    const e = Math.floor((x[d + 2] + 2 * g.padding[d] - span) / g.strides[d]) + 1;
    if (e < 1) {
      throw new RangeError(
        `${op}: a kernel spanning ${span} does not fit spatial dimension ${d} of x (${
          x[d + 2]
        } with padding ${g.padding[d]})`,
      );
    }
    out.push(e);
  }
  return out;
}

/** Checks the four tensors against each other and plans the pass on their engine. */
function plan<L extends Loc>(
  op: string,
  pass: ConvolutionPass,
  x: Tensor<L>,
  w: Tensor<L>,
  b: Tensor<L> | undefined,
  y: Tensor<L>,
  options: ConvolutionOptions | undefined,
): TensorOp<L> {
  const names = pass === "forward"
    ? { x: "x", w: "w", b: "b", y: "y" }
    : pass === "backwardData"
    ? { x: "dx", w: "w", b: "b", y: "dy" }
    : { x: "x", w: "dw", b: "db", y: "dy" };
  checkTensors(op, {
    [names.x]: x,
    [names.w]: w,
    [names.y]: y,
    ...(b === undefined ? {} : { [names.b]: b }),
  });
  const want = convolutionShape(x.shape, w.shape, options);
  if (want.join() !== y.shape.join()) {
    throw new RangeError(
      `${op}: ${names.x} ${dims(x)} and ${names.w} ${dims(w)} give [${want.join(", ")}], ` +
        `${names.y} is ${dims(y)}`,
    );
  }
  if (b !== undefined && (b.shape.length !== 1 || b.shape[0] !== w.shape[0])) {
    throw new RangeError(`${op}: ${names.b} is ${dims(b)}, w has ${w.shape[0]} outputs`);
  }
  const written = pass === "forward" ? [y] : pass === "backwardData" ? [x] : [w, b];
  const read = pass === "forward" ? [x, w, b] : pass === "backwardData" ? [y, w] : [x, y];
  for (const out of written) {
    if (out === undefined) continue;
    for (const t of read) if (t !== undefined) checkApart(op, out, t, "an input", false);
  }
  if (pass === "backwardWeights" && b !== undefined) checkApart(op, b, w, names.w, false);
  const f = x.factory as Factory;
  const g = geometry(op, x.shape.length - 2, options);
  const inputs = read.filter((t): t is Tensor<L> => t !== undefined);
  const [output, ...others] = written.filter((t): t is Tensor<L> => t !== undefined);
  // A batch of no samples is nothing to compute (its weights' gradient is 0, as PyTorch's);
  // no channels, outputs or positions is, as in PyTorch, a mistake.
  const empty = (t: Tensor, from: number) => t.shape.slice(from).includes(0);
  if (empty(x, 1) || empty(w, 0) || empty(y, 1)) {
    throw new RangeError(
      `${op}: ${dims(x)}, ${dims(w)} → ${dims(y)} has an empty dimension besides the batch`,
    );
  }
  if (x.shape[0] === 0) {
    const run = pass === "backwardWeights"
      ? filling(written.filter((t) => t !== undefined), 0)
      : () => {};
    return new TensorOp(op, inputs, output, run, 0, false, others);
  }
  const run = f.engine.dnn?.convolution?.(pass, x, w, b, y, g, f.dtype);
  if (run === undefined) {
    throw new TypeError(
      `${op}: the ${f.engine.name} engine has no convolution, which convolutional layers ` +
        "require; transform the tensors into a host factory's (transformer) and convolve there",
    );
  }
  return new TensorOp(op, inputs, output, run, 1, true, others);
}

/**
 * Plans y ← w ∗ x + b: the convolution (cross-correlation, as PyTorch's) of data x [n, c, …]
 * by weights w [o, c, …kernel] plus the bias b [o] (or none), into y [n, o, …] (its shape from
 * `convolutionShape`). One, two or three spatial dimensions; tensors in any layouts.
 *
 * @example A 3×3 kernel over one 4×4 image, padded
 * ```ts
 * import { jsFloat, tensor } from "@knap/knap";
 * import { convolution } from "@knap/knap/ops";
 * using x = tensor(jsFloat, [1, 1, 4, 4], "nchw", Array.from({ length: 16 }, (_, i) => i));
 * using w = tensor(jsFloat, [1, 1, 3, 3], "oihw", [0, 0, 0, 0, 1, 0, 0, 0, 0]);
 * using y = tensor(jsFloat, [1, 1, 4, 4], "nhwc");
 * convolution(x, w, undefined, y, { padding: 1 }).run();
 * if (y.toArray()[5] !== 5) throw new Error("the identity kernel copies");
 * ```
 */
export function convolution<L extends Loc>(
  x: Tensor<L>,
  w: Tensor<L>,
  b: Tensor<L> | undefined,
  y: Tensor<L>,
  options?: ConvolutionOptions,
): TensorOp<L> {
  return plan("convolution", "forward", x, w, b, y, options);
}

/**
 * Plans dx ← the error behind a convolution: the gradient of a cost for its input x, from dy
 * (the gradient for its output y) and the weights w. dx has x's shape; any layouts.
 *
 * @example
 * ```ts
 * import { jsFloat, tensor } from "@knap/knap";
 * import { convolutionBackwardData } from "@knap/knap/ops";
 * using dy = tensor(jsFloat, [1, 1, 2, 2], "nchw", [1, 1, 1, 1]);
 * using w = tensor(jsFloat, [1, 1, 2, 2], "oihw", [1, 2, 3, 4]);
 * using dx = tensor(jsFloat, [1, 1, 3, 3], "nchw");
 * convolutionBackwardData(dy, w, dx).run();
 * if (dx.toArray()[4] !== 10) throw new Error("the centre takes every tap");
 * ```
 */
export function convolutionBackwardData<L extends Loc>(
  dy: Tensor<L>,
  w: Tensor<L>,
  dx: Tensor<L>,
  options?: ConvolutionOptions,
): TensorOp<L> {
  return plan("convolutionBackwardData", "backwardData", dx, w, undefined, dy, options);
}

/**
 * Plans dw ← the gradient of a cost for a convolution's weights, and db ← for its bias (or
 * none), from its input x and dy, the gradient for its output. Any layouts.
 *
 * @example
 * ```ts
 * import { jsFloat, tensor } from "@knap/knap";
 * import { convolutionBackwardWeights } from "@knap/knap/ops";
 * using x = tensor(jsFloat, [1, 1, 3, 3], "nchw", [1, 2, 3, 4, 5, 6, 7, 8, 9]);
 * using dy = tensor(jsFloat, [1, 1, 2, 2], "nchw", [1, 0, 0, 0]);
 * using dw = tensor(jsFloat, [1, 1, 2, 2], "oihw");
 * using db = tensor(jsFloat, [1]);
 * convolutionBackwardWeights(x, dy, dw, db).run();
 * if (dw.toArray().join() !== "1,2,4,5" || db.toArray()[0] !== 1) throw new Error("unexpected");
 * ```
 */
export function convolutionBackwardWeights<L extends Loc>(
  x: Tensor<L>,
  dy: Tensor<L>,
  dw: Tensor<L>,
  db: Tensor<L> | undefined,
  options?: ConvolutionOptions,
): TensorOp<L> {
  return plan("convolutionBackwardWeights", "backwardWeights", x, dw, db, dy, options);
}

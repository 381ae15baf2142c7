/**
 * Pooling of tensors, planned once: the largest entry or the mean of each window, over one, two
 * or three spatial dimensions, and its backward pass — as PyTorch's `max_pool` and `avg_pool`
 * compute them (`avg` counts padding as zeros, `avg-exclude-padding` does not). Loops on js,
 * oneDNN's pooling primitives natively.
 *
 * @module
 */

import type { PoolingGeometry, PoolingKind } from "../core/engine.ts";
import type { Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import type { Tensor } from "./tensor.ts";
import { checkApart, checkTensors, dims, TensorOp } from "./operation.ts";
import { perDimension } from "./spatial.ts";

/** The step between windows and the padding: one number for every dimension, or one each. */
export interface PoolingOptions {
  /** The step between windows (default: the kernel's extent, windows side by side). */
  readonly strides?: number | readonly number[];
  /** Entries added at both ends (default 0), at most half the kernel. */
  readonly padding?: number | readonly number[];
}

const kinds: readonly PoolingKind[] = ["max", "avg", "avg-exclude-padding"];

function geometry(
  op: string,
  spatial: number,
  kernel: number | readonly number[],
  o: PoolingOptions = {},
): PoolingGeometry {
  const each = (name: string, v: number | readonly number[], least: number) =>
    perDimension(op, name, v, spatial, least);
  const k = each("kernel", kernel, 1);
  const padding = each("padding", o.padding ?? 0, 0);
  if (padding.some((p, d) => 2 * p > k[d])) {
    throw new RangeError(`${op}: padding [${padding}] is more than half the kernel [${k}]`);
  }
  return { kernel: k, strides: each("strides", o.strides ?? k, 1), padding };
}

/**
 * The output shape of pooling x-shaped data: [n, c, …] with each spatial extent
 * ⌊(i + 2p − k) / s⌋ + 1.
 *
 * @example
 * ```ts
 * import { poolingShape } from "@knap/knap/ops";
 * if (poolingShape([8, 16, 28, 28], [2, 2]).join() !== "8,16,14,14") throw new Error("unexpected");
 * ```
 */
export function poolingShape(
  x: readonly number[],
  kernel: number | readonly number[],
  options?: PoolingOptions,
): number[] {
  const op = "poolingShape";
  if (x.length < 3 || x.length > 5) {
    throw new RangeError(`${op}: x [${x.join(", ")}] needs a rank of 3 to 5`);
  }
  const g = geometry(op, x.length - 2, kernel, options);
  const out = [x[0], x[1]];
  for (let d = 0; d < x.length - 2; d++) {
    const e = Math.floor((x[d + 2] + 2 * g.padding[d] - g.kernel[d]) / g.strides[d]) + 1;
    if (e < 1) {
      throw new RangeError(`${op}: a window of ${g.kernel[d]} does not fit ${x[d + 2]} entries`);
    }
    out.push(e);
  }
  return out;
}

function checked<L extends Loc>(
  op: string,
  kind: PoolingKind,
  x: Tensor<L>,
  y: Tensor<L>,
  kernel: number | readonly number[],
  options: PoolingOptions | undefined,
  yName: string,
): PoolingGeometry {
  if (!kinds.includes(kind)) {
    throw new TypeError(`${op}: ${String(kind)} is none of ${kinds.join(", ")}`);
  }
  const want = poolingShape(x.shape, kernel, options);
  if (want.join() !== y.shape.join()) {
    throw new RangeError(
      `${op}: x ${dims(x)} pools into [${want.join(", ")}], ${yName} is ${dims(y)}`,
    );
  }
  return geometry(op, x.shape.length - 2, kernel, options);
}

/**
 * Plans y ← each window's largest entry (`"max"`) or mean (`"avg"`, padding counted as zeros;
 * `"avg-exclude-padding"`) of x [n, c, …], windows of `kernel` taken `strides` apart (by default
 * side by side). Any layouts. A NaN in a max window gives NaN.
 *
 * @example 2×2 max pooling
 * ```ts
 * import { jsFloat, tensor } from "@knap/knap";
 * import { poolingForward } from "@knap/knap/ops";
 * using x = tensor(jsFloat, [1, 1, 2, 4], "nchw", [1, 5, 2, 0, 3, 4, 8, 6]);
 * using y = tensor(jsFloat, [1, 1, 1, 2], "nchw");
 * poolingForward(x, y, "max", 2).run();
 * if (y.toArray().join() !== "5,8") throw new Error("unexpected");
 * ```
 */
export function poolingForward<L extends Loc>(
  x: Tensor<L>,
  y: Tensor<L>,
  kind: PoolingKind,
  kernel: number | readonly number[],
  options?: PoolingOptions,
): TensorOp<L> {
  const op = `pooling ${String(kind)}`;
  checkTensors(op, { x, y });
  const g = checked(op, kind, x, y, kernel, options, "y");
  checkApart(op, y, x, "x", false);
  // A batch (or channels) of nothing pools into nothing, as in PyTorch.
  if (x.size === 0) return new TensorOp(op, [x], y, () => {}, 0, false);
  const f = x.factory as Factory;
  const run = f.engine.dnn?.poolingForward?.(kind, x, y, g, f.dtype);
  if (run === undefined) {
    throw new TypeError(
      `${op}: the ${f.engine.name} engine has no pooling, which pooling layers require; ` +
        "transform the tensors into a host factory's (transformer) and pool there",
    );
  }
  return new TensorOp(op, [x], y, run, 1, true);
}

/**
 * Plans dx ← the gradient for pooling's input x from dy, the gradient for its output: a max
 * window's error goes to its first largest entry of x, a mean's is shared by its entries. dx has
 * x's shape; any layouts.
 *
 * @example
 * ```ts
 * import { jsFloat, tensor } from "@knap/knap";
 * import { poolingBackward } from "@knap/knap/ops";
 * using x = tensor(jsFloat, [1, 1, 1, 4], "nchw", [1, 5, 8, 6]);
 * using dy = tensor(jsFloat, [1, 1, 1, 2], "nchw", [10, 20]);
 * using dx = tensor(jsFloat, [1, 1, 1, 4], "nchw");
 * poolingBackward(x, dy, dx, "max", [1, 2]).run();
 * if (dx.toArray().join() !== "0,10,20,0") throw new Error("unexpected");
 * ```
 */
export function poolingBackward<L extends Loc>(
  x: Tensor<L>,
  dy: Tensor<L>,
  dx: Tensor<L>,
  kind: PoolingKind,
  kernel: number | readonly number[],
  options?: PoolingOptions,
): TensorOp<L> {
  const op = `poolingBackward ${String(kind)}`;
  checkTensors(op, { x, dy, dx });
  const g = checked(op, kind, x, dy, kernel, options, "dy");
  if (dx.shape.join() !== x.shape.join()) {
    throw new RangeError(`${op}: dx is ${dims(dx)}, x is ${dims(x)}`);
  }
  checkApart(op, dx, x, "x", false);
  checkApart(op, dx, dy, "dy", false);
  if (x.size === 0) return new TensorOp(op, [x, dy], dx, () => {}, 0, false);
  const f = x.factory as Factory;
  const run = f.engine.dnn?.poolingBackward?.(kind, x, dy, dx, g, f.dtype);
  if (run === undefined) {
    throw new TypeError(
      `${op}: the ${f.engine.name} engine has no pooling, which pooling layers require; ` +
        "transform the tensors into a host factory's (transformer) and pool there",
    );
  }
  return new TensorOp(op, [x, dy], dx, run, 1, true);
}

/**
 * A training step's pooling, both passes planned together: the engine's `poolingTraining`
 * where it has one (the backward pass reads what the forward kept, so it must follow a forward
 * with x unchanged since), else `poolingForward` and `poolingBackward` planned apart. Checks as
 * those do.
 */
export function poolingTrainingPair<L extends Loc>(
  x: Tensor<L>,
  y: Tensor<L>,
  dy: Tensor<L>,
  dx: Tensor<L>,
  kind: PoolingKind,
  kernel: number | readonly number[],
  options?: PoolingOptions,
): readonly [TensorOp<L>, TensorOp<L>] {
  const apart = () =>
    [
      poolingForward(x, y, kind, kernel, options),
      poolingBackward(x, dy, dx, kind, kernel, options),
    ] as const;
  const forward = `pooling ${String(kind)}`, backward = `poolingBackward ${String(kind)}`;
  checkTensors(forward, { x, y, dy, dx });
  const g = checked(forward, kind, x, y, kernel, options, "y");
  if (x.size === 0 || y.shape.join() !== dy.shape.join() || dx.shape.join() !== x.shape.join()) {
    return apart();
  }
  checkApart(forward, y, x, "x", false);
  checkApart(backward, dx, x, "x", false);
  checkApart(backward, dx, dy, "dy", false);
  const f = x.factory as Factory;
  const pair = f.engine.dnn?.poolingTraining?.(kind, x, y, dy, dx, g, f.dtype);
  if (pair === undefined) return apart();
  return [
    new TensorOp(forward, [x], y, pair.forward, 1, true),
    new TensorOp(backward, [x, dy], dx, pair.backward, 1, true),
  ];
}

/**
 * Batch normalization of tensors, planned once, as PyTorch's `batch_norm` computes it: per
 * channel, y = γ (x − μ) / √(σ² + ε) + β, with μ and σ² (biased) the batch's own in training
 * (and written out, for the caller's running averages) or given in inference; and its backward
 * pass. Loops on js, oneDNN's batch normalization primitive natively, kernels on WebGPU.
 *
 * @module
 */

import type { BatchNormOperands, BatchNormPass } from "../core/engine.ts";
import type { Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import type { Tensor } from "./tensor.ts";
import { checkApart, checkTensors, dims, TensorOp } from "./operation.ts";
import { filling } from "./pieces.ts";

/** The per-channel tensors of a forward pass, each [c]. */
export interface BatchNormParameters<L extends Loc = Loc> {
  /** γ, read. */
  readonly scale: Tensor<L>;
  /** β, read. */
  readonly shift: Tensor<L>;
  /** μ: written in training, read in inference. */
  readonly mean: Tensor<L>;
  /** σ² (biased): written in training, read in inference. */
  readonly variance: Tensor<L>;
}

/** The per-channel tensors of the backward pass, each [c]. */
export interface BatchNormGradients<L extends Loc = Loc> {
  /** γ, read. */
  readonly scale: Tensor<L>;
  /** The training pass's μ, read. */
  readonly mean: Tensor<L>;
  /** The training pass's σ², read. */
  readonly variance: Tensor<L>;
  /** Receives the gradient for γ. */
  readonly dScale: Tensor<L>;
  /** Receives the gradient for β. */
  readonly dShift: Tensor<L>;
}

/** Training or inference, and ε. */
export interface BatchNormOptions {
  /** Use the batch's own statistics and write them out (default true). */
  readonly training?: boolean;
  /** Added to the variance (default 1e-5, as PyTorch's). */
  readonly epsilon?: number;
}

function plan<L extends Loc>(
  op: string,
  pass: BatchNormPass,
  t: Readonly<Record<string, Tensor<L>>>,
  epsilon: number,
  read: readonly string[],
  written: readonly string[],
  perEntry: readonly string[],
  operands: BatchNormOperands,
): TensorOp<L> {
  checkTensors(op, t);
  if (!Number.isFinite(epsilon) || epsilon < 0) {
    throw new RangeError(`${op}: epsilon must be finite and ≥ 0, got ${epsilon}`);
  }
  const x = t.x;
  if (x.shape.length < 2) throw new RangeError(`${op}: x ${dims(x)} has no channel dimension`);
  const c = x.shape[1];
  for (const [name, u] of Object.entries(t)) {
    const want = perEntry.includes(name) ? x.shape : [c];
    if (u.shape.join() !== want.join()) {
      throw new RangeError(`${op}: ${name} is ${dims(u)}, it must be [${want.join(", ")}]`);
    }
  }
  for (const w of written) {
    for (const r of read) {
      // An entry-by-entry output may be its input's very entries (in place).
      const inPlace = perEntry.includes(w) && perEntry.includes(r);
      checkApart(op, t[w], t[r], r, inPlace);
    }
    for (const other of written) if (other !== w) checkApart(op, t[w], t[other], other, false);
  }
  const [output, ...others] = written.map((w) => t[w]);
  if (x.size === 0) {
    // A batch of no samples: nothing to normalize, no statistics to write (PyTorch leaves its
    // running ones as they were), and gradients of 0 for γ and β.
    const run = pass === "backward" ? filling(others, 0) : () => {};
    return new TensorOp(op, read.map((r) => t[r]), output, run, 0, false, others);
  }
  const f = x.factory as Factory;
  const run = f.engine.dnn?.batchNormalization?.(pass, operands, epsilon, f.dtype);
  if (run === undefined) {
    throw new TypeError(
      `${op}: the ${f.engine.name} engine has no batch normalization, which its layers ` +
        "require; transform the tensors into a host factory's (transformer) and normalize there",
    );
  }
  return new TensorOp(op, read.map((r) => t[r]), output, run, 1, true, others);
}

/**
 * Plans batch normalization of x [n, c, …] into y (x's shape, any layouts, or x itself): per
 * channel, y = γ (x − μ) / √(σ² + ε) + β. In training (the default) μ and σ² are the batch's
 * own, over n and the spatial dimensions, and are written into `mean` and `variance` (σ²
 * biased, as normalization uses it: PyTorch's running variance takes the unbiased one); in
 * inference they are read from there.
 *
 * @example
 * ```ts
 * import { jsDouble, tensor } from "@knap/knap";
 * import { batchNormForward } from "@knap/knap/ops";
 * using x = tensor(jsDouble, [2, 1, 1, 2], "nchw", [1, 2, 3, 6]);
 * using y = tensor(jsDouble, [2, 1, 1, 2], "nchw");
 * using scale = tensor(jsDouble, [1], "x", [1]), shift = tensor(jsDouble, [1], "x", [0]);
 * using mean = tensor(jsDouble, [1]), variance = tensor(jsDouble, [1]);
 * batchNormForward(x, y, { scale, shift, mean, variance }, { epsilon: 0 }).run();
 * if (mean.toArray()[0] !== 3 || variance.toArray()[0] !== 3.5) throw new Error("statistics");
 * ```
 */
export function batchNormForward<L extends Loc>(
  x: Tensor<L>,
  y: Tensor<L>,
  parameters: BatchNormParameters<L>,
  options: BatchNormOptions = {},
): TensorOp<L> {
  const training = options.training ?? true;
  const { scale, shift, mean, variance } = parameters;
  return plan(
    training ? "batchNormForward" : "batchNormForward (inference)",
    training ? "training" : "inference",
    { x, y, scale, shift, mean, variance },
    options.epsilon ?? 1e-5,
    training ? ["x", "scale", "shift"] : ["x", "scale", "shift", "mean", "variance"],
    training ? ["y", "mean", "variance"] : ["y"],
    ["x", "y"],
    { x, y, scale, shift, mean, variance },
  );
}

/**
 * Plans the backward pass of a training `batchNorm`: from x, the error dy after it, γ and the
 * μ and σ² that pass wrote, dx ← the gradient for x (x's shape; may be dy itself), dScale and
 * dShift ← the gradients for γ and β.
 *
 * @example
 * ```ts
 * import { jsDouble, tensor } from "@knap/knap";
 * import { batchNormBackward } from "@knap/knap/ops";
 * using x = tensor(jsDouble, [2, 1], "nc", [1, 3]), dy = tensor(jsDouble, [2, 1], "nc", [1, 1]);
 * using dx = tensor(jsDouble, [2, 1], "nc");
 * using scale = tensor(jsDouble, [1], "x", [1]);
 * using mean = tensor(jsDouble, [1], "x", [2]), variance = tensor(jsDouble, [1], "x", [1]);
 * using dScale = tensor(jsDouble, [1]), dShift = tensor(jsDouble, [1]);
 * batchNormBackward(x, dy, dx, { scale, mean, variance, dScale, dShift }, { epsilon: 0 }).run();
 * if (dShift.toArray()[0] !== 2 || dx.toArray().join() !== "0,0") throw new Error("unexpected");
 * ```
 */
export function batchNormBackward<L extends Loc>(
  x: Tensor<L>,
  dy: Tensor<L>,
  dx: Tensor<L>,
  gradients: BatchNormGradients<L>,
  options: Pick<BatchNormOptions, "epsilon"> = {},
): TensorOp<L> {
  const { scale, mean, variance, dScale, dShift } = gradients;
  return plan(
    "batchNormBackward",
    "backward",
    { x, dy, dx, scale, mean, variance, dScale, dShift },
    options.epsilon ?? 1e-5,
    ["x", "dy", "scale", "mean", "variance"],
    ["dx", "dScale", "dShift"],
    ["x", "dy", "dx"],
    // The contract calls the error y; β plays no part in the gradients, so γ stands in for it.
    { x, y: dy, dx, scale, shift: scale, mean, variance, dScale, dShift },
  );
}

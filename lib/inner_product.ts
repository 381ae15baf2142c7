/**
 * A fully connected layer's forward pass as one primitive: the product of the weights and the
 * inputs, the bias, and the activation. Engines with a fused primitive (oneDNN's inner product
 * with an eltwise post-op, WebGPU's tiled product with the bias and activation in its epilogue)
 * run it in one call; every other engine copies the bias into the output, accumulates the
 * product onto it and applies the activation.
 *
 * @module
 */

import type { GEMatrix, Vector } from "./core/structures.ts";
import type { Operand } from "./core/engine.ts";
import type { Loc } from "./core/types.ts";
import {
  liveMatrix,
  liveVector,
  numeric,
  productFactories,
  sameFactory,
  shapeOf,
} from "./core/checks.ts";
import { overlap } from "./core/overlap.ts";
import { type ElementwiseOp, ops } from "./elementwise/table.ts";
import { softmax_ } from "./softmax.ts";

/**
 * The activations a layer can have: `linear` is the identity; `softmax` makes each column (one
 * sample's outputs) probabilities over its classes.
 */
export type LayerActivation = "sigmoid" | "tanh" | "relu" | "elu" | "linear" | "softmax";

/**
 * Each activation as a table function and its parameters; softmax is the identity here, and
 * the softmax primitive runs after it.
 */
const layerOps: Readonly<Record<LayerActivation, readonly [ElementwiseOp, readonly number[]]>> = {
  sigmoid: [ops.sigmoid, []],
  tanh: [ops.tanh, []],
  relu: [ops.relu, []],
  elu: [ops.elu, [1]],
  linear: [ops.linear, [1, 0]],
  softmax: [ops.linear, [1, 0]],
};

const op = "innerProduct_";

/**
 * Overwrites out with f(W·x + b), b added to every column: the forward pass of a fully
 * connected layer whose weights W are m×k, over k×n inputs x (one column per sample), with
 * bias b of dimension m and activation f. out (m×n) shares no memory with W, x or b. Returns out.
 *
 * @example
 * ```ts
 * import { dge, dv, toArray } from "@knap/knap";
 * import { innerProduct_ } from "@knap/knap/ops";
 * using w = dge(2, 2, [1, 0, 0, 1]), x = dge(2, 2, [1, -2, 3, -4]), b = dv(0.5, 1);
 * using out = dge(2, 2);
 * innerProduct_(w, x, b, out, "relu");
 * if (toArray(out).join() !== "1.5,0,3.5,0") throw new Error(toArray(out).join());
 * ```
 */
export function innerProduct_<L extends Loc>(
  w: GEMatrix<L>,
  x: GEMatrix<L>,
  b: Vector<L>,
  out: GEMatrix<L>,
  activation: LayerActivation = "linear",
): GEMatrix<L> {
  liveMatrix(op, w, "w");
  liveMatrix(op, x, "x");
  liveVector(op, b, "b");
  liveMatrix(op, out, "out");
  numeric(op, out);
  sameFactory(op, out, b);
  productFactories(op, out, w, x);
  if (w.n !== x.m || out.m !== w.m || out.n !== x.n || b.dim !== w.m) {
    throw new RangeError(
      `${op}: w is ${shapeOf(w)}, x ${shapeOf(x)}, b ${shapeOf(b)} and out ${shapeOf(out)}; ` +
        "w must be m×k, x k×n, b of dimension m and out m×n",
    );
  }
  if (!Object.hasOwn(layerOps, activation)) {
    throw new TypeError(
      `${op}: unknown activation ${String(activation)}; use sigmoid, tanh, relu, elu, linear or ` +
        "softmax",
    );
  }
  const [f, params] = layerOps[activation];
  apart(out, w, "w");
  apart(out, x, "x");
  apart(out, b, "b");
  if (out.m === 0 || out.n === 0) return out;
  const engine = out.factory.engine;
  const fused = activation === "softmax" ? undefined : f;
  const planned = engine.nn?.innerProduct?.(w, x, b, out, fused, params);
  if (planned !== undefined) planned();
  else {
    // The bias first, so the product accumulates onto it and the activation keeps each
    // engine's own route (oneDNN's threaded eltwise on native, say).
    engine.blas.copy(broadcast(b, out.n), out);
    engine.blas.gemm(1, w, x, 1, out);
    if (f !== ops.linear) engine.math.map(f, params, out, out);
  }
  if (activation === "softmax") softmax_(out);
  return out;
}

/** Refuses an output that shares memory with an input, which the product would read after writing. */
function apart(out: Operand, input: Operand, name: string): void {
  if (overlap(out, input) !== "none") {
    throw new RangeError(`${op}: out shares memory with ${name}; write into a separate matrix`);
  }
}

/** b repeated in n columns: a stride-0 view the engines walk like any other operand. */
export function broadcast(b: Operand, n: number): Operand {
  return {
    storage: b.storage,
    offset: b.offset,
    rows: b.rows,
    cols: n,
    rowStride: b.rowStride,
    colStride: 0,
  };
}

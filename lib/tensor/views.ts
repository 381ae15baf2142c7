/**
 * Views of tensors: a slice of the batch, another shape of a dense tensor's memory, and a dense
 * tensor as a vector or a features × batch matrix — so every BLAS and elementwise function works
 * on tensors with no copy.
 *
 * @module
 */

import { StructuredMatrix } from "../core/structured.ts";
import { viewGe as structuredGe } from "../structured/views.ts";
import type { DType, Layout, Loc } from "../core/types.ts";
import { GEMatrix, Vector } from "../core/structures.ts";
import { count } from "../core/checks.ts";
import { matrixAsVector, vectorAsMatrix } from "../core/views.ts";
import { checkDense, desc, entries, fold, type TensorDesc, type TensorLayout } from "./desc.ts";
import { liveTensor, Tensor } from "./tensor.ts";

/**
 * The samples `start` to `start + n − 1` of a tensor: a view along its first dimension.
 *
 * @example
 * ```ts
 * import { batchOf, jsFloat, tensor } from "@knap/knap";
 * using t = tensor(jsFloat, [8, 3, 2, 2]);
 * const part = batchOf(t, 2, 4);
 * if (part.shape.join() !== "4,3,2,2" || part.offset !== 24) throw new Error("unexpected");
 * ```
 */
export function batchOf<L extends Loc, D extends DType>(
  t: Tensor<L, D>,
  start: number,
  n: number,
): Tensor<L, D> {
  liveTensor("batchOf", t);
  count("batchOf", n, "the number of samples");
  if (!Number.isSafeInteger(start) || start < 0 || start + n > t.shape[0]) {
    throw new RangeError(
      `batchOf: samples ${start} to ${start + n - 1} are outside [${t.shape.join(", ")}]`,
    );
  }
  const shape = [n, ...t.shape.slice(1)];
  return new Tensor(t.factory, t.storage, t.offset + start * t.strides[0], shape, t.strides, false);
}

/** The one run a tensor's entries form, or a RangeError naming the op. */
function oneRun(op: string, t: Tensor): { extent: number; stride: number } {
  const runs = fold(t.shape, t.strides);
  if (runs.length !== 1) {
    throw new RangeError(
      `${op}: tensor [${t.shape.join(", ")}] with strides [${t.strides.join(", ")}] is not one ` +
        "run of entries; transform it into a dense tensor first",
    );
  }
  return runs[0];
}

/**
 * A dense tensor's memory seen with another shape and layout of the same number of entries.
 *
 * @example
 * ```ts
 * import { jsFloat, tensor, viewTz } from "@knap/knap";
 * using images = tensor(jsFloat, [10, 1, 28, 28]);
 * const flat = viewTz(images, [10, 784]);
 * if (flat.layout !== "nc" || flat.storage !== images.storage) throw new Error("unexpected");
 * ```
 */
export function viewTz<L extends Loc, D extends DType>(
  t: Tensor<L, D>,
  shape: readonly number[] | TensorDesc,
  layout?: TensorLayout | readonly number[],
): Tensor<L, D> {
  const op = "viewTz";
  liveTensor(op, t);
  const d = Array.isArray(shape) ? desc(shape, t.dtype, layout) : shape as TensorDesc;
  if (entries(d.shape) !== t.size) {
    throw new RangeError(
      `${op}: [${d.shape.join(", ")}] has ${entries(d.shape)} entries, the tensor ` +
        `[${t.shape.join(", ")}] ${t.size}`,
    );
  }
  const run = oneRun(op, t);
  if (run.stride !== 1 && t.size > 1) {
    throw new RangeError(`${op}: the tensor's entries are ${run.stride} apart; it must be dense`);
  }
  checkDense(op, d.shape, d.strides, "a view of a dense tensor is dense too");
  return new Tensor(t.factory, t.storage, t.offset, d.shape, d.strides, false);
}

/** A dense tensor's entries as one vector, in memory order. */
export function tensorVctr<L extends Loc, D extends DType>(t: Tensor<L, D>): Vector<L, D> {
  liveTensor("viewVctr", t);
  const run = oneRun("viewVctr", t);
  return new Vector(t.factory, t.storage, t.offset, Math.max(run.stride, 1), t.size, false);
}

/**
 * A tensor as a matrix with one column per sample: the first dimension is the batch, the rest
 * — which must fold into one run — the features. A rank-1 tensor is one row.
 */
export function tensorGe<L extends Loc, D extends DType>(t: Tensor<L, D>): GEMatrix<L, D> {
  const op = "viewGe";
  liveTensor(op, t);
  const n = t.shape[0];
  const rest = t.shape.slice(1);
  const features = entries(rest);
  const runs = fold(rest, t.strides.slice(1));
  const sampleStride = t.strides[0];
  const shaped = `tensor [${t.shape.join(", ")}] with strides [${t.strides.join(", ")}]`;
  if (runs.length !== 1) {
    throw new RangeError(`${op}: the features of ${shaped} do not form one run; transform it`);
  }
  const fs = features <= 1 ? 1 : runs[0].stride;
  const ss = sampleStride;
  if (fs === 1) {
    const ld = n <= 1 ? Math.max(features, 1) : ss;
    if (n <= 1 || ld >= features) {
      return new GEMatrix(t.factory, t.storage, t.offset, features, n, ld, "column", false);
    }
  }
  if (ss === 1 || n <= 1) {
    const ld = features <= 1 ? Math.max(n, 1) : fs;
    if (features <= 1 || ld >= n) {
      return new GEMatrix(t.factory, t.storage, t.offset, features, n, ld, "row", false);
    }
  }
  throw new RangeError(`${op}: neither the samples nor the features of ${shaped} are adjacent`);
}

/**
 * A gapless matrix seen as one vector of its m·n entries, in its layout's order.
 *
 * @example
 * ```ts
 * import { dge, toArray, viewVctr } from "@knap/knap";
 * using a = dge(2, 2, [1, 2, 3, 4]);
 * if (toArray(viewVctr(a)).join() !== "1,2,3,4") throw new Error("unexpected");
 * ```
 */
export function viewVctr<L extends Loc, D extends DType>(a: GEMatrix<L, D>): Vector<L, D>;
/** A dense tensor's entries as one vector, in memory order. */
export function viewVctr<L extends Loc, D extends DType>(t: Tensor<L, D>): Vector<L, D>;
export function viewVctr<L extends Loc, D extends DType>(
  a: GEMatrix<L, D> | Tensor<L, D>,
): Vector<L, D> {
  return a instanceof Tensor ? tensorVctr(a) : matrixAsVector(a);
}

/**
 * A stride-1 vector seen as an m×n matrix (m·n ≤ its dimension) in the given layout.
 *
 * @example
 * ```ts
 * import { dv, entry, viewGe } from "@knap/knap";
 * using x = dv(1, 2, 3, 4, 5, 6);
 * if (entry(viewGe(x, 2, 3), 1, 2) !== 6) throw new Error("unexpected");
 * ```
 */
export function viewGe<L extends Loc, D extends DType>(
  x: Vector<L, D>,
  m: number,
  n: number,
  options?: { readonly layout?: Layout },
): GEMatrix<L, D>;
/**
 * A tensor as a features × batch matrix, one column per sample: its first dimension is the batch
 * and the rest, which must form one run in memory, the features.
 */
export function viewGe<L extends Loc, D extends DType>(t: Tensor<L, D>): GEMatrix<L, D>;
/** The GE matrix over a dense `tr` or `sy`'s memory (both triangles as stored there). */
export function viewGe<L extends Loc, D extends DType>(
  a: StructuredMatrix<L, D>,
): GEMatrix<L, D>;
export function viewGe<L extends Loc, D extends DType>(
  x: Vector<L, D> | Tensor<L, D> | StructuredMatrix<L, D>,
  m?: number,
  n?: number,
  options: { readonly layout?: Layout } = {},
): GEMatrix<L, D> {
  if (x instanceof StructuredMatrix) return structuredGe(x);
  return x instanceof Tensor ? tensorGe(x) : vectorAsMatrix(x, m!, n!, options);
}

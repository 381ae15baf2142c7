/**
 * Making tensors: zero-filled, or filled from entries given in logical row-major order whatever
 * the layout.
 *
 * @module
 */

import type { Factory } from "../core/factory.ts";
import type { DType, Loc } from "../core/types.ts";
import { allocate } from "../core/structures.ts";
import { numbers } from "../core/host.ts";
import { checkFactoryLive } from "../core/factory.ts";
import { hostFactory } from "../engines/registry.ts";
import {
  checkDense,
  defaultLayouts,
  desc,
  entries,
  type TensorDesc,
  type TensorLayout,
} from "./desc.ts";
import { Tensor, walk } from "./tensor.ts";
import { transformer } from "./transformer.ts";

/**
 * A tensor of the factory's dtype, with a shape in logical order and a named layout (the rank's
 * default — `x`, `nc`, `ncw`, `nchw`, `ncdhw` — when omitted) or explicit dense strides, or one
 * described by a descriptor of the factory's dtype. It is zero-filled, or holds `data` given in
 * logical row-major order (the last dimension fastest) whatever its layout.
 *
 * @example
 * ```ts
 * import { desc, jsFloat, tensor } from "@knap/knap";
 * using a = tensor(jsFloat, [2, 3]);
 * using b = tensor(jsFloat, desc([2, 3], "float32", "cn"));
 * using c = tensor(jsFloat, [2, 3, 4, 4], "float32", "nhwc"); // Deep Diamond's argument order
 * if (a.layout !== "nc" || b.strides.join() !== "1,2" || c.layout !== "nhwc") throw new Error();
 * ```
 */
export function tensor<L extends Loc, D extends DType>(
  f: Factory<L, D>,
  shape: readonly number[] | TensorDesc,
  layout?: TensorLayout | readonly number[],
  data?: ArrayLike<number>,
): Tensor<L, D>;
/**
 * Deep Diamond's form, `tensor(factory, shape, dtype, layout)`: the dtype must be the factory's
 * (a factory makes one dtype), so a mismatch is refused rather than converted.
 */
export function tensor<L extends Loc, D extends DType>(
  f: Factory<L, D>,
  shape: readonly number[],
  dtype: D,
  layout?: TensorLayout | readonly number[],
  data?: ArrayLike<number>,
): Tensor<L, D>;
export function tensor<L extends Loc, D extends DType>(
  f: Factory<L, D>,
  shape: readonly number[] | TensorDesc,
  ...rest: unknown[]
): Tensor<L, D> {
  if (typeof rest[0] === "string" && dtypes.includes(rest[0] as DType)) {
    if (rest[0] !== f.dtype) {
      throw new TypeError(
        `tensor: ${f.name} makes ${f.dtype}, not ${rest[0]}; use a factory of that dtype`,
      );
    }
    rest.shift();
  }
  return make(
    f,
    shape,
    rest[0] as TensorLayout | readonly number[] | undefined,
    rest[1] as ArrayLike<number> | undefined,
  );
}

const dtypes: readonly DType[] = ["float32", "float64", "bfloat16"];

function make<L extends Loc, D extends DType>(
  f: Factory<L, D>,
  shape: readonly number[] | TensorDesc,
  layout: TensorLayout | readonly number[] | undefined,
  data: ArrayLike<number> | undefined,
): Tensor<L, D> {
  const op = "tensor";
  checkFactoryLive(op, f);
  let d: TensorDesc;
  if (Array.isArray(shape)) {
    d = desc(shape, f.dtype, layout ?? defaultLayouts[shape.length]);
  } else {
    d = shape as TensorDesc;
    if (d.dtype !== f.dtype) {
      throw new TypeError(`${op}: the descriptor is ${d.dtype}, ${f.name} makes ${f.dtype}`);
    }
    d = desc(d.shape, d.dtype, d.strides);
    // The descriptor carries its layout: a third argument that is not that layout is most
    // likely data put a place too early, which would leave the tensor silently zero.
    if (layout !== undefined) {
      const strides = typeof layout === "string" ? desc(d.shape, d.dtype, layout).strides : layout;
      if (strides.length !== d.strides.length || strides.some((v, i) => v !== d.strides[i])) {
        throw new TypeError(
          `${op}: the descriptor [${d.shape.join(", ")}] carries its layout, and the third ` +
            `argument (${strides.length} numbers) is not it; data comes fourth: ` +
            "tensor(f, desc, undefined, data)",
        );
      }
    }
  }
  checkDense(op, d.shape, d.strides, "a new tensor is dense");
  const span = entries(d.shape);
  // Typed arrays are numbers already; anything else is checked entry by entry.
  const values = data === undefined || data instanceof Float32Array || data instanceof Float64Array
    ? data
    : numbers(op, data);
  if (values !== undefined && values.length !== span) {
    throw new RangeError(
      `${op}: [${d.shape.join(", ")}] takes ${span} entries, got ${values.length}`,
    );
  }
  const t = new Tensor(f, allocate(op, f, span), 0, d.shape, d.strides, true);
  if (values === undefined) return t;
  try {
    // The entries go into a js tensor in logical order, then through the one copy path.
    const host = hostFactory(f.dtype);
    using staged = new Tensor(host, allocate(op, host, span), 0, d.shape, d.strides, true);
    const a = host.engine.hostArray(staged.storage.buffer)!;
    let k = 0;
    walk(d.shape, d.strides, 0, (at) => a[at] = values[k++]);
    transformer(staged, t).run();
    return t;
  } catch (e) {
    t[Symbol.dispose]();
    throw e;
  }
}

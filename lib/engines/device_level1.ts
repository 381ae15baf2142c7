/**
 * What a device engine's level-1 BLAS is made of, written once for WebGPU and OpenCL: every
 * reduction is a fold of an elementwise expression (a sum, a max, or a first arg-max/min), every
 * update an elementwise map, so an engine supplies only its fold, map and swap kernels. Also the
 * host side of its transfers: packing a strided host operand densely, and unpacking a span read
 * back from the device.
 *
 * @module
 */

import type { BlasEngine, HostOperand, Operand } from "../core/engine.ts";
import type { HostArray } from "../core/types.ts";
import { type Expr, fn1, mul, param, x, y } from "../elementwise/expr.ts";
import { updates } from "../elementwise/updates.ts";

/** How a reduction folds. */
export type Fold = "sum" | "max" | "argmax" | "argmin";

/** The kernels a device engine brings. */
export interface DeviceKernels {
  /** fold(f(a[, b]; params)) over every entry, read back. */
  scalar(
    fold: Fold,
    name: string,
    f: Expr,
    params: number[],
    a: Operand,
    b?: Operand,
  ): Promise<number>;
  /** The largest of the sums of |a| along each column (`cols`) or each row (`rows`). */
  lineMax(a: Operand, along: "cols" | "rows"): Promise<number>;
  /** out ← f(x[, y]; params) entry by entry; `name` keys the kernel. */
  map(
    name: string,
    f: Expr,
    params: readonly number[],
    out: Operand,
    x: Operand,
    y?: Operand,
  ): void;
  /** x ↔ y. */
  swap(x: Operand, y: Operand): void;
}

const absX = fn1("abs", x);

/**
 * The level-1 BLAS over a device's kernels. `tiny` is the sum of squares below which `nrm2`
 * rescales (it underflowed the engine's precision).
 */
export function deviceLevel1(
  k: DeviceKernels,
  tiny: number,
): Omit<BlasEngine, "gemv" | "ger" | "gemm"> {
  async function nrm2(a: Operand): Promise<number> {
    const ss = await k.scalar("sum", "sqr", mul(x, x), [], a);
    if (Number.isNaN(ss)) return NaN; // only a NaN entry makes a sum of squares NaN
    if (Number.isFinite(ss) && ss > tiny) return Math.sqrt(ss);
    // Squares overflowed or underflowed: scale by the largest magnitude first.
    const amax = await k.scalar("max", "abs", absX, [], a);
    if (amax === 0 || !Number.isFinite(amax)) return amax;
    const scaled = mul(param(0), x);
    return amax *
      Math.sqrt(await k.scalar("sum", "sqr-scaled", mul(scaled, scaled), [1 / amax], a));
  }
  return {
    dot: (a, b) => k.scalar("sum", "dot", mul(x, y), [], a, b),
    sum: (a) => k.scalar("sum", "id", x, [], a),
    asum: (a) => k.scalar("sum", "abs", absX, [], a),
    nrm2,
    nrm1: (a) => a.cols === 1 ? k.scalar("sum", "abs", absX, [], a) : k.lineMax(a, "cols"),
    nrmi: (a) => a.cols === 1 ? k.scalar("max", "abs", absX, [], a) : k.lineMax(a, "rows"),
    iamax: (a) => k.scalar("argmax", "abs", absX, [], a),
    iamin: (a) => k.scalar("argmin", "abs", absX, [], a),
    imax: (a) => k.scalar("argmax", "id", x, [], a),
    imin: (a) => k.scalar("argmin", "id", x, [], a),
    copy: (a, b) => k.map("copy", updates.copy, [], b, a),
    swap: (a, b) => k.swap(a, b),
    scal: (alpha, a) => k.map("scale", updates.scale, [alpha], a, a),
    axpby(alpha, a, beta, b) {
      if (beta === 0) k.map("scale", updates.scale, [alpha], b, a);
      else if (beta === 1) k.map("axpy", updates.axpy, [alpha], b, a, b);
      else k.map("axpby", updates.axpby, [alpha, beta], b, a, b);
    },
    fill: (a, v) => k.map("fill", updates.fill, [v], a, a),
  };
}

/** The index one past the last entry an operand touches. */
export function spanEnd(o: Operand): number {
  if (o.rows === 0 || o.cols === 0) return o.offset;
  return o.offset + (o.rows - 1) * o.rowStride + (o.cols - 1) * o.colStride + 1;
}

/** Whether an operand's entries are one dense column-major run. */
export const denseRun = (o: Operand): boolean =>
  o.rowStride === 1 && (o.cols === 1 || o.colStride === o.rows);

/** A host operand's entries in column-major order, for an operand shaped like `shape`. */
export function packed<A extends Float32Array | Float64Array>(
  src: HostOperand,
  shape: Operand,
  out: A,
): A {
  const s = src.storage.buffer as HostArray;
  for (let j = 0, k = 0; j < shape.cols; j++) {
    for (let i = 0; i < shape.rows; i++, k++) {
      out[k] = s[src.offset + i * src.rowStride + j * src.colStride];
    }
  }
  return out;
}

/** dst ← the entries of src, from `data`, the span of src's buffer from src's offset. */
export function unpack(data: ArrayLike<number>, src: Operand, dst: HostOperand): void {
  const d = dst.storage.buffer;
  for (let j = 0; j < src.cols; j++) {
    for (let i = 0; i < src.rows; i++) {
      d[dst.offset + i * dst.rowStride + j * dst.colStride] =
        data[i * src.rowStride + j * src.colStride];
    }
  }
}

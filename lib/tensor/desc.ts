/**
 * Tensor descriptors: a shape in logical order (n, c, [d,] h, w for data; o, i, [d,] h, w for
 * weights), an element type, and where each entry lies — given as strides or as a named layout
 * such as `nchw` or `nhwc`, whose letters list the logical dimensions from the outermost in
 * memory to the innermost. A descriptor says nothing about memory; a tensor pairs one with it.
 *
 * @module
 */

import type { DType } from "../core/types.ts";

/**
 * A named dense layout. The letters name the logical dimensions in memory order, outermost
 * first: `nhwc` keeps a pixel's channels together, `nchw` a channel's plane. Data and weights
 * differ only in their letters (`oihw` is `nchw` for weights).
 */
export type TensorLayout =
  | "x"
  | "nc"
  | "cn"
  | "oi"
  | "io"
  | "ncw"
  | "nwc"
  | "oiw"
  | "wio"
  | "nchw"
  | "nhwc"
  | "chwn"
  | "oihw"
  | "hwio"
  | "ohwi"
  | "ncdhw"
  | "ndhwc"
  | "oidhw"
  | "dhwio";

/** Each named layout's logical order: the same letters in the order the shape lists them. */
const logical: Record<TensorLayout, string> = {
  x: "x",
  nc: "nc",
  cn: "nc",
  oi: "oi",
  io: "oi",
  ncw: "ncw",
  nwc: "ncw",
  oiw: "oiw",
  wio: "oiw",
  nchw: "nchw",
  nhwc: "nchw",
  chwn: "nchw",
  oihw: "oihw",
  hwio: "oihw",
  ohwi: "oihw",
  ncdhw: "ncdhw",
  ndhwc: "ncdhw",
  oidhw: "oidhw",
  dhwio: "oidhw",
};

/** The layouts knap names, for messages and checks. */
export const tensorLayouts: readonly TensorLayout[] = Object.keys(logical) as TensorLayout[];

/** The layout a rank gets when none is named: the logical order itself (row-major). */
export const defaultLayouts: Readonly<Record<number, TensorLayout>> = {
  1: "x",
  2: "nc",
  3: "ncw",
  4: "nchw",
  5: "ncdhw",
};

/** A tensor's shape, element type and placement: what primitives are planned for. */
export interface TensorDesc {
  /** The dimensions in logical order: n, c, [d,] h, w (data) or o, i, [d,] h, w (weights). */
  readonly shape: readonly number[];
  /** The element type. */
  readonly dtype: DType;
  /** The distance in entries between neighbours along each logical dimension. */
  readonly strides: readonly number[];
  /** The named layout the strides are, if any. */
  readonly layout?: TensorLayout;
}

/** The dense strides of a named layout for a shape. */
export function layoutStrides(
  op: string,
  shape: readonly number[],
  layout: TensorLayout,
): number[] {
  const order = logical[layout];
  if (order === undefined) {
    throw new TypeError(
      `${op}: unknown layout ${JSON.stringify(layout)}; one of ${tensorLayouts.join(", ")}`,
    );
  }
  if (order.length !== shape.length) {
    throw new RangeError(
      `${op}: layout ${layout} is for rank ${order.length}, the shape [${shape.join(", ")}] ` +
        `has rank ${shape.length}`,
    );
  }
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let k = layout.length - 1; k >= 0; k--) {
    const d = order.indexOf(layout[k]);
    strides[d] = step;
    step *= Math.max(shape[d], 1);
  }
  return strides;
}

/** Throws unless shape is 1 to 5 whole dimensions. */
export function checkShape(op: string, shape: unknown): asserts shape is readonly number[] {
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 5) {
    throw new RangeError(`${op}: a tensor has 1 to 5 dimensions, got ${JSON.stringify(shape)}`);
  }
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(
        `${op}: dimensions must be whole numbers ≥ 0, got [${shape.join(", ")}]`,
      );
    }
  }
}

/** The named layout whose dense strides these are, for this shape; undefined if none. */
export function layoutOf(
  shape: readonly number[],
  strides: readonly number[],
): TensorLayout | undefined {
  const preferred = defaultLayouts[shape.length];
  const names = [preferred, ...tensorLayouts.filter((l) => l !== preferred)];
  return names.find((l) =>
    logical[l].length === shape.length &&
    layoutStrides("layoutOf", shape, l).every((s, d) => s === strides[d] || shape[d] <= 1)
  );
}

/**
 * A descriptor for a shape, an element type and a layout: a named one (the default for the rank
 * when omitted: `x`, `nc`, `ncw`, `nchw`, `ncdhw`) or explicit strides.
 *
 * @example
 * ```ts
 * import { desc } from "@knap/knap";
 * const d = desc([2, 3, 4, 5], "float32", "nhwc");
 * if (d.strides.join() !== "60,1,15,3") throw new Error("unexpected");
 * ```
 */
export function desc(
  shape: readonly number[],
  dtype: DType,
  layout?: TensorLayout | readonly number[],
): TensorDesc {
  const op = "desc";
  checkShape(op, shape);
  if (dtype !== "float32" && dtype !== "float64" && dtype !== "bfloat16") {
    throw new TypeError(`${op}: dtype must be float32, float64 or bfloat16, got ${String(dtype)}`);
  }
  let strides: number[];
  if (Array.isArray(layout)) {
    if (layout.length !== shape.length || !layout.every((s) => Number.isSafeInteger(s) && s >= 0)) {
      throw new RangeError(
        `${op}: strides [${layout.join(", ")}] do not fit the shape [${shape.join(", ")}]`,
      );
    }
    strides = [...layout];
  } else {
    strides = layoutStrides(op, shape, (layout ?? defaultLayouts[shape.length]) as TensorLayout);
  }
  const named = layoutOf(shape, strides);
  return Object.freeze({
    shape: Object.freeze([...shape]),
    dtype,
    strides: Object.freeze(strides),
    ...(named === undefined ? {} : { layout: named }),
  });
}

/** One run of a folded tensor: `extent` entries `stride` apart. */
export interface Run {
  /** Entries along the run. */
  readonly extent: number;
  /** Distance between neighbours. */
  readonly stride: number;
}

/**
 * The fewest runs that reach the same entries as the shape and strides, outermost first:
 * dimensions of extent 1 drop out, and a dimension whose stride is its inner neighbour's stride
 * times that neighbour's extent merges with it. A dense tensor folds into one run of stride 1.
 */
export function fold(shape: readonly number[], strides: readonly number[]): Run[] {
  const dims = shape.map((extent, d) => ({ extent, stride: strides[d] }))
    .filter((r) => r.extent !== 1)
    .sort((a, b) => b.stride - a.stride);
  if (dims.some((r) => r.extent === 0)) return [{ extent: 0, stride: 1 }];
  const runs: Run[] = [];
  for (const r of dims.reverse()) {
    const inner = runs[0];
    if (inner !== undefined && r.stride === inner.stride * inner.extent) {
      runs[0] = { extent: inner.extent * r.extent, stride: inner.stride };
    } else {
      runs.unshift(r);
    }
  }
  return runs.length === 0 ? [{ extent: 1, stride: 1 }] : runs;
}

/** The number of entries of a shape. */
export function entries(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/**
 * Throws a RangeError unless strides lay a shape's entries out densely — every place from the
 * first to the last holds exactly one — saying which way they fail: entries that would share
 * memory (a write to one would change another), or gaps.
 */
export function checkDense(
  op: string,
  shape: readonly number[],
  strides: readonly number[],
  what: string,
): void {
  const n = entries(shape);
  if (n <= 1) return;
  const runs = fold(shape, strides);
  if (runs.length === 1 && runs[0].stride === 1) return;
  const places = 1 + shape.reduce((s, e, d) => s + (e - 1) * strides[d], 0);
  // n entries in no more than n places, and not one run: some place holds two.
  const how = places <= n
    ? `make entries share memory (${n} entries in ${places} places)`
    : `leave gaps (${n} entries over ${places} places)`;
  throw new RangeError(
    `${op}: strides [${strides.join(", ")}] of [${shape.join(", ")}] ${how}; ${what}`,
  );
}

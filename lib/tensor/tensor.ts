/**
 * Tensors: a descriptor over an engine's memory. An owner frees its memory when disposed;
 * views (sub-tensors along the batch, reshapes of dense tensors) share it and never free it.
 *
 * @module
 */

import type { Storage } from "../core/engine.ts";
import type { Factory } from "../core/factory.ts";
import type { ArrayOf, DType, HostArray, Loc } from "../core/types.ts";
import { dtypeName } from "../core/types.ts";
import { hostArrayOf, OwnedStorage, release } from "../core/structures.ts";
import { checkFactoryLive } from "../core/factory.ts";
import { KnapError } from "../core/errors.ts";
import { formatEntry } from "../core/print.ts";
import { imageGridSvg } from "../pictures/image_grid.ts";
import { checkShape, desc, entries, layoutOf, type TensorDesc, type TensorLayout } from "./desc.ts";

/**
 * The entries reached by every index, with no two at one place: sorted by stride, each
 * dimension must step over everything inside it.
 */
function checkPlacement(
  op: string,
  storage: Storage,
  offset: number,
  shape: readonly number[],
  strides: readonly number[],
): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new RangeError(`${op}: the offset must be a whole number ≥ 0, got ${offset}`);
  }
  if (
    strides.length !== shape.length || !strides.every((s) => Number.isSafeInteger(s) && s >= 0)
  ) {
    throw new RangeError(`${op}: strides [${strides.join(", ")}] do not fit [${shape.join(", ")}]`);
  }
  if (shape.includes(0)) return;
  const dims = shape.map((e, d) => ({ e, s: strides[d] })).filter((r) => r.e > 1)
    .sort((a, b) => a.s - b.s);
  let span = 1;
  for (const { e, s } of dims) {
    if (s < span) {
      throw new RangeError(
        `${op}: strides [${strides.join(", ")}] put two entries of [${
          shape.join(", ")
        }] at one place`,
      );
    }
    span = s * (e - 1) + span;
  }
  const last = offset + shape.reduce((sum, e, d) => sum + (e - 1) * strides[d], 0);
  if (last >= storage.length) {
    throw new RangeError(`${op}: entries reach index ${last} of memory with ${storage.length}`);
  }
}

const inspect = Symbol.for("Deno.customInspect");
const jupyter = Symbol.for("Jupyter.display");

/**
 * A tensor of rank 1 to 5: entry (i₀, …, i_k) lies at `offset + Σ i_d · strides[d]` of its
 * factory's memory. Make one with `tensor`; views come from `viewTz` and `batchOf`.
 *
 * @example
 * ```ts
 * import { defaultFloat, tensor } from "@knap/knap";
 * using t = tensor(defaultFloat(), [2, 3, 4, 4], "nhwc");
 * if (t.layout !== "nhwc" || t.strides.join() !== "48,1,12,3") throw new Error("unexpected");
 * ```
 */
export class Tensor<L extends Loc = Loc, D extends DType = DType> {
  /** The factory that made the memory. */
  readonly factory: Factory<L, D>;
  /** The memory, shared with views. */
  readonly storage: Storage;
  /** Index of the first entry. */
  readonly offset: number;
  /** The dimensions, in logical order. */
  readonly shape: readonly number[];
  /** The distance between neighbours along each dimension. */
  readonly strides: readonly number[];
  /** The named layout of the strides, if they are one. */
  readonly layout: TensorLayout | undefined;
  /** Whether disposing frees the memory (false for views). */
  readonly owner: boolean;

  /**
   * Internal: make tensors with `tensor` and the view functions. The constructor checks that
   * the memory is an allocation of `factory`, that every entry lies inside it, and that no two
   * entries share a place.
   */
  constructor(
    factory: Factory<L, D>,
    storage: Storage,
    offset: number,
    shape: readonly number[],
    strides: readonly number[],
    owner: boolean,
  ) {
    const op = "Tensor";
    if (!(storage instanceof OwnedStorage) || storage.factory !== factory) {
      throw new TypeError(
        `${op}: the memory must come from the same factory's allocation; make tensors with tensor`,
      );
    }
    checkShape(op, shape);
    checkPlacement(op, storage, offset, shape, strides);
    this.factory = factory;
    this.storage = storage;
    this.offset = offset;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze([...strides]);
    this.layout = layoutOf(shape, strides);
    this.owner = owner;
    Object.freeze(this);
  }

  /** The element type. */
  get dtype(): D {
    return this.factory.dtype;
  }

  /** The number of entries. */
  get size(): number {
    return entries(this.shape);
  }

  /** The descriptor: shape, dtype, strides and the layout's name. */
  get desc(): TensorDesc {
    return desc(this.shape, this.dtype, this.strides);
  }

  /** Frees the memory if this tensor owns it; a view's dispose does nothing. */
  [Symbol.dispose](): void {
    release(this.factory, this.storage, this.owner);
  }

  /** The entries in logical row-major order (the last dimension fastest); host tensors only. */
  toArray(): L extends "host" ? ArrayOf<D> : never;
  toArray(): HostArray {
    if (this.factory.engine.hostArray(this.storage.buffer) === undefined) {
      throw new TypeError(
        `toArray: this tensor lives on ${this.factory.engine.name}, which the host cannot read; ` +
          "transform it into a js tensor first (transformer(t, tensor(jsFloat, t.shape)).run())",
      );
    }
    const a = hostArrayOf("toArray", this);
    const out = new (this.dtype === "float64" ? Float64Array : Float32Array)(this.size);
    let k = 0;
    walk(this.shape, this.strides, this.offset, (at) => out[k++] = a[at]);
    return out;
  }

  /** `#Tensor[float, shape:[2 3 4 4], layout:nhwc, offset:0]`, as the console prints it. */
  toString(): string {
    return formatTensor(this);
  }

  /** Deep Diamond-style printing. */
  [inspect](): string {
    return formatTensor(this);
  }

  /**
   * In `deno jupyter`: the printed form, and a batch of grayscale images in host memory
   * ([n, 1, h, w]) as a grid of its first 32 images.
   */
  [jupyter](): Record<string, string> {
    const shown: Record<string, string> = { "text/plain": formatTensor(this) };
    const [n, c, h, w] = this.shape;
    const host = this.factory.engine.hostArray(this.storage.buffer) !== undefined;
    if (
      this.shape.length === 4 && c === 1 && host && !this.storage.released && h <= 512 && w <= 512
    ) {
      const count = Math.min(n, GRID_IMAGES);
      const first = new Tensor(
        this.factory,
        this.storage,
        this.offset,
        [count, 1, h, w],
        this.strides,
        false,
      );
      shown["image/svg+xml"] = imageGridSvg(first.toArray(), count, {
        width: w,
        height: h,
        title: count < n ? `the first ${count} of ${n} images` : `${n} images`,
      });
    }
    return shown;
  }
}

/** How many images of a batch a notebook shows. */
const GRID_IMAGES = 32;

/** Calls visit with the memory index of every entry, in logical row-major order. */
export function walk(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  visit: (at: number) => void,
): void {
  if (shape.includes(0)) return;
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let at = offset;
  for (;;) {
    visit(at);
    let d = rank - 1;
    for (; d >= 0; d--) {
      if (++index[d] < shape[d]) {
        at += strides[d];
        break;
      }
      at -= (shape[d] - 1) * strides[d];
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

const SHOWN = 6;

function formatTensor(t: Tensor): string {
  const header = `#Tensor[${dtypeName(t.dtype)}, shape:[${t.shape.join(" ")}], layout:${
    t.layout ?? `[${t.strides.join(" ")}]`
  }, offset:${t.offset}]`;
  if (t.storage.released) return `${header}\n(released)`;
  const a = t.factory.engine.hostArray(t.storage.buffer);
  if (a === undefined) {
    return `${header}\n(on ${t.factory.engine.name}: transform it into a host tensor to read it)`;
  }
  // The innermost logical dimension as rows of entries, the first few of each; as Deep Diamond.
  const inner = t.shape[t.shape.length - 1];
  const rows: string[] = [];
  let row: string[] = [];
  let k = 0;
  let shownRows = 0;
  walk(t.shape, t.strides, t.offset, (at) => {
    if (shownRows < SHOWN && k % inner < SHOWN) row.push(formatEntry(a[at]));
    if (++k % inner === 0) {
      if (shownRows < SHOWN) rows.push(`[${row.join(" ")}${inner > SHOWN ? " ⋯" : ""}]`);
      shownRows++;
      row = [];
    }
  });
  if (shownRows > SHOWN) rows.push("⋮");
  return `${header}\n${rows.join("\n")}`;
}

/** Throws unless t is a tensor whose memory and factory are alive. */
export function liveTensor(op: string, t: unknown, name = "t"): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a tensor`);
  if (t.storage.released) throw new KnapError(`${op}: ${name} was released`, "released");
  checkFactoryLive(op, t.factory);
}

/**
 * A tensor's shape in logical order (Deep Diamond's `shape`).
 *
 * @example
 * ```ts
 * import { jsFloat, shape, tensor } from "@knap/knap";
 * using t = tensor(jsFloat, [2, 3]);
 * if (shape(t).join() !== "2,3") throw new Error("unexpected");
 * ```
 */
export function shape(t: Tensor): readonly number[] {
  liveTensor("shape", t);
  return t.shape;
}

/**
 * A tensor's layout: its name when the strides are a named layout, else the strides.
 *
 * @example
 * ```ts
 * import { jsFloat, layout, tensor } from "@knap/knap";
 * using t = tensor(jsFloat, [2, 3, 4, 4], "nhwc");
 * if (layout(t) !== "nhwc") throw new Error("unexpected");
 * ```
 */
export function layout(t: Tensor): TensorLayout | readonly number[] {
  liveTensor("layout", t);
  return t.layout ?? t.strides;
}

/**
 * A tensor's element type (Deep Diamond's `data-type`).
 *
 * @example
 * ```ts
 * import { dataType, jsDouble, tensor } from "@knap/knap";
 * using t = tensor(jsDouble, [4]);
 * if (dataType(t) !== "float64") throw new Error("unexpected");
 * ```
 */
export function dataType<D extends DType>(t: Tensor<Loc, D>): D {
  liveTensor("dataType", t);
  return t.dtype;
}

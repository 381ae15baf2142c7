/**
 * Vectors and general (GE) matrices: a view of an engine's buffer through an offset, a
 * dimension and strides. Owners free their memory when disposed; views never do.
 *
 * @module
 */

import type { Operand, Storage } from "./engine.ts";
import type { Factory } from "./factory.ts";
import type { ArrayOf, DType, HostArray, Layout, Loc } from "./types.ts";
import { arrayType } from "./types.ts";
import { KnapError } from "./errors.ts";
import { formatMatrix, formatVector, htmlStructure } from "./print.ts";

/** Memory of one owner, shared by all its views. Only {@linkcode allocate} makes one. */
export class OwnedStorage implements Storage {
  readonly buffer: unknown;
  readonly length: number;
  /** The factory whose engine allocated the buffer: structures over it must name that one. */
  readonly factory: Factory;
  #released = false;
  private constructor(factory: Factory, buffer: unknown, length: number) {
    this.factory = factory;
    this.buffer = buffer;
    this.length = length;
    Object.freeze(this);
  }

  /** True once the owner was released; nothing can set it back. */
  get released(): boolean {
    return this.#released;
  }

  /** Marks the memory released; true the first time, so it is freed once. */
  static release(s: OwnedStorage): boolean {
    if (s.#released) return false;
    s.#released = true;
    return true;
  }

  /** Internal to {@linkcode allocate}. */
  static make(factory: Factory, buffer: unknown, length: number): OwnedStorage {
    return new OwnedStorage(factory, buffer, length);
  }
}

// A safety net only: frees device memory a user forgot to release. `using` comes first. It
// watches the storage, not the owner: views hold the storage, so while any view is reachable
// the memory stays.
const forgotten = new FinalizationRegistry<{ factory: Factory; buffer: unknown }>(
  ({ factory, buffer }) => {
    if (!factory.released) factory.engine.free(buffer);
  },
);

/**
 * Allocates zeroed memory for `length` entries from a factory's engine, for the public op
 * `op`: sizes past what the engine can address are refused, and a failed allocation is a
 * KnapError naming the op and the size.
 */
export function allocate(op: string, factory: Factory, length: number): OwnedStorage {
  const engine = factory.engine;
  if (length > engine.maxEntries) {
    throw new RangeError(
      `${op}: ${length} entries exceed what ${factory.name} can address (${engine.maxEntries})`,
    );
  }
  let buffer: unknown;
  try {
    buffer = engine.alloc(factory.dtype, Math.max(length, 1));
  } catch (e) {
    // V8 refuses a typed array with a RangeError, a GPU with an out-of-memory or operation error.
    const outOfMemory = e instanceof RangeError ||
      (e instanceof Error && /OutOfMemory|OperationError/.test(e.name));
    if (!outOfMemory) throw e;
    throw noMemory(
      op,
      length,
      factory.dtype === "bfloat16" ? 2 : hostWidth(factory),
      factory.name,
      e,
    );
  }
  const storage = OwnedStorage.make(factory, buffer, length);
  if (!engine.collected) forgotten.register(storage, { factory, buffer }, storage);
  return storage;
}

/** A new host typed array for n entries of the factory's dtype; failure is a KnapError. */
function freshArray(op: string, factory: Factory, n: number): HostArray {
  try {
    return new (arrayType(factory.dtype))(n);
  } catch (e) {
    throw noMemory(op, n, hostWidth(factory), "the host", e);
  }
}

/** Bytes of one entry of the factory's dtype in host memory. */
const hostWidth = (f: Factory): number => (f.dtype === "float64" ? 8 : 4);

/** The KnapError of a failed allocation of n entries of `width` bytes, `where` named. */
function noMemory(op: string, n: number, width: number, where: string, e: unknown): KnapError {
  const bytes = n * width;
  const size = bytes >= 2 ** 30
    ? `${(bytes / 2 ** 30).toFixed(1)} GiB`
    : bytes >= 2 ** 20
    ? `${(bytes / 2 ** 20).toFixed(1)} MiB`
    : `${bytes} bytes`;
  return new KnapError(
    `${op}: could not allocate ${n} entries (${size}) on ${where}: ${
      (e as Error).message
    }. Free memory (release structures with \`using\`) or use smaller batches`,
    "out-of-memory",
  );
}

/** Frees an owner's memory once; views (owner false) and second calls do nothing. */
export function release(factory: Factory, s: Storage, owner: boolean): void {
  if (!owner || !(s instanceof OwnedStorage) || !OwnedStorage.release(s)) return;
  if (!factory.engine.collected) forgotten.unregister(s);
  if (!factory.released) factory.engine.free(s.buffer);
}

export function hostArrayOf(op: string, s: { factory: Factory; storage: Storage }): HostArray {
  const a = s.factory.engine.hostArray(s.storage.buffer);
  if (a === undefined) {
    throw new TypeError(
      `${op}: this structure lives on ${s.factory.engine.name}, which the host cannot read; ` +
        "use `await transfer(x)` for a host copy",
    );
  }
  if (s.storage.released) throw new KnapError(`${op}: the structure was released`, "released");
  return a;
}

/** Throws unless v is an integer in [min, 2⁵³). */
function integer(what: string, name: string, v: unknown, min: number): asserts v is number {
  if (!Number.isSafeInteger(v) || (v as number) < min) {
    throw new RangeError(`${what}: ${name} must be an integer ≥ ${min}, got ${String(v)}`);
  }
}

/**
 * The checks behind the constructors: memory from `allocate` for this factory, whole
 * non-negative offsets, dimensions and strides, and every entry inside the memory — so no
 * structure, however made, can lead an engine outside its buffer.
 */
function checkLayout(
  what: string,
  factory: Factory,
  storage: Storage,
  offset: number,
  dims: readonly [number, number, number, number],
  owner: boolean,
): void {
  if (!(storage instanceof OwnedStorage) || storage.factory !== factory) {
    throw new TypeError(
      `${what}: the memory must come from the same factory's allocation; make structures ` +
        "with vctr, ge and the view functions",
    );
  }
  if (typeof owner !== "boolean") throw new TypeError(`${what}: owner must be a boolean`);
  const [rows, cols, rowStride, colStride] = dims;
  integer(what, "the offset", offset, 0);
  integer(what, "the number of rows", rows, 0);
  integer(what, "the number of columns", cols, 0);
  integer(what, "the row stride", rowStride, 1);
  integer(what, "the column stride", colStride, 1);
  if (rows === 0 || cols === 0) return;
  const last = offset + (rows - 1) * rowStride + (cols - 1) * colStride;
  if (last >= storage.length) {
    throw new RangeError(
      `${what}: entries reach index ${last} of memory with ${storage.length} entries`,
    );
  }
}

const inspect = Symbol.for("Deno.customInspect");
const jupyter = Symbol.for("Jupyter.display");

/**
 * A dense vector: `dim` entries `stride` apart from `offset` in its factory's memory.
 * Make one with `vctr`, `dv` or `fv`; views come from `subvector`, `row`, `col`, `dia`.
 *
 * @example Entries, iteration and release
 * ```ts
 * import { dv, entry } from "@knap/knap";
 * using x = dv(1, 2, 3);
 * if (entry(x, 1) !== 2 || [...x].length !== 3) throw new Error("unexpected");
 * ```
 */
export class Vector<L extends Loc = Loc, D extends DType = DType> implements Operand {
  /** The factory that made the memory. */
  readonly factory: Factory<L, D>;
  /** The memory, shared with views. */
  readonly storage: Storage;
  /** Index of the first entry. */
  readonly offset: number;
  /** Distance between consecutive entries. */
  readonly stride: number;
  /** Number of entries. */
  readonly dim: number;
  /** Whether disposing frees the memory (false for views). */
  readonly owner: boolean;
  /** As an operand: `dim` rows. */
  readonly rows: number;
  /** As an operand: one column. */
  readonly cols: 1 = 1;
  /** As an operand: the stride. */
  readonly rowStride: number;
  /** As an operand: unused for one column, kept consistent. */
  readonly colStride: number;

  /**
   * Internal: make vectors with `vctr` and the view functions. The constructor checks that the
   * memory is an allocation of `factory` and that every entry lies inside it.
   */
  constructor(
    factory: Factory<L, D>,
    storage: Storage,
    offset: number,
    stride: number,
    dim: number,
    owner: boolean,
  ) {
    this.factory = factory;
    this.storage = storage;
    this.offset = offset;
    this.stride = stride;
    this.dim = dim;
    this.owner = owner;
    this.rows = dim;
    this.rowStride = stride;
    this.colStride = stride * dim;
    checkLayout("Vector", factory, storage, offset, [dim, 1, stride, 1], owner);
    Object.freeze(this);
  }

  /** Frees the memory if this vector owns it; a view's dispose does nothing. */
  [Symbol.dispose](): void {
    release(this.factory, this.storage, this.owner);
  }

  /** A fresh typed array holding the entries in order (host structures only). */
  toArray(): L extends "host" ? ArrayOf<D> : never;
  toArray(): HostArray {
    const a = hostArrayOf("toArray", this);
    const out = freshArray("toArray", this.factory, this.dim);
    if (this.dim === 0) return out;
    for (let i = 0, k = this.offset; i < this.dim; i++, k += this.stride) out[i] = a[k];
    return out;
  }

  /** The entries in order (host structures only). */
  *[Symbol.iterator](): IterableIterator<number> {
    const a = hostArrayOf("iterate", this);
    for (let i = 0, k = this.offset; i < this.dim; i++, k += this.stride) yield a[k];
  }

  /** Neanderthal-style printing. */
  [inspect](): string {
    return formatVector(this);
  }

  /** The header and the (elided) entries, as printing shows them. */
  toString(): string {
    return formatVector(this);
  }

  /** In `deno jupyter`: an HTML table of the entries, with the printed form as plain text. */
  [jupyter](): Record<string, string> {
    return { "text/html": htmlStructure(this), "text/plain": formatVector(this) };
  }
}

/**
 * A general dense matrix: entry (i, j) at `offset + i + j·ld` in column layout, at
 * `offset + i·ld + j` in row layout. Make one with `ge`, `dge` or `fge`; views come from
 * `submatrix` and `trans`.
 *
 * @example A row-layout matrix
 * ```ts
 * import { dge, entry } from "@knap/knap";
 * using a = dge(2, 3, [1, 2, 3, 4, 5, 6], { layout: "row" });
 * if (entry(a, 1, 0) !== 4) throw new Error("unexpected");
 * ```
 */
export class GEMatrix<L extends Loc = Loc, D extends DType = DType> implements Operand {
  /** The factory that made the memory. */
  readonly factory: Factory<L, D>;
  /** The memory, shared with views. */
  readonly storage: Storage;
  /** Index of entry (0, 0). */
  readonly offset: number;
  /** Number of rows. */
  readonly m: number;
  /** Number of columns. */
  readonly n: number;
  /** Leading dimension: the distance between columns (column layout) or rows (row layout). */
  readonly ld: number;
  /** Column or row layout. */
  readonly layout: Layout;
  /** Whether disposing frees the memory (false for views). */
  readonly owner: boolean;
  /** As an operand: m. */
  readonly rows: number;
  /** As an operand: n. */
  readonly cols: number;
  /** As an operand: distance between rows. */
  readonly rowStride: number;
  /** As an operand: distance between columns. */
  readonly colStride: number;

  /**
   * Internal: make matrices with `ge` and the view functions. The constructor checks that the
   * memory is an allocation of `factory` and that every entry lies inside it.
   */
  constructor(
    factory: Factory<L, D>,
    storage: Storage,
    offset: number,
    m: number,
    n: number,
    ld: number,
    layout: Layout,
    owner: boolean,
  ) {
    this.factory = factory;
    this.storage = storage;
    this.offset = offset;
    this.m = m;
    this.n = n;
    this.ld = ld;
    this.layout = layout;
    this.owner = owner;
    this.rows = m;
    this.cols = n;
    this.rowStride = layout === "column" ? 1 : ld;
    this.colStride = layout === "column" ? ld : 1;
    if (layout !== "column" && layout !== "row") {
      throw new TypeError(`GEMatrix: layout must be "column" or "row", got ${String(layout)}`);
    }
    checkLayout(
      "GEMatrix",
      factory,
      storage,
      offset,
      [m, n, this.rowStride, this.colStride],
      owner,
    );
    // A major slice may not run into the next one: every entry has its own place.
    const inner = layout === "column" ? m : n, outer = layout === "column" ? n : m;
    if (outer > 1 && ld < inner) {
      throw new RangeError(`GEMatrix: leading dimension ${ld} is smaller than ${inner}`);
    }
    Object.freeze(this);
  }

  /** Frees the memory if this matrix owns it; a view's dispose does nothing. */
  [Symbol.dispose](): void {
    release(this.factory, this.storage, this.owner);
  }

  /** A fresh typed array of the entries in this matrix's own layout order (host only). */
  toArray(): L extends "host" ? ArrayOf<D> : never;
  toArray(): HostArray {
    const a = hostArrayOf("toArray", this);
    const out = freshArray("toArray", this.factory, this.m * this.n);
    if (out.length === 0) return out;
    const [outer, inner] = this.layout === "column" ? [this.n, this.m] : [this.m, this.n];
    let k = 0;
    for (let p = 0; p < outer; p++) {
      const base = this.offset + p * this.ld;
      for (let q = 0; q < inner; q++) out[k++] = a[base + q];
    }
    return out;
  }

  /** The entries in this matrix's layout order (host only). */
  *[Symbol.iterator](): IterableIterator<number> {
    yield* this.toArray();
  }

  /** Neanderthal-style printing. */
  [inspect](): string {
    return formatMatrix(this);
  }

  /** The header and the (elided) entries, row by row, as printing shows them. */
  toString(): string {
    return formatMatrix(this);
  }

  /** In `deno jupyter`: an HTML table of the entries, with the printed form as plain text. */
  [jupyter](): Record<string, string> {
    return { "text/html": htmlStructure(this), "text/plain": formatMatrix(this) };
  }
}

/** A vector or a GE matrix. */
export type Structure<L extends Loc = Loc, D extends DType = DType> =
  | Vector<L, D>
  | GEMatrix<L, D>;

/** A host typed array of a structure's storage, for host-side helpers. */
export function hostBuffer(op: string, s: Structure): HostArray {
  return hostArrayOf(op, s);
}

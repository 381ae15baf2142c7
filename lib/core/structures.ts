/**
 * Vectors and general (GE) matrices: a view of an engine's buffer through an offset, a
 * dimension and strides. Owners free their memory when disposed; views never do.
 *
 * @module
 */

import type { Operand, Storage } from "./engine.ts";
import type { Factory } from "./factory.ts";
import type { HostArray, Layout, Loc } from "./types.ts";
import { arrayType } from "./types.ts";
import { KnapError } from "./errors.ts";
import { formatMatrix, formatVector } from "./print.ts";

/** Memory of one owner, shared by all its views. */
export class OwnedStorage implements Storage {
  readonly buffer: unknown;
  readonly length: number;
  released = false;
  constructor(buffer: unknown, length: number) {
    this.buffer = buffer;
    this.length = length;
  }
}

// A safety net only: frees device memory a user forgot to release. `using` comes first.
const forgotten = new FinalizationRegistry<{ factory: Factory; storage: OwnedStorage }>(
  ({ factory, storage }) => {
    if (!storage.released && !factory.released) {
      storage.released = true;
      factory.engine.free(storage.buffer);
    }
  },
);

/** Allocates zeroed memory for `length` entries from a factory's engine. */
export function allocate(factory: Factory, length: number): OwnedStorage {
  return new OwnedStorage(factory.engine.alloc(factory.dtype, Math.max(length, 1)), length);
}

/** Registers a new owner so its memory is freed if the user forgets to release it. */
export function watch<T extends Structure>(owner: T): T {
  const { factory } = owner;
  const storage = owner.storage as OwnedStorage;
  if (!factory.engine.collected) forgotten.register(owner, { factory, storage }, storage);
  return owner;
}

function release(factory: Factory, s: Storage, owner: boolean): void {
  if (!owner || s.released) return;
  const storage = s as OwnedStorage;
  storage.released = true;
  if (!factory.engine.collected) forgotten.unregister(storage);
  if (!factory.released) factory.engine.free(storage.buffer);
}

function hostArrayOf(op: string, s: { factory: Factory; storage: Storage }): HostArray {
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

const inspect = Symbol.for("Deno.customInspect");

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
export class Vector<L extends Loc = Loc> implements Operand {
  /** The factory that made the memory. */
  readonly factory: Factory<L>;
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

  /** Internal: use `vctr` and the view functions. */
  constructor(
    factory: Factory<L>,
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
  }

  /** Frees the memory if this vector owns it; a view's dispose does nothing. */
  [Symbol.dispose](): void {
    release(this.factory, this.storage, this.owner);
  }

  /** A fresh typed array holding the entries in order (host structures only). */
  toArray(): L extends "host" ? HostArray : never;
  toArray(): HostArray {
    const a = hostArrayOf("toArray", this);
    const out = new (arrayType(this.factory.dtype))(this.dim);
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
export class GEMatrix<L extends Loc = Loc> implements Operand {
  /** The factory that made the memory. */
  readonly factory: Factory<L>;
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

  /** Internal: use `ge` and the view functions. */
  constructor(
    factory: Factory<L>,
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
  }

  /** Frees the memory if this matrix owns it; a view's dispose does nothing. */
  [Symbol.dispose](): void {
    release(this.factory, this.storage, this.owner);
  }

  /** A fresh typed array of the entries in this matrix's own layout order (host only). */
  toArray(): L extends "host" ? HostArray : never;
  toArray(): HostArray {
    const a = hostArrayOf("toArray", this);
    const out = new (arrayType(this.factory.dtype))(this.m * this.n);
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
}

/** A vector or a GE matrix. */
export type Structure<L extends Loc = Loc> = Vector<L> | GEMatrix<L>;

/** A host typed array of a structure's storage, for host-side helpers. */
export function hostBuffer(op: string, s: Structure): HostArray {
  return hostArrayOf(op, s);
}

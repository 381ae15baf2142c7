/**
 * Structured matrices — Neanderthal's `tr`, `sy`, `gb`, `sb`, `tb`, `tp`, `sp`, `gd`, `gt`,
 * `dt` and `st` — as one class over its kind's storage (kinds.ts), and their constructors. Each
 * is made by a factory, owns or views its memory as a GE matrix does, prints as Neanderthal
 * prints it and shows as a table in notebooks.
 *
 * @module
 */

import type { Storage } from "./engine.ts";
import type { Factory } from "./factory.ts";
import { checkFactoryLive } from "./factory.ts";
import type { DType, Layout, Loc } from "./types.ts";
import { dtypeName } from "./types.ts";
import { allocate, OwnedStorage, release } from "./structures.ts";
import { hostOperand, numbers } from "./host.ts";
import { count, numeric } from "./checks.ts";
import { KnapError } from "./errors.ts";
import { formatGrid, htmlGrid, htmlNote, unreadable } from "./print.ts";
import {
  columnReading,
  type Diag,
  entryIndex,
  isBanded,
  isDense,
  isDiagonals,
  isSymmetric,
  isTriangular,
  type KindShape,
  type MatrixKind,
  ONE,
  storageLength,
  type Uplo,
  ZERO,
} from "./kinds.ts";
import type { Data } from "./construct.ts";

export type { Diag, MatrixKind, Uplo };

const inspect = Symbol.for("Deno.customInspect");
const jupyter = Symbol.for("Jupyter.display");

/** Neanderthal's type names in printing. */
const typeName: Record<MatrixKind, string> = {
  tr: "RealUploMatrix",
  sy: "RealUploMatrix",
  gb: "RealBandedMatrix",
  sb: "RealBandedMatrix",
  tb: "RealBandedMatrix",
  tp: "RealPackedMatrix",
  sp: "RealPackedMatrix",
  gd: "RealDiagonalMatrix",
  gt: "RealDiagonalMatrix",
  dt: "RealDiagonalMatrix",
  st: "RealDiagonalMatrix",
};

/**
 * A structured matrix: triangular, symmetric, banded, packed, diagonal or tridiagonal. Make one
 * with {@linkcode tr}, {@linkcode sy}, {@linkcode gb}, {@linkcode sb}, {@linkcode tb},
 * {@linkcode tp}, {@linkcode sp}, {@linkcode gd}, {@linkcode gt}, {@linkcode dt} or
 * {@linkcode st}; `kind` says which.
 *
 * @example A lower triangular matrix, filled column by column
 * ```ts
 * import { entry, jsDouble, tr } from "@knap/knap";
 * using l = tr(jsDouble, 3, [1, 2, 3, 4, 5, 6], { uplo: "lower" });
 * if (entry(l, 2, 1) !== 5 || entry(l, 0, 2) !== 0) throw new Error("unexpected");
 * ```
 */
export class StructuredMatrix<L extends Loc = Loc, D extends DType = DType> implements KindShape {
  /** The factory that made the memory. */
  readonly factory: Factory<L, D>;
  /** The memory, shared with views. */
  readonly storage: Storage;
  /** Index of the first stored entry. */
  readonly offset: number;
  /** Which of Neanderthal's kinds. */
  readonly kind: MatrixKind;
  /** Rows. */
  readonly m: number;
  /** Columns. */
  readonly n: number;
  /** Distance between stored columns (rows in row layout) of dense and band storage. */
  readonly ld: number;
  /** Column or row layout (a row-layout matrix reads its transpose's column storage). */
  readonly layout: Layout;
  /** The triangle stored (triangular and symmetric kinds). */
  readonly uplo: Uplo;
  /** Whether the diagonal is stored or reads as ones (triangular kinds). */
  readonly diag: Diag;
  /** Stored band width below the diagonal. */
  readonly kl: number;
  /** Stored band width above the diagonal. */
  readonly ku: number;
  /** Whether disposing frees the memory (false for views). */
  readonly owner: boolean;

  /**
   * Internal: make structured matrices with the constructors and views. The constructor checks
   * that the memory is the factory's and that every stored entry lies inside it.
   */
  constructor(
    factory: Factory<L, D>,
    storage: Storage,
    offset: number,
    shape: KindShape,
    owner: boolean,
  ) {
    this.factory = factory;
    this.storage = storage;
    this.offset = offset;
    this.kind = shape.kind;
    this.m = shape.m;
    this.n = shape.n;
    this.ld = shape.ld;
    this.layout = shape.layout;
    this.uplo = shape.uplo;
    this.diag = shape.diag;
    this.kl = shape.kl;
    this.ku = shape.ku;
    this.owner = owner;
    checkShape(`${shape.kind}`, this);
    if (!(storage instanceof OwnedStorage) || storage.factory !== factory) {
      throw new TypeError(
        `${shape.kind}: the memory must come from the same factory's allocation`,
      );
    }
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new RangeError(`${shape.kind}: the offset must be an integer ≥ 0, got ${offset}`);
    }
    const length = storageLength(this);
    if (length > 0 && offset + length > storage.length) {
      throw new RangeError(
        `${shape.kind}: a ${this.m}×${this.n} ${describe(this)} reaches index ${
          offset + length - 1
        } of memory with ${storage.length} entries`,
      );
    }
    Object.freeze(this);
  }

  /** Frees the memory if this matrix owns it; a view's dispose does nothing. */
  [Symbol.dispose](): void {
    release(this.factory, this.storage, this.owner);
  }

  /** Neanderthal-style printing: every entry the matrix reads, zeros and mirrors included. */
  [inspect](): string {
    return this.toString();
  }

  /** The header and the (elided) entries, row by row. */
  toString(): string {
    const note = unreadable(this);
    if (note !== undefined) return `${header(this)}\n${note}`;
    return formatGrid(header(this), this.m, this.n, reader(this));
  }

  /** In `deno jupyter`: an HTML table of the entries, with the printed form as plain text. */
  [jupyter](): Record<string, string> {
    const note = unreadable(this);
    const html = note !== undefined
      ? htmlNote(header(this), note)
      : htmlGrid(header(this), this.m, this.n, reader(this));
    return { "text/html": html, "text/plain": this.toString() };
  }
}

/** What a matrix of this shape is, in words, for errors and printing. */
export function describe(s: KindShape): string {
  const tri = isTriangular(s.kind) || isSymmetric(s.kind) && s.kind !== "st";
  const band = isBanded(s.kind) ? ` kl=${s.kl} ku=${s.ku}` : "";
  return `${s.kind}${tri ? ` ${s.uplo}` : ""}${isTriangular(s.kind) ? ` ${s.diag}` : ""}${band}`;
}

function header(a: StructuredMatrix): string {
  // describe() after the kind's name: the triangle, the diagonal, the band.
  const traits = describe(a).slice(a.kind.length + 1);
  return `#${typeName[a.kind]}[${dtypeName(a.factory.dtype)}, type:${a.kind}, mxn:${a.m}x${a.n}, ${
    traits === "" ? "" : `${traits}, `
  }layout:${a.layout}, offset:${a.offset}]`;
}

/** Entry (i, j) of a host matrix, as its kind reads it. */
function reader(a: StructuredMatrix): (i: number, j: number) => number {
  const buf = a.factory.engine.hostArray(a.storage.buffer)!;
  return (i, j) => {
    const k = entryIndex(a, i, j);
    return k === ZERO ? 0 : k === ONE ? 1 : buf[a.offset + k];
  };
}

/** Throws unless a shape is one its kind allows. */
export function checkShape(op: string, s: KindShape): void {
  count(op, s.m, "the number of rows");
  count(op, s.n, "the number of columns");
  if (s.layout !== "column" && s.layout !== "row") {
    throw new TypeError(`${op}: layout must be "column" or "row", got ${String(s.layout)}`);
  }
  if (s.uplo !== "upper" && s.uplo !== "lower") {
    throw new TypeError(`${op}: uplo must be "upper" or "lower", got ${String(s.uplo)}`);
  }
  if (s.diag !== "unit" && s.diag !== "non-unit") {
    throw new TypeError(`${op}: diag must be "unit" or "non-unit", got ${String(s.diag)}`);
  }
  if (s.kind !== "gb" && s.m !== s.n) {
    throw new RangeError(`${op}: a ${s.kind} matrix is square, got ${s.m}×${s.n}`);
  }
  count(op, s.kl, "the band width kl");
  count(op, s.ku, "the band width ku");
  const c = columnReading(s);
  if (isBanded(s.kind)) {
    if (c.n > 0 && (c.kl > Math.max(c.m - 1, 0) || c.ku > Math.max(c.n - 1, 0))) {
      throw new RangeError(
        `${op}: band widths kl=${s.kl}, ku=${s.ku} do not fit a ${s.m}×${s.n} matrix`,
      );
    }
  }
  if (isDense(s.kind) || isBanded(s.kind)) {
    const height = isDense(s.kind) ? c.m : c.kl + c.ku + 1;
    if (!Number.isSafeInteger(s.ld) || (c.n > 0 && s.ld < Math.max(height, 1))) {
      throw new RangeError(`${op}: leading dimension ${s.ld} is smaller than ${height}`);
    }
  }
}

/** Options of the triangular and symmetric constructors. */
export interface UploOptions {
  /** Which triangle is stored: `"upper"` (the default) or `"lower"`. */
  readonly uplo?: Uplo;
  /** `"column"` (the default) or `"row"`: the storage, and the order the data is read in. */
  readonly layout?: Layout;
}

/** Options of the triangular constructors. */
export interface TriangularOptions extends UploOptions {
  /** `"non-unit"` (the default) or `"unit"`: a unit diagonal reads 1, is not stored, and data leaves it out. */
  readonly diag?: Diag;
}

function checkFactory(op: string, f: unknown): asserts f is Factory {
  if (f === null || typeof f !== "object" || !("engine" in f) || !("dtype" in f)) {
    throw new TypeError(`${op}: the first argument must be a factory such as jsDouble`);
  }
  checkFactoryLive(op, f as Factory);
}

/** Every stored entry's index, in the order constructors read data: by storage columns. */
export function dataOrder(s: KindShape): number[] {
  const c = columnReading(s);
  const out: number[] = [];
  if (isDiagonals(s.kind)) {
    for (let k = 0; k < storageLength(s); k++) out.push(k);
    return out;
  }
  for (let j = 0; j < c.n; j++) {
    for (let i = 0; i < c.m; i++) {
      const k = entryIndex(c, i, j);
      if (k < 0) continue;
      // A symmetric kind reads its stored triangle only.
      if (isSymmetric(s.kind) && (c.uplo === "upper" ? i > j : i < j)) continue;
      out.push(k);
    }
  }
  return out;
}

/** A new structured matrix of a shape, holding data in `dataOrder`, or zeros. */
function make<L extends Loc, D extends DType>(
  op: string,
  factory: Factory<L, D>,
  shape: KindShape,
  data: Data | undefined,
): StructuredMatrix<L, D> {
  checkFactory(op, factory);
  numeric(op, { factory });
  checkShape(op, shape);
  const length = storageLength(shape);
  const a = new StructuredMatrix(factory, allocate(op, factory, length), 0, shape, true);
  if (data !== undefined) {
    const values = numbers(op, data);
    const order = dataOrder(shape);
    if (values.length !== order.length) {
      throw new RangeError(
        `${op}: a ${shape.m}×${shape.n} ${
          describe(shape)
        } matrix stores ${order.length} entries, got ${values.length}`,
      );
    }
    const store = new Float64Array(length);
    order.forEach((k, q) => store[k] = values[q]);
    factory.engine.write(hostOperand(store, length, 1), {
      storage: a.storage,
      offset: 0,
      rows: length,
      cols: 1,
      rowStride: 1,
      colStride: length,
    });
  }
  return a;
}

const shapeOf = (
  kind: MatrixKind,
  m: number,
  n: number,
  o: { uplo?: Uplo; diag?: Diag; layout?: Layout },
  kl: number,
  ku: number,
  ld: number,
): KindShape => ({
  kind,
  m,
  n,
  ld,
  layout: o.layout ?? "column",
  uplo: o.uplo ?? "upper",
  diag: o.diag ?? "non-unit",
  kl,
  ku,
});

/** The stored widths of a triangle of a band of width k (or of a full n×n triangle). */
const triangle = (uplo: Uplo | undefined, k: number): [number, number] =>
  (uplo ?? "upper") === "upper" ? [0, k] : [k, 0];

/**
 * A triangular matrix of order n (`tr`): its stored triangle from data, read column by column
 * (row by row with `{ layout: "row" }`), each column's stored entries top to bottom.
 *
 * @example
 * ```ts
 * import { entry, jsDouble, tr } from "@knap/knap";
 * using u = tr(jsDouble, 2, [1, 2, 3]); // upper: (0,0)=1, (0,1)=2, (1,1)=3
 * if (entry(u, 0, 1) !== 2 || entry(u, 1, 0) !== 0) throw new Error("unexpected");
 * ```
 */
export function tr<L extends Loc, D extends DType>(
  factory: Factory<L, D>,
  n: number,
  data?: Data,
  options: TriangularOptions = {},
): StructuredMatrix<L, D> {
  const [kl, ku] = triangle(options.uplo, Math.max(n - 1, 0));
  return make("tr", factory, shapeOf("tr", n, n, options, kl, ku, Math.max(n, 1)), data);
}

/**
 * A symmetric matrix of order n (`sy`): one triangle stored, read as `tr` reads it, the other
 * mirroring it.
 *
 * @example
 * ```ts
 * import { entry, jsDouble, sy } from "@knap/knap";
 * using s = sy(jsDouble, 2, [1, 2, 3]);
 * if (entry(s, 1, 0) !== 2) throw new Error("unexpected");
 * ```
 */
export function sy<L extends Loc, D extends DType>(
  factory: Factory<L, D>,
  n: number,
  data?: Data,
  options: UploOptions = {},
): StructuredMatrix<L, D> {
  const [kl, ku] = triangle(options.uplo, Math.max(n - 1, 0));
  return make("sy", factory, shapeOf("sy", n, n, options, kl, ku, Math.max(n, 1)), data);
}

/**
 * A general banded matrix (`gb`), m×n with kl diagonals below the main one and ku above, in
 * LAPACK's band storage; data holds each column's band entries top to bottom.
 *
 * @example
 * ```ts
 * import { entry, gb, jsDouble } from "@knap/knap";
 * using b = gb(jsDouble, 3, 3, 1, 0, [1, 2, 3, 4, 5]); // diagonal 1 3 5, below it 2 4
 * if (entry(b, 1, 0) !== 2 || entry(b, 2, 2) !== 5 || entry(b, 0, 1) !== 0) throw new Error();
 * ```
 */
export function gb<L extends Loc, D extends DType>(
  factory: Factory<L, D>,
  m: number,
  n: number,
  kl: number,
  ku: number,
  data?: Data,
  options: { readonly layout?: Layout } = {},
): StructuredMatrix<L, D> {
  count("gb", kl, "the band width kl");
  count("gb", ku, "the band width ku");
  return make("gb", factory, shapeOf("gb", m, n, options, kl, ku, kl + ku + 1), data);
}

/**
 * A symmetric banded matrix (`sb`) of order n and band width k, one triangle of the band
 * stored.
 *
 * @example
 * ```ts
 * import { entry, jsDouble, sb } from "@knap/knap";
 * using s = sb(jsDouble, 3, 1, [4, 1, 4, 1, 4], { uplo: "lower" });
 * if (entry(s, 0, 1) !== 1 || entry(s, 0, 2) !== 0) throw new Error("unexpected");
 * ```
 */
export function sb<L extends Loc, D extends DType>(
  factory: Factory<L, D>,
  n: number,
  k: number,
  data?: Data,
  options: UploOptions = {},
): StructuredMatrix<L, D> {
  count("sb", k, "the band width k");
  const [kl, ku] = triangle(options.uplo, k);
  return make("sb", factory, shapeOf("sb", n, n, options, kl, ku, k + 1), data);
}

/**
 * A triangular banded matrix (`tb`) of order n and band width k.
 *
 * @example
 * ```ts
 * import { entry, jsDouble, tb } from "@knap/knap";
 * using t = tb(jsDouble, 3, 1, [1, 2, 3, 4, 5]); // upper: diagonal 1 3 5, above it 2 4
 * if (entry(t, 0, 1) !== 2 || entry(t, 1, 0) !== 0) throw new Error("unexpected");
 * ```
 */
export function tb<L extends Loc, D extends DType>(
  factory: Factory<L, D>,
  n: number,
  k: number,
  data?: Data,
  options: TriangularOptions = {},
): StructuredMatrix<L, D> {
  count("tb", k, "the band width k");
  const [kl, ku] = triangle(options.uplo, k);
  return make("tb", factory, shapeOf("tb", n, n, options, kl, ku, k + 1), data);
}

/**
 * A triangular packed matrix (`tp`): the triangle column by column with no gaps.
 *
 * @example
 * ```ts
 * import { entry, jsDouble, tp } from "@knap/knap";
 * using t = tp(jsDouble, 2, [1, 2, 3]);
 * if (entry(t, 0, 1) !== 2) throw new Error("unexpected");
 * ```
 */
export function tp<L extends Loc, D extends DType>(
  factory: Factory<L, D>,
  n: number,
  data?: Data,
  options: TriangularOptions = {},
): StructuredMatrix<L, D> {
  const [kl, ku] = triangle(options.uplo, Math.max(n - 1, 0));
  return make("tp", factory, shapeOf("tp", n, n, options, kl, ku, 0), data);
}

/**
 * A symmetric packed matrix (`sp`).
 *
 * @example
 * ```ts
 * import { entry, jsDouble, sp } from "@knap/knap";
 * using s = sp(jsDouble, 2, [1, 2, 3]);
 * if (entry(s, 1, 0) !== 2) throw new Error("unexpected");
 * ```
 */
export function sp<L extends Loc, D extends DType>(
  factory: Factory<L, D>,
  n: number,
  data?: Data,
  options: UploOptions = {},
): StructuredMatrix<L, D> {
  const [kl, ku] = triangle(options.uplo, Math.max(n - 1, 0));
  return make("sp", factory, shapeOf("sp", n, n, options, kl, ku, 0), data);
}

/**
 * A diagonal matrix (`gd`) of order n: data is its diagonal.
 *
 * @example
 * ```ts
 * import { entry, gd, jsDouble } from "@knap/knap";
 * using d = gd(jsDouble, 3, [1, 2, 3]);
 * if (entry(d, 2, 2) !== 3 || entry(d, 0, 1) !== 0) throw new Error("unexpected");
 * ```
 */
export function gd<L extends Loc, D extends DType>(
  factory: Factory<L, D>,
  n: number,
  data?: Data,
): StructuredMatrix<L, D> {
  return make("gd", factory, shapeOf("gd", n, n, {}, 0, 0, 0), data);
}

/**
 * A tridiagonal matrix (`gt`) of order n: data is the sub-diagonal (n − 1 entries), the
 * diagonal (n), then the super-diagonal (n − 1), LAPACK's dl, d and du.
 *
 * @example
 * ```ts
 * import { entry, gt, jsDouble } from "@knap/knap";
 * using t = gt(jsDouble, 3, [1, 2, 3, 4, 5, 6, 7]);
 * if (entry(t, 1, 0) !== 1 || entry(t, 1, 1) !== 4 || entry(t, 1, 2) !== 7) throw new Error();
 * ```
 */
export function gt<L extends Loc, D extends DType>(
  factory: Factory<L, D>,
  n: number,
  data?: Data,
): StructuredMatrix<L, D> {
  return make("gt", factory, shapeOf("gt", n, n, {}, 1, 1, 0), data);
}

/**
 * A diagonally dominant tridiagonal matrix (`dt`): stored as `gt`; the kind tells a solver
 * that it needs no pivoting.
 *
 * @example
 * ```ts
 * import { dt, entry, jsDouble } from "@knap/knap";
 * using t = dt(jsDouble, 2, [1, 4, 4, 1]);
 * if (entry(t, 0, 1) !== 1) throw new Error("unexpected");
 * ```
 */
export function dt<L extends Loc, D extends DType>(
  factory: Factory<L, D>,
  n: number,
  data?: Data,
): StructuredMatrix<L, D> {
  return make("dt", factory, shapeOf("dt", n, n, {}, 1, 1, 0), data);
}

/**
 * A symmetric tridiagonal matrix (`st`): data is the diagonal (n entries), then the off
 * diagonal (n − 1), LAPACK's d and e.
 *
 * @example
 * ```ts
 * import { entry, jsDouble, st } from "@knap/knap";
 * using t = st(jsDouble, 3, [2, 2, 2, -1, -1]);
 * if (entry(t, 1, 0) !== -1 || entry(t, 1, 2) !== -1) throw new Error("unexpected");
 * ```
 */
export function st<L extends Loc, D extends DType>(
  factory: Factory<L, D>,
  n: number,
  data?: Data,
): StructuredMatrix<L, D> {
  return make("st", factory, shapeOf("st", n, n, {}, 1, 1, 0), data);
}

/** A new zeroed structured matrix of a's factory, kind, shape and layout. */
export function alikeStructured<L extends Loc, D extends DType>(
  a: StructuredMatrix<L, D>,
): StructuredMatrix<L, D> {
  const c = columnReading(a);
  const ld = isDense(a.kind) ? Math.max(c.m, 1) : isBanded(a.kind) ? c.kl + c.ku + 1 : 0;
  const shape: KindShape = { ...shapeFields(a), ld };
  return make(a.kind, a.factory, shape, undefined);
}

/** The shape fields of a structured matrix, as a plain record. */
export function shapeFields(a: KindShape): KindShape {
  const { kind, m, n, ld, layout, uplo, diag, kl, ku } = a;
  return { kind, m, n, ld, layout, uplo, diag, kl, ku };
}

/** Whether a value is a structured matrix. */
export const isStructured = (x: unknown): x is StructuredMatrix => x instanceof StructuredMatrix;

/** Throws unless a structured matrix's factory and memory are alive. */
export function liveStructured(op: string, a: unknown, name = "a"): asserts a is StructuredMatrix {
  if (!(a instanceof StructuredMatrix)) {
    throw new TypeError(`${op}: ${name} must be a structured matrix (tr, sy, gb, …)`);
  }
  if (a.storage.released) {
    throw new KnapError(
      `${op}: ${name} (${a.m}×${a.n} ${describe(a)}) ${
        a.owner ? "was released" : "is a view whose owner was released"
      }`,
      "released",
    );
  }
  checkFactoryLive(op, a.factory);
}

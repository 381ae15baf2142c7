/**
 * Reading and writing entries, shapes, and moving data between factories and devices.
 *
 * @module
 */

import { GEMatrix, hostBuffer, type Structure, Vector } from "./core/structures.ts";
import { index, live, liveMatrix, liveVector, sameShape, shapeOf, value } from "./core/checks.ts";
import type { Factory } from "./core/factory.ts";
import { checkFactoryLive } from "./core/factory.ts";
import type { HostOperand } from "./core/engine.ts";
import { ge, vctr } from "./core/construct.ts";
import { type ArrayOf, arrayType, type DType, type HostDType, type Loc } from "./core/types.ts";
import { hostOperand } from "./core/host.ts";
import { defaultDouble, defaultFloat } from "./engines/registry.ts";
import { copy_ } from "./blas.ts";
import { isStructured, liveStructured, type StructuredMatrix } from "./core/structured.ts";
import { entryStructured, setEntryStructured } from "./structured/access.ts";
import { fillStructured } from "./structured/level1.ts";
import { sameStructure, segmentOperand } from "./structured/pieces.ts";
import { segments, storageLength } from "./core/kinds.ts";
import { settle } from "./core/settle.ts";
import { KnapError } from "./core/errors.ts";

/** T now on the host, a promise of T when the source lives on a device. */
export type Later<L extends Loc, T> = L extends "host" ? T : Promise<T>;

/**
 * The entry of a vector at i, or of a matrix at (i, j). Host structures only: a device's
 * entries are read with `await transfer(x)`.
 *
 * @example
 * ```ts
 * import { dge, dv, entry } from "@knap/knap";
 * using x = dv(1, 2, 3);
 * using a = dge(2, 2, [1, 2, 3, 4]);
 * if (entry(x, 2) !== 3 || entry(a, 1, 0) !== 2) throw new Error("unexpected");
 * ```
 */
export function entry(x: Vector<"host">, i: number): number;
/** The entry of a host matrix at row i, column j. */
export function entry(a: GEMatrix<"host">, i: number, j: number): number;
/** Entry (i, j) of a host structured matrix: the zeros, mirrors and unit ones its kind reads. */
export function entry(a: StructuredMatrix<"host">, i: number, j: number): number;
export function entry(s: Structure | StructuredMatrix, i: number, j?: number): number {
  if (isStructured(s)) return entryStructured(s, i, j as number);
  return hostBuffer("entry", checked("entry", s, i, j))[position(s, i, j)];
}

function checked(op: string, s: unknown, i: number, j: number | undefined): Structure {
  if (j === undefined) {
    liveVector(op, s);
    index(op, i, s.dim, "index");
  } else {
    liveMatrix(op, s);
    index(op, i, s.m, "row");
    index(op, j, s.n, "column");
  }
  return s;
}

function position(s: Structure, i: number, j: number | undefined): number {
  return s.offset + i * s.rowStride + (j ?? 0) * s.colStride;
}

/**
 * `entry_(x, v)` sets every entry to v; `entry_(x, i, v)` sets one entry of a vector and
 * `entry_(a, i, j, v)` one of a matrix. Returns x. Setting one entry needs host memory;
 * filling works everywhere.
 *
 * @example
 * ```ts
 * import { dv, entry_, toArray } from "@knap/knap";
 * using x = dv(3);
 * entry_(x, 7);
 * entry_(x, 1, 0);
 * if (toArray(x).join() !== "7,0,7") throw new Error("unexpected");
 * ```
 */
export function entry_<S extends Structure>(x: S, v: number): S;
/** Sets entry i of a host vector to v. */
export function entry_(x: Vector<"host">, i: number, v: number): Vector<"host">;
/** Sets entry (i, j) of a host matrix to v. */
export function entry_(a: GEMatrix<"host">, i: number, j: number, v: number): GEMatrix<"host">;
/** Every stored entry of a structured matrix ← v. */
export function entry_<S extends StructuredMatrix>(a: S, v: number): S;
/**
 * Sets stored entry (i, j) of a host structured matrix; an entry its kind does not store (a
 * zero triangle, outside a band, a unit diagonal) is a RangeError naming the index.
 */
export function entry_(
  a: StructuredMatrix<"host">,
  i: number,
  j: number,
  v: number,
): StructuredMatrix<"host">;
export function entry_(
  s: Structure | StructuredMatrix,
  ...args: number[]
): Structure | StructuredMatrix {
  if (isStructured(s)) {
    if (args.length === 1) return fillStructured(s, args[0]);
    if (args.length !== 3) {
      throw new TypeError(`entry_: a structured matrix's entry needs (a, i, j, v)`);
    }
    return setEntryStructured(s, args[0], args[1], args[2]);
  }
  if (args.length === 1) {
    live("entry_", s, "x");
    value("entry_", args[0], "value");
    s.factory.engine.blas.fill(s, args[0]);
    return s;
  }
  const [i, j, v] = args.length === 2 ? [args[0], undefined, args[1]] : args;
  if (s instanceof GEMatrix && args.length === 2) {
    throw new TypeError(
      `entry_: a matrix entry needs (a, i, j, v); got ${shapeOf(s)} and two numbers`,
    );
  }
  checked("entry_", s, i, j);
  value("entry_", v, "value");
  hostBuffer("entry_", s)[position(s, i, j)] = v;
  return s;
}

/**
 * A fresh typed array of the entries: a vector's in order, a matrix's in its layout's order.
 *
 * @example
 * ```ts
 * import { dge, toArray } from "@knap/knap";
 * using a = dge(2, 2, [1, 2, 3, 4], { layout: "row" });
 * if (toArray(a).join() !== "1,2,3,4") throw new Error("unexpected");
 * ```
 */
export function toArray<D extends DType = DType>(x: Structure<"host", D>): ArrayOf<D> {
  live("toArray", x, "x");
  return x.toArray() as ArrayOf<D>;
}

/**
 * The dimension of a vector, or the number of entries of a matrix.
 *
 * @example
 * ```ts
 * import { dim, dv } from "@knap/knap";
 * using x = dv(1, 2, 3);
 * if (dim(x) !== 3) throw new Error("unexpected");
 * ```
 */
export function dim(x: Structure): number {
  live("dim", x, "x");
  return x.rows * x.cols;
}

/**
 * The number of rows of a matrix.
 *
 * @example
 * ```ts
 * import { dge, mrows } from "@knap/knap";
 * using a = dge(4, 2);
 * if (mrows(a) !== 4) throw new Error("unexpected");
 * ```
 */
export function mrows(a: GEMatrix): number {
  liveMatrix("mrows", a);
  return a.m;
}

/**
 * The number of columns of a matrix.
 *
 * @example
 * ```ts
 * import { dge, ncols } from "@knap/knap";
 * using a = dge(4, 2);
 * if (ncols(a) !== 2) throw new Error("unexpected");
 * ```
 */
export function ncols(a: GEMatrix): number {
  liveMatrix("ncols", a);
  return a.n;
}

/**
 * Copies src into dst across factories, dtypes and devices (shapes must match); returns dst,
 * or a promise of it when src lives on a device and the data must come back first.
 *
 * @example float64 into float32
 * ```ts
 * import { dv, fv, toArray, transfer_ } from "@knap/knap";
 * using x = dv(0.5, 0.25);
 * using y = fv(2);
 * transfer_(x, y);
 * if (toArray(y).join() !== "0.5,0.25") throw new Error("unexpected");
 * ```
 */
export function transfer_<A extends Loc, S extends Structure>(
  src: Structure<A>,
  dst: S,
): Later<A, S>;
/**
 * Copies the stored entries of a structured matrix into one of the same structure on another
 * factory; a promise when src lives on a device.
 */
export function transfer_<A extends Loc, S extends StructuredMatrix>(
  src: StructuredMatrix<A>,
  dst: S,
): Later<A, S>;
export function transfer_(
  src: Structure | StructuredMatrix,
  dst: Structure | StructuredMatrix,
): Structure | StructuredMatrix | Promise<Structure | StructuredMatrix> {
  if (isStructured(src) || isStructured(dst)) {
    return transferStructured(src as StructuredMatrix, dst as StructuredMatrix);
  }
  live("transfer_", src, "src");
  live("transfer_", dst, "dst");
  sameShape("transfer_", src, dst, ["src", "dst"]);
  const from = src.factory.engine, to = dst.factory.engine;
  if (from === to && src.factory.dtype === dst.factory.dtype) return copy_(src, dst);
  // Host memory the host reads as numbers goes straight in; bfloat16's and a device's do not.
  if (from.hostArray(src.storage.buffer) !== undefined) {
    to.write(src as HostOperand, dst);
    return dst;
  }
  const direct = to.hostArray(dst.storage.buffer) !== undefined;
  // Into memory that holds numbers, the source reads itself; into a bfloat16 or a device
  // structure, through a host copy the destination then writes.
  const target = direct ? dst as HostOperand : hostCopyTarget(src);
  const done = from.read(src, target);
  const finish = (): Structure => {
    if (dst.storage.released || dst.factory.released) {
      throw new KnapError(
        `transfer_: ${
          dst.storage.released ? `dst (${shapeOf(dst)})` : `dst's factory ${dst.factory.name}`
        } was released while the copy was in flight`,
        "released",
      );
    }
    if (!direct) to.write(target, dst);
    return dst;
  };
  // From host memory (bfloat16) the copy is done now, as the host signature promises.
  if (!(done instanceof Promise)) return finish();
  return settle("transfer_", done.then(finish));
}

/**
 * A structured transfer as vector transfers: the whole stored span at once where both store
 * their entries alike, else one per run of stored entries.
 */
function transferStructured(
  src: StructuredMatrix,
  dst: StructuredMatrix,
): StructuredMatrix | Promise<StructuredMatrix> {
  liveStructured("transfer_", src, "src");
  liveStructured("transfer_", dst, "dst");
  sameStructure("transfer_", src, dst, false);
  const view = (a: StructuredMatrix, offset: number, stride: number, n: number) =>
    new Vector(a.factory, a.storage, offset, stride, n, false);
  const alike = src.layout === dst.layout && src.ld === dst.ld;
  const length = storageLength(src);
  const pairs: [Vector, Vector][] = alike
    ? [[view(src, src.offset, 1, length), view(dst, dst.offset, 1, length)]]
    : segments(src).map((s) => {
      const [a, b] = [segmentOperand("transfer_", src, s), segmentOperand("transfer_", dst, s)];
      return [
        view(src, a.offset, a.rowStride, s.length),
        view(dst, b.offset, b.rowStride, s.length),
      ];
    });
  const done = pairs.map(([a, b]) => transfer_(a, b));
  return done.some((d) => d instanceof Promise) ? Promise.all(done).then(() => dst) : dst;
}

function hostCopyTarget(src: Structure): HostOperand {
  return hostOperand(new (arrayType(src.factory.dtype))(src.rows * src.cols), src.rows, src.cols);
}

/**
 * A host copy of x: on `factory` when given, else on the default factory of x's dtype. A
 * device structure's copy arrives asynchronously; a host one's at once.
 *
 * @example
 * ```ts
 * import { dv, jsFloat, toArray, transfer } from "@knap/knap";
 * using x = dv(1, 2);
 * using y = transfer(jsFloat, x);
 * if (y.factory !== jsFloat || toArray(y).join() !== "1,2") throw new Error("unexpected");
 * ```
 */
export function transfer<L extends Loc, D extends DType = DType>(
  x: Vector<L, D>,
): Later<L, Vector<"host", HostDType<D>>>;
/** A host copy of a matrix, on the default factory of its dtype. */
export function transfer<L extends Loc, D extends DType = DType>(
  x: GEMatrix<L, D>,
): Later<L, GEMatrix<"host", HostDType<D>>>;
/** A copy of a vector on the given factory. */
export function transfer<L extends Loc, M extends Loc, E extends DType = DType>(
  factory: Factory<M, E>,
  x: Vector<L>,
): Later<L, Vector<M, E>>;
/** A copy of a matrix on the given factory. */
export function transfer<L extends Loc, M extends Loc, E extends DType = DType>(
  factory: Factory<M, E>,
  x: GEMatrix<L>,
): Later<L, GEMatrix<M, E>>;
export function transfer(
  ...args: [Structure] | [Factory, Structure]
): Structure | Promise<Structure> {
  const [target, x] = args.length === 2 ? args : [undefined, args[0]];
  live("transfer", x, "x");
  const f = target ?? (x.factory.dtype === "float64" ? defaultDouble() : defaultFloat());
  checkFactoryLive("transfer", f);
  const y = x instanceof Vector ? vctr(f, x.dim) : ge(f, x.m, x.n, undefined, { layout: x.layout });
  return transfer_(x, y);
}

/**
 * Resolves when all work queued on a factory's engine has finished: stop a benchmark's clock
 * only after it. Immediate on the CPU engines.
 *
 * @example
 * ```ts
 * import { jsFloat, synchronize } from "@knap/knap";
 * await synchronize(jsFloat);
 * ```
 */
export function synchronize(factory: Factory): Promise<void> {
  checkFactoryLive("synchronize", factory);
  return settle("synchronize", factory.engine.synchronize()) as Promise<void>;
}

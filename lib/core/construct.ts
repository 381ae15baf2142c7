/**
 * Constructors: every structure is made by a factory, given first, as in Neanderthal.
 *
 * @module
 */

import type { Factory } from "./factory.ts";
import { checkFactoryLive } from "./factory.ts";
import { allocate, GEMatrix, Vector } from "./structures.ts";
import type { DType, HostArray, Layout, Loc } from "./types.ts";
import { hostOperand, numbers } from "./host.ts";
import { count } from "./checks.ts";

/** Data a constructor accepts: numbers in an array, typed array or any iterable. */
export type Data = Iterable<number> | ArrayLike<number>;

/** Options of {@linkcode ge}. */
export interface GEOptions {
  /** `"column"` (the default) or `"row"`; the data is read in this order. */
  readonly layout?: Layout;
}

function checkFactory(op: string, f: unknown): asserts f is Factory {
  if (f === null || typeof f !== "object" || !("engine" in f) || !("dtype" in f)) {
    throw new TypeError(`${op}: the first argument must be a factory such as jsDouble`);
  }
  checkFactoryLive(op, f as Factory);
}

/**
 * A new vector from a factory: `vctr(f, n)` has n zeros; `vctr(f, data)` holds the data.
 *
 * @param factory the factory that owns the memory
 * @param source a dimension, or the entries
 * @returns a new vector; release it with `using` or `[Symbol.dispose]()`
 *
 * @example
 * ```ts
 * import { jsFloat, vctr } from "@knap/knap";
 * using x = vctr(jsFloat, [1, 2, 3]);
 * using z = vctr(jsFloat, 4);
 * if (x.dim !== 3 || z.dim !== 4) throw new Error("unexpected");
 * ```
 */
export function vctr<L extends Loc, D extends DType>(
  factory: Factory<L, D>,
  source: number | Data,
): Vector<L, D> {
  checkFactory("vctr", factory);
  if (typeof source === "number") {
    dimension("vctr", factory, source, "the dimension");
    return new Vector(factory, allocate("vctr", factory, source), 0, 1, source, true);
  }
  const values = hostValues("vctr", source);
  const n = values.length;
  const v = new Vector(factory, allocate("vctr", factory, n), 0, 1, n, true);
  factory.engine.write(hostOperand(values, n, 1), v);
  return v;
}

/**
 * A new GE matrix from a factory: m×n zeros, or the data read in the layout's order
 * (down columns by default; along rows with `{ layout: "row" }`).
 *
 * @param factory the factory that owns the memory
 * @param m rows
 * @param n columns
 * @param data exactly m·n entries (or arrays of them), optional
 * @param options the layout
 * @returns a new matrix
 *
 * @example The book's first weight matrix, given row by row
 * ```ts
 * import { entry, ge, jsDouble } from "@knap/knap";
 * using w1 = ge(jsDouble, 4, 2, [0.3, 0.6, 0.1, 2.0, 0.9, 3.7, 0.0, 1.0], { layout: "row" });
 * if (entry(w1, 2, 1) !== 3.7) throw new Error("unexpected");
 * ```
 */
export function ge<L extends Loc, D extends DType>(
  factory: Factory<L, D>,
  m: number,
  n: number,
  data?: Data | ArrayLike<ArrayLike<number>>,
  options: GEOptions = {},
): GEMatrix<L, D> {
  checkFactory("ge", factory);
  dimension("ge", factory, m, "the number of rows");
  dimension("ge", factory, n, "the number of columns");
  const layout = options.layout ?? "column";
  if (layout !== "column" && layout !== "row") {
    throw new TypeError(`ge: layout must be "column" or "row", got ${String(layout)}`);
  }
  const ld = Math.max(layout === "column" ? m : n, 1);
  const a = new GEMatrix(factory, allocate("ge", factory, m * n), 0, m, n, ld, layout, true);
  if (data !== undefined) {
    const values = hostValues("ge", data);
    if (values.length !== m * n) {
      throw new RangeError(`ge: a ${m}×${n} matrix needs ${m * n} entries, got ${values.length}`);
    }
    factory.engine.write(hostOperand(values, m, n, layout), a);
  }
  return a;
}

/**
 * Throws unless n is a dimension the factory's engine can address — even a structure with no
 * entries: an empty 2⁴⁰×0 matrix would make row-by-row work loop for hours.
 */
function dimension(op: string, f: Factory, n: unknown, what: string): asserts n is number {
  count(op, n, what);
  const max = f.engine.maxEntries;
  if ((n as number) > max) {
    throw new RangeError(`${op}: ${what} ${n} exceeds what ${f.name} can address (${max})`);
  }
}

/** Float typed arrays are read as they are (no copy into an array of numbers first). */
function hostValues(op: string, data: Data | ArrayLike<ArrayLike<number>>): HostArray {
  if (data instanceof Float32Array || data instanceof Float64Array) return data;
  return Float64Array.from(numbers(op, data));
}

/** A new zeroed structure of x's factory, kind, shape and (for a matrix) layout. */
export function alike<S extends Vector | GEMatrix>(x: S): S;
export function alike(x: Vector | GEMatrix): Vector | GEMatrix {
  return x instanceof Vector
    ? vctr(x.factory, x.dim)
    : ge(x.factory, x.m, x.n, undefined, { layout: x.layout });
}

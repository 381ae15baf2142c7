/**
 * The native CPU factories and the book's shortcuts `dv`, `fv`, `dge`, `fge`.
 *
 * Until the native engine (OpenBLAS and oneDNN through FFI) lands, `nativeFloat` and
 * `nativeDouble` run on the js engine: the same results, at TypeScript's speed. Code written
 * against them now speeds up without a change when the native engine arrives.
 *
 * @module
 */

import { EngineFactory, type Factory } from "../../core/factory.ts";
import { jsEngine } from "../js/engine.ts";
import { type Data, ge, type GEOptions, vctr } from "../../core/construct.ts";
import type { GEMatrix, Vector } from "../../core/structures.ts";

/**
 * Float32 structures on the CPU. For now computed by the js engine (the native engine is
 * not built yet); its `engine.name` says which engine runs.
 *
 * @example
 * ```ts
 * import { nativeFloat, vctr } from "@knap/knap";
 * using x = vctr(nativeFloat, [1, 2]);
 * if (x.dim !== 2) throw new Error("unexpected");
 * ```
 */
export const nativeFloat: Factory<"host"> = new EngineFactory(
  "nativeFloat",
  "float32",
  "host",
  jsEngine,
);

/**
 * Float64 structures on the CPU. For now computed by the js engine (the native engine is
 * not built yet); its `engine.name` says which engine runs.
 *
 * @example
 * ```ts
 * import { nativeDouble, vctr } from "@knap/knap";
 * using x = vctr(nativeDouble, [1, 2]);
 * if (x.factory.dtype !== "float64") throw new Error("unexpected");
 * ```
 */
export const nativeDouble: Factory<"host"> = new EngineFactory(
  "nativeDouble",
  "float64",
  "host",
  jsEngine,
);

function vector(f: Factory<"host">, op: string, args: (number | Data)[]): Vector<"host"> {
  if (args.length === 1) return vctr(f, args[0]);
  if (!args.every((a) => typeof a === "number")) {
    throw new TypeError(`${op}: give a dimension, one array of entries, or the entries as numbers`);
  }
  return vctr(f, args as number[]);
}

/**
 * A float64 vector on the native factory: `dv(0.3, 0.9)` holds the entries, `dv([0.3, 0.9])`
 * too, and `dv(4)` — a single number — is four zeros, as in Neanderthal.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * using x = dv(0.3, 0.9);
 * using h = dv(4);
 * if (toArray(x)[1] !== 0.9 || h.dim !== 4) throw new Error("unexpected");
 * ```
 */
export function dv(...entries: (number | Data)[]): Vector<"host"> {
  return vector(nativeDouble, "dv", entries);
}

/**
 * A float32 vector on the native factory; arguments as {@linkcode dv}.
 *
 * @example
 * ```ts
 * import { fv } from "@knap/knap";
 * using x = fv(1, 2, 3);
 * if (x.factory.dtype !== "float32") throw new Error("unexpected");
 * ```
 */
export function fv(...entries: (number | Data)[]): Vector<"host"> {
  return vector(nativeFloat, "fv", entries);
}

/**
 * A float64 m×n GE matrix on the native factory; the data is read in the layout's order.
 *
 * @example
 * ```ts
 * import { dge, entry } from "@knap/knap";
 * using a = dge(2, 2, [1, 2, 3, 4]);
 * if (entry(a, 0, 1) !== 3) throw new Error("column layout by default");
 * ```
 */
export function dge(
  m: number,
  n: number,
  data?: Data | ArrayLike<ArrayLike<number>>,
  options?: GEOptions,
): GEMatrix<"host"> {
  return ge(nativeDouble, m, n, data, options);
}

/**
 * A float32 m×n GE matrix on the native factory; the data is read in the layout's order.
 *
 * @example
 * ```ts
 * import { fge } from "@knap/knap";
 * using a = fge(2, 3);
 * if (a.m !== 2 || a.n !== 3) throw new Error("unexpected");
 * ```
 */
export function fge(
  m: number,
  n: number,
  data?: Data | ArrayLike<ArrayLike<number>>,
  options?: GEOptions,
): GEMatrix<"host"> {
  return ge(nativeFloat, m, n, data, options);
}

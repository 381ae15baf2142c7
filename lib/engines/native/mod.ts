/**
 * The native CPU factories — OpenBLAS for BLAS, oneDNN for float32 elementwise math and large
 * float products — registered as the default host engine where they load, and the book's
 * shortcuts `dv`, `fv`, `dge`, `fge` on the defaults.
 *
 * The libraries open on first use of a native factory, so importing knap needs no
 * `--allow-ffi`. `nativeFloat` never falls back: without its libraries it throws an error
 * naming the missing one. `defaultFloat()` and `defaultDouble()` pick the best engine present
 * and the shortcuts use them, so code runs everywhere and fast where it can.
 *
 * @module
 */

import { EngineFactory, type Factory } from "../../core/factory.ts";
import { type Data, ge, type GEOptions, vctr } from "../../core/construct.ts";
import type { GEMatrix, Vector } from "../../core/structures.ts";
import type { DType } from "../../core/types.ts";
import { type Availability, defaultDouble, defaultFloat, registerHostEngine } from "../registry.ts";
import { nativeEngine } from "./engine.ts";
import { bfloat16Engine } from "./bf16.ts";
import { nativeLibraries } from "./libraries.ts";
import { ffiMissing } from "../../core/runtime.ts";

/**
 * Float32 structures on the CPU, computed by OpenBLAS and oneDNN. Using it without the
 * libraries throws a KnapError naming the missing one and its package.
 *
 * @example
 * ```ts
 * import { nativeAvailability, nativeFloat, vctr } from "@knap/knap";
 * if (nativeAvailability().available) {
 *   using x = vctr(nativeFloat, [1, 2]);
 *   if (x.factory.engine.name !== "native") throw new Error("unexpected");
 * }
 * ```
 */
export const nativeFloat: Factory<"host", "float32"> = new EngineFactory(
  "nativeFloat",
  "float32",
  "host",
  nativeEngine,
);

/**
 * Float64 structures on the CPU, computed by OpenBLAS (elementwise math runs the js engine's
 * loops: oneDNN's CPU primitives have no float64).
 *
 * @example
 * ```ts
 * import { nativeAvailability, nativeDouble, vctr } from "@knap/knap";
 * if (nativeAvailability().available) {
 *   using x = vctr(nativeDouble, [1, 2]);
 *   if (x.factory.dtype !== "float64") throw new Error("unexpected");
 * }
 * ```
 */
export const nativeDouble: Factory<"host", "float64"> = new EngineFactory(
  "nativeDouble",
  "float64",
  "host",
  nativeEngine,
);

/**
 * Bfloat16 structures on the CPU: a compact store for inputs bfloat16 holds exactly (multi-hot
 * 0/1, integers up to 256), which `mm_` into a `nativeFloat` output streams at half the bytes
 * (oneDNN's bfloat16 matmul, on AMX where the CPU has it). The other factor is rounded to
 * bfloat16 — 8 significant bits, as in mixed-precision training — and the product accumulates
 * in float32. Data goes in and out by `transfer` (rounding to nearest, ties to even); copies,
 * fills and views work as on any structure, and every other operation throws a KnapError.
 *
 * @example A multi-hot batch times float32 weights
 * ```ts
 * import { ge, mm_, nativeAvailability, nativeBfloat16, nativeFloat, toArray, transfer } from "@knap/knap";
 * if (nativeAvailability().available) {
 *   using w = ge(nativeFloat, 1, 3, [0.5, 2, 4]);
 *   using x32 = ge(nativeFloat, 3, 2, [1, 0, 1, 0, 1, 1]);
 *   using x = transfer(nativeBfloat16, x32);
 *   using a = ge(nativeFloat, 1, 2);
 *   mm_(w, x, a);
 *   if (toArray(a).join() !== "4.5,6") throw new Error("unexpected");
 * }
 * ```
 */
export const nativeBfloat16: Factory<"host", "bfloat16"> = new EngineFactory(
  "nativeBfloat16",
  "bfloat16",
  "host",
  () => {
    // Its products run on the native engine, so it needs the same libraries.
    nativeEngine();
    return bfloat16Engine(nativeLibraries());
  },
  undefined,
  nativeFloat,
);

/**
 * Whether the native engine loads on this machine (it needs OpenBLAS; oneDNN speeds its
 * float32 and DNN work where present), the reason when it does not, and each library's state:
 * its version, or why it did not load.
 *
 * @example
 * ```ts
 * import { nativeAvailability } from "@knap/knap";
 * const a = nativeAvailability();
 * console.log(a.available ? "native engine ready" : `js engine only: ${a.reason}`);
 * for (const l of a.libraries ?? []) console.log(l.name, l.loaded ? l.detail : `missing: ${l.detail}`);
 * ```
 */
export function nativeAvailability(): Availability {
  // Asking first keeps a js-only program from prompting for a permission it never wanted.
  const missing = ffiMissing();
  if (missing !== "") return { available: false, reason: missing };
  try {
    nativeEngine();
    const libs = nativeLibraries();
    const config = libs.blas.openblas_get_config();
    const blas = config === null ? "" : new Deno.UnsafePointerView(config).getCString();
    return {
      available: true,
      libraries: [
        { name: "OpenBLAS", loaded: true, detail: blas },
        libs.dnnlApi
          ? { name: "oneDNN", loaded: true, detail: libs.dnnlApi.version.join(".") }
          : { name: "oneDNN", loaded: false, detail: libs.dnnlMissing ?? "" },
      ],
    };
  } catch (e) {
    const reason = (e as Error).message;
    return {
      available: false,
      reason,
      libraries: [{ name: "OpenBLAS", loaded: false, detail: reason }],
    };
  }
}

registerHostEngine({
  name: "native",
  rank: 10,
  float: nativeFloat,
  double: nativeDouble,
  availability: nativeAvailability,
});

function vector<D extends DType>(
  f: Factory<"host", D>,
  op: string,
  args: (number | Data)[],
): Vector<"host", D> {
  if (args.length === 1) return vctr(f, args[0]);
  if (!args.every((a) => typeof a === "number")) {
    throw new TypeError(`${op}: give a dimension, one array of entries, or the entries as numbers`);
  }
  return vctr(f, args as number[]);
}

/**
 * A float64 vector on the default factory: `dv(0.3, 0.9)` holds the entries, `dv([0.3, 0.9])`
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
export function dv(...entries: (number | Data)[]): Vector<"host", "float64"> {
  return vector(defaultDouble(), "dv", entries);
}

/**
 * A float32 vector on the default factory; arguments as {@linkcode dv}.
 *
 * @example
 * ```ts
 * import { fv } from "@knap/knap";
 * using x = fv(1, 2, 3);
 * if (x.factory.dtype !== "float32") throw new Error("unexpected");
 * ```
 */
export function fv(...entries: (number | Data)[]): Vector<"host", "float32"> {
  return vector(defaultFloat(), "fv", entries);
}

/**
 * A float64 m×n GE matrix on the default factory; the data is read in the layout's order.
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
): GEMatrix<"host", "float64"> {
  return ge(defaultDouble(), m, n, data, options);
}

/**
 * A float32 m×n GE matrix on the default factory; the data is read in the layout's order.
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
): GEMatrix<"host", "float32"> {
  return ge(defaultFloat(), m, n, data, options);
}

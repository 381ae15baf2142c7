/**
 * The js engine's factories: pure TypeScript over typed arrays, always present, needing no
 * permission and no library. It is knap's reference: every other engine is tested against it.
 *
 * @example
 * ```ts
 * import { jsFloat } from "@knap/knap/js";
 * import { dot, vctr } from "@knap/knap";
 * using x = vctr(jsFloat, [1, 2, 3]);
 * if (dot(x, x) !== 14) throw new Error("unexpected");
 * ```
 *
 * @module
 */

import { EngineFactory, type Factory } from "../../core/factory.ts";
import { jsEngine } from "./engine.ts";

/**
 * Float32 structures in TypeScript memory, computed by the js engine.
 *
 * @example
 * ```ts
 * import { jsFloat, vctr } from "@knap/knap";
 * using x = vctr(jsFloat, 3);
 * if (x.factory.dtype !== "float32") throw new Error("unexpected");
 * ```
 */
export const jsFloat: Factory<"host", "float32"> = new EngineFactory(
  "jsFloat",
  "float32",
  "host",
  jsEngine,
);

/**
 * Float64 structures in TypeScript memory, computed by the js engine.
 *
 * @example
 * ```ts
 * import { jsDouble, vctr } from "@knap/knap";
 * using x = vctr(jsDouble, [0.5]);
 * if (x.factory.dtype !== "float64") throw new Error("unexpected");
 * ```
 */
export const jsDouble: Factory<"host", "float64"> = new EngineFactory(
  "jsDouble",
  "float64",
  "host",
  jsEngine,
);

/**
 * The float32 factory a program that runs in Deno and in a web page alike computes on: the
 * host's best in Deno, WebGPU in a page whose browser has an adapter.
 *
 * @module
 */

import type { Factory } from "./core/factory.ts";
import type { Loc } from "./core/types.ts";
import { deno } from "./core/runtime.ts";
import { defaultFloat } from "./engines/registry.ts";
import { webgpuAvailability, webgpuFloat } from "./engines/webgpu/mod.ts";

/**
 * The float32 factory to compute on here. In Deno it is `defaultFloat()` (native where OpenBLAS
 * loads, else js): a CPU engine beats a GPU on the book's small networks, and a program that
 * wants the GPU asks for it. In a web page, where the CPU has only the js engine, it is a new
 * WebGPU factory when the browser gives an adapter, else js. `defaultFloat()` itself stays a
 * host factory everywhere (its structures read back at once), so a page's default device comes
 * from here. Dispose the factory when done: that releases a device it requested and does
 * nothing to a shared host factory.
 *
 * @example
 * ```ts
 * import { bestFloat, dot, vctr } from "@knap/knap";
 * using f = await bestFloat();
 * using x = vctr(f, [1, 2, 3]);
 * console.log(`computing on ${f.name}`, await dot(x, x));
 * ```
 */
export async function bestFloat(): Promise<Factory<Loc, "float32">> {
  if (deno() !== undefined) return defaultFloat();
  if ((await webgpuAvailability()).available) return await webgpuFloat();
  return defaultFloat();
}

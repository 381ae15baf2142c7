/**
 * Every engine knap has, available here or not, with what it runs on or why it does not: what a
 * program or a notebook shows so that a user knows which engine computes.
 *
 * @module
 */

import { hostEngines } from "../registry.ts";
// Importing the native engine registers it, so hostEngines() lists it.
import "../native/mod.ts";
import { webgpuAvailability } from "../webgpu/mod.ts";
import { openclAvailability } from "../opencl/mod.ts";
import { cudaAvailability } from "../cuda/mod.ts";
import { ffiMissing } from "../../core/runtime.ts";

/** One engine as `engines()` reports it. */
export interface EngineState {
  /** Its name: "native", "js", "webgpu", "opencl", "cuda", or a registered engine's. */
  readonly name: string;
  /** Where its structures live. */
  readonly location: "host" | "device";
  /** Whether it runs here. */
  readonly available: boolean;
  /** What it runs on where available (libraries, adapter, device); why not where not. */
  readonly detail: string;
}

/**
 * Every engine, best-ranked host engines first, then the devices: available or not, and what it
 * runs on or why it does not. The default factories (`defaultFloat()`, `dv`, `fge`) take the
 * first available host engine. Asking needs no permission beyond what the engines do: an engine
 * behind FFI reports `--allow-ffi` missing rather than prompting.
 *
 * @example
 * ```ts
 * import { engines } from "@knap/knap";
 * for (const e of await engines()) {
 *   console.log(`${e.name.padEnd(7)} ${e.available ? "yes" : "no "} ${e.detail}`);
 * }
 * ```
 */
export async function engines(): Promise<EngineState[]> {
  const host: EngineState[] = hostEngines().map((e) => {
    const a = e.availability();
    const detail = !a.available
      ? a.reason
      : a.libraries
      ? a.libraries.map((l) =>
        !l.loaded
          ? `${l.name} missing`
          : l.detail.startsWith(l.name)
          ? l.detail
          : `${l.name} ${l.detail}`
      ).join(", ")
      : e.name === "js"
      ? "TypeScript, always present"
      : "";
    return { name: e.name, location: "host", available: a.available, detail };
  });
  const gpu = await webgpuAvailability();
  const needsFfi = ffiMissing();
  const opencl = needsFfi === ""
    ? await openclAvailability()
    : { available: false as const, reason: needsFfi };
  const cuda = needsFfi === ""
    ? await cudaAvailability()
    : { available: false as const, reason: needsFfi };
  return [
    ...host,
    {
      name: "webgpu",
      location: "device",
      available: gpu.available,
      detail: gpu.available ? `${gpu.adapter}${gpu.software ? " (software)" : ""}` : gpu.reason,
    },
    {
      name: "opencl",
      location: "device",
      available: opencl.available,
      detail: opencl.available ? opencl.device : opencl.reason,
    },
    {
      name: "cuda",
      location: "device",
      available: cuda.available,
      detail: cuda.available ? cuda.device : cuda.reason,
    },
  ];
}

/**
 * The WebGPU engine: knap on any GPU through Deno's built-in WebGPU, with WGSL kernels
 * generated from the same elementwise table as every other engine. Float32 only (WGSL has no
 * float64). Results stay on the device; read them with `await transfer(x)`.
 *
 * On Linux, Deno's WebGPU also starts wgpu's OpenGL backend in every isolate that asks for an
 * adapter, and a process of several such isolates (workers, `deno test --parallel`) can abort at
 * exit in EGL's thread-state destructor. `DENO_WEBGPU_BACKEND=vulkan,metal,dx12` leaves OpenGL
 * out; knap's own test and bench tasks set it.
 *
 * @example
 * ```ts
 * import { webgpuAvailability, webgpuFloat } from "@knap/knap/webgpu";
 * import { dot, vctr } from "@knap/knap";
 * if ((await webgpuAvailability()).available) {
 *   using f = await webgpuFloat();
 *   using x = vctr(f, [1, 2, 3]);
 *   if ((await dot(x, x)) !== 14) throw new Error("unexpected");
 * }
 * ```
 *
 * @module
 */

import { EngineFactory, type Factory } from "../../core/factory.ts";
import { KnapError } from "../../core/errors.ts";
import { webgpuEngine } from "./engine.ts";
import { quietWindowSystem } from "./window_system.ts";
import { deno } from "../../core/runtime.ts";

/** Options of {@linkcode webgpuFloat}. */
export interface WebGPUOptions {
  /** A device to use; without one the default adapter's device is requested. */
  readonly device?: GPUDevice;
  /** Adapter preference when requesting one. */
  readonly powerPreference?: GPUPowerPreference;
}

/**
 * A float32 factory on a WebGPU device: the given one, or a new device of the default adapter
 * with that adapter's own limits (its largest buffers, workgroups a dispatch and storage buffers
 * a kernel; a device you pass keeps its own). Disposing the factory destroys a device it
 * requested itself. Throws a KnapError when WebGPU or an adapter is missing.
 *
 * @example
 * ```ts
 * import { transfer, vctr, webgpuAvailability, webgpuFloat } from "@knap/knap";
 * if ((await webgpuAvailability()).available) {
 *   using f = await webgpuFloat();
 *   using x = vctr(f, [1, 2]);
 *   using host = await transfer(x);
 *   if (host.toArray().join() !== "1,2") throw new Error("unexpected");
 * }
 * ```
 */
export async function webgpuFloat(
  options: WebGPUOptions = {},
): Promise<Factory<"device", "float32">> {
  let device = options.device;
  const owned = device === undefined;
  if (device === undefined) {
    const gpu = (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
    if (gpu === undefined) {
      throw new KnapError("webgpuFloat: this runtime has no WebGPU (navigator.gpu)", "no-webgpu");
    }
    quietWindowSystem();
    const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
    if (adapter === null) {
      throw new KnapError(
        "webgpuFloat: no WebGPU adapter. Install a GPU driver, or Mesa's software Vulkan " +
          "(Debian/Ubuntu: apt install mesa-vulkan-drivers) and set XDG_RUNTIME_DIR",
        "no-adapter",
      );
    }
    try {
      // The adapter's own limits, not WebGPU's defaults: the largest buffers (a data set's tensor,
      // an unrolled convolution), the most workgroups a dispatch, the most storage buffers a
      // kernel binds (batch normalization's gradient binds 8, the default's all).
      const l = adapter.limits;
      device = await adapter.requestDevice({
        requiredLimits: {
          maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
          maxBufferSize: l.maxBufferSize,
          maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
          maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
        },
      });
    } catch (e) {
      throw new KnapError(
        `webgpuFloat: the adapter gave no device (${(e as Error).message})`,
        "no-device",
      );
    }
  }
  const engine = webgpuEngine(device);
  const d = device;
  return new EngineFactory("webgpuFloat", "float32" as const, "device", engine, () => {
    engine.runtime.flush();
    if (owned) d.destroy();
  });
}

/**
 * Whether a WebGPU adapter is present, and why not when it is not.
 *
 * @example
 * ```ts
 * import { webgpuAvailability } from "@knap/knap";
 * const a = await webgpuAvailability();
 * console.log(a.available ? "WebGPU ready" : a.reason);
 * ```
 */
export async function webgpuAvailability(): Promise<WebGPUAvailability> {
  const gpu = (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
  if (gpu === undefined) return { available: false, reason: "this runtime has no navigator.gpu" };
  quietWindowSystem();
  const adapter = await gpu.requestAdapter();
  if (adapter === null) {
    return {
      available: false,
      reason: deno() === undefined
        ? "the browser gives no WebGPU adapter (chrome://gpu says why; the page runs on js)"
        : "no WebGPU adapter (install mesa-vulkan-drivers or a GPU driver)",
    };
  }
  const info = adapter.info;
  return {
    available: true,
    adapter: info.description || `${info.vendor} ${info.device}`.trim(),
    software: info.isFallbackAdapter,
  };
}

/** What {@linkcode webgpuAvailability} found. */
export type WebGPUAvailability = {
  readonly available: true;
  /** The adapter's description, such as "llvmpipe (LLVM 15.0.6, 256 bits)". */
  readonly adapter: string;
  /** True for a software (fallback) adapter: correct, but far slower than a GPU. */
  readonly software: boolean;
} | { readonly available: false; readonly reason: string };

/**
 * The OpenCL engine: knap on any OpenCL device — AMD, Intel and Nvidia GPUs, or the CPU through
 * PoCL — with CLBlast for the products and kernels generated from the same elementwise table as
 * every other engine. Results stay on the device; read them with `await transfer(x)`.
 *
 * @example
 * ```ts
 * import { openclAvailability, openclFloat } from "@knap/knap/opencl";
 * import { dot, vctr } from "@knap/knap";
 * if ((await openclAvailability()).available) {
 *   using f = await openclFloat();
 *   using x = vctr(f, [1, 2, 3]);
 *   if ((await dot(x, x)) !== 14) throw new Error("unexpected");
 * }
 * ```
 *
 * @module
 */

import { EngineFactory, type Factory } from "../../core/factory.ts";
import { KnapError } from "../../core/errors.ts";
import { openOpenCL } from "../../../ffi/opencl.ts";
import { openCLBlast } from "../../../ffi/clblast.ts";
import { ClRuntime, listDevices } from "./runtime.ts";
import { openclEngine } from "./engine.ts";
import { deno, ffiMissing } from "../../core/runtime.ts";

/** Which device, and optionally a context and queue of the caller's, for {@linkcode openclFloat}. */
export interface OpenCLOptions {
  /** The device's index among every platform's devices, in the order `openclDevices` lists them. */
  readonly device?: number;
  /** A cl_context and cl_command_queue of the caller's for that device (not released by knap). */
  readonly context?: Deno.PointerObject;
  /** The queue, with `context`. */
  readonly queue?: Deno.PointerObject;
}

/** One OpenCL device, as {@linkcode openclDevices} lists it. */
export interface OpenCLDevice {
  /** Its index, for `openclFloat({ device })`. */
  readonly index: number;
  /** Its platform's name. */
  readonly platform: string;
  /** Its name. */
  readonly name: string;
  /** Whether it is a GPU. */
  readonly gpu: boolean;
  /** Whether it computes in double precision. */
  readonly fp64: boolean;
}

function runtime(options: OpenCLOptions): ClRuntime {
  const cl = openOpenCL();
  const devices = listDevices(cl);
  if (devices.length === 0) {
    throw new KnapError(
      "opencl: no OpenCL device. Install a driver's ICD (a GPU vendor's, or PoCL for the CPU: " +
        "Debian/Ubuntu apt install pocl-opencl-icd)",
      "no-device",
    );
  }
  const index = options.device ?? Math.max(devices.findIndex((d) => d.gpu), 0);
  const d = devices[index];
  if (d === undefined) {
    throw new RangeError(`opencl: device ${index} does not exist; there are ${devices.length}`);
  }
  const given = options.context !== undefined && options.queue !== undefined
    ? { context: options.context, queue: options.queue }
    : undefined;
  return new ClRuntime(cl, d.platform, d.device, given);
}

function factory<D extends "float32" | "float64">(
  name: string,
  dtype: D,
  options: OpenCLOptions,
): Factory<"device", D> {
  const rt = runtime(options);
  if (dtype === "float64" && !rt.info.fp64) {
    rt.release();
    throw new KnapError(
      `${name}: ${rt.info.name} has no double precision (cl_khr_fp64); use openclFloat`,
      "no-fp64",
    );
  }
  const engine = openclEngine(rt, openCLBlast(), dtype);
  return new EngineFactory(name, dtype, "device", engine, () => rt.release());
}

/**
 * A float32 factory on an OpenCL device: the given one, or the first GPU, else the first device.
 * Each factory has its own context and queue (or the caller's). Disposing it releases them.
 * Throws a KnapError when OpenCL, CLBlast or a device is missing.
 *
 * @example
 * ```ts
 * import { openclAvailability, openclFloat } from "@knap/knap/opencl";
 * import { transfer, vctr } from "@knap/knap";
 * if ((await openclAvailability()).available) {
 *   using f = await openclFloat();
 *   using x = vctr(f, [1, 2]);
 *   using host = await transfer(x);
 *   if (host.toArray().join() !== "1,2") throw new Error("unexpected");
 * }
 * ```
 */
export function openclFloat(options: OpenCLOptions = {}): Promise<Factory<"device", "float32">> {
  return Promise.resolve().then(() => factory("openclFloat", "float32", options));
}

/**
 * A float64 factory on an OpenCL device that computes in double precision (a KnapError names
 * the device where it does not).
 *
 * @example
 * ```ts
 * import { openclAvailability, openclDouble } from "@knap/knap/opencl";
 * import { sum, vctr } from "@knap/knap";
 * const a = await openclAvailability();
 * if (a.available && a.fp64) {
 *   using f = await openclDouble();
 *   using x = vctr(f, [0.1, 0.2]);
 *   if ((await sum(x)) !== 0.1 + 0.2) throw new Error("unexpected");
 * }
 * ```
 */
export function openclDouble(options: OpenCLOptions = {}): Promise<Factory<"device", "float64">> {
  return Promise.resolve().then(() => factory("openclDouble", "float64", options));
}

/**
 * The OpenCL devices present, every platform's, in the order `device` indices count them.
 *
 * @example
 * ```ts
 * import { openclAvailability, openclDevices } from "@knap/knap/opencl";
 * if ((await openclAvailability()).available) console.log(openclDevices().map((d) => d.name));
 * ```
 */
export function openclDevices(): OpenCLDevice[] {
  const cl = openOpenCL();
  return listDevices(cl).map((d, index) => {
    const rt = new ClRuntime(cl, d.platform, d.device);
    const { platform, name, gpu, fp64 } = rt.info;
    rt.release();
    return { index, platform, name, gpu, fp64 };
  });
}

/** What {@linkcode openclAvailability} found. */
export type OpenCLAvailability = {
  readonly available: true;
  /** The device `openclFloat()` takes by default. */
  readonly device: string;
  /** Whether that device computes in double precision. */
  readonly fp64: boolean;
} | { readonly available: false; readonly reason: string };

/**
 * Whether OpenCL, CLBlast and a device are present, and why not when they are not.
 *
 * @example
 * ```ts
 * import { openclAvailability } from "@knap/knap/opencl";
 * const a = await openclAvailability();
 * console.log(a.available ? `OpenCL on ${a.device}` : a.reason);
 * ```
 */
export function openclAvailability(): Promise<OpenCLAvailability> {
  if (deno() === undefined) return Promise.resolve({ available: false, reason: ffiMissing() });
  try {
    openCLBlast();
    const devices = openclDevices();
    if (devices.length === 0) {
      return Promise.resolve({
        available: false,
        reason: "no OpenCL device (install a driver's ICD, or pocl-opencl-icd for the CPU)",
      });
    }
    const d = devices.find((d) => d.gpu) ?? devices[0];
    return Promise.resolve({ available: true, device: `${d.name} (${d.platform})`, fp64: d.fp64 });
  } catch (e) {
    return Promise.resolve({ available: false, reason: (e as Error).message });
  }
}

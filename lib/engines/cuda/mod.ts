/**
 * The CUDA engine: knap on NVIDIA GPUs through the driver API, kernels compiled at run time by
 * NVRTC from the same C sources as the OpenCL engine's, and cuBLAS for the products. Results stay
 * on the device; read them with `await transfer(x)`. Where `libcuda` (the NVIDIA driver), NVRTC
 * or cuBLAS is missing, `cudaAvailability()` says which and how to get it.
 *
 * @example
 * ```ts
 * import { cudaAvailability, cudaFloat } from "@knap/knap/cuda";
 * import { dot, vctr } from "@knap/knap";
 * if ((await cudaAvailability()).available) {
 *   using f = await cudaFloat();
 *   using x = vctr(f, [1, 2, 3]);
 *   if ((await dot(x, x)) !== 14) throw new Error("unexpected");
 * }
 * ```
 *
 * @module
 */

import { EngineFactory, type Factory } from "../../core/factory.ts";
import { KnapError } from "../../core/errors.ts";
import { openCuda } from "../../../ffi/cuda.ts";
import { openNvrtc } from "../../../ffi/nvrtc.ts";
import { openCublas } from "../../../ffi/cublas.ts";
import { cuCheck, CuRuntime } from "./runtime.ts";
import { cudaEngine } from "./engine.ts";
import { deno, ffiMissing } from "../../core/runtime.ts";

/** Which device, and optionally a stream of the caller's, for {@linkcode cudaFloat}. */
export interface CudaOptions {
  /** The device's ordinal (default 0). */
  readonly device?: number;
  /** A CUstream of the caller's on that device (not destroyed by knap). */
  readonly stream?: Deno.PointerObject;
}

function factory<D extends "float32" | "float64">(
  name: string,
  dtype: D,
  options: CudaOptions,
): Factory<"device", D> {
  const cu = openCuda();
  cuCheck(cu.cuInit(0), "cuInit");
  const count = new Int32Array(1);
  cuCheck(cu.cuDeviceGetCount(count), "cuDeviceGetCount");
  const ordinal = options.device ?? 0;
  if (count[0] === 0) throw new KnapError(`${name}: no CUDA device`, "no-device");
  if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal >= count[0]) {
    throw new RangeError(`${name}: device ${ordinal} does not exist; there are ${count[0]}`);
  }
  const device = new Int32Array(1);
  cuCheck(cu.cuDeviceGet(device, ordinal), "cuDeviceGet");
  const nvrtc = openNvrtc(), cublas = openCublas();
  const rt = new CuRuntime(cu, nvrtc, device[0], options.stream);
  const handle = new BigUint64Array(1);
  const status = cublas.cublasCreate_v2(handle);
  if (status !== 0) {
    rt.release();
    throw new KnapError(`${name}: cublasCreate failed (${status})`, "cuda");
  }
  const blas = Deno.UnsafePointer.create(handle[0])!;
  cublas.cublasSetStream_v2(blas, rt.stream);
  const engine = cudaEngine(rt, cublas, blas, dtype);
  return new EngineFactory(name, dtype, "device", engine, () => {
    cublas.cublasDestroy_v2(blas);
    rt.release();
  });
}

/**
 * A float32 factory on a CUDA device (the first, or `device`), in its primary context on a stream
 * of its own. Disposing it releases them. Throws a KnapError when the driver, NVRTC, cuBLAS or a
 * device is missing.
 *
 * @example
 * ```ts
 * import { cudaAvailability, cudaFloat } from "@knap/knap/cuda";
 * import { transfer, vctr } from "@knap/knap";
 * if ((await cudaAvailability()).available) {
 *   using f = await cudaFloat();
 *   using x = vctr(f, [1, 2]);
 *   using host = await transfer(x);
 *   if (host.toArray().join() !== "1,2") throw new Error("unexpected");
 * }
 * ```
 */
export function cudaFloat(options: CudaOptions = {}): Promise<Factory<"device", "float32">> {
  return Promise.resolve().then(() => factory("cudaFloat", "float32", options));
}

/**
 * A float64 factory on a CUDA device.
 *
 * @example
 * ```ts
 * import { cudaAvailability, cudaDouble } from "@knap/knap/cuda";
 * import { sum, vctr } from "@knap/knap";
 * if ((await cudaAvailability()).available) {
 *   using f = await cudaDouble();
 *   using x = vctr(f, [0.1, 0.2]);
 *   if ((await sum(x)) !== 0.1 + 0.2) throw new Error("unexpected");
 * }
 * ```
 */
export function cudaDouble(options: CudaOptions = {}): Promise<Factory<"device", "float64">> {
  return Promise.resolve().then(() => factory("cudaDouble", "float64", options));
}

/** What {@linkcode cudaAvailability} found. */
export type CudaAvailability = {
  readonly available: true;
  /** The first device's name. */
  readonly device: string;
} | { readonly available: false; readonly reason: string };

/**
 * Whether the CUDA driver, a device, NVRTC and cuBLAS are present — and which is missing when not.
 *
 * @example
 * ```ts
 * import { cudaAvailability } from "@knap/knap/cuda";
 * const a = await cudaAvailability();
 * console.log(a.available ? `CUDA on ${a.device}` : a.reason);
 * ```
 */
export function cudaAvailability(): Promise<CudaAvailability> {
  if (deno() === undefined) return Promise.resolve({ available: false, reason: ffiMissing() });
  try {
    const cu = openCuda();
    cuCheck(cu.cuInit(0), "cuInit");
    const count = new Int32Array(1);
    cuCheck(cu.cuDeviceGetCount(count), "cuDeviceGetCount");
    if (count[0] === 0) return Promise.resolve({ available: false, reason: "no CUDA device" });
    openNvrtc();
    openCublas();
    const name = new Uint8Array(256);
    cuCheck(cu.cuDeviceGetName(name, name.length, 0), "cuDeviceGetName");
    return Promise.resolve({
      available: true,
      device: new TextDecoder().decode(name.subarray(0, name.indexOf(0))),
    });
  } catch (e) {
    return Promise.resolve({ available: false, reason: (e as Error).message });
  }
}

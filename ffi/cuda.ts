/**
 * The CUDA driver API through Deno FFI: the calls knap makes for devices, the primary context,
 * a stream, memory, modules and launches, with the names of the status codes knap may meet.
 * Symbol tables only; `lib/engines/cuda/` wraps them with checks.
 *
 * @module
 */

import { openLibrary } from "./load.ts";
import { cudaDriver, cudaSpec } from "./cuda_paths.ts";

/** CUresult names, for messages. */
export const cuErrors: ReadonlyMap<number, string> = new Map([
  [0, "CUDA_SUCCESS"],
  [1, "CUDA_ERROR_INVALID_VALUE"],
  [2, "CUDA_ERROR_OUT_OF_MEMORY"],
  [3, "CUDA_ERROR_NOT_INITIALIZED"],
  [4, "CUDA_ERROR_DEINITIALIZED"],
  [100, "CUDA_ERROR_NO_DEVICE"],
  [101, "CUDA_ERROR_INVALID_DEVICE"],
  [200, "CUDA_ERROR_INVALID_IMAGE"],
  [201, "CUDA_ERROR_INVALID_CONTEXT"],
  [209, "CUDA_ERROR_NO_BINARY_FOR_GPU"],
  [218, "CUDA_ERROR_INVALID_PTX"],
  [222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"],
  [300, "CUDA_ERROR_INVALID_SOURCE"],
  [400, "CUDA_ERROR_INVALID_HANDLE"],
  [500, "CUDA_ERROR_NOT_FOUND"],
  [600, "CUDA_ERROR_NOT_READY"],
  [700, "CUDA_ERROR_ILLEGAL_ADDRESS"],
  [701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"],
  [702, "CUDA_ERROR_LAUNCH_TIMEOUT"],
  [719, "CUDA_ERROR_LAUNCH_FAILED"],
  [999, "CUDA_ERROR_UNKNOWN"],
]);

/** CU_DEVICE_ATTRIBUTE_… values knap asks for. */
export const CU_ATTRIBUTE = {
  MAX_THREADS_PER_BLOCK: 1,
  MAX_GRID_DIM_X: 5,
  MULTIPROCESSOR_COUNT: 16,
  COMPUTE_CAPABILITY_MAJOR: 75,
  COMPUTE_CAPABILITY_MINOR: 76,
} as const;

/** The driver entry points knap binds (the `_v2` names are the current ABI). */
const cudaSymbols = {
  cuInit: { parameters: ["u32"], result: "i32" },
  cuDeviceGetCount: { parameters: ["buffer"], result: "i32" },
  cuDeviceGet: { parameters: ["buffer", "i32"], result: "i32" },
  cuDeviceGetName: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  cuDeviceGetAttribute: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  cuDeviceTotalMem_v2: { parameters: ["buffer", "i32"], result: "i32" },
  cuDevicePrimaryCtxRetain: { parameters: ["buffer", "i32"], result: "i32" },
  cuDevicePrimaryCtxRelease_v2: { parameters: ["i32"], result: "i32" },
  cuCtxSetCurrent: { parameters: ["pointer"], result: "i32" },
  cuStreamCreate: { parameters: ["buffer", "u32"], result: "i32" },
  cuStreamDestroy_v2: { parameters: ["pointer"], result: "i32" },
  cuStreamSynchronize: { parameters: ["pointer"], result: "i32" },
  cuEventCreate: { parameters: ["buffer", "u32"], result: "i32" },
  cuEventRecord: { parameters: ["pointer", "pointer"], result: "i32" },
  cuEventQuery: { parameters: ["pointer"], result: "i32" },
  cuEventDestroy_v2: { parameters: ["pointer"], result: "i32" },
  cuMemAlloc_v2: { parameters: ["buffer", "usize"], result: "i32" },
  cuMemFree_v2: { parameters: ["u64"], result: "i32" },
  cuMemGetInfo_v2: { parameters: ["buffer", "buffer"], result: "i32" },
  cuMemsetD8Async: { parameters: ["u64", "u8", "usize", "pointer"], result: "i32" },
  cuMemcpyHtoDAsync_v2: { parameters: ["u64", "buffer", "usize", "pointer"], result: "i32" },
  cuMemcpyDtoHAsync_v2: { parameters: ["buffer", "u64", "usize", "pointer"], result: "i32" },
  cuMemcpyDtoDAsync_v2: { parameters: ["u64", "u64", "usize", "pointer"], result: "i32" },
  cuModuleLoadData: { parameters: ["buffer", "buffer"], result: "i32" },
  cuModuleGetFunction: { parameters: ["buffer", "pointer", "buffer"], result: "i32" },
  cuModuleUnload: { parameters: ["pointer"], result: "i32" },
  cuLaunchKernel: {
    parameters: [
      "pointer",
      "u32",
      "u32",
      "u32",
      "u32",
      "u32",
      "u32",
      "u32",
      "pointer",
      "buffer",
      "pointer",
    ],
    result: "i32",
  },
  cuGetErrorName: { parameters: ["i32", "buffer"], result: "i32" },
} as const;

/** The opened driver. */
export type Cuda = Deno.DynamicLibrary<typeof cudaSymbols>["symbols"];

/** Opens the driver's library, or throws a KnapError saying where it comes from. */
export function openCuda(): Cuda {
  return openLibrary(cudaSpec(cudaDriver), cudaSymbols).symbols;
}

/**
 * NVRTC through Deno FFI: compiling CUDA C to PTX at run time, with the log of a failed build.
 * Symbol tables only.
 *
 * @module
 */

import { openLibrary } from "./load.ts";
import { cudaSpec, nvrtcLibrary } from "./cuda_paths.ts";

/** nvrtcResult names, for messages. */
export const nvrtcErrors: ReadonlyMap<number, string> = new Map([
  [0, "NVRTC_SUCCESS"],
  [1, "NVRTC_ERROR_OUT_OF_MEMORY"],
  [2, "NVRTC_ERROR_PROGRAM_CREATION_FAILURE"],
  [3, "NVRTC_ERROR_INVALID_INPUT"],
  [4, "NVRTC_ERROR_INVALID_PROGRAM"],
  [5, "NVRTC_ERROR_INVALID_OPTION"],
  [6, "NVRTC_ERROR_COMPILATION"],
  [7, "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE"],
  [11, "NVRTC_ERROR_INTERNAL_ERROR"],
]);

/** The NVRTC entry points knap binds. */
const nvrtcSymbols = {
  nvrtcVersion: { parameters: ["buffer", "buffer"], result: "i32" },
  nvrtcCreateProgram: {
    parameters: ["buffer", "buffer", "buffer", "i32", "pointer", "pointer"],
    result: "i32",
  },
  nvrtcCompileProgram: { parameters: ["pointer", "i32", "buffer"], result: "i32" },
  nvrtcGetPTXSize: { parameters: ["pointer", "buffer"], result: "i32" },
  nvrtcGetPTX: { parameters: ["pointer", "buffer"], result: "i32" },
  nvrtcGetProgramLogSize: { parameters: ["pointer", "buffer"], result: "i32" },
  nvrtcGetProgramLog: { parameters: ["pointer", "buffer"], result: "i32" },
  nvrtcDestroyProgram: { parameters: ["buffer"], result: "i32" },
} as const;

/** The opened NVRTC. */
export type Nvrtc = Deno.DynamicLibrary<typeof nvrtcSymbols>["symbols"];

/** Opens NVRTC, or throws a KnapError naming it, where it was looked for and how to get it. */
export function openNvrtc(): Nvrtc {
  return openLibrary(cudaSpec(nvrtcLibrary), nvrtcSymbols).symbols;
}

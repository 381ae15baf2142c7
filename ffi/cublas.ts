/**
 * cuBLAS through Deno FFI: a handle on knap's stream and the level-2 and level-3 products, float
 * and double. cuBLAS is column-major; scalars are passed by host pointer (its default pointer
 * mode). Symbol tables only.
 *
 * @module
 */

import { openLibrary } from "./load.ts";
import { cublasLibrary, cudaSpec } from "./cuda_paths.ts";

/** cublasOperation_t. */
export const CUBLAS_OP = { N: 0, T: 1 } as const;

/** cublasStatus_t names, for messages. */
export const cublasErrors: ReadonlyMap<number, string> = new Map([
  [0, "CUBLAS_STATUS_SUCCESS"],
  [1, "CUBLAS_STATUS_NOT_INITIALIZED"],
  [3, "CUBLAS_STATUS_ALLOC_FAILED"],
  [7, "CUBLAS_STATUS_INVALID_VALUE"],
  [8, "CUBLAS_STATUS_ARCH_MISMATCH"],
  [11, "CUBLAS_STATUS_MAPPING_ERROR"],
  [13, "CUBLAS_STATUS_EXECUTION_FAILED"],
  [14, "CUBLAS_STATUS_INTERNAL_ERROR"],
  [15, "CUBLAS_STATUS_NOT_SUPPORTED"],
  [16, "CUBLAS_STATUS_LICENSE_ERROR"],
]);

const gemm = {
  parameters: [
    "pointer",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "buffer",
    "u64",
    "i32",
    "u64",
    "i32",
    "buffer",
    "u64",
    "i32",
  ],
  result: "i32",
} as const;
const gemv = {
  parameters: [
    "pointer",
    "i32",
    "i32",
    "i32",
    "buffer",
    "u64",
    "i32",
    "u64",
    "i32",
    "buffer",
    "u64",
    "i32",
  ],
  result: "i32",
} as const;
const ger = {
  parameters: ["pointer", "i32", "i32", "buffer", "u64", "i32", "u64", "i32", "u64", "i32"],
  result: "i32",
} as const;

/** The cuBLAS entry points knap binds (the `_v2` ABI). */
const cublasSymbols = {
  cublasCreate_v2: { parameters: ["buffer"], result: "i32" },
  cublasDestroy_v2: { parameters: ["pointer"], result: "i32" },
  cublasSetStream_v2: { parameters: ["pointer", "pointer"], result: "i32" },
  cublasSgemm_v2: gemm,
  cublasDgemm_v2: gemm,
  cublasSgemv_v2: gemv,
  cublasDgemv_v2: gemv,
  cublasSger_v2: ger,
  cublasDger_v2: ger,
} as const;

/** The opened cuBLAS. */
export type Cublas = Deno.DynamicLibrary<typeof cublasSymbols>["symbols"];

/** Opens cuBLAS, or throws a KnapError naming it, where it was looked for and how to get it. */
export function openCublas(): Cublas {
  return openLibrary(cudaSpec(cublasLibrary), cublasSymbols).symbols;
}

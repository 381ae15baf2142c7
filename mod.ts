/**
 * knap: vectors, matrices, tensors and the BLAS for Deno, and the neural networks of *Deep
 * Learning for Programmers* (Neanderthal and Deep Diamond's path), on every engine: pure
 * TypeScript, native OpenBLAS and oneDNN, WebGPU, OpenCL and CUDA.
 *
 * Structures are made by a factory (`jsDouble`, `nativeFloat`, …) or the shortcuts `dv`,
 * `fv`, `dge`, `fge`; functions ending in `_` overwrite their output and allocate nothing.
 *
 * @example The book's first network
 * ```ts
 * import { dge, dv, mv, mv_, toArray } from "@knap/knap";
 * using x = dv(0.3, 0.9);
 * using w1 = dge(4, 2, [0.3, 0.6, 0.1, 2.0, 0.9, 3.7, 0.0, 1.0], { layout: "row" });
 * using h1 = dv(4);
 * using w2 = dge(1, 4, [0.75, 0.15, 0.22, 0.33]);
 * using y = mv(w2, mv_(w1, x, h1));
 * if (toArray(y)[0].toFixed(2) !== "1.84") throw new Error("unexpected");
 * ```
 *
 * @module
 */

export type {
  ArrayOf,
  DType,
  HostArray,
  HostArrays,
  HostDType,
  Layout,
  Loc,
  Scalar,
} from "./lib/core/types.ts";
export { KnapError } from "./lib/core/errors.ts";
export type { Factory } from "./lib/core/factory.ts";
export { engines, type EngineState } from "./lib/engines/overview/mod.ts";
export { profile, type ProfileEntry, ProfileReport } from "./lib/profile.ts";
export { GEMatrix, type Structure, Vector } from "./lib/core/structures.ts";
export { type Data, ge, type GEOptions, vctr } from "./lib/core/construct.ts";
export { col, cols, dia, row, rows, submatrix, subvector, trans, view } from "./lib/core/views.ts";
export {
  dt,
  gb,
  gd,
  gt,
  sb,
  sp,
  st,
  StructuredMatrix,
  sy,
  tb,
  tp,
  tr,
  type TriangularOptions,
  type UploOptions,
} from "./lib/core/structured.ts";
export type { Diag, KindShape, MatrixKind, Uplo } from "./lib/core/kinds.ts";
export { viewSy, viewTr } from "./lib/structured/views.ts";
export { jsDouble, jsFloat } from "./lib/engines/js/mod.ts";
export {
  dge,
  dv,
  fge,
  fv,
  nativeAvailability,
  nativeBfloat16,
  nativeDouble,
  nativeFloat,
} from "./lib/engines/native/mod.ts";
export { type Availability, defaultDouble, defaultFloat } from "./lib/engines/registry.ts";
export { bestFloat } from "./lib/best_float.ts";
export {
  type WebGPUAvailability,
  webgpuAvailability,
  webgpuFloat,
  type WebGPUOptions,
} from "./lib/engines/webgpu/mod.ts";
export {
  type OpenCLAvailability,
  openclAvailability,
  type OpenCLDevice,
  openclDevices,
  openclDouble,
  openclFloat,
  type OpenCLOptions,
} from "./lib/engines/opencl/mod.ts";
export {
  type CudaAvailability,
  cudaAvailability,
  cudaDouble,
  cudaFloat,
  type CudaOptions,
} from "./lib/engines/cuda/mod.ts";
export * from "./lib/blas.ts";
export * from "./lib/random.ts";
export * from "./lib/access.ts";
export {
  desc,
  type Run,
  type TensorDesc,
  type TensorLayout,
  tensorLayouts,
} from "./lib/tensor/desc.ts";
export { dataType, layout, shape, Tensor } from "./lib/tensor/tensor.ts";
export { tensor } from "./lib/tensor/construct.ts";
export { batchOf, viewGe, viewTz, viewVctr } from "./lib/tensor/views.ts";
export { Transformer, transformer } from "./lib/tensor/transformer.ts";
export { logSoftmax, logSoftmax_, softmax, softmax_ } from "./lib/softmax.ts";
export {
  Batcher,
  batcher,
  type Connection,
  connector,
  shuffle_,
  Shuffler,
  shuffler,
} from "./lib/tensor/batching.ts";

/**
 * The WebGPU engine: float32 structures in GPU buffers, every operation a WGSL kernel recorded
 * into the runtime's command encoder. Scalars (dot, sums, norms, indices) are computed on the
 * device and arrive as promises; host data moves only through `write` and `read`.
 *
 * @module
 */

import type { Engine, HostOperand, Operand } from "../../core/engine.ts";
import type { DType } from "../../core/types.ts";
import type { ElementwiseOp } from "../../elementwise/table.ts";
import { updates } from "../../elementwise/updates.ts";
import { Runtime } from "./runtime.ts";
import { gemmKernel, gemvKernel, gerKernel, layerKernel } from "./products.ts";
import { webgpuConvolution } from "./convolution.ts";
import { webgpuDevice } from "./templates.ts";
import { nnKernels } from "../kernels/nn.ts";
import { rngKernels } from "../kernels/random.ts";
import { poolingKernels } from "../kernels/pooling.ts";
import { reductionKernels } from "../kernels/reduction.ts";
import { batchNormKernels } from "../kernels/batch_norm.ts";
import { deviceKernels } from "../kernels/level1.ts";
import { structuredKernels } from "../kernels/structured.ts";
import { dense } from "./wgsl.ts";
import { denseRun, deviceLevel1, packed, spanEnd, unpack } from "../device_level1.ts";

/** Builds the engine over a device. */
export function webgpuEngine(device: GPUDevice): Engine & { readonly runtime: Runtime } {
  const rt = new Runtime(device);
  const kernels = webgpuDevice(rt);
  const level1 = deviceKernels(kernels);
  const engine: Engine & { readonly runtime: Runtime } = {
    runtime: rt,
    name: "webgpu",
    location: "device",
    collected: false,
    maxEntries: Math.floor(rt.limits.maxBuffer / 4),
    alloc(dtype: DType, length: number): GPUBuffer {
      if (dtype !== "float32") throw new TypeError("webgpu: WGSL has no float64; use float32");
      return rt.buffer(length);
    },
    free: (buffer: unknown) => rt.free(buffer as GPUBuffer),
    hostArray: () => undefined,
    write(src: HostOperand, dst: Operand): void {
      const n = dst.rows * dst.cols;
      if (n === 0) return;
      const data = packed(src, dst, new Float32Array(n));
      const buffer = dst.storage.buffer as GPUBuffer;
      if (denseRun(dst)) {
        rt.write(buffer, dst.offset * 4, data);
        return;
      }
      // A strided destination: upload densely, then scatter on the device.
      const staging = rt.buffer(n);
      rt.write(staging, 0, data);
      level1.map("copy", updates.copy, [], dst, dense(staging, dst.rows, dst.cols));
      rt.free(staging);
      rt.flush();
    },
    async read(src: Operand, dst: HostOperand): Promise<void> {
      if (src.rows === 0 || src.cols === 0) return;
      const data = await rt.read(
        src.storage.buffer as GPUBuffer,
        src.offset * 4,
        (spanEnd(src) - src.offset) * 4,
      );
      unpack(data, src, dst);
    },
    synchronize: () => rt.synchronize(),
    blas: {
      ...deviceLevel1(level1, 1e-30),
      gemv: (alpha, a, xs, beta, ys) => gemvKernel(rt, alpha, a, xs, beta, ys),
      ger: (alpha, xs, ys, a) => gerKernel(rt, alpha, xs, ys, a),
      gemm: (alpha, a, b, beta, c) => gemmKernel(rt, alpha, a, b, beta, c),
    },
    math: {
      map(
        op: ElementwiseOp,
        params: readonly number[],
        out: Operand,
        xs: Operand,
        ys?: Operand,
      ): void {
        level1.map(op.name, op.f, params, out, xs, ys);
      },
    },
    rng: rngKernels(kernels),
    nn: {
      ...nnKernels(kernels),
      innerProduct: (w, x, b, out, f, params) => layerKernel(rt, w, x, b, out, f, params),
    },
    dnn: {
      reduction: reductionKernels(kernels),
      convolution: webgpuConvolution(kernels, () => engine.blas),
      ...poolingKernels(kernels),
      batchNormalization: batchNormKernels(kernels),
    },
    structured: structuredKernels(kernels, "webgpu"),
  };
  return engine;
}

/**
 * WebGPU's convolutions: the products through the tiled GEMM (../kernels/im2col.ts) unless one column of
 * windows outgrows the buffers, else the direct kernels every device shares
 * (`../kernels/convolution.ts`); the bias gradient is the planned reduction of the error.
 *
 * @module
 */

import type { BlasEngine, DnnEngine } from "../../core/engine.ts";
import type { KernelDevice } from "../kernels/device.ts";
import { biasGradient, convolutionKernels } from "../kernels/convolution.ts";
import { reductionKernels } from "../kernels/reduction.ts";
import { im2colConvolution } from "../kernels/im2col.ts";

/**
 * Which kernels a convolution takes: the products through the tiled GEMM (../kernels/im2col.ts) unless one
 * column of windows outgrows the buffers, or the direct kernels. Tests set `force`.
 */
export const webgpuConvolutionRoute: { force: "direct" | "gemm" | undefined } = {
  force: undefined,
};

/** The WebGPU engine's planned convolution passes; `blas` is the engine's own. */
export function webgpuConvolution(
  device: KernelDevice,
  blas: () => BlasEngine,
): NonNullable<DnnEngine["convolution"]> {
  const direct = convolutionKernels(device);
  const reduce = reductionKernels(device);
  return (pass, x, w, b, y, g, dtype) => {
    if (webgpuConvolutionRoute.force !== "direct") {
      const products = im2colConvolution(device, blas(), pass, x, w, b, y, g);
      if (products !== undefined) {
        const bias = biasGradient(reduce, pass, b, y);
        return () => {
          products();
          bias?.();
        };
      }
    }
    return direct(pass, x, w, b, y, g, dtype);
  };
}

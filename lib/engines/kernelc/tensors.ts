/**
 * The tensor primitives of the C-kernel engines (OpenCL, CUDA): the kernels every device shares
 * (`../kernels/`) — reductions, direct convolutions, pooling and batch normalization — rendered
 * in C and launched on the runtime.
 *
 * @module
 */

import type { DnnEngine } from "../../core/engine.ts";
import type { KernelRuntime } from "./runtime.ts";
import { kernelDevice } from "./templates.ts";
import { poolingKernels } from "../kernels/pooling.ts";
import { convolutionKernels } from "../kernels/convolution.ts";
import { reductionKernels } from "../kernels/reduction.ts";
import { batchNormKernels } from "../kernels/batch_norm.ts";

/** The tensor primitives over a runtime. */
export function kernelTensors(rt: KernelRuntime): DnnEngine {
  const device = kernelDevice(rt);
  return {
    reduction: reductionKernels(device),
    convolution: convolutionKernels(device),
    ...poolingKernels(device),
    batchNormalization: batchNormKernels(device),
  };
}

/**
 * A device engine from a runtime that compiles the C kernels (OpenCL's, CUDA's) and a BLAS
 * library's products: memory and transfers, the level-1 BLAS, the elementwise table, the random
 * streams and the DNN primitives are the same kernels on both; only gemm, gemv and ger differ.
 *
 * @module
 */

import type { BlasEngine, Engine, HostOperand, Operand } from "../../core/engine.ts";
import type { DType } from "../../core/types.ts";
import type { ElementwiseOp } from "../../elementwise/table.ts";
import { updates } from "../../elementwise/updates.ts";
import { denseRun, deviceLevel1, packed, spanEnd, unpack } from "../device_level1.ts";
import type { DeviceBuffer, KernelRuntime } from "./runtime.ts";
import { kernelDevice } from "./templates.ts";
import { nnKernels } from "../kernels/nn.ts";
import { rngKernels } from "../kernels/random.ts";
import { kernelTensors } from "./tensors.ts";
import { deviceKernels } from "../kernels/level1.ts";
import { structuredKernels } from "../kernels/structured.ts";

/** What the products need besides their operands: clearing and scaling an output. */
export interface OutputKernels {
  /** c ← v everywhere. */
  fill(c: Operand, v: number): void;
  /** c ← βc, where β = 0 writes zeros over whatever c held (NaN included). */
  scaleOutput(beta: number, c: Operand): void;
}

/** Builds the engine `name` of one dtype over a runtime and a BLAS library's products. */
export function kernelEngine<R extends KernelRuntime & { double: boolean }>(
  name: string,
  rt: R,
  dtype: "float32" | "float64",
  products: (out: OutputKernels) => Pick<BlasEngine, "gemv" | "ger" | "gemm">,
): Engine & { readonly runtime: R } {
  const double = dtype === "float64";
  rt.double = double;
  const size = double ? 8 : 4;
  const Arr = double ? Float64Array : Float32Array;
  const device = kernelDevice(rt);
  const level1 = deviceKernels(device);

  const fill = (a: Operand, v: number) => level1.map("fill", updates.fill, [v], a, a);
  const scaleOutput = (beta: number, c: Operand) => {
    if (beta === 0) fill(c, 0);
    else if (beta !== 1) level1.map("scale", updates.scale, [beta], c, c);
  };

  const blas: BlasEngine = {
    ...deviceLevel1(level1, double ? 1e-290 : 1e-30),
    ...products({ fill, scaleOutput }),
  };
  return {
    runtime: rt,
    name,
    location: "device",
    collected: false,
    maxEntries: Math.min(Math.floor(rt.info.maxAlloc / size), 2 ** 31 - 1),
    alloc(d: DType, length: number): DeviceBuffer {
      if (d !== dtype) throw new TypeError(`${name}: this engine holds ${dtype}, not ${d}`);
      return rt.buffer(length * size);
    },
    free: (buffer: unknown) => rt.free(buffer as DeviceBuffer),
    hostArray: () => undefined,
    write(src: HostOperand, dst: Operand): void {
      const n = dst.rows * dst.cols;
      if (n === 0) return;
      const data = packed(src, dst, new Arr(n));
      const buffer = dst.storage.buffer as DeviceBuffer;
      if (denseRun(dst)) return rt.write(buffer, dst.offset * size, data, true);
      // A strided destination: upload densely, then scatter on the device.
      const staging = rt.buffer(n * size);
      rt.write(staging, 0, data, true);
      const from = {
        storage: { buffer: staging, length: n, released: false },
        offset: 0,
        rows: dst.rows,
        cols: dst.cols,
        rowStride: 1,
        colStride: dst.rows,
      };
      level1.map("copy", updates.copy, [], dst, from);
      rt.free(staging);
    },
    async read(src: Operand, dst: HostOperand): Promise<void> {
      if (src.rows === 0 || src.cols === 0) return;
      const bytes = await rt.read(
        src.storage.buffer as DeviceBuffer,
        src.offset * size,
        (spanEnd(src) - src.offset) * size,
      );
      unpack(new Arr(bytes.buffer), src, dst);
    },
    synchronize: () => rt.synchronize(),
    blas,
    math: {
      map(op: ElementwiseOp, params: readonly number[], out: Operand, xs: Operand, ys?: Operand) {
        level1.map(op.name, op.f, params, out, xs, ys);
      },
    },
    rng: rngKernels(device),
    nn: nnKernels(device),
    dnn: kernelTensors(rt),
    structured: structuredKernels(device, name),
  };
}

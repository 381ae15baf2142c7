/**
 * The CUDA engine's kernel sources, checked without a GPU: every kernel the shared C sources make
 * (elementwise table, level 1, reductions, Philox, softmax, gather, Adam, convolution, pooling,
 * batch normalization), with the CUDA prelude, compiled for syntax and types by the host's C++
 * compiler over stand-ins for CUDA's built-ins. Skipped with the reason where no g++ is present
 * (CI installs none); a GPU session then compiles them for real with NVRTC.
 */
import { cudaPrelude } from "../../lib/engines/cuda/runtime.ts";
import type { DeviceBuffer, KernelArg, KernelRuntime } from "../../lib/engines/kernelc/runtime.ts";
import {
  lineSumsKernel,
  mapKernel,
  randomKernel,
  reduceKernels,
  swapKernel,
} from "../../lib/engines/kernelc/kernels.ts";
import { kernelDnn } from "../../lib/engines/kernelc/dnn.ts";
import { kernelTensors } from "../../lib/engines/kernelc/tensors.ts";
import { ops } from "../../lib/elementwise/table.ts";
import type { Operand, TensorOperand } from "../../lib/core/engine.ts";
import { assert } from "../conformance/assert.ts";

const gxx = await new Deno.Command("g++", { args: ["--version"], stdout: "null", stderr: "null" })
  .output().then((o) => o.success, () => false);

/** A runtime that compiles nothing and launches nothing: it keeps each kernel's source. */
class Recorder implements KernelRuntime {
  readonly sources = new Map<string, string>();
  readonly info = { fp64: true, name: "recorder", maxAlloc: 1 << 30 };
  constructor(readonly double: boolean) {}
  prelude(): string {
    return cudaPrelude(this.double);
  }
  kernel(key: string, _name: string, source: () => string): unknown {
    if (!this.sources.has(key)) this.sources.set(key, source());
    return key;
  }
  launch(_k: unknown, _args: readonly KernelArg[], _global: number): void {}
  buffer(bytes: number): DeviceBuffer {
    return { bytes };
  }
  scratch(bytes: number): DeviceBuffer {
    return { bytes };
  }
  free(): void {}
  write(): void {}
  read(): Promise<Uint8Array<ArrayBuffer>> {
    return Promise.resolve(new Uint8Array(8));
  }
  synchronize(): Promise<void> {
    return Promise.resolve();
  }
}

/** Every kernel source the engine can make, through the recorder. */
function sources(double: boolean): Map<string, string> {
  const rt = new Recorder(double);
  const buf = { buffer: { bytes: 1 << 20 }, length: 1 << 18, released: false };
  const o = (rows: number, cols: number): Operand => ({
    storage: buf,
    offset: 0,
    rows,
    cols,
    rowStride: 1,
    colStride: rows,
  });
  const t = (shape: number[]): TensorOperand => {
    const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
    return { storage: buf, offset: 0, shape, strides };
  };
  for (const op of Object.values(ops)) {
    mapKernel(
      rt,
      op.name,
      op.f,
      [1, 0, 0, 0],
      o(4, 4),
      o(4, 4),
      op.arity === 2 ? o(4, 4) : undefined,
    );
    if (op.df !== undefined) {
      mapKernel(rt, `${op.name}-d`, op.df, [1, 0, 0, 0], o(4, 4), o(4, 4), o(4, 4));
    }
  }
  swapKernel(rt, o(4, 1), o(4, 1));
  for (const fold of ["sum", "max", "argmax", "argmin"] as const) {
    reduceKernels(rt, fold, "id", ops.abs.f, [], { bytes: 4096 }, { bytes: 4096 }, o(8, 1));
  }
  lineSumsKernel(rt, { bytes: 4096 }, o(4, 4), "cols");
  lineSumsKernel(rt, { bytes: 4096 }, o(4, 4), "rows");
  randomKernel(rt, "uniform", o(8, 1), 0, 1, 0, 1, 1, 2, 3);
  randomKernel(rt, "normal", o(8, 1), 0, 1, -Infinity, Infinity, 1, 2, 3);
  const dnn = kernelDnn(rt), tensors = kernelTensors(rt);
  dnn.softmax!(o(3, 4), o(3, 4), false);
  dnn.softmax!(o(3, 4), o(3, 4), true);
  dnn.gatherColumns!(o(3, 4), Int32Array.of(1, 0), o(3, 2));
  dnn.adam!(o(3, 4), o(3, 4), o(3, 4), o(3, 4), 0.1, 0.9, 0.999, 1e-8);
  const g = { strides: [1, 1], padding: [1, 1], dilation: [1, 1] };
  for (const pass of ["forward", "backwardData", "backwardWeights"] as const) {
    tensors.convolution!(
      pass,
      t([2, 3, 5, 5]),
      t([4, 3, 3, 3]),
      t([4]),
      t([2, 4, 5, 5]),
      g,
      "float32",
    );
  }
  const p = { kernel: [2, 2], strides: [2, 2], padding: [0, 0] };
  for (const kind of ["max", "avg", "avg-exclude-padding"] as const) {
    tensors.poolingForward!(kind, t([2, 3, 4, 4]), t([2, 3, 2, 2]), p, "float32");
    tensors.poolingBackward!(kind, t([2, 3, 4, 4]), t([2, 3, 2, 2]), t([2, 3, 4, 4]), p, "float32");
  }
  const c = t([3]);
  for (const pass of ["training", "inference", "backward"] as const) {
    tensors.batchNormalization!(
      pass,
      {
        x: t([2, 3, 4, 4]),
        y: t([2, 3, 4, 4]),
        scale: c,
        shift: c,
        mean: c,
        variance: c,
        dx: t([2, 3, 4, 4]),
        dScale: c,
        dShift: c,
      },
      1e-5,
      "float32",
    );
  }
  return rt.sources;
}

const stubs = `
#include <cmath>
#include <cstring>
using std::isnan; using std::isinf; using std::fmax; using std::fmin;
#undef INFINITY
#undef NAN
#define __global__
#define __device__
#define __shared__ static
#define __launch_bounds__(n)
struct dim3 { unsigned x, y, z; };
extern dim3 blockIdx, blockDim, threadIdx, gridDim;
inline void __syncthreads() {}
struct uint4 { unsigned x, y, z, w; };
struct uint2 { unsigned x, y; };
inline uint4 make_uint4(unsigned a, unsigned b, unsigned c, unsigned d) { return {a, b, c, d}; }
inline uint2 make_uint2(unsigned a, unsigned b) { return {a, b}; }
inline unsigned __umulhi(unsigned a, unsigned b) { return (unsigned) (((unsigned long long) a * b) >> 32); }
inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
`;

Deno.test({
  name: gxx
    ? "[cuda] every kernel source compiles as CUDA C++ (checked by g++ over CUDA stand-ins)"
    : "[cuda] kernel sources not compiled: no g++ here (a GPU session compiles them with NVRTC)",
  ignore: !gxx,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/stubs.h`, stubs);
      let count = 0;
      for (const double of [false, true]) {
        const all = [...sources(double).values()].map((src) =>
          `namespace k${count++} {\n${src.replaceAll('extern "C" ', "")}\n}\n`
        );
        // Each kernel in its own namespace: the prelude's helpers repeat per kernel.
        const file = `${dir}/kernels_${double ? "double" : "float"}.cu.cpp`;
        await Deno.writeTextFile(file, all.join("\n"));
        const out = await new Deno.Command("g++", {
          args: ["-std=c++17", "-fsyntax-only", "-w", "-include", `${dir}/stubs.h`, file],
          stderr: "piped",
        }).output();
        const err = new TextDecoder().decode(out.stderr);
        assert(out.success, `${double ? "double" : "float"} kernels:\n${err.slice(0, 3000)}`);
      }
      assert(count > 80, `${count} kernels compiled`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

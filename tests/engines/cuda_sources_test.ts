/**
 * The CUDA engine's kernel sources, checked without a GPU: every kernel the shared C sources make
 * (elementwise table, level 1, reductions, Philox, softmax, gather, Adam, convolution, pooling,
 * batch normalization), with the CUDA prelude, compiled for syntax and types by the host's C++
 * compiler over stand-ins for CUDA's built-ins. Skipped with the reason where no g++ is present
 * (CI installs none); a GPU session then compiles them for real with NVRTC. And the cuBLAS
 * products' layout mapping against a column-major BLAS on host arrays standing in for the GPU.
 */
import { cudaPrelude } from "../../lib/engines/cuda/runtime.ts";
import type { DeviceBuffer, KernelArg, KernelRuntime } from "../../lib/engines/kernelc/runtime.ts";
import { kernelDevice } from "../../lib/engines/kernelc/templates.ts";
import { nnKernels } from "../../lib/engines/kernels/nn.ts";
import { deviceKernels } from "../../lib/engines/kernels/level1.ts";
import { structuredKernels } from "../../lib/engines/kernels/structured.ts";
import { rngKernels } from "../../lib/engines/kernels/random.ts";
import { kernelTensors } from "../../lib/engines/kernelc/tensors.ts";
import { loopBudget } from "../../lib/engines/kernelc/loops.ts";
import { ops } from "../../lib/elementwise/table.ts";
import type { Operand, TensorOperand } from "../../lib/core/engine.ts";
import { assert, assertEquals } from "../conformance/assert.ts";
import { cublasProducts } from "../../lib/engines/cuda/engine.ts";

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

/**
 * Every kernel source the engine can make, through the recorder: each plan is also run, under a
 * loop budget small enough that spans, parts and their folds, and long softmax columns appear.
 */
function sources(double: boolean): Map<string, string> {
  const budget = loopBudget.iterations;
  loopBudget.iterations = 2;
  try {
    return recorded(double);
  } finally {
    loopBudget.iterations = budget;
  }
}

function recorded(double: boolean): Map<string, string> {
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
  const device = kernelDevice(rt);
  const level1 = deviceKernels(device);
  for (const op of Object.values(ops)) {
    level1.map(op.name, op.f, [1, 0, 0, 0], o(4, 4), o(4, 4), op.arity === 2 ? o(4, 4) : undefined);
    if (op.df !== undefined) {
      level1.map(`${op.name}-d`, op.df, [1, 0, 0, 0], o(4, 4), o(4, 4), o(4, 4));
    }
  }
  level1.swap(o(4, 1), o(4, 1));
  // The folds and line sums record their kernels before they wait for a result.
  for (const fold of ["sum", "max", "argmax", "argmin"] as const) {
    void level1.scalar(fold, "id", ops.abs.f, [], o(8, 1));
  }
  void level1.lineMax(o(4, 4), "cols");
  void level1.lineMax(o(4, 4), "rows");
  const stream = { key0: 1, key1: 2, offset: 3 };
  rngKernels(device).uniform(o(8, 1), 0, 1, stream);
  rngKernels(device).normal(o(8, 1), 0, 1, stream);
  const nn = nnKernels(device), tensors = kernelTensors(rt);
  // Every kind's products and solves, in both layouts (the reading differs by kind and triangle).
  const structured = structuredKernels(device, "cuda");
  const kinds = ["tr", "gb", "sb", "tb", "tp", "sp", "gd", "gt", "dt", "st"] as const;
  for (const kind of kinds) {
    for (const layout of ["column", "row"] as const) {
      for (const uplo of ["upper", "lower"] as const) {
        const a = {
          storage: buf,
          offset: 0,
          kind,
          m: 2,
          n: 2,
          ld: 2,
          layout,
          uplo,
          diag: kind === "tb" ? "unit" : "non-unit",
          kl: uplo === "lower" ? 1 : 0,
          ku: uplo === "upper" ? 1 : 0,
        } as const;
        structured.mv!(2, a, o(2, 1), 0.5, o(2, 1))!();
        structured.mm!("right", 1, a, o(3, 2), 0, o(3, 2))!();
        structured.sv?.(a, o(2, 2))?.();
      }
    }
  }
  nn.softmax!(o(3, 4), o(3, 4), false)();
  nn.softmax!(o(3, 4), o(3, 4), true)();
  nn.gatherColumns!(o(3, 4), Int32Array.of(1, 0), o(3, 2))!();
  nn.adam!(o(3, 4), o(3, 4), o(3, 4), o(3, 4), 0.1, 0.9, 0.999, 1e-8)!();
  const g = { strides: [1, 1], padding: [1, 1], dilation: [1, 1] };
  for (const pass of ["forward", "backwardData", "backwardWeights"] as const) {
    const plan = tensors.convolution!(
      pass,
      t([2, 3, 5, 5]),
      t([4, 3, 3, 3]),
      t([4]),
      t([2, 4, 5, 5]),
      g,
      "float32",
    );
    plan!();
  }
  const p = { kernel: [2, 2], strides: [2, 2], padding: [0, 0] };
  for (const kind of ["max", "avg", "avg-exclude-padding"] as const) {
    tensors.poolingForward!(kind, t([2, 3, 4, 4]), t([2, 3, 2, 2]), p, "float32")!();
    tensors.poolingBackward!(
      kind,
      t([2, 3, 4, 4]),
      t([2, 3, 2, 2]),
      t([2, 3, 4, 4]),
      p,
      "float32",
    )!();
  }
  const c = t([3]);
  for (const pass of ["training", "inference", "backward"] as const) {
    const plan = tensors.batchNormalization!(
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
    plan!();
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
      // The kernels that cut long loops are among them.
      const keys = new Set(sources(false).keys());
      for (
        const k of [
          "t:parts:sum",
          "t:treduce-parts:sum:1:3",
          "t:pool:max:largest",
          "t:bn:parts:backward",
          "t:softmax-columns:sums",
          "t:softmax-entries:true",
          "t:fold:argmin:id:false",
          "t:fold:argmax:partials",
          "t:lines:rows",
          "t:swap",
          "t:structured-sv:tr:u:d:N",
          "t:structured-sv:tb:l:1:T",
          "t:structured-mm:gt:u:d:N:L",
          "t:structured-mm:sp:l:d:T:R",
        ]
      ) assert(keys.has(k), `no source for ${k}`);
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

/** Column-major BLAS on host arrays standing in for device memory, by address. */
function mockCublas() {
  const memory = new Map<bigint, Float64Array>();
  let next = 1n << 32n;
  const alloc = (n: number) => {
    const base = next;
    next += BigInt(n * 8 + 4096);
    memory.set(base, new Float64Array(n));
    return base;
  };
  const at = (ptr: bigint): [Float64Array, number] => {
    for (const [base, a] of memory) {
      if (ptr >= base && ptr < base + BigInt(a.length * 8)) return [a, Number(ptr - base) / 8];
    }
    throw new Error(`no memory at ${ptr}`);
  };
  const scalar = (b: BufferSource) => (b as Float64Array)[0];
  const gemm = (
    _h: unknown,
    ta: number,
    tb: number,
    m: number,
    n: number,
    k: number,
    alpha: BufferSource,
    pa: bigint,
    lda: number,
    pb: bigint,
    ldb: number,
    beta: BufferSource,
    pc: bigint,
    ldc: number,
  ) => {
    const [A, ao] = at(pa), [B, bo] = at(pb), [C, co] = at(pc);
    const a = (i: number, p: number) => ta ? A[ao + p + i * lda] : A[ao + i + p * lda];
    const b = (p: number, j: number) => tb ? B[bo + j + p * ldb] : B[bo + p + j * ldb];
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
        const c = co + i + j * ldc;
        C[c] = scalar(alpha) * s + (scalar(beta) === 0 ? 0 : scalar(beta) * C[c]);
      }
    }
    return 0;
  };
  const gemv = (
    _h: unknown,
    t: number,
    m: number,
    n: number,
    alpha: BufferSource,
    pa: bigint,
    lda: number,
    px: bigint,
    incx: number,
    beta: BufferSource,
    py: bigint,
    incy: number,
  ) => {
    const [A, ao] = at(pa), [X, xo] = at(px), [Y, yo] = at(py);
    const rows = t ? n : m, cols = t ? m : n;
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) {
        s += (t ? A[ao + j + i * lda] : A[ao + i + j * lda]) * X[xo + j * incx];
      }
      const y = yo + i * incy;
      Y[y] = scalar(alpha) * s + (scalar(beta) === 0 ? 0 : scalar(beta) * Y[y]);
    }
    return 0;
  };
  const ger = (
    _h: unknown,
    m: number,
    n: number,
    alpha: BufferSource,
    px: bigint,
    incx: number,
    py: bigint,
    incy: number,
    pa: bigint,
    lda: number,
  ) => {
    const [A, ao] = at(pa), [X, xo] = at(px), [Y, yo] = at(py);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < m; i++) {
        A[ao + i + j * lda] += scalar(alpha) * X[xo + i * incx] * Y[yo + j * incy];
      }
    }
    return 0;
  };
  const fns = {
    cublasSgemm_v2: gemm,
    cublasDgemm_v2: gemm,
    cublasSgemv_v2: gemv,
    cublasDgemv_v2: gemv,
    cublasSger_v2: ger,
    cublasDger_v2: ger,
  };
  return { fns, alloc, at };
}

Deno.test("[cuda] cuBLAS products reach every layout and transposed view through column-major calls", () => {
  const { fns, alloc, at } = mockCublas();
  const noOutput = { fill() {}, scaleOutput() {} };
  const products = cublasProducts(
    fns as unknown as Parameters<typeof cublasProducts>[0],
    Deno.UnsafePointer.create(1n)!,
    "float64",
    noOutput,
  );
  type Op = Parameters<typeof products.gemm>[1];
  const matrix = (
    rows: number,
    cols: number,
    rowMajor: boolean,
    fill: (i: number, j: number) => number,
  ): Op => {
    const ld = (rowMajor ? cols : rows) + 2; // a leading dimension past the extent, as a view has
    const base = alloc(ld * (rowMajor ? rows : cols) + 8);
    const o = {
      storage: { buffer: { ptr: base, bytes: 0 }, length: 0, released: false },
      offset: 3,
      rows,
      cols,
      rowStride: rowMajor ? ld : 1,
      colStride: rowMajor ? 1 : ld,
    };
    const [a, off] = at(base);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) a[off + 3 + i * o.rowStride + j * o.colStride] = fill(i, j);
    }
    return o;
  };
  const entry = (o: Op, i: number, j: number) => {
    const [a, off] = at((o.storage.buffer as { ptr: bigint }).ptr);
    return a[off + o.offset + i * o.rowStride + j * o.colStride];
  };
  const A = (i: number, p: number) => i * 3 - p + 1, B = (p: number, j: number) => p + 2 * j - 1;
  for (const ra of [false, true]) {
    for (const rb of [false, true]) {
      for (const rc of [false, true]) {
        const a = matrix(3, 4, ra, A), b = matrix(4, 2, rb, B), c = matrix(3, 2, rc, () => NaN);
        products.gemm(2, a, b, 0, c);
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 2; j++) {
            let s = 0;
            for (let p = 0; p < 4; p++) s += A(i, p) * B(p, j);
            assertEquals(
              entry(c, i, j),
              2 * s,
              `gemm a ${ra ? "row" : "col"}, b ${rb ? "row" : "col"}, c ${
                rc ? "row" : "col"
              } (${i}, ${j})`,
            );
          }
        }
      }
    }
    const a = matrix(3, 4, ra, A),
      x = matrix(4, 1, false, (p) => p + 1),
      y = matrix(3, 1, false, () => 1);
    products.gemv(1, a, x, 1, y);
    for (let i = 0; i < 3; i++) {
      let s = 1;
      for (let p = 0; p < 4; p++) s += A(i, p) * (p + 1);
      assertEquals(entry(y, i, 0), s, `gemv a ${ra ? "row" : "col"} (${i})`);
    }
    const g = matrix(3, 4, ra, () => 1),
      u = matrix(3, 1, false, (i) => i),
      v = matrix(4, 1, false, (j) => j + 1);
    products.ger(2, u, v, g);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 4; j++) {
        assertEquals(
          entry(g, i, j),
          1 + 2 * i * (j + 1),
          `ger a ${ra ? "row" : "col"} (${i}, ${j})`,
        );
      }
    }
  }
});

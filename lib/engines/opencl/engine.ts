/**
 * The OpenCL engine: structures in OpenCL buffers on one device, the products through CLBlast,
 * everything else kernels from `kernels.ts`. Scalars (dot, sums, norms, indices) are computed
 * on the device and arrive as promises; host data moves only through `write` and `read`.
 *
 * @module
 */

import type { BlasEngine, Engine, HostOperand, Operand } from "../../core/engine.ts";
import type { DType, HostArray } from "../../core/types.ts";
import type { ElementwiseOp } from "../../elementwise/table.ts";
import { type Expr, fn1, mul, param, x, y } from "../../elementwise/expr.ts";
import { updates } from "../../elementwise/updates.ts";
import { KnapError } from "../../core/errors.ts";
import { blasStorage } from "../blas_storage.ts";
import { atOrAbove, below } from "../../core/floats.ts";
import { CLBLAST, type CLBlast, clblastErrors } from "../../../ffi/clblast.ts";
import { clErrors } from "../../../ffi/opencl.ts";
import type { ClBuffer, ClRuntime } from "./runtime.ts";
import {
  type Fold,
  lineSumsKernel,
  mapKernel,
  PARTIALS,
  randomKernel,
  reduceKernels,
  swapKernel,
} from "./kernels.ts";
import { openclDnn } from "./dnn.ts";
import { openclTensors } from "./tensors.ts";

const absX = fn1("abs", x);

/** The index one past the last entry an operand touches. */
function spanEnd(o: Operand): number {
  if (o.rows === 0 || o.cols === 0) return o.offset;
  return o.offset + (o.rows - 1) * o.rowStride + (o.cols - 1) * o.colStride + 1;
}

/** Whether an operand's entries are one dense column-major run. */
const dense = (o: Operand) => o.rowStride === 1 && (o.cols === 1 || o.colStride === o.rows);

/** Throws a KnapError for a CLBlast status other than success. */
function blastCheck(status: number, what: string): void {
  if (status !== 0) {
    const name = clblastErrors.get(status) ?? clErrors.get(status) ?? "an unknown error";
    throw new KnapError(`opencl: CLBlast ${what} failed with ${name} (${status})`, "opencl");
  }
}

/** Builds the engine of one dtype over a runtime and CLBlast. */
export function openclEngine(
  rt: ClRuntime,
  blast: CLBlast,
  dtype: "float32" | "float64",
): Engine & { readonly runtime: ClRuntime } {
  const double = dtype === "float64";
  rt.double = double;
  const size = double ? 8 : 4;
  const Arr = double ? Float64Array : Float32Array;
  const values = rt.scratch((PARTIALS + 1) * size);
  const indices = rt.scratch((PARTIALS + 1) * 8);
  let lines = rt.scratch(1024 * size);
  const mem = (o: Operand) => (o.storage.buffer as ClBuffer).mem;
  const storage = (o: Operand) => blasStorage(o, "opencl");

  async function scalar(
    fold: Fold,
    name: string,
    f: Expr,
    params: number[],
    a: Operand,
    b?: Operand,
  ): Promise<number> {
    if (a.rows * a.cols === 0) return fold === "argmax" || fold === "argmin" ? 0 : 0;
    reduceKernels(rt, fold, name, f, params, values, indices, a, b);
    if (fold === "argmax" || fold === "argmin") {
      const r = await rt.read(indices, PARTIALS * 8, 8);
      return Number(new BigInt64Array(r.buffer)[0]);
    }
    const r = await rt.read(values, PARTIALS * size, size);
    return new Arr(r.buffer)[0];
  }

  async function lineMax(a: Operand, along: "cols" | "rows"): Promise<number> {
    const count = along === "cols" ? a.cols : a.rows;
    if (count === 0) return 0;
    if (count * size > lines.bytes) {
      rt.free(lines);
      lines = rt.scratch(count * size);
    }
    lineSumsKernel(rt, lines, a, along);
    const line = {
      storage: { buffer: lines, length: count, released: false },
      offset: 0,
      rows: count,
      cols: 1,
      rowStride: 1,
      colStride: count,
    };
    return await scalar("max", "id", x, [], line);
  }

  async function nrm2(a: Operand): Promise<number> {
    const ss = await scalar("sum", "sqr", mul(x, x), [], a);
    if (Number.isNaN(ss)) return NaN; // only a NaN entry makes a sum of squares NaN
    if (Number.isFinite(ss) && ss > (double ? 1e-290 : 1e-30)) return Math.sqrt(ss);
    // Squares overflowed or underflowed: scale by the largest magnitude first.
    const amax = await scalar("max", "abs", absX, [], a);
    if (amax === 0 || !Number.isFinite(amax)) return amax;
    const scaled = mul(param(0), x);
    return amax * Math.sqrt(await scalar("sum", "sqr-scaled", mul(scaled, scaled), [1 / amax], a));
  }

  const fill = (a: Operand, v: number) => mapKernel(rt, "fill", updates.fill, [v], a, a);
  /** c ← βc, where β = 0 writes zeros over whatever c held (NaN included). */
  const scaleOutput = (beta: number, c: Operand) =>
    beta === 0 ? fill(c, 0) : beta !== 1 && mapKernel(rt, "scale", updates.scale, [beta], c, c);

  const blas: BlasEngine = {
    dot: (a, b) => scalar("sum", "dot", mul(x, y), [], a, b),
    sum: (a) => scalar("sum", "id", x, [], a),
    asum: (a) => scalar("sum", "abs", absX, [], a),
    nrm2,
    nrm1: (a) => a.cols === 1 ? scalar("sum", "abs", absX, [], a) : lineMax(a, "cols"),
    nrmi: (a) => a.cols === 1 ? scalar("max", "abs", absX, [], a) : lineMax(a, "rows"),
    iamax: (a) => scalar("argmax", "abs", absX, [], a),
    iamin: (a) => scalar("argmin", "abs", absX, [], a),
    copy: (a, b) => mapKernel(rt, "copy", updates.copy, [], b, a),
    swap: (a, b) => swapKernel(rt, a, b),
    scal: (alpha, a) => mapKernel(rt, "scale", updates.scale, [alpha], a, a),
    axpby(alpha, a, beta, b) {
      if (beta === 0) mapKernel(rt, "scale", updates.scale, [alpha], b, a);
      else if (beta === 1) mapKernel(rt, "axpy", updates.axpy, [alpha], b, a, b);
      else mapKernel(rt, "axpby", updates.axpby, [alpha, beta], b, a, b);
    },
    fill,
    gemv(alpha, a, xs, beta, ys) {
      const m = a.rows, n = a.cols;
      if (m === 0) return;
      if (n === 0 || alpha === 0) return void scaleOutput(beta, ys);
      // CLBlast computes βy even at β = 0, where a NaN in y would leak through.
      if (beta === 0) fill(ys, 0);
      const s = storage(a);
      const gemv = double ? blast.CLBlastDgemv : blast.CLBlastSgemv;
      blastCheck(
        gemv(
          s.rowMajor ? CLBLAST.ROW_MAJOR : CLBLAST.COL_MAJOR,
          CLBLAST.NO_TRANS,
          BigInt(m),
          BigInt(n),
          alpha,
          mem(a),
          BigInt(a.offset),
          BigInt(s.ld),
          mem(xs),
          BigInt(xs.offset),
          BigInt(xs.rowStride),
          beta,
          mem(ys),
          BigInt(ys.offset),
          BigInt(ys.rowStride),
          rt.queueRef,
          null,
        ),
        "gemv",
      );
    },
    ger(alpha, xs, ys, a) {
      if (a.rows === 0 || a.cols === 0 || alpha === 0) return;
      const s = storage(a);
      const ger = double ? blast.CLBlastDger : blast.CLBlastSger;
      blastCheck(
        ger(
          s.rowMajor ? CLBLAST.ROW_MAJOR : CLBLAST.COL_MAJOR,
          BigInt(a.rows),
          BigInt(a.cols),
          alpha,
          mem(xs),
          BigInt(xs.offset),
          BigInt(xs.rowStride),
          mem(ys),
          BigInt(ys.offset),
          BigInt(ys.rowStride),
          mem(a),
          BigInt(a.offset),
          BigInt(s.ld),
          rt.queueRef,
          null,
        ),
        "ger",
      );
    },
    gemm(alpha, a, b, beta, c) {
      const m = c.rows, n = c.cols, k = a.cols;
      if (m === 0 || n === 0) return;
      if (k === 0 || alpha === 0) return void scaleOutput(beta, c);
      if (beta === 0) fill(c, 0);
      const sa = storage(a), sb = storage(b), sc = storage(c);
      const gemm = double ? blast.CLBlastDgemm : blast.CLBlastSgemm;
      blastCheck(
        gemm(
          sc.rowMajor ? CLBLAST.ROW_MAJOR : CLBLAST.COL_MAJOR,
          sa.rowMajor === sc.rowMajor ? CLBLAST.NO_TRANS : CLBLAST.TRANS,
          sb.rowMajor === sc.rowMajor ? CLBLAST.NO_TRANS : CLBLAST.TRANS,
          BigInt(m),
          BigInt(n),
          BigInt(k),
          alpha,
          mem(a),
          BigInt(a.offset),
          BigInt(sa.ld),
          mem(b),
          BigInt(b.offset),
          BigInt(sb.ld),
          beta,
          mem(c),
          BigInt(c.offset),
          BigInt(sc.ld),
          rt.queueRef,
          null,
        ),
        "gemm",
      );
    },
  };

  const engine: Engine & { readonly runtime: ClRuntime } = {
    runtime: rt,
    name: "opencl",
    location: "device",
    collected: false,
    maxEntries: Math.min(Math.floor(rt.info.maxAlloc / size), 2 ** 31 - 1),
    alloc(d: DType, length: number): ClBuffer {
      if (d !== dtype) throw new TypeError(`opencl: this engine holds ${dtype}, not ${d}`);
      return rt.buffer(length * size);
    },
    free: (buffer: unknown) => rt.free(buffer as ClBuffer),
    hostArray: () => undefined,
    write(src: HostOperand, dst: Operand): void {
      const n = dst.rows * dst.cols;
      if (n === 0) return;
      const s = src.storage.buffer as HostArray;
      const packed = new Arr(n);
      for (let j = 0, k = 0; j < dst.cols; j++) {
        for (let i = 0; i < dst.rows; i++, k++) {
          packed[k] = s[src.offset + i * src.rowStride + j * src.colStride];
        }
      }
      const buffer = dst.storage.buffer as ClBuffer;
      if (dense(dst)) return rt.write(buffer, dst.offset * size, packed);
      // A strided destination: upload densely, then scatter on the device.
      const staging = rt.buffer(n * size);
      rt.write(staging, 0, packed);
      const from = {
        storage: { buffer: staging, length: n, released: false },
        offset: 0,
        rows: dst.rows,
        cols: dst.cols,
        rowStride: 1,
        colStride: dst.rows,
      };
      mapKernel(rt, "copy", updates.copy, [], dst, from);
      rt.free(staging);
    },
    async read(src: Operand, dst: HostOperand): Promise<void> {
      if (src.rows === 0 || src.cols === 0) return;
      const bytes = await rt.read(
        src.storage.buffer as ClBuffer,
        src.offset * size,
        (spanEnd(src) - src.offset) * size,
      );
      const data = new Arr(bytes.buffer);
      const d = dst.storage.buffer;
      for (let j = 0; j < src.cols; j++) {
        for (let i = 0; i < src.rows; i++) {
          d[dst.offset + i * dst.rowStride + j * dst.colStride] =
            data[i * src.rowStride + j * src.colStride];
        }
      }
    },
    synchronize: () => rt.synchronize(),
    blas,
    math: {
      map(op: ElementwiseOp, params: readonly number[], out: Operand, xs: Operand, ys?: Operand) {
        mapKernel(rt, op.name, op.f, params, out, xs, ys);
      },
    },
    rng: {
      uniform(a, lo, hi, s) {
        const f32 = !double;
        randomKernel(
          rt,
          "uniform",
          a,
          lo,
          hi,
          atOrAbove(lo, f32),
          below(hi, f32),
          s.key0,
          s.key1,
          s.offset,
        );
      },
      normal: (a, mu, sigma, s) =>
        randomKernel(rt, "normal", a, mu, sigma, -Infinity, Infinity, s.key0, s.key1, s.offset),
    },
    dnn: { ...openclDnn(rt), ...openclTensors(rt) },
  };
  return engine;
}

/**
 * The OpenCL engine: structures in OpenCL buffers on one device, the products through CLBlast,
 * everything else kernels from `kernels.ts`. Scalars (dot, sums, norms, indices) are computed
 * on the device and arrive as promises; host data moves only through `write` and `read`.
 *
 * @module
 */

import type { BlasEngine, Engine, HostOperand, Operand } from "../../core/engine.ts";
import type { DType } from "../../core/types.ts";
import type { ElementwiseOp } from "../../elementwise/table.ts";
import { type Expr, x } from "../../elementwise/expr.ts";
import { updates } from "../../elementwise/updates.ts";
import { KnapError } from "../../core/errors.ts";
import { blasStorage } from "../blas_storage.ts";
import { denseRun, deviceLevel1, type Fold, packed, spanEnd, unpack } from "../device_level1.ts";
import { atOrAbove, below } from "../../core/floats.ts";
import { CLBLAST, type CLBlast, clblastErrors } from "../../../ffi/clblast.ts";
import { clErrors } from "../../../ffi/opencl.ts";
import type { ClBuffer, ClRuntime } from "./runtime.ts";
import {
  lineSumsKernel,
  mapKernel,
  PARTIALS,
  randomKernel,
  reduceKernels,
  swapKernel,
} from "./kernels.ts";
import { openclDnn } from "./dnn.ts";
import { openclTensors } from "./tensors.ts";

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

  const fill = (a: Operand, v: number) => mapKernel(rt, "fill", updates.fill, [v], a, a);
  /** c ← βc, where β = 0 writes zeros over whatever c held (NaN included). */
  const scaleOutput = (beta: number, c: Operand) =>
    beta === 0 ? fill(c, 0) : beta !== 1 && mapKernel(rt, "scale", updates.scale, [beta], c, c);

  const level1 = deviceLevel1({
    scalar,
    lineMax,
    map: (name, f, params, out, xs, ys) => mapKernel(rt, name, f, params, out, xs, ys),
    swap: (xs, ys) => swapKernel(rt, xs, ys),
  }, double ? 1e-290 : 1e-30);
  const blas: BlasEngine = {
    ...level1,
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
      const data = packed(src, dst, new Arr(n));
      const buffer = dst.storage.buffer as ClBuffer;
      if (denseRun(dst)) return rt.write(buffer, dst.offset * size, data);
      // A strided destination: upload densely, then scatter on the device.
      const staging = rt.buffer(n * size);
      rt.write(staging, 0, data);
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
      unpack(new Arr(bytes.buffer), src, dst);
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

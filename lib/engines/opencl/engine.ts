/**
 * The OpenCL engine: the C kernels' engine (`../kernelc/engine.ts`) over an OpenCL runtime, with
 * the products through CLBlast on every layout and transposition.
 *
 * @module
 */

import type { Engine, Operand } from "../../core/engine.ts";
import { KnapError } from "../../core/errors.ts";
import { blasStorage } from "../blas_storage.ts";
import { CLBLAST, type CLBlast, clblastErrors } from "../../../ffi/clblast.ts";
import { clErrors } from "../../../ffi/opencl.ts";
import type { ClBuffer, ClRuntime } from "./runtime.ts";
import { kernelEngine } from "../kernelc/engine.ts";

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
  const mem = (o: Operand) => (o.storage.buffer as ClBuffer).mem;
  const storage = (o: Operand) => blasStorage(o, "opencl");
  const layout = (rowMajor: boolean) => rowMajor ? CLBLAST.ROW_MAJOR : CLBLAST.COL_MAJOR;
  return kernelEngine("opencl", rt, dtype, ({ fill, scaleOutput }) => ({
    gemv(alpha, a, xs, beta, ys) {
      const m = a.rows, n = a.cols;
      if (m === 0) return;
      if (n === 0 || alpha === 0) return scaleOutput(beta, ys);
      // CLBlast computes βy even at β = 0, where a NaN in y would leak through.
      if (beta === 0) fill(ys, 0);
      const s = storage(a);
      blastCheck(
        (double ? blast.CLBlastDgemv : blast.CLBlastSgemv)(
          layout(s.rowMajor),
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
      blastCheck(
        (double ? blast.CLBlastDger : blast.CLBlastSger)(
          layout(s.rowMajor),
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
      if (k === 0 || alpha === 0) return scaleOutput(beta, c);
      if (beta === 0) fill(c, 0);
      const sa = storage(a), sb = storage(b), sc = storage(c);
      blastCheck(
        (double ? blast.CLBlastDgemm : blast.CLBlastSgemm)(
          layout(sc.rowMajor),
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
  }));
}

/**
 * The CUDA engine: the C kernels' engine (`../kernelc/engine.ts`) over a CUDA runtime, with the
 * products through cuBLAS. cuBLAS is column-major: a row-major operand is the column-major
 * buffer of its transpose, so C = AB with a row-major C is computed as Cᵀ = BᵀAᵀ — no copies.
 *
 * @module
 */

import type { BlasEngine, Engine, Operand } from "../../core/engine.ts";
import { KnapError } from "../../core/errors.ts";
import { blasStorage } from "../blas_storage.ts";
import { type Cublas, CUBLAS_OP, cublasErrors } from "../../../ffi/cublas.ts";
import type { CuBuffer, CuRuntime } from "./runtime.ts";
import { kernelEngine, type OutputKernels } from "../kernelc/engine.ts";

/** Throws a KnapError for a cuBLAS status other than success. */
function blasCheck(status: number, what: string): void {
  if (status !== 0) {
    const name = cublasErrors.get(status) ?? "an unknown cuBLAS error";
    throw new KnapError(`cuda: cuBLAS ${what} failed with ${name} (${status})`, "cuda");
  }
}

/** Builds the engine of one dtype over a runtime and a cuBLAS handle on its stream. */
export function cudaEngine(
  rt: CuRuntime,
  blas: Cublas,
  handle: Deno.PointerObject,
  dtype: "float32" | "float64",
): Engine & { readonly runtime: CuRuntime } {
  return kernelEngine("cuda", rt, dtype, (out) => cublasProducts(blas, handle, dtype, out));
}

/**
 * gemv, ger and gemm through cuBLAS for operands in CUDA buffers (a row-major operand is its
 * transpose's column-major buffer).
 */
export function cublasProducts(
  blas: Pick<
    Cublas,
    | "cublasSgemm_v2"
    | "cublasDgemm_v2"
    | "cublasSgemv_v2"
    | "cublasDgemv_v2"
    | "cublasSger_v2"
    | "cublasDger_v2"
  >,
  handle: Deno.PointerObject,
  dtype: "float32" | "float64",
  { scaleOutput }: OutputKernels,
): Pick<BlasEngine, "gemv" | "ger" | "gemm"> {
  const double = dtype === "float64";
  const size = double ? 8 : 4;
  const at = (o: Operand) => (o.storage.buffer as CuBuffer).ptr + BigInt(o.offset * size);
  const storage = (o: Operand) => blasStorage(o, "cuda");
  const scalars = double ? new Float64Array(2) : new Float32Array(2);
  const alphaBeta = (alpha: number, beta: number) => {
    scalars[0] = alpha;
    scalars[1] = beta;
    return [scalars.subarray(0, 1), scalars.subarray(1, 2)];
  };
  return {
    gemv(alpha, a, xs, beta, ys) {
      const m = a.rows, n = a.cols;
      if (m === 0) return;
      if (n === 0 || alpha === 0) return scaleOutput(beta, ys);
      const s = storage(a);
      const [al, be] = alphaBeta(alpha, beta);
      // A row-major A is the column-major buffer of Aᵀ (n × m): y = (Aᵀ)ᵀ x.
      blasCheck(
        (double ? blas.cublasDgemv_v2 : blas.cublasSgemv_v2)(
          handle,
          s.rowMajor ? CUBLAS_OP.T : CUBLAS_OP.N,
          s.rowMajor ? n : m,
          s.rowMajor ? m : n,
          al,
          at(a),
          s.ld,
          at(xs),
          xs.rowStride,
          be,
          at(ys),
          ys.rowStride,
        ),
        "gemv",
      );
    },
    ger(alpha, xs, ys, a) {
      if (a.rows === 0 || a.cols === 0 || alpha === 0) return;
      const s = storage(a);
      const [al] = alphaBeta(alpha, 0);
      // A row-major A is the buffer of Aᵀ, which gains α y xᵀ.
      const [p, q] = s.rowMajor ? [ys, xs] : [xs, ys];
      blasCheck(
        (double ? blas.cublasDger_v2 : blas.cublasSger_v2)(
          handle,
          s.rowMajor ? a.cols : a.rows,
          s.rowMajor ? a.rows : a.cols,
          al,
          at(p),
          p.rowStride,
          at(q),
          q.rowStride,
          at(a),
          s.ld,
        ),
        "ger",
      );
    },
    gemm(alpha, a, b, beta, c) {
      const m = c.rows, n = c.cols, k = a.cols;
      if (m === 0 || n === 0) return;
      if (k === 0 || alpha === 0) return scaleOutput(beta, c);
      const sa = storage(a), sb = storage(b), sc = storage(c);
      const [al, be] = alphaBeta(alpha, beta);
      // Column-major C: C = op(A) op(B). Row-major C: its buffer is Cᵀ = Bᵀ Aᵀ.
      const [p, q, sp, sq, rows, cols] = sc.rowMajor ? [b, a, sb, sa, n, m] : [a, b, sa, sb, m, n];
      const op = (s: { rowMajor: boolean }) =>
        s.rowMajor === sc.rowMajor ? CUBLAS_OP.N : CUBLAS_OP.T;
      blasCheck(
        (double ? blas.cublasDgemm_v2 : blas.cublasSgemm_v2)(
          handle,
          op(sp),
          op(sq),
          rows,
          cols,
          k,
          al,
          at(p),
          sp.ld,
          at(q),
          sq.ld,
          be,
          at(c),
          sc.ld,
        ),
        "gemm",
      );
    },
  };
}

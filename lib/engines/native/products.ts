/**
 * The native engine's products: float32 through oneDNN (its matmul primitive for large skinny
 * shapes, dnnl_sgemm otherwise, both row-major in oneDNN's terms), float64 through OpenBLAS's
 * CBLAS. bfloat16 factors take `bf16_products.ts`.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import { CblasColMajor, CblasNoTrans, CblasRowMajor, CblasTrans } from "../../../ffi/openblas.ts";
import { check } from "../../../ffi/dnnl.ts";
import * as js from "../js/blas1.ts";
import { blasStorage } from "../blas_storage.ts";
import type { NativeLibraries } from "./libraries.ts";
import type { nativeMatmul } from "./matmul.ts";
import { transposed } from "./operands.ts";
import { threadRoute } from "./threads.ts";
import { noteRoute, profiling } from "../../core/profile.ts";
import { at, type Cblas } from "./level1.ts";

const N = 78; // 'N'
const T = 84; // 'T'

const storage = (a: Operand) => blasStorage(a, "native");

/** What float32 products work with: the libraries and the matmul route. */
export interface FloatProducts {
  readonly libs: NativeLibraries;
  readonly matmul: ReturnType<typeof nativeMatmul>;
}

/** C ← αAB + βC in float32 through oneDNN's row-major sgemm, for any 2-D operands. */
export function floatGemm(
  p: FloatProducts,
  alpha: number,
  a: Operand,
  b: Operand,
  beta: number,
  c: Operand,
): void {
  const dnnl = p.libs.dnnl;
  // Without oneDNN, OpenBLAS's sgemm.
  if (dnnl === undefined) return blasGemm(p.libs.blas, alpha, a, b, beta, c);
  p.libs.threads.fit(c.rows * c.cols * a.cols, threadRoute.products);
  const sa = storage(a), sb = storage(b), sc = storage(c);
  // A column-major C is the row-major Cᵀ = BᵀAᵀ: swap the factors and flip their orders.
  const [x, y, X, Y, rows, cols] = sc.rowMajor ? [a, b, sa, sb, c.rows, c.cols] : [
    b,
    a,
    { rowMajor: !sb.rowMajor, ld: sb.ld },
    { rowMajor: !sa.rowMajor, ld: sa.ld },
    c.cols,
    c.rows,
  ];
  if (
    alpha === 1 && beta === 0 && X.rowMajor && Y.rowMajor &&
    p.matmul(rows, cols, a.cols, { x, ld: X.ld }, { x: y, ld: Y.ld }, { x: c, ld: sc.ld })
  ) {
    if (profiling.on) noteRoute("oneDNN matmul");
    return;
  }
  if (profiling.on) noteRoute("dnnl_sgemm");
  const status = dnnl.dnnl_sgemm(
    X.rowMajor ? N : T,
    Y.rowMajor ? N : T,
    BigInt(rows),
    BigInt(cols),
    BigInt(a.cols),
    alpha,
    at(x),
    BigInt(X.ld),
    at(y),
    BigInt(Y.ld),
    beta,
    at(c),
    BigInt(sc.ld),
  );
  check(status, "dnnl_sgemm");
}

/** y ← αAx + βy in float64. */
export function doubleGemv(
  blas: Cblas,
  alpha: number,
  a: Operand,
  x: Operand,
  beta: number,
  y: Operand,
): void {
  // OpenBLAS reads y at β = 0: zeros, so NaN cannot leak.
  if (beta === 0) js.fill(y, 0);
  const s = storage(a);
  blas.cblas_dgemv(
    s.rowMajor ? CblasRowMajor : CblasColMajor,
    CblasNoTrans,
    a.rows,
    a.cols,
    alpha,
    at(a),
    s.ld,
    at(x),
    x.rowStride,
    beta,
    at(y),
    y.rowStride,
  );
}

/** A ← αxyᵀ + A in float64. */
export function doubleGer(blas: Cblas, alpha: number, x: Operand, y: Operand, a: Operand): void {
  const s = storage(a);
  blas.cblas_dger(
    s.rowMajor ? CblasRowMajor : CblasColMajor,
    a.rows,
    a.cols,
    alpha,
    at(x),
    x.rowStride,
    at(y),
    y.rowStride,
    at(a),
    s.ld,
  );
}

/** C ← αAB + βC in float64, or float32 (OpenBLAS's sgemm, where oneDNN is missing). */
export function blasGemm(
  blas: Cblas,
  alpha: number,
  a: Operand,
  b: Operand,
  beta: number,
  c: Operand,
): void {
  // OpenBLAS reads C at β = 0: zeros, so NaN cannot leak.
  if (beta === 0) js.fill(c, 0);
  const sa = storage(a), sb = storage(b), sc = storage(c);
  const order = sc.rowMajor ? CblasRowMajor : CblasColMajor;
  const ta = sa.rowMajor === sc.rowMajor ? CblasNoTrans : CblasTrans;
  const tb = sb.rowMajor === sc.rowMajor ? CblasNoTrans : CblasTrans;
  (a.storage.buffer instanceof Float32Array ? blas.cblas_sgemm : blas.cblas_dgemm)(
    order,
    ta,
    tb,
    c.rows,
    c.cols,
    a.cols,
    alpha,
    at(a),
    sa.ld,
    at(b),
    sb.ld,
    beta,
    at(c),
    sc.ld,
  );
}

/** A ← αxyᵀ + A in float32: the product x·yᵀ through oneDNN. */
export function floatGer(p: FloatProducts, alpha: number, x: Operand, y: Operand, a: Operand) {
  floatGemm(p, alpha, x, transposed(y), 1, a);
}

/**
 * How a 2-D operand is stored, as a BLAS library sees it — shared by the engines that call one
 * (OpenBLAS and oneDNN natively, CLBlast on OpenCL).
 *
 * @module
 */

import type { Operand } from "../core/engine.ts";

/**
 * Row- or column-major with a leading dimension. A single row or column may have any stride: it
 * is then the other order with ld = stride. Operands with no unit stride are a TypeError naming
 * the engine: the public functions never pass them.
 */
export function blasStorage(a: Operand, engine: string): { rowMajor: boolean; ld: number } {
  if (a.rowStride === 1 && (a.cols === 1 || a.colStride >= a.rows)) {
    return { rowMajor: false, ld: Math.max(a.cols === 1 ? a.rows : a.colStride, 1) };
  }
  if (a.colStride === 1 && (a.rows === 1 || a.rowStride >= a.cols)) {
    return { rowMajor: true, ld: Math.max(a.rows === 1 ? a.cols : a.rowStride, 1) };
  }
  if (a.cols === 1) return { rowMajor: true, ld: a.rowStride };
  if (a.rows === 1) return { rowMajor: false, ld: a.colStride };
  throw new TypeError(
    `${engine} gemm: ${a.rows}×${a.cols} operand with strides ${a.rowStride}, ${a.colStride}`,
  );
}

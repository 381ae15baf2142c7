/**
 * The native engine's level 1 over OpenBLAS: each operation walks its operands slice by slice
 * (one call for gapless ones) and hands each slice to CBLAS as a typed-array view at its offset
 * plus its stride. Operands in opposite orders go through `across.ts` first.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { HostArray } from "../../core/types.ts";
import * as js from "../js/blas1.ts";
import { plan } from "../../core/walk.ts";
import type { NativeLibraries } from "./libraries.ts";
import type { AcrossLayouts } from "./across.ts";

/** OpenBLAS's symbols. */
export type Cblas = NativeLibraries["blas"];

/** What level 1 works with: OpenBLAS and the transposing route between layouts. */
export interface Level1 {
  readonly blas: Cblas;
  readonly across: AcrossLayouts;
}

const buf = (x: Operand): HostArray => x.storage.buffer as HostArray;

/** x's memory from its offset (plus `extra` entries) on: what a CBLAS pointer argument takes. */
export const at = (x: Operand, extra = 0): HostArray => buf(x).subarray(x.offset + extra);

/** Whether x holds float32. */
export const isFloat = (x: Operand): boolean => x.storage.buffer instanceof Float32Array;

/** Σ over the slices of a walk of f(n, x, incx). */
export function reduce1(x: Operand, f: (n: number, x: HostArray, incx: number) => number): number {
  const w = plan(x);
  if (w.n2 === 1) return f(w.n1, at(x), w.a1);
  const n1 = w.n1, a1 = w.a1, a2 = w.a2;
  let s = 0;
  for (let j = 0; j < w.n2; j++) s += f(n1, at(x, j * a2), a1);
  return s;
}

/** f(n, x, incx) on each slice of x. */
export function each1(x: Operand, f: (n: number, x: HostArray, incx: number) => void): void {
  const w = plan(x);
  const n1 = w.n1, n2 = w.n2, a1 = w.a1, a2 = w.a2;
  for (let j = 0; j < n2; j++) f(n1, at(x, j * a2), a1);
}

/** f(n, x, incx, y, incy) on each pair of slices of x and y. */
export function each2(
  x: Operand,
  y: Operand,
  f: (n: number, x: HostArray, incx: number, y: HostArray, incy: number) => void,
): void {
  const w = plan(y, x);
  // Each slice is a library call. Operands in different layouts (a row-major gradient added
  // to column-major weights) give many short slices; fewer long strided ones cost far less
  // than the FFI crossings they save (bench/level1.bench.ts).
  const flip = w.n2 > w.n1 && w.n1 < 256;
  const n1 = flip ? w.n2 : w.n1, n2 = flip ? w.n1 : w.n2;
  const a1 = flip ? w.a2 : w.a1, a2 = flip ? w.a1 : w.a2;
  const b1 = flip ? w.b2 : w.b1, b2 = flip ? w.b1 : w.b2;
  for (let j = 0; j < n2; j++) f(n1, at(x, j * b2), b1, at(y, j * a2), a1);
}

/** x · y, slice by slice. */
export function dot(blas: Cblas, x: Operand, y: Operand): number {
  const f = isFloat(x) ? blas.cblas_sdot : blas.cblas_ddot;
  const w = plan(x, y);
  const n1 = w.n1, a1 = w.a1, a2 = w.a2, b1 = w.b1, b2 = w.b2;
  let s = 0;
  for (let j = 0; j < w.n2; j++) s += f(n1, at(x, j * a2), a1, at(y, j * b2), b1);
  return s;
}

/** Whether x is one slice: a vector, or a matrix gapless in one order. */
export const vectorLike = (x: Operand): boolean => x.cols === 1 || plan(x).n2 === 1;

/**
 * The index of the first largest (smallest) |x| of a vector, or of its first NaN. OpenBLAS's
 * i?amax skip NaN (and return its last index for an all-NaN vector); a NaN makes ?asum NaN, so
 * one vectorized pass tells when the js loop must look.
 */
export function largest(blas: Cblas, x: Operand, smallest: boolean): number {
  const n = x.rows, inc = x.rowStride;
  const asum = isFloat(x) ? blas.cblas_sasum : blas.cblas_dasum;
  if (Number.isNaN(asum(n, at(x), inc))) return js.iamax(x, smallest);
  const f = isFloat(x)
    ? (smallest ? blas.cblas_isamin : blas.cblas_isamax)
    : (smallest ? blas.cblas_idamin : blas.cblas_idamax);
  return Number(f(n, at(x), inc));
}

/** y ← x. */
export function copy(l: Level1, x: Operand, y: Operand): void {
  if (!l.across.copy(1, x, y)) each2(x, y, isFloat(x) ? l.blas.cblas_scopy : l.blas.cblas_dcopy);
}

/** x ← αx. */
export function scal(blas: Cblas, alpha: number, x: Operand): void {
  // OpenBLAS 0.3.21 zeroes x for α = 0, where 0·NaN and 0·∞ are NaN.
  if (alpha === 0) return js.scal(0, x);
  const f = isFloat(x) ? blas.cblas_sscal : blas.cblas_dscal;
  each1(x, (n, xs, inc) => f(n, alpha, xs, inc));
}

/** y ← αx + βy. */
export function axpby(l: Level1, alpha: number, x: Operand, beta: number, y: Operand): void {
  const blas = l.blas;
  if (beta === 1) {
    const f = isFloat(x) ? blas.cblas_saxpy : blas.cblas_daxpy;
    if (l.across.combine(alpha, x, y, (n, t, ys) => f(n, 1, t, 1, ys, 1))) return;
    each2(x, y, (n, xs, ix, ys, iy) => f(n, alpha, xs, ix, ys, iy));
  } else if (beta === 0) {
    // y's old contents must not leak in, NaN included: copy, then scale.
    if (l.across.copy(alpha, x, y)) return;
    copy(l, x, y);
    if (alpha !== 1) scal(blas, alpha, y);
  } else {
    // The two-pass form scales y before reading x: not when x is y's own memory.
    type Axpby = (
      n: number,
      a: number,
      x: HostArray,
      ix: number,
      b: number,
      y: HostArray,
      iy: number,
    ) => void;
    const f: Axpby = !isFloat(x)
      ? blas.cblas_daxpby
      : x.storage === y.storage
      ? blas.cblas_saxpby
      : (...args) => twoPassSaxpby(blas, ...args);
    if (l.across.combine(alpha, x, y, (n, t, ys) => f(n, 1, t, 1, beta, ys, 1))) return;
    each2(x, y, (n, xs, ix, ys, iy) => f(n, alpha, xs, ix, beta, ys, iy));
  }
}

/**
 * y ← αx + βy in float32. OpenBLAS's saxpby is a scalar loop; on gapless slices that fit in
 * cache, sscal then saxpy (both vectorized) are faster in two passes, and from 2¹⁹ entries,
 * bound by memory, the single pass is as fast (bench/level1.bench.ts).
 */
function twoPassSaxpby(
  blas: Cblas,
  n: number,
  alpha: number,
  x: HostArray,
  incx: number,
  beta: number,
  y: HostArray,
  incy: number,
): void {
  if (incx === 1 && incy === 1 && n >= 1024 && n < 1 << 19) {
    blas.cblas_sscal(n, beta, y, 1);
    blas.cblas_saxpy(n, alpha, x, 1, y, 1);
  } else blas.cblas_saxpby(n, alpha, x, incx, beta, y, incy);
}

/**
 * Level 1 between matrices stored in opposite orders — a row-major gradient added to
 * column-major weights — through OpenBLAS's blocked transposing copy (`?omatcopy`). Walked
 * slice by slice, one of the two operands is read with a stride, a cache line per entry; one
 * transposing copy into scratch in the weights' order plus one gapless `saxpy` is faster than
 * the strided calls (Adam's step into IMDB's first layer: bench/level1.bench.ts).
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { HostArray } from "../../core/types.ts";
import { CblasRowMajor, CblasTrans } from "../../../ffi/openblas.ts";
import type { NativeLibraries } from "./libraries.ts";

/** Scratch is at most this many entries (1 MiB of float32); larger operands go in blocks. */
const SCRATCH_ENTRIES = 1 << 18;
/** Below this many entries per slice, a y with gaps takes too many calls: the walk is cheaper. */
const MIN_SLICE = 64;

/** How y and x line up: y as `inner`×`outer` with gapless inner slices `ly` apart, x transposed. */
interface Crossing {
  inner: number;
  outer: number;
  ly: number;
  lx: number;
}

const crossing: Crossing = { inner: 0, outer: 0, ly: 0, lx: 0 };

/** The crossing of x into y when they are true matrices in opposite orders, else undefined. */
function cross(x: Operand, y: Operand): Crossing | undefined {
  if (y.rows < 2 || y.cols < 2 || x.storage === y.storage) return undefined;
  const yByCols = y.rowStride === 1 && y.colStride >= y.rows;
  const yByRows = y.colStride === 1 && y.rowStride >= y.cols;
  const xByCols = x.rowStride === 1 && x.colStride >= x.rows;
  const xByRows = x.colStride === 1 && x.rowStride >= x.cols;
  const c = crossing;
  if (yByCols && xByRows) {
    c.inner = y.rows, c.outer = y.cols, c.ly = y.colStride, c.lx = x.rowStride;
  } else if (yByRows && xByCols) {
    c.inner = y.cols, c.outer = y.rows, c.ly = y.rowStride, c.lx = x.colStride;
  } else return undefined;
  return c;
}

/** y ← αx, or y ← f(αx, y) through scratch, for operands in opposite orders. */
export interface AcrossLayouts {
  /** y ← αx; false (nothing done) unless x and y are matrices in opposite orders. */
  copy(alpha: number, x: Operand, y: Operand): boolean;
  /**
   * y ← update(αx, y), where `update(n, t, y)` combines n gapless entries of αx at t into y;
   * false (nothing done) unless x and y are matrices in opposite orders and y's slices are
   * gapless or long.
   */
  combine(
    alpha: number,
    x: Operand,
    y: Operand,
    update: (n: number, t: HostArray, y: HostArray) => void,
  ): boolean;
}

/** Transposing level 1 over the opened OpenBLAS; never takes a pair where it lacks ?omatcopy. */
export function acrossLayouts(libs: NativeLibraries): AcrossLayouts {
  const { cblas_somatcopy, cblas_domatcopy } = libs.blas;
  if (cblas_somatcopy === null || cblas_domatcopy === null) {
    return { copy: () => false, combine: () => false };
  }
  let scratch32 = new Float32Array(0), scratch64 = new Float64Array(0);

  /** αx's columns o0 … o0 + k (in y's orientation) into `to`, gapless slices ld apart. */
  function transpose(
    alpha: number,
    x: Operand,
    c: Crossing,
    o0: number,
    k: number,
    to: HostArray,
    ld: number,
  ): void {
    const from = (x.storage.buffer as HostArray).subarray(x.offset + o0);
    // In y's orientation x is inner×outer row-major (ld lx); its transpose is y's order.
    if (from instanceof Float32Array) {
      cblas_somatcopy!(CblasRowMajor, CblasTrans, c.inner, k, alpha, from, c.lx, to, ld);
    } else cblas_domatcopy!(CblasRowMajor, CblasTrans, c.inner, k, alpha, from, c.lx, to, ld);
  }

  return {
    copy(alpha, x, y) {
      const c = cross(x, y);
      if (c === undefined) return false;
      const to = (y.storage.buffer as HostArray).subarray(y.offset);
      transpose(alpha, x, c, 0, c.outer, to, c.ly);
      return true;
    },
    combine(alpha, x, y, update) {
      const c = cross(x, y);
      if (c === undefined || c.inner > SCRATCH_ENTRIES) return false;
      if (c.ly !== c.inner && c.inner < MIN_SLICE) return false;
      const { inner, outer, ly } = c;
      const block = Math.max(1, Math.min(outer, Math.floor(SCRATCH_ENTRIES / inner)));
      const float = x.storage.buffer instanceof Float32Array;
      if (float && scratch32.length < inner * block) scratch32 = new Float32Array(inner * block);
      if (!float && scratch64.length < inner * block) scratch64 = new Float64Array(inner * block);
      const t = float ? scratch32 : scratch64;
      const ys = y.storage.buffer as HostArray;
      for (let o0 = 0; o0 < outer; o0 += block) {
        const k = Math.min(block, outer - o0);
        transpose(alpha, x, c, o0, k, t, inner);
        if (ly === inner) update(inner * k, t, ys.subarray(y.offset + o0 * ly));
        else {
          for (let o = 0; o < k; o++) {
            update(inner, t.subarray(o * inner), ys.subarray(y.offset + (o0 + o) * ly));
          }
        }
      }
      return true;
    },
  };
}

/**
 * GEMM in TypeScript: C ← αAB + βC, cache-blocked in the manner of GotoBLAS. Panels of A
 * (MC×KC) and B (KC×NC) are packed into contiguous float64 slivers, which also makes every
 * layout, transposition, offset and leading dimension the same case; a 4×4 register
 * micro-kernel then runs over the packed slivers. Small products skip packing.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { HostArray } from "../../core/types.ts";
import { scaleOutput } from "./blas1.ts";

const MR = 4;
const NR = 4;
const KC = 256;
const MC = 128;
const NC = 2048;
const SMALL = 32 * 32 * 32; // below this many multiply-adds, packing costs more than it saves

// Packing workspace, grown once and reused: a product allocates nothing after the first.
let packA = new Float64Array(0);
let packB = new Float64Array(0);
const tile = new Float64Array(MR * NR);

/** C ← αAB + βC for operands of any layout and strides (A m×k, B k×n, C m×n). */
export function gemm(alpha: number, a: Operand, b: Operand, beta: number, c: Operand): void {
  scaleOutput(beta, c);
  const m = c.rows, n = c.cols, k = a.cols;
  if (alpha === 0 || m === 0 || n === 0 || k === 0) return;
  if (m * n * k <= SMALL) return small(alpha, a, b, c);
  if (packA.length < MC * KC) packA = new Float64Array(MC * KC);
  if (packB.length < KC * NC) packB = new Float64Array(KC * NC);
  const A = a.storage.buffer as HostArray;
  const B = b.storage.buffer as HostArray;
  const C = c.storage.buffer as HostArray;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      pack(
        B,
        b.offset + pc * b.rowStride + jc * b.colStride,
        b.colStride,
        b.rowStride,
        nc,
        kc,
        NR,
        packB,
      );
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        pack(
          A,
          a.offset + ic * a.rowStride + pc * a.colStride,
          a.rowStride,
          a.colStride,
          mc,
          kc,
          MR,
          packA,
        );
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            kernel(kc, packA, ir * kc, packB, jr * kc);
            const c0 = c.offset + (ic + ir) * c.rowStride + (jc + jr) * c.colStride;
            for (let j = 0; j < nr; j++) {
              for (let i = 0; i < mr; i++) {
                C[c0 + i * c.rowStride + j * c.colStride] += alpha * tile[i + j * MR];
              }
            }
          }
        }
      }
    }
  }
}

/**
 * Packs an extent×kc panel into slivers of `r` rows: sliver s holds, for each p < kc, the r
 * entries (s·r + i, p), zero-padded past `extent`. `si` steps along the extent, `sp` along k.
 */
function pack(
  src: HostArray,
  offset: number,
  si: number,
  sp: number,
  extent: number,
  kc: number,
  r: number,
  dst: Float64Array,
): void {
  for (let s = 0; s < extent; s += r) {
    const base = s * kc;
    const full = Math.min(r, extent - s);
    for (let p = 0; p < kc; p++) {
      const from = offset + s * si + p * sp;
      const to = base + p * r;
      let i = 0;
      for (; i < full; i++) dst[to + i] = src[from + i * si];
      for (; i < r; i++) dst[to + i] = 0;
    }
  }
}

/** tile ← the 4×4 product of one packed A sliver and one packed B sliver over kc. */
function kernel(kc: number, ap: Float64Array, ao: number, bp: Float64Array, bo: number): void {
  let c00 = 0, c10 = 0, c20 = 0, c30 = 0, c01 = 0, c11 = 0, c21 = 0, c31 = 0;
  let c02 = 0, c12 = 0, c22 = 0, c32 = 0, c03 = 0, c13 = 0, c23 = 0, c33 = 0;
  for (let p = 0; p < kc; p++, ao += 4, bo += 4) {
    const a0 = ap[ao], a1 = ap[ao + 1], a2 = ap[ao + 2], a3 = ap[ao + 3];
    const b0 = bp[bo], b1 = bp[bo + 1], b2 = bp[bo + 2], b3 = bp[bo + 3];
    c00 += a0 * b0;
    c10 += a1 * b0;
    c20 += a2 * b0;
    c30 += a3 * b0;
    c01 += a0 * b1;
    c11 += a1 * b1;
    c21 += a2 * b1;
    c31 += a3 * b1;
    c02 += a0 * b2;
    c12 += a1 * b2;
    c22 += a2 * b2;
    c32 += a3 * b2;
    c03 += a0 * b3;
    c13 += a1 * b3;
    c23 += a2 * b3;
    c33 += a3 * b3;
  }
  const t = tile;
  t[0] = c00, t[1] = c10, t[2] = c20, t[3] = c30;
  t[4] = c01, t[5] = c11, t[6] = c21, t[7] = c31;
  t[8] = c02, t[9] = c12, t[10] = c22, t[11] = c32;
  t[12] = c03, t[13] = c13, t[14] = c23, t[15] = c33;
}

/** C += αAB by plain loops, for products too small to pay for packing. */
function small(alpha: number, a: Operand, b: Operand, c: Operand): void {
  const A = a.storage.buffer as HostArray;
  const B = b.storage.buffer as HostArray;
  const C = c.storage.buffer as HostArray;
  const m = c.rows, n = c.cols, k = a.cols;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (
        let p = 0, ia = a.offset + i * a.rowStride, ib = b.offset + j * b.colStride;
        p < k;
        p++
      ) {
        s += A[ia] * B[ib];
        ia += a.colStride;
        ib += b.rowStride;
      }
      C[c.offset + i * c.rowStride + j * c.colStride] += alpha * s;
    }
  }
}

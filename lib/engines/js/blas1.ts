/**
 * BLAS level 1 in TypeScript, over operands of any strides: reductions and vector updates.
 * Sums accumulate in double precision for both dtypes.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { HostArray } from "../../core/types.ts";
import { plan } from "../../core/walk.ts";

const buf = (x: Operand): HostArray => x.storage.buffer as HostArray;

/** Σ x·y. */
export function dot(x: Operand, y: Operand): number {
  const w = plan(x, y);
  const a = buf(x), b = buf(y);
  let s = 0;
  for (let j = 0; j < w.n2; j++) {
    let ia = x.offset + j * w.a2, ib = y.offset + j * w.b2;
    for (let i = 0; i < w.n1; i++, ia += w.a1, ib += w.b1) s += a[ia] * b[ib];
  }
  return s;
}

function fold(x: Operand, f: (acc: number, v: number) => number, init: number): number {
  const w = plan(x);
  const a = buf(x);
  let s = init;
  for (let j = 0; j < w.n2; j++) {
    let ia = x.offset + j * w.a2;
    for (let i = 0; i < w.n1; i++, ia += w.a1) s = f(s, a[ia]);
  }
  return s;
}

/** Σ x. */
export function sum(x: Operand): number {
  const w = plan(x);
  const a = buf(x);
  let s = 0;
  for (let j = 0; j < w.n2; j++) {
    let ia = x.offset + j * w.a2;
    for (let i = 0; i < w.n1; i++, ia += w.a1) s += a[ia];
  }
  return s;
}

/** Σ |x|. */
export function asum(x: Operand): number {
  const w = plan(x);
  const a = buf(x);
  let s = 0;
  for (let j = 0; j < w.n2; j++) {
    let ia = x.offset + j * w.a2;
    for (let i = 0; i < w.n1; i++, ia += w.a1) s += Math.abs(a[ia]);
  }
  return s;
}

/** √Σ x², scaled by the largest |x| when squares would overflow or underflow. */
export function nrm2(x: Operand): number {
  const amax = fold(x, (m, v) => Math.max(m, Math.abs(v)), 0);
  if (amax === 0 || !Number.isFinite(amax)) return amax;
  const scale = amax > 1e150 || amax < 1e-150 ? amax : 1;
  const ss = fold(x, (s, v) => s + (v / scale) * (v / scale), 0);
  return scale * Math.sqrt(ss);
}

/** Largest column sum of |x|. */
export function nrm1(x: Operand): number {
  if (x.rows === 0) return 0;
  const a = buf(x);
  let best = 0;
  for (let j = 0; j < x.cols; j++) {
    let s = 0;
    for (let i = 0, k = x.offset + j * x.colStride; i < x.rows; i++, k += x.rowStride) {
      s += Math.abs(a[k]);
    }
    best = Math.max(best, s);
  }
  return best;
}

/** Largest row sum of |x|. */
export function nrmi(x: Operand): number {
  if (x.cols === 0) return 0;
  const a = buf(x);
  let best = 0;
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    for (let j = 0, k = x.offset + i * x.rowStride; j < x.cols; j++, k += x.colStride) {
      s += Math.abs(a[k]);
    }
    best = Math.max(best, s);
  }
  return best;
}

/**
 * Index of the first largest |x| (first smallest with `smallest`); the first NaN, if any, wins
 * either way — a NaN is reported, never skipped.
 */
export function iamax(x: Operand, smallest = false): number {
  const a = buf(x);
  let best = 0;
  let bestV = x.rows > 0 ? Math.abs(a[x.offset]) : 0;
  if (bestV !== bestV) return 0;
  for (let i = 1, k = x.offset + x.rowStride; i < x.rows; i++, k += x.rowStride) {
    const v = Math.abs(a[k]);
    if (v !== v) return i;
    if (smallest ? v < bestV : v > bestV) {
      best = i;
      bestV = v;
    }
  }
  return best;
}

/** Index of the first largest (`smallest`: smallest) entry, signed, or of the first NaN. */
export function imax(x: Operand, smallest = false): number {
  const a = buf(x);
  let best = 0;
  let bestV = x.rows > 0 ? a[x.offset] : 0;
  if (bestV !== bestV) return 0;
  for (let i = 1, k = x.offset + x.rowStride; i < x.rows; i++, k += x.rowStride) {
    const v = a[k];
    if (v !== v) return i;
    if (smallest ? v < bestV : v > bestV) {
      best = i;
      bestV = v;
    }
  }
  return best;
}

/** y ← x. */
export function copy(x: Operand, y: Operand): void {
  const w = plan(y, x);
  const a = buf(y), b = buf(x);
  if (w.n1 === 0 || w.n2 === 0) return; // an empty view may start past its buffer's end
  if (w.n2 === 1 && w.a1 === 1 && w.b1 === 1) {
    a.set(b.subarray(x.offset, x.offset + w.n1), y.offset);
    return;
  }
  for (let j = 0; j < w.n2; j++) {
    let ia = y.offset + j * w.a2, ib = x.offset + j * w.b2;
    for (let i = 0; i < w.n1; i++, ia += w.a1, ib += w.b1) a[ia] = b[ib];
  }
}

/** x ↔ y. */
export function swap(x: Operand, y: Operand): void {
  const w = plan(x, y);
  const a = buf(x), b = buf(y);
  for (let j = 0; j < w.n2; j++) {
    let ia = x.offset + j * w.a2, ib = y.offset + j * w.b2;
    for (let i = 0; i < w.n1; i++, ia += w.a1, ib += w.b1) {
      const t = a[ia];
      a[ia] = b[ib];
      b[ib] = t;
    }
  }
}

/** x ← v. */
export function fill(x: Operand, v: number): void {
  const w = plan(x);
  const a = buf(x);
  if (w.n1 === 0 || w.n2 === 0) return; // an empty view may start past its buffer's end
  if (w.n2 === 1 && w.a1 === 1) {
    a.fill(v, x.offset, x.offset + w.n1);
    return;
  }
  for (let j = 0; j < w.n2; j++) {
    let ia = x.offset + j * w.a2;
    for (let i = 0; i < w.n1; i++, ia += w.a1) a[ia] = v;
  }
}

/** x ← αx. */
export function scal(alpha: number, x: Operand): void {
  const w = plan(x);
  const a = buf(x);
  for (let j = 0; j < w.n2; j++) {
    let ia = x.offset + j * w.a2;
    for (let i = 0; i < w.n1; i++, ia += w.a1) a[ia] *= alpha;
  }
}

/** y ← αx + βy; β = 0 overwrites y without reading it. */
export function axpby(alpha: number, x: Operand, beta: number, y: Operand): void {
  const w = plan(y, x);
  const a = buf(y), b = buf(x);
  for (let j = 0; j < w.n2; j++) {
    let ia = y.offset + j * w.a2, ib = x.offset + j * w.b2;
    if (beta === 0) {
      for (let i = 0; i < w.n1; i++, ia += w.a1, ib += w.b1) a[ia] = alpha * b[ib];
    } else if (beta === 1) {
      for (let i = 0; i < w.n1; i++, ia += w.a1, ib += w.b1) a[ia] += alpha * b[ib];
    } else {
      for (let i = 0; i < w.n1; i++, ia += w.a1, ib += w.b1) a[ia] = alpha * b[ib] + beta * a[ia];
    }
  }
}

/** y ← βy, where β = 0 clears y (NaN included), as BLAS does for gemv and gemm. */
export function scaleOutput(beta: number, y: Operand): void {
  if (beta === 0) fill(y, 0);
  else if (beta !== 1) scal(beta, y);
}

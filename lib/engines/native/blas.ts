/**
 * BLAS through OpenBLAS's CBLAS, with every float32 product (gemm, gemv, ger) through oneDNN's
 * sgemm. Measured here (bench/gemm_route.bench.ts), oneDNN is faster from 128³ and on the
 * skinny shapes of small networks (64×10000×16: 299 against 60 GFLOPS), OpenBLAS below 64³ by
 * microseconds; but the two libraries' thread pools spin against each other when calls
 * alternate — one-input inference took 7–19 ms instead of 6 — so float level 2–3 stays in
 * oneDNN, with the elementwise primitives, and OpenBLAS keeps level 1 and all of float64. Operands reach the library as a typed-array view at their offset plus their strides:
 * nothing is copied. Level 1 works on matrices slice by slice (one call for gapless ones);
 * the few operations CBLAS lacks (matrix 1- and ∞-norms, fill) or gets wrong (float sum) use
 * the js engine's loops on the same memory.
 *
 * @module
 */

import type { BlasEngine, Operand } from "../../core/engine.ts";
import type { HostArray } from "../../core/types.ts";
import { CblasColMajor, CblasNoTrans, CblasRowMajor, CblasTrans } from "../../../ffi/openblas.ts";
import { check } from "../../../ffi/dnnl.ts";
import * as js from "../js/blas1.ts";
import { plan } from "../../core/walk.ts";
import type { NativeLibraries } from "./libraries.ts";
import { nativeMatmul } from "./matmul.ts";
import { acrossLayouts } from "./across.ts";
import { bfloat16Products } from "./bf16_products.ts";
import { inside, transposed } from "./operands.ts";
import { blasStorage } from "../blas_storage.ts";
import { threadRoute } from "./threads.ts";

const buf = (x: Operand): HostArray => x.storage.buffer as HostArray;
const at = (x: Operand, extra = 0): HostArray => buf(x).subarray(x.offset + extra);
const isFloat = (x: Operand): boolean => x.storage.buffer instanceof Float32Array;
const N = 78; // 'N'
const inside1 = (x: Operand, what: string): Operand => (inside(x, what), x);
const T = 84; // 'T'

const storage = (a: Operand) => blasStorage(a, "native");

/** The native BLAS over opened libraries. */
export function nativeBlas(libs: NativeLibraries): BlasEngine {
  const b = libs.blas;
  const {
    cblas_sdot,
    cblas_ddot,
    cblas_dsum,
    cblas_sasum,
    cblas_dasum,
    cblas_snrm2,
    cblas_dnrm2,
    cblas_isamax,
    cblas_idamax,
    cblas_isamin,
    cblas_idamin,
    cblas_scopy,
    cblas_dcopy,
    cblas_sswap,
    cblas_dswap,
    cblas_sscal,
    cblas_dscal,
    cblas_saxpy,
    cblas_daxpy,
    cblas_saxpby,
    cblas_daxpby,
    cblas_dgemv,
    cblas_dger,
    cblas_dgemm,
  } = b;
  const { dnnl_sgemm } = libs.dnnl;
  const matmul = nativeMatmul(libs);
  const across = acrossLayouts(libs);
  // Level 1 scales and combines their results; `engine` is this object, complete by then.
  const bf16 = bfloat16Products(libs, {
    scal: (alpha, x) => engine.scal(alpha, x),
    axpby: (alpha, x, beta, y) => engine.axpby(alpha, x, beta, y),
  });

  /** Σ over the slices of a walk of f(n, x, incx[, y, incy]). */
  function reduce1(x: Operand, f: (n: number, x: HostArray, incx: number) => number): number {
    const w = plan(x);
    if (w.n2 === 1) return f(w.n1, at(x), w.a1);
    const n1 = w.n1, a1 = w.a1, a2 = w.a2;
    let s = 0;
    for (let j = 0; j < w.n2; j++) s += f(n1, at(x, j * a2), a1);
    return s;
  }

  /**
   * y ← αx + βy in float32. OpenBLAS's saxpby is a scalar loop; on gapless slices that fit in
   * cache, sscal then saxpy (both vectorized) take half the time in two passes (160000 entries:
   * 27 against 58 µs), and from 2¹⁹ entries, bound by memory, the single pass is as fast.
   */
  function saxpby(
    n: number,
    alpha: number,
    x: HostArray,
    incx: number,
    beta: number,
    y: HostArray,
    incy: number,
  ) {
    if (incx === 1 && incy === 1 && n >= 1024 && n < 1 << 19) {
      cblas_sscal(n, beta, y, 1);
      cblas_saxpy(n, alpha, x, 1, y, 1);
    } else cblas_saxpby(n, alpha, x, incx, beta, y, incy);
  }

  function each2(
    x: Operand,
    y: Operand,
    f: (n: number, x: HostArray, incx: number, y: HostArray, incy: number) => void,
  ): void {
    const w = plan(y, x);
    // Each slice is a library call. Operands in different layouts (a row-major gradient added
    // to column-major weights) give many short slices; fewer long strided ones cost far less
    // than the FFI crossings they save: 16×10000, 0.72 ms as 10000 calls, 0.19 ms as 16.
    const flip = w.n2 > w.n1 && w.n1 < 256;
    const n1 = flip ? w.n2 : w.n1, n2 = flip ? w.n1 : w.n2;
    const a1 = flip ? w.a2 : w.a1, a2 = flip ? w.a1 : w.a2;
    const b1 = flip ? w.b2 : w.b1, b2 = flip ? w.b1 : w.b2;
    for (let j = 0; j < n2; j++) f(n1, at(x, j * b2), b1, at(y, j * a2), a1);
  }

  function each1(x: Operand, f: (n: number, x: HostArray, incx: number) => void): void {
    const w = plan(x);
    const n1 = w.n1, n2 = w.n2, a1 = w.a1, a2 = w.a2;
    for (let j = 0; j < n2; j++) f(n1, at(x, j * a2), a1);
  }

  /**
   * The index of the first largest (smallest) |x| of a vector, or of its first NaN. OpenBLAS's
   * i?amax skip NaN (and return its last index for an all-NaN vector); a NaN makes ?asum NaN, so
   * one vectorized pass tells when the js loop must look.
   */
  function largest(x: Operand, smallest: boolean): number {
    const n = x.rows, inc = x.rowStride;
    if (Number.isNaN(isFloat(x) ? cblas_sasum(n, at(x), inc) : cblas_dasum(n, at(x), inc))) {
      return js.iamax(x, smallest);
    }
    const f = isFloat(x)
      ? (smallest ? cblas_isamin : cblas_isamax)
      : (smallest ? cblas_idamin : cblas_idamax);
    return Number(f(n, at(x), inc));
  }

  const vectorLike = (x: Operand) => x.cols === 1 || plan(x).n2 === 1;

  /** C ← αAB + βC in float32 through oneDNN's row-major sgemm, for any 2-D operands. */
  function dnnlGemm(alpha: number, a: Operand, b: Operand, beta: number, c: Operand): void {
    libs.threads.fit(c.rows * c.cols * a.cols, threadRoute.products);
    const sa = storage(a), sb = storage(b), sc = storage(c);
    // A column-major C is the row-major Cᵀ = BᵀAᵀ: swap the factors and flip their orders.
    const [p, q, P, Q, rows, cols] = sc.rowMajor ? [a, b, sa, sb, c.rows, c.cols] : [
      b,
      a,
      { rowMajor: !sb.rowMajor, ld: sb.ld },
      { rowMajor: !sa.rowMajor, ld: sa.ld },
      c.cols,
      c.rows,
    ];
    if (
      alpha === 1 && beta === 0 && P.rowMajor && Q.rowMajor &&
      matmul(rows, cols, a.cols, { x: p, ld: P.ld }, { x: q, ld: Q.ld }, { x: c, ld: sc.ld })
    ) return;
    const status = dnnl_sgemm(
      P.rowMajor ? N : T,
      Q.rowMajor ? N : T,
      BigInt(rows),
      BigInt(cols),
      BigInt(a.cols),
      alpha,
      at(p),
      BigInt(P.ld),
      at(q),
      BigInt(Q.ld),
      beta,
      at(c),
      BigInt(sc.ld),
    );
    check(status, "dnnl_sgemm");
  }

  const engine: BlasEngine = {
    dot(x, y) {
      inside(x, "dot: x");
      inside(y, "dot: y");
      const f = isFloat(x) ? cblas_sdot : cblas_ddot;
      const w = plan(x, y);
      const n1 = w.n1, a1 = w.a1, a2 = w.a2, b1 = w.b1, b2 = w.b2;
      let s = 0;
      for (let j = 0; j < w.n2; j++) s += f(n1, at(x, j * a2), a1, at(y, j * b2), b1);
      return s;
    },
    // OpenBLAS 0.3.21's cblas_ssum is wrong for some lengths on AVX-512 (n = 16: −2 for
    // −5; tests/engines/native_test.ts shows it), so float sums use the js loop.
    sum: (x) => isFloat(x) ? js.sum(x) : reduce1(inside1(x, "sum"), cblas_dsum),
    asum: (x) => reduce1(inside1(x, "asum"), isFloat(x) ? cblas_sasum : cblas_dasum),
    nrm2(x) {
      inside(x, "nrm2");
      if (!vectorLike(x)) return js.nrm2(x); // per-slice norms would need rescaling to combine
      const w = plan(x);
      return (isFloat(x) ? cblas_snrm2 : cblas_dnrm2)(w.n1, at(x), w.a1);
    },
    nrm1: (x) =>
      x.cols === 1
        ? reduce1(inside1(x, "nrm1"), isFloat(x) ? cblas_sasum : cblas_dasum)
        : js.nrm1(x),
    nrmi(x) {
      inside(x, "nrmi");
      if (x.cols !== 1 || x.rows === 0) return js.nrmi(x);
      return Math.abs(buf(x)[x.offset + largest(x, false) * x.rowStride]);
    },
    iamax: (x) => largest(inside1(x, "iamax"), false),
    iamin: (x) => largest(inside1(x, "iamin"), true),
    copy: (x, y) => {
      inside(x, "copy: x");
      inside(y, "copy: y");
      if (!across.copy(1, x, y)) each2(x, y, isFloat(x) ? cblas_scopy : cblas_dcopy);
    },
    swap: (x, y) =>
      each2(inside1(x, "swap: x"), inside1(y, "swap: y"), isFloat(x) ? cblas_sswap : cblas_dswap),
    scal: (alpha, x) => {
      inside(x, "scal");
      // OpenBLAS 0.3.21 zeroes x for α = 0, where 0·NaN and 0·∞ are NaN.
      if (alpha === 0) return js.scal(0, x);
      const f = isFloat(x) ? cblas_sscal : cblas_dscal;
      each1(x, (n, xs, inc) => f(n, alpha, xs, inc));
    },
    axpby(alpha, x, beta, y) {
      inside(x, "axpby: x");
      inside(y, "axpby: y");
      if (beta === 1) {
        const f = isFloat(x) ? cblas_saxpy : cblas_daxpy;
        if (across.combine(alpha, x, y, (n, t, ys) => f(n, 1, t, 1, ys, 1))) return;
        each2(x, y, (n, xs, ix, ys, iy) => f(n, alpha, xs, ix, ys, iy));
      } else if (beta === 0) {
        // y's old contents must not leak in, NaN included: copy, then scale.
        if (across.copy(alpha, x, y)) return;
        this.copy(x, y);
        if (alpha !== 1) this.scal(alpha, y);
      } else {
        // The two-pass form scales y before reading x: not when x is y's own memory.
        const f = isFloat(x) ? (x.storage === y.storage ? cblas_saxpby : saxpby) : cblas_daxpby;
        if (across.combine(alpha, x, y, (n, t, ys) => f(n, 1, t, 1, beta, ys, 1))) return;
        each2(x, y, (n, xs, ix, ys, iy) => f(n, alpha, xs, ix, beta, ys, iy));
      }
    },
    fill: js.fill,
    gemv(alpha, a, x, beta, y) {
      inside(a, "gemv: a");
      inside(x, "gemv: x");
      inside(y, "gemv: y");
      if (y.rows === 0) return;
      if (a.cols === 0) return js.scaleOutput(beta, y);
      // oneDNN writes y without reading it at β = 0; OpenBLAS gets zeros, so NaN cannot leak.
      if (isFloat(a)) return dnnlGemm(alpha, a, x, beta, y);
      if (beta === 0) js.fill(y, 0);
      const s = storage(a);
      cblas_dgemv(
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
    },
    ger(alpha, x, y, a) {
      inside(x, "ger: x");
      inside(y, "ger: y");
      inside(a, "ger: a");
      if (a.rows === 0 || a.cols === 0) return;
      if (isFloat(a)) return dnnlGemm(alpha, x, transposed(y), 1, a);
      const s = storage(a);
      cblas_dger(
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
    },
    gemm(alpha, a, b, beta, c) {
      inside(a, "gemm: a");
      inside(b, "gemm: b");
      inside(c, "gemm: c");
      const m = c.rows, n = c.cols, k = a.cols;
      if (m === 0 || n === 0) return;
      if (k === 0 || alpha === 0) return js.scaleOutput(beta, c);
      if (bf16.isBfloat16(a) || bf16.isBfloat16(b)) {
        libs.threads.fit(m * n * k, threadRoute.products);
        return bf16.run(alpha, a, b, beta, c);
      }
      // oneDNN writes C without reading it at β = 0; OpenBLAS gets zeros, so NaN cannot leak.
      if (isFloat(c)) return dnnlGemm(alpha, a, b, beta, c);
      if (beta === 0) js.fill(c, 0);
      const sa = storage(a), sb = storage(b), sc = storage(c);
      const order = sc.rowMajor ? CblasRowMajor : CblasColMajor;
      const ta = sa.rowMajor === sc.rowMajor ? CblasNoTrans : CblasTrans;
      const tb = sb.rowMajor === sc.rowMajor ? CblasNoTrans : CblasTrans;
      cblas_dgemm(
        order,
        ta,
        tb,
        m,
        n,
        k,
        alpha,
        at(a),
        sa.ld,
        at(b),
        sb.ld,
        beta,
        at(c),
        sc.ld,
      );
    },
  };
  return engine;
}

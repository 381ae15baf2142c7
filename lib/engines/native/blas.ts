/**
 * BLAS through OpenBLAS's CBLAS, with every float32 product (gemm, gemv, ger) through oneDNN's
 * sgemm: oneDNN is faster from 128³ and on the skinny shapes of small networks, OpenBLAS below
 * 64³ by microseconds (bench/gemm_route.bench.ts); but the two libraries' thread pools spin
 * against each other when calls alternate (bench/inference.bench.ts), so float level 2–3 stays
 * in oneDNN, with the elementwise primitives, and OpenBLAS keeps level 1 and all of float64.
 * Operands reach the library as a typed-array view at their offset plus their strides:
 * nothing is copied. Level 1 (level1.ts) works on matrices slice by slice (one call for
 * gapless ones), the products are products.ts's; the few operations CBLAS lacks (matrix 1- and
 * ∞-norms, fill) or gets wrong (float sum) use the js engine's loops on the same memory. This
 * module checks each operand lies in its storage and assembles the method table.
 *
 * @module
 */

import type { BlasEngine, Operand } from "../../core/engine.ts";
import type { HostArray } from "../../core/types.ts";
import * as js from "../js/blas1.ts";
import { plan } from "../../core/walk.ts";
import type { NativeLibraries } from "./libraries.ts";
import { nativeMatmul } from "./matmul.ts";
import { acrossLayouts } from "./across.ts";
import { bfloat16Products } from "./bf16_products.ts";
import { inside } from "./operands.ts";
import { threadRoute } from "./threads.ts";
import * as l1 from "./level1.ts";
import { blasGemm, doubleGemv, doubleGer, floatGemm, floatGer } from "./products.ts";

const { at, isFloat, reduce1 } = l1;
const inside1 = (x: Operand, what: string): Operand => (inside(x, what), x);

/** The native BLAS over opened libraries. */
export function nativeBlas(libs: NativeLibraries): BlasEngine {
  const blas = libs.blas;
  const level1: l1.Level1 = { blas, across: acrossLayouts(libs) };
  const products = { libs, matmul: nativeMatmul(libs) };
  // bfloat16 products scale and combine their results through level 1.
  const bf16 = bfloat16Products(libs, {
    scal: (alpha, x) => l1.scal(blas, alpha, x),
    axpby: (alpha, x, beta, y) => l1.axpby(level1, alpha, x, beta, y),
  });
  const asum = (x: Operand) => isFloat(x) ? blas.cblas_sasum : blas.cblas_dasum;
  return {
    dot: (x, y) => l1.dot(blas, inside1(x, "dot: x"), inside1(y, "dot: y")),
    // OpenBLAS 0.3.21's cblas_ssum is wrong for some lengths on AVX-512 (n = 16: −2 for
    // −5; tests/engines/native_test.ts shows it), so float sums use the js loop.
    sum: (x) => isFloat(x) ? js.sum(x) : reduce1(inside1(x, "sum"), blas.cblas_dsum),
    asum: (x) => reduce1(inside1(x, "asum"), asum(x)),
    nrm2(x) {
      inside(x, "nrm2");
      // Per-slice norms would need rescaling to combine: those take the js loop.
      if (!l1.vectorLike(x)) return js.nrm2(x);
      const w = plan(x);
      return (isFloat(x) ? blas.cblas_snrm2 : blas.cblas_dnrm2)(w.n1, at(x), w.a1);
    },
    nrm1: (x) => x.cols === 1 ? reduce1(inside1(x, "nrm1"), asum(x)) : js.nrm1(x),
    nrmi(x) {
      inside(x, "nrmi");
      if (x.cols !== 1 || x.rows === 0) return js.nrmi(x);
      const i = l1.largest(blas, x, false);
      return Math.abs((x.storage.buffer as HostArray)[x.offset + i * x.rowStride]);
    },
    iamax: (x) => l1.largest(blas, inside1(x, "iamax"), false),
    iamin: (x) => l1.largest(blas, inside1(x, "iamin"), true),
    // CBLAS has no signed arg-max: the js loop over the same memory.
    imax: (x) => js.imax(x),
    imin: (x) => js.imax(x, true),
    copy: (x, y) => l1.copy(level1, inside1(x, "copy: x"), inside1(y, "copy: y")),
    swap: (x, y) =>
      l1.each2(
        inside1(x, "swap: x"),
        inside1(y, "swap: y"),
        isFloat(x) ? blas.cblas_sswap : blas.cblas_dswap,
      ),
    scal: (alpha, x) => l1.scal(blas, alpha, inside1(x, "scal")),
    axpby: (alpha, x, beta, y) =>
      l1.axpby(level1, alpha, inside1(x, "axpby: x"), beta, inside1(y, "axpby: y")),
    fill: js.fill,
    gemv(alpha, a, x, beta, y) {
      inside(a, "gemv: a");
      inside(x, "gemv: x");
      inside(y, "gemv: y");
      if (y.rows === 0) return;
      if (a.cols === 0) return js.scaleOutput(beta, y);
      // oneDNN writes y without reading it at β = 0.
      if (isFloat(a)) return floatGemm(products, alpha, a, x, beta, y);
      doubleGemv(blas, alpha, a, x, beta, y);
    },
    ger(alpha, x, y, a) {
      inside(x, "ger: x");
      inside(y, "ger: y");
      inside(a, "ger: a");
      if (a.rows === 0 || a.cols === 0) return;
      if (isFloat(a)) return floatGer(products, alpha, x, y, a);
      doubleGer(blas, alpha, x, y, a);
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
      // oneDNN writes C without reading it at β = 0.
      if (isFloat(c)) return floatGemm(products, alpha, a, b, beta, c);
      blasGemm(blas, alpha, a, b, beta, c);
    },
  };
}

/**
 * The native engine's learning primitives, matrix and tensor, through oneDNN: reorders (layout changes of float32 and
 * bfloat16 tensors, one primitive per shape, strides and type, built on first use and kept in a
 * small cache; float64 has no reorder in oneDNN 2.x and takes the matrix copies every engine
 * has), softmax and log-softmax (softmax.ts), the fused inner product (inner_product.ts),
 * reductions (reduction.ts), convolutions (convolution.ts), pooling (pooling.ts) and batch
 * normalization (batch_norm.ts).
 * Column gathers run the js engine's loop over the same typed arrays (no pointer crosses into C
 * there). Adam has no fused primitive here: oneDNN's multithreaded passes beat the js engine's
 * one-pass loop (bench/mnist_compare.ts).
 *
 * @module
 */

import { dnnl_bf16, dnnl_f32 } from "../../../ffi/dnnl.ts";
import type { BlasEngine, Engine, MathEngine, TensorOperand } from "../../core/engine.ts";
import type { DType } from "../../core/types.ts";
import type { NativeLibraries } from "./libraries.ts";
import { dnnlPrimitives, type Primitives } from "./primitives.ts";
import { nativeSoftmax } from "./softmax.ts";
import { gatherColumns } from "../js/gather.ts";
import { nativeAdam } from "./adam.ts";
import { nativeInnerProduct } from "./inner_product.ts";
import { nativeReduction } from "./reduction.ts";
import { nativeConvolution } from "./convolution.ts";
import { nativePooling } from "./pooling.ts";
import { nativeBatchNorm } from "./batch_norm.ts";
import { tensorPointer } from "./operands.ts";
import { deferred } from "../planning.ts";

/**
 * Primitives kept per cache. A primitive holds its JIT code and memory descriptors, not data
 * (the scratchpad is the library's), so a few hundred cost little; too few cost far more: chapter
 * 30's CNN with Adam needs about 60 (each layer's passes, reorders, pooling, screens, and Adam's
 * three per parameter shape), and at 32 it rebuilt most of them every batch.
 */
const CACHE_LIMIT = 256;

/**
 * The native engine's matrix and tensor primitives over the libraries it loaded, sharing one
 * cache of oneDNN primitives; the engine's BLAS and math compose the inner product where
 * oneDNN's fused primitive is not faster.
 */
export function nativeDnn(
  libs: NativeLibraries,
  blas: BlasEngine,
  math: MathEngine,
): Required<Pick<Engine, "nn" | "dnn">> {
  let prims: Primitives | undefined, adamPrims: Primitives | undefined;
  const primitives = () => prims ??= dnnlPrimitives(libs, CACHE_LIMIT);
  const nn = {
    softmax: deferred(nativeSoftmax(libs, primitives)),
    gatherColumns: deferred(gatherColumns),
    innerProduct: nativeInnerProduct(libs, primitives, blas, math),
    // Adam's primitives in a cache of their own: a network's many parameter shapes never push
    // its layers' primitives out.
    adam: nativeAdam(libs, () => adamPrims ??= dnnlPrimitives(libs, CACHE_LIMIT), blas),
  };
  return {
    nn,
    dnn: {
      reduction: nativeReduction(libs, primitives),
      convolution: nativeConvolution(libs, primitives),
      ...nativePooling(libs, primitives),
      batchNormalization: nativeBatchNorm(libs, primitives),
      reorder(src, dst, dtype: DType) {
        if (dtype === "float64" || src.shape.includes(0) || libs.dnnl === undefined) {
          return undefined;
        }
        const type = dtype === "bfloat16" ? dnnl_bf16 : dnnl_f32;
        // oneDNN wants a positive stride on every dimension, even one of extent 1.
        const strides = (t: TensorOperand) => t.strides.map((s) => Math.max(s, 1));
        const key = `reorder ${dtype} [${src.shape}] [${strides(src)}] → [${strides(dst)}]`;
        const p = primitives();
        const srcMd = p.memoryDesc(src.shape, strides(src), type);
        const dstMd = p.memoryDesc(dst.shape, strides(dst), type);
        p.reorder(key, srcMd, dstMd);
        // Looked up on every run: an evicted primitive is rebuilt, never used after it is freed.
        return () =>
          p.run(p.reorder(key, srcMd, dstMd), [
            tensorPointer(src, "reorder src"),
            tensorPointer(dst, "reorder dst"),
          ]);
      },
    },
  };
}

/**
 * Reductions through oneDNN's reduction primitive, for float32 tensors dense in row-major order
 * whose reduced dimensions lie innermost and which are large enough that a primitive call beats
 * the js loops; the rest, and float64, take those loops on the same memory. oneDNN's max and min
 * may drop a NaN, so for them x must be one gapless run, which one ?asum pass checks before every
 * call: a NaN or an infinity sends the call to the loops.
 *
 * @module
 */

import { flatNonFinite } from "./screen.ts";
import { DNNL_ARG_DST, DNNL_ARG_SRC, reductionAlg } from "../../../ffi/dnnl.ts";
import type { DnnEngine, TensorOperand } from "../../core/engine.ts";
import type { NativeLibraries } from "./libraries.ts";
import type { Primitives } from "./primitives.ts";
import { threadRoute } from "./threads.ts";
import { reduceTensor } from "../js/reduction.ts";
import { fold } from "../../tensor/desc.ts";
import { tensorPointer } from "./operands.ts";

/**
 * From how many entries of x oneDNN takes a reduction whose reduced dimensions are innermost;
 * where a kept dimension lies inside a reduced one (per-channel sums of nchw) oneDNN 2.6 is
 * slower than the loops, so those stay there (bench/dnn_route.ts). Tests set `force`.
 */
export const reductionRoute: { force: "dnnl" | "js" | undefined; from: number } = {
  force: undefined,
  from: 2048,
};

/**
 * Whether x is dense in its logical row-major order (nchw for data): oneDNN 2.6 has fast
 * reduction kernels for that layout only and runs a reference kernel, slower than the loops,
 * otherwise (bench/dnn_route.ts).
 */
function rowMajor(x: TensorOperand): boolean {
  let step = 1;
  for (let d = x.shape.length - 1; d >= 0; d--) {
    if (x.shape[d] === 1) continue;
    if (x.strides[d] !== step) return false;
    step *= x.shape[d];
  }
  return true;
}

/** Whether every reduced dimension's stride is below every kept one's. */
function reducedInnermost(x: TensorOperand, out: TensorOperand): boolean {
  let reduced = 0, kept = Infinity;
  x.shape.forEach((e, d) => {
    if (e === 1) return;
    if (out.shape[d] === 1) reduced = Math.max(reduced, x.strides[d]);
    else kept = Math.min(kept, x.strides[d]);
  });
  return reduced < kept;
}

/** The native reduction: oneDNN where it applies and pays, else the js loops. */
export function nativeReduction(
  libs: NativeLibraries,
  primitives: () => Primitives,
): NonNullable<DnnEngine["reduction"]> {
  return (alg, x, out, dtype) => {
    // Planned only where taken: the loops may hold float64 accumulators of out's size.
    let planned: (() => void) | undefined;
    const loops = () => planned ??= reduceTensor(alg, x, out);
    const entries = x.shape.reduce((n, e) => n * e, 1);
    const runs = fold(x.shape, x.strides);
    const gapless = runs.length === 1 && runs[0].stride === 1;
    const applies = dtype === "float32" && libs.dnnlApi?.has("reduction") === true &&
      reductionRoute.force !== "js" &&
      (reductionRoute.force === "dnnl" ||
        (entries >= reductionRoute.from && rowMajor(x) && reducedInnermost(x, out))) &&
      (gapless || alg === "sum" || alg === "mean");
    if (!applies) return loops();
    // oneDNN wants a positive stride on every dimension, even one of extent 1.
    const strides = (t: TensorOperand) => t.strides.map((s) => Math.max(s, 1));
    const key = `reduction ${alg} [${x.shape}] [${strides(x)}] → [${out.shape}] [${strides(out)}]`;
    const p = primitives();
    const xMd = p.memoryDesc(x.shape, strides(x)), outMd = p.memoryDesc(out.shape, strides(out));
    const build = () =>
      p.create(key, p.api.reduction(reductionAlg[alg], xMd, outMd), [xMd, outMd], [
        DNNL_ARG_SRC,
        DNNL_ARG_DST,
      ]);
    try {
      if (p.get(key) === undefined) build();
    } catch {
      return loops(); // descriptors oneDNN does not take: the loops compute them
    }
    const pointers: Deno.PointerValue[] = [null, null];
    const typed = x.storage.buffer as Float32Array;
    const screen = alg === "max" || alg === "min";
    return () => {
      // Both extents are checked before the sum's pointer, or oneDNN's, crosses into C.
      pointers[0] = tensorPointer(x, "reduction x");
      pointers[1] = tensorPointer(out, "reduction out");
      if (screen && flatNonFinite(libs.blas, entries, typed, x.offset)) {
        return loops()();
      }
      libs.threads.fit(entries, threadRoute.entries);
      // Looked up on every run: an evicted primitive is rebuilt, never used after it is freed.
      p.run(p.get(key) ?? build(), pointers);
    };
  };
}

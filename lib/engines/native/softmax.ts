/**
 * Softmax over columns through oneDNN's softmax and log-softmax primitives, for float32
 * matrices large enough that a threaded call beats the js loop, whose columns hold only finite
 * numbers: oneDNN's max drops a NaN, so a column with a NaN or an infinity (found by one ?asum
 * pass) takes the js loop, which makes it NaN throughout as every engine does.
 *
 * @module
 */

import { flatNonFinite } from "./screen.ts";
import { DNNL_ARG_DST, DNNL_ARG_SRC, dnnl_forward_inference } from "../../../ffi/dnnl.ts";
import type { Operand } from "../../core/engine.ts";
import type { NativeLibraries } from "./libraries.ts";
import type { Primitives } from "./primitives.ts";
import { pointerAt, strides } from "./operands.ts";
import { threadRoute } from "./threads.ts";
import { softmaxColumns } from "../js/softmax.ts";

/**
 * From how many entries oneDNN takes a softmax: below, the js loop's smaller fixed cost wins
 * (bench/dnn_route.ts). Tests set `force`.
 */
export const softmaxRoute: { force: "dnnl" | "js" | undefined; from: number } = {
  force: undefined,
  from: 128,
};

/** The native softmax: oneDNN where it applies and pays, else the js loop on the same memory. */
export function nativeSoftmax(
  libs: NativeLibraries,
  primitives: () => Primitives,
): (x: Operand, out: Operand, log: boolean) => void {
  const pointers: Deno.PointerValue[] = [null, null];
  return (x, out, log) => {
    const m = x.rows, n = x.cols, entries = m * n;
    const [xr, xc] = strides(x), [or, oc] = strides(out);
    const applies = x.storage.buffer instanceof Float32Array &&
      out.storage.buffer instanceof Float32Array && xr === or && xc === oc && entries > 0 &&
      libs.dnnlApi?.has("softmax") === true && softmaxRoute.force !== "js" &&
      (softmaxRoute.force === "dnnl" || entries >= softmaxRoute.from);
    // The finiteness check reads one gapless run: a dense column-major or row-major matrix.
    const gapless = (xr === 1 && xc === m) || (xc === 1 && xr === n);
    if (!applies || !gapless) return softmaxColumns(x, out, log);
    // Both extents are checked before the sum's pointer, or oneDNN's, crosses into C.
    pointers[0] = pointerAt(x, "softmax_ x");
    pointers[1] = pointerAt(out, "softmax_ out");
    const typed = x.storage.buffer as Float32Array;
    if (flatNonFinite(libs.blas, entries, typed, x.offset)) {
      return softmaxColumns(x, out, log);
    }
    const key = `softmax ${log} ${m}×${n} [${xc},${xr}]`;
    const p = primitives();
    let prim = p.get(key);
    if (prim === undefined) {
      // oneDNN sees samples as rows: data n×m, the softmax along axis 1.
      const md = p.memoryDesc([n, m], [xc, xr]);
      const spec = p.api.softmax(log, dnnl_forward_inference, md, 1);
      prim = p.create(key, spec, [md, md], [DNNL_ARG_SRC, DNNL_ARG_DST]);
    }
    libs.threads.fit(entries, threadRoute.entries);
    p.run(prim, pointers);
  };
}

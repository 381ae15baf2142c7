/**
 * Convolutions in WGSL, direct: one invocation per entry it writes. The forward pass sums an
 * output entry's window over the input channels; the data gradient sums, for an input entry,
 * the output entries whose windows hold it; the weights' gradient sums a weight's terms over
 * the batch and the output positions; the bias gradient is the planned reduction of the error.
 * Each sum's terms are walked in spans within the loop budget, a dispatch per span, the later
 * spans adding to what the earlier wrote: 4,096 channels of 3×3 taps, or a weight's gradient
 * over millions of positions, are summed whole.
 * Shapes, strides and geometry travel in the parameter words, up to three spatial dimensions
 * (the missing ones of extent 1), so one compiled kernel serves every shape.
 *
 * @module
 */

import type { BlasEngine, DnnEngine, TensorOperand } from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { type GridDispatch, gridKernel, U } from "./wgsl.ts";
import { spans, walkDigits } from "./loops.ts";
import { tensorReduction } from "./tensor_reduce.ts";
import { im2colConvolution } from "./im2col.ts";
import {
  at,
  C,
  convolutionWords,
  DI,
  head,
  IE,
  KE,
  N,
  O,
  OE,
  PA,
  ST,
  unravel,
  WS,
  XS,
  YS,
} from "./conv_words.ts";

const WG = 64;
/** Words: the first term of this dispatch's span, and its length. */
const SPAN = 2;

/**
 * Which kernels a convolution takes: the products through the tiled GEMM (im2col.ts) unless one
 * column of windows outgrows the buffers, or the direct kernels here. Tests set `force`.
 */
export const webgpuConvolutionRoute: { force: "direct" | "gemm" | undefined } = {
  force: undefined,
};

/** The WebGPU engine's planned convolution passes; `blas` is the engine's own. */
export function webgpuConvolution(
  rt: Runtime,
  blas: () => BlasEngine,
): NonNullable<DnnEngine["convolution"]> {
  const reduce = tensorReduction(rt);
  return (pass, x, w, b, y, g) => {
    // The bias gradient: the error summed over the batch and the positions, one per output.
    const bias = pass !== "backwardWeights" || b === undefined ? undefined : reduce("sum", y, {
      storage: b.storage,
      offset: b.offset,
      shape: y.shape.map((e, d) => d === 1 ? e : 1),
      strides: y.shape.map((_, d) => d === 1 ? b.strides[0] : 0),
    }, "float32");
    if (webgpuConvolutionRoute.force !== "direct") {
      const products = im2colConvolution(rt, blas(), pass, x, w, b, y, g);
      if (products !== undefined) {
        return () => {
          products();
          bias?.();
        };
      }
    }
    const words = (p: { u: Uint32Array }, total: number) =>
      convolutionWords(p.u, total, x, w, y, g, b !== undefined);
    const count = (t: TensorOperand) => t.shape.reduce((n, e) => n * e, 1);
    // x, w, y and b are operands 0 to 3: the address words `at` reads.
    const operands = [head(x), head(w), head(y), b === undefined ? undefined : head(b)];
    const kernelFor = (name: string, written: TensorOperand, body: string) =>
      gridKernel(
        rt,
        `conv:${name}`,
        operands,
        [[x, w, y].indexOf(written)],
        (slot) =>
          body.replaceAll("$X", slot(0)).replaceAll("$W", slot(1)).replaceAll("$Y", slot(2))
            .replaceAll("$B", b === undefined ? "" : slot(3)),
        WG,
      );

    const inRange = (v: string, e: number) => `${v} >= 0 && ${v} < i32(${U(e)})`;
    // Input position (id, ih, iw) that output position (od, oh, ow) reads through tap (kd, kh, kw).
    const tapped = `let id = i32(od * ${U(ST)} + kd * ${U(DI)}) - i32(${U(PA)});
        let ih = i32(oh * ${U(ST + 1)} + kh * ${U(DI + 1)}) - i32(${U(PA + 1)});
        let iw = i32(ow * ${U(ST + 2)} + kw * ${U(DI + 2)}) - i32(${U(PA + 2)});
        var xv = 0.0;
        if (${inRange("id", IE)} && ${inRange("ih", IE + 1)} && ${inRange("iw", IE + 2)}) {
          xv = $X[${at(0, XS, "n", "c", "u32(id)", "u32(ih)", "u32(iw)")}];
        }`;
    /**
     * A kernel writing entry `address` from `init` plus the terms of this dispatch's span,
     * walked as the digits `names` over the extent words `extents`: the first span starts from
     * `init`, the later ones add to what the earlier wrote.
     */
    const spanned = (
      name: string,
      written: TensorOperand,
      decode: string,
      address: string,
      init: string,
      names: string[],
      extents: number[],
      term: string,
    ) =>
      kernelFor(
        name,
        written,
        `
    ${decode}
    let at_ = ${address};
    var acc = select($O[at_], ${init}, ${U(SPAN)} == 0u);
    ${
          walkDigits(
            names,
            extents.map((e) => U(e)),
            U(SPAN),
            `${U(SPAN)} + ${U(SPAN + 1)}`,
            term,
          )
        }
    $O[at_] = acc;`.replaceAll("$O", ["$X", "$W", "$Y"][[x, w, y].indexOf(written)]),
      );
    /** Dispatches k over `total` entries, `terms` each, in spans. */
    const spannedRun = (k: GridDispatch, total: number, terms: number) => () => {
      if (total === 0) return;
      for (const [start, length] of spans(rt, total, terms, WG)) {
        k(total, (p) => {
          words(p, total);
          p.u[SPAN] = start;
          p.u[SPAN + 1] = length;
        });
      }
    };
    const kernelTaps = w.shape.slice(2).reduce((n, e) => n * e, 1);
    if (pass === "forward") {
      // Padding is zeros the weights multiply: a NaN or ∞ weight there still gives NaN.
      const k = spanned(
        "forward",
        y,
        unravel(["n", "o", "od", "oh", "ow"], [N, O, OE, OE + 1, OE + 2]),
        at(2, YS, "n", "o", "od", "oh", "ow"),
        b === undefined ? "0.0" : `$B[${U(13)} + o * ${U(14)}]`,
        ["c", "kd", "kh", "kw"],
        [C, KE, KE + 1, KE + 2],
        `${tapped}
        acc += xv * $W[${at(1, WS, "o", "c", "kd", "kh", "kw")}];`,
      );
      return spannedRun(k, count(y), x.shape[1] * kernelTaps);
    }
    if (pass === "backwardData") {
      // The output position a tap reaches: (i + p − k·d) / s where that divides evenly.
      const reach = (v: string, i: string, k: string, e: number) =>
        `let ${v}n = i32(${i}) + i32(${U(PA + e)}) - i32(${k} * ${U(DI + e)});
        let ${v}ok = ${v}n >= 0 && ${v}n % i32(${U(ST + e)}) == 0 &&
          u32(${v}n / i32(${U(ST + e)})) < ${U(OE + e)};
        let ${v} = u32(max(${v}n, 0) / i32(${U(ST + e)}));`;
      const k = spanned(
        "backwardData",
        x,
        unravel(["n", "c", "id", "ih", "iw"], [N, C, IE, IE + 1, IE + 2]),
        at(0, XS, "n", "c", "id", "ih", "iw"),
        "0.0",
        ["o", "kd", "kh", "kw"],
        [O, KE, KE + 1, KE + 2],
        `${reach("od", "id", "kd", 0)}
        ${reach("oh", "ih", "kh", 1)}
        ${reach("ow", "iw", "kw", 2)}
        if (odok && ohok && owok) {
          acc += $Y[${at(2, YS, "n", "o", "od", "oh", "ow")}] *
            $W[${at(1, WS, "o", "c", "kd", "kh", "kw")}];
        }`,
      );
      return spannedRun(k, count(x), w.shape[0] * kernelTaps);
    }
    // Padding is zeros that multiply the error: a NaN or ∞ error there still gives NaN.
    const k = spanned(
      "backwardWeights",
      w,
      unravel(["o", "c", "kd", "kh", "kw"], [O, C, KE, KE + 1, KE + 2]),
      at(1, WS, "o", "c", "kd", "kh", "kw"),
      "0.0",
      ["n", "od", "oh", "ow"],
      [N, OE, OE + 1, OE + 2],
      `${tapped}
        acc += $Y[${at(2, YS, "n", "o", "od", "oh", "ow")}] * xv;`,
    );
    const weights = spannedRun(k, count(w), y.shape.slice(2).reduce((n, e) => n * e, y.shape[0]));
    return () => {
      weights();
      bias?.();
    };
  };
}

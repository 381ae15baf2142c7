/**
 * Convolutions in WGSL, direct: one invocation per entry it writes. The forward pass sums an
 * output entry's window over the input channels; the data gradient sums, for an input entry,
 * the output entries whose windows hold it; the weights' gradient sums a weight's terms over
 * the batch and the output positions; the bias gradient is the planned reduction of the error.
 * Shapes, strides and geometry travel in the parameter words, up to three spatial dimensions
 * (the missing ones of extent 1), so one compiled kernel serves every shape.
 *
 * @module
 */

import type { BlasEngine, DnnEngine, TensorOperand } from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { type GridDispatch, gridKernel, U } from "./wgsl.ts";
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
    const dispatch = (k: GridDispatch, total: number) => k(total, (p) => words(p, total));

    const inRange = (v: string, e: number) => `${v} >= 0 && ${v} < i32(${U(e)})`;
    if (pass === "forward") {
      const k = kernelFor(
        "forward",
        y,
        `
    ${unravel(["n", "o", "od", "oh", "ow"], [N, O, OE, OE + 1, OE + 2])}
    var acc = 0.0;
    ${b === undefined ? "" : `acc = $B[${U(13)} + o * ${U(14)}];`}
    // Padding is zeros the weights multiply: a NaN or ∞ weight there still gives NaN.
    for (var c = 0u; c < ${U(C)}; c++) {
      for (var kd = 0u; kd < ${U(KE)}; kd++) {
        let id = i32(od * ${U(ST)} + kd * ${U(DI)}) - i32(${U(PA)});
        let inD = ${inRange("id", IE)};
        for (var kh = 0u; kh < ${U(KE + 1)}; kh++) {
          let ih = i32(oh * ${U(ST + 1)} + kh * ${U(DI + 1)}) - i32(${U(PA + 1)});
          let inH = inD && ${inRange("ih", IE + 1)};
          for (var kw = 0u; kw < ${U(KE + 2)}; kw++) {
            let iw = i32(ow * ${U(ST + 2)} + kw * ${U(DI + 2)}) - i32(${U(PA + 2)});
            var xv = 0.0;
            if (inH && ${inRange("iw", IE + 2)}) {
              xv = $X[${at(0, XS, "n", "c", "u32(id)", "u32(ih)", "u32(iw)")}];
            }
            acc += xv * $W[${at(1, WS, "o", "c", "kd", "kh", "kw")}];
          }
        }
      }
    }
    $Y[${at(2, YS, "n", "o", "od", "oh", "ow")}] = acc;`,
      );
      return () => dispatch(k, count(y));
    }
    if (pass === "backwardData") {
      // The output position a tap reaches: (i + p − k·d) / s where that divides evenly.
      const reach = (v: string, i: string, k: string, e: number) =>
        `let ${v}n = i32(${i}) + i32(${U(PA + e)}) - i32(${k} * ${U(DI + e)});
          if (${v}n < 0 || ${v}n % i32(${U(ST + e)}) != 0) { continue; }
          let ${v} = u32(${v}n / i32(${U(ST + e)}));
          if (${v} >= ${U(OE + e)}) { continue; }`;
      const k = kernelFor(
        "backwardData",
        x,
        `
    ${unravel(["n", "c", "id", "ih", "iw"], [N, C, IE, IE + 1, IE + 2])}
    var acc = 0.0;
    for (var o = 0u; o < ${U(O)}; o++) {
      for (var kd = 0u; kd < ${U(KE)}; kd++) {
        ${reach("od", "id", "kd", 0)}
        for (var kh = 0u; kh < ${U(KE + 1)}; kh++) {
          ${reach("oh", "ih", "kh", 1)}
          for (var kw = 0u; kw < ${U(KE + 2)}; kw++) {
            ${reach("ow", "iw", "kw", 2)}
            acc += $Y[${at(2, YS, "n", "o", "od", "oh", "ow")}] *
              $W[${at(1, WS, "o", "c", "kd", "kh", "kw")}];
          }
        }
      }
    }
    $X[${at(0, XS, "n", "c", "id", "ih", "iw")}] = acc;`,
      );
      return () => dispatch(k, count(x));
    }
    const k = kernelFor(
      "backwardWeights",
      w,
      `
    ${unravel(["o", "c", "kd", "kh", "kw"], [O, C, KE, KE + 1, KE + 2])}
    var acc = 0.0;
    // Padding is zeros that multiply the error: a NaN or ∞ error there still gives NaN.
    for (var n = 0u; n < ${U(N)}; n++) {
      for (var od = 0u; od < ${U(OE)}; od++) {
        let id = i32(od * ${U(ST)} + kd * ${U(DI)}) - i32(${U(PA)});
        let inD = ${inRange("id", IE)};
        for (var oh = 0u; oh < ${U(OE + 1)}; oh++) {
          let ih = i32(oh * ${U(ST + 1)} + kh * ${U(DI + 1)}) - i32(${U(PA + 1)});
          let inH = inD && ${inRange("ih", IE + 1)};
          for (var ow = 0u; ow < ${U(OE + 2)}; ow++) {
            let iw = i32(ow * ${U(ST + 2)} + kw * ${U(DI + 2)}) - i32(${U(PA + 2)});
            var xv = 0.0;
            if (inH && ${inRange("iw", IE + 2)}) {
              xv = $X[${at(0, XS, "n", "c", "u32(id)", "u32(ih)", "u32(iw)")}];
            }
            acc += $Y[${at(2, YS, "n", "o", "od", "oh", "ow")}] * xv;
          }
        }
      }
    }
    $W[${at(1, WS, "o", "c", "kd", "kh", "kw")}] = acc;`,
    );
    return () => {
      dispatch(k, count(w));
      bias?.();
    };
  };
}

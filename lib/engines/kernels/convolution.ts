/**
 * Direct convolutions as kernels, for every device: one work item per entry written, one to
 * three spatial dimensions as three (the missing ones of extent 1). The forward pass sums an
 * output entry's window over the input channels; the data gradient sums, for an input entry,
 * the output entries whose windows hold it; the weights' gradient sums a weight's terms over
 * the batch and the output positions; the bias gradient is the planned reduction of the error.
 * Each sum's terms are walked in spans within the loop budget, a launch per span, the later
 * spans adding to what the earlier wrote: 4,096 channels of 3×3 taps, or a weight's gradient
 * over millions of positions, are summed whole. Padding is zeros that the weights (or the
 * error) multiply, so a NaN or ∞ there still gives NaN, as the js engine computes it.
 *
 * @module
 */

import type {
  ConvolutionGeometry,
  ConvolutionPass,
  DnnEngine,
  Plan,
  TensorOperand,
} from "../../core/engine.ts";
import { padded3, spatial3 } from "../../tensor/spatial.ts";
import { type KernelDevice, spans } from "./device.ts";
import { kernel, type Lang, scalars, tensor, variants, vector } from "./template.ts";
import { reductionKernels } from "./reduction.ts";

const WG = 64;

const SHAPE_NAMES = [
  ...["N", "C", "O", "ID", "IH", "IW", "KD", "KH", "KW", "OD", "OH", "OW"],
  ...["SD", "SH", "SW", "PD", "PH", "PW", "DD", "DH", "DW"],
] as const;

/** A convolution's extents and geometry, as its kernels take them. */
export type ConvolutionShape = Record<(typeof SHAPE_NAMES)[number], number>;

/** The kernels' integer scalars: the shape, and this launch's span of each entry's terms. */
export const SHAPE = scalars("int", [...SHAPE_NAMES, "first", "span_n"]);

/** t unravelled over (a, b, c, d, e) with the extents of the last four (im2col.ts shares it). */
export function entry(l: Lang, names: readonly string[], ext: readonly string[]): string {
  let code = l.intVar("e_", "t");
  for (let k = 4; k > 0; k--) {
    code += ` ${l.int(names[k], `e_ % ${ext[k - 1]}`)} e_ = e_ / ${ext[k - 1]};`;
  }
  return `${code} ${l.int(names[0], "e_")}`;
}

/** The input entry output position (od, oh, ow) reads through tap (kd, kh, kw): 0 in the padding. */
export const tapped = (l: Lang) =>
  `${l.int("id", "od * SD - PD + kd * DD")} ${l.int("ih", "oh * SH - PH + kh * DH")}
      ${l.int("iw", "ow * SW - PW + kw * DW")}
      ${l.realVar("xv", l.r(0))}
      if (id >= 0 && id < ID && ih >= 0 && ih < IH && iw >= 0 && iw < IW) {
        xv = ${l.at("x", "n", "c", "id", "ih", "iw")};
      }`;

/** A pass's kernel: an entry from its first span's start (or itself) plus this span's terms. */
const pass = variants((key: `${ConvolutionPass}:${boolean}`) => {
  const [p, withBias] = key.split(":") as [ConvolutionPass, string];
  const bias = withBias === "true";
  const sum = (l: Lang, out: string, init: string, names: string[], ext: string[], term: string) =>
    `${l.realVar("acc", l.select("first == 0", init, out))}
    ${l.walk(names, ext, "first", "first + span_n", term)}
    ${out} = acc;`;
  return kernel({
    key: `conv:${key}`,
    operands: p === "forward"
      ? { x: tensor(), w: tensor(), y: tensor(true), ...(bias ? { b: vector() } : {}) }
      : p === "backwardData"
      ? { x: tensor(true), w: tensor(), y: tensor() }
      : { x: tensor(), w: tensor(true), y: tensor() },
    scalars: SHAPE,
    workgroup: WG,
    body: (l) => {
      const y = l.at("y", "n", "o", "od", "oh", "ow"), w = l.at("w", "o", "c", "kd", "kh", "kw");
      if (p === "forward") {
        // y(n, o, out) = b(o) + Σ x(n, c, out·s − p + k·d) · w(o, c, k).
        return `${entry(l, ["n", "o", "od", "oh", "ow"], ["O", "OD", "OH", "OW"])}
    ${
          sum(
            l,
            y,
            bias ? l.at("b", "o") : l.r(0),
            ["c", "kd", "kh", "kw"],
            ["C", "KD", "KH", "KW"],
            `${tapped(l)}
      acc += xv * ${w};`,
          )
        }`;
      }
      if (p === "backwardData") {
        // x(n, c, i) = Σ over the taps that read i: y(n, o, out) · w(o, c, k).
        return `${entry(l, ["n", "c", "id", "ih", "iw"], ["C", "ID", "IH", "IW"])}
    ${
          sum(
            l,
            l.at("x", "n", "c", "id", "ih", "iw"),
            l.r(0),
            ["o", "kd", "kh", "kw"],
            ["O", "KD", "KH", "KW"],
            `${l.int("td", "id + PD - kd * DD")} ${l.int("th", "ih + PH - kh * DH")}
      ${l.int("tw", "iw + PW - kw * DW")}
      if (td >= 0 && th >= 0 && tw >= 0 && td % SD == 0 && th % SH == 0 && tw % SW == 0) {
        ${l.int("od", "td / SD")} ${l.int("oh", "th / SH")} ${l.int("ow", "tw / SW")}
        if (od < OD && oh < OH && ow < OW) { acc += ${y} * ${w}; }
      }`,
          )
        }`;
      }
      // w(o, c, k) = Σ x(n, c, out·s − p + k·d) · y(n, o, out).
      return `${entry(l, ["o", "c", "kd", "kh", "kw"], ["C", "KD", "KH", "KW"])}
    ${
        sum(
          l,
          w,
          l.r(0),
          ["n", "od", "oh", "ow"],
          ["N", "OD", "OH", "OW"],
          `${tapped(l)}
      acc += xv * ${y};`,
        )
      }`;
    },
  });
});

/** The bias gradient of a weights' pass: the error summed over the batch and the positions. */
export function biasGradient(
  reduce: NonNullable<DnnEngine["reduction"]>,
  p: ConvolutionPass,
  b: TensorOperand | undefined,
  y: TensorOperand,
): Plan | undefined {
  if (p !== "backwardWeights" || b === undefined) return undefined;
  return reduce("sum", y, {
    storage: b.storage,
    offset: b.offset,
    shape: y.shape.map((e, d) => d === 1 ? e : 1),
    strides: y.shape.map((_, d) => d === 1 ? b.strides[0] : 0),
  }, "float32");
}

/** The extents and geometry of a convolution of x by w into y. */
export function shapeArgs(
  x: TensorOperand,
  w: TensorOperand,
  y: TensorOperand,
  g: ConvolutionGeometry,
): ConvolutionShape {
  const [ID, IH, IW] = spatial3(x).e, [KD, KH, KW] = spatial3(w).e;
  const [OD, OH, OW] = spatial3(y).e;
  const [S, P, D] = [padded3(g.strides, 1), padded3(g.padding, 0), padded3(g.dilation, 1)];
  const [N, C] = x.shape, O = w.shape[0];
  return {
    ...{ N, C, O, ID, IH, IW, KD, KH, KW, OD, OH, OW },
    ...{ SD: S[0], SH: S[1], SW: S[2], PD: P[0], PH: P[1], PW: P[2] },
    ...{ DD: D[0], DH: D[1], DW: D[2] },
  };
}

const count = (t: TensorOperand) => t.shape.reduce((n, e) => n * e, 1);

/** The planned direct convolution passes on a device. */
export function convolutionKernels(dev: KernelDevice): NonNullable<DnnEngine["convolution"]> {
  const reduce = reductionKernels(dev);
  return (p, x, w, b, y, g): Plan => {
    const shape = shapeArgs(x, w, y, g);
    const { N, C, O, KD, KH, KW, OD, OH, OW } = shape;
    const args = { x, w, y, b, ...shape };
    const template = pass(`${p}:${p === "forward" && b !== undefined}`);
    const taps = KD * KH * KW;
    const [total, terms] = p === "forward"
      ? [count(y), C * taps]
      : p === "backwardData"
      ? [count(x), O * taps]
      : [count(w), N * OD * OH * OW];
    const bias = biasGradient(reduce, p, b, y);
    return () => {
      if (total > 0) {
        for (const [first, span_n] of spans(dev, total, terms, WG)) {
          dev.run(template, { ...args, first, span_n }, total);
        }
      }
      bias?.();
    };
  };
}

/**
 * Convolution, pooling and batch normalization in C kernels (OpenCL, CUDA): direct kernels over
 * tensors of any strides, one work item per entry written, one to three spatial dimensions as
 * three (the missing ones of extent 1). They compute what the js engine's loops compute — padding
 * is zeros that the weights (or the error) multiply, a max window's error goes to its first
 * largest entry, NaN first — and are planned once: the sizes and strides are fixed when the plan
 * is made. No work item walks more than the loop budget in one launch (loops.ts): a
 * convolution's taps and positions and a pooling window's taps go in spans of launches, each
 * folding into the output; a channel's sums over the batch (batch normalization's, a bias's
 * gradient) in parts summed in parallel, then folded.
 *
 * @module
 */

import type {
  BatchNormOperands,
  BatchNormPass,
  ConvolutionGeometry,
  ConvolutionPass,
  DnnEngine,
  TensorOperand,
} from "../../core/engine.ts";
import { padded3, spatial3 } from "../../tensor/spatial.ts";
import type { DeviceBuffer, KernelArg, KernelRuntime } from "./runtime.ts";
import { foldParts, items, partsOf, partsScratch, scratchFor, spans, walkDigits } from "./loops.ts";
import { kernelDevice } from "./templates.ts";
import { poolingKernels } from "../kernels/pooling.ts";

/** A tensor as kernel arguments: buffer, offset, then n, c and three spatial strides. */
function tensorArgs(t: TensorOperand): KernelArg[] {
  const { s } = spatial3(t);
  const strides = [t.strides[0], t.strides.length > 1 ? t.strides[1] : 0, ...s];
  return [
    t.storage.buffer as DeviceBuffer,
    { long: t.offset },
    ...strides.map((v) => ({ long: v })),
  ];
}

/** The C parameters of tensor `p`, and the address of its entry (n, c, d, h, w). */
const tparam = (p: string) =>
  `GLOBAL T* ${p}, long ${p}o, long ${p}0, long ${p}1, long ${p}2, long ${p}3, long ${p}4`;
const tat = (p: string, n: string, c: string, d: string, h: string, w: string) =>
  `${p}[${p}o + (${n}) * ${p}0 + (${c}) * ${p}1 + (${d}) * ${p}2 + (${h}) * ${p}3 + (${w}) * ${p}4]`;

/** Scalar long parameters by name, and their arguments. */
const longs = (names: string[]) => names.map((n) => `long ${n}`).join(", ");
const longArgs = (values: number[]): KernelArg[] => values.map((v) => ({ long: v }));

/** The entry index k split into (a, b, c, d, e) over extents (·, B, C, D, E), row-major. */
const split5 = (names: [string, string, string, string, string], ext: string[]) => `
    long t_ = k;
    long ${names[4]} = t_ % ${ext[3]}; t_ /= ${ext[3]};
    long ${names[3]} = t_ % ${ext[2]}; t_ /= ${ext[2]};
    long ${names[2]} = t_ % ${ext[1]}; t_ /= ${ext[1]};
    long ${names[1]} = t_ % ${ext[0]};
    long ${names[0]} = t_ / ${ext[0]};`;

/** C: the smaller of two longs (CUDA and OpenCL name their integer min differently). */
const lesser = (a: string, b: string) => `((${a}) < (${b}) ? (${a}) : (${b}))`;

/** The parameters of a launch's span: its first term and length, and whether it is the last. */
const SPAN = "long first, long span_n, int last";
const spanArgs = (s: readonly [number, number], last: boolean): KernelArg[] => [
  { long: s[0] },
  { long: s[1] },
  { int: last ? 1 : 0 },
];

/** C walking this launch's span of the terms `names` over `extents`. */
const span = (names: string[], extents: string[], body: string) =>
  walkDigits(names, extents, "first", "first + span_n", body);

const GEOMETRY = ["SD", "SH", "SW", "PD", "PH", "PW", "DD", "DH", "DW"];

/** The size of the engine's reals. */
const realBytes = (rt: KernelRuntime) => rt.double ? 8 : 4;

/** The tensor primitives over a runtime. */
export function kernelTensors(rt: KernelRuntime): DnnEngine {
  return {
    convolution(
      pass: ConvolutionPass,
      x: TensorOperand,
      w: TensorOperand,
      b: TensorOperand | undefined,
      y: TensorOperand,
      g: ConvolutionGeometry,
    ): () => void {
      const [N, C] = x.shape, O = w.shape[0];
      const [ID, IH, IW] = spatial3(x).e, [KD, KH, KW] = spatial3(w).e;
      const [OD, OH, OW] = spatial3(y).e;
      const dims = [N, C, O, ID, IH, IW, KD, KH, KW, OD, OH, OW];
      const dimNames = ["N", "C", "O", "ID", "IH", "IW", "KD", "KH", "KW", "OD", "OH", "OW"];
      const geometry = [
        ...padded3(g.strides, 1),
        ...padded3(g.padding, 0),
        ...padded3(g.dilation, 1),
      ];
      const head = `${rt.prelude()}
KERNEL conv(${tparam("x")}, ${tparam("w")}, ${tparam("y")}, ${tparam("b")}, int hasB,
                   ${longs(dimNames)}, ${longs(GEOMETRY)}, long total, ${SPAN}) {
  for (long k = GID; k < total; k += GSIZE) {`;
      /** The entry `out` from `init` (first span) or itself, plus this span's terms. */
      const sum = (out: string, init: string, names: string[], extents: string[], term: string) => `
    T acc = first == 0 ? ${init} : ${out};
    ${span(names, extents, term)}
    ${out} = acc;
  }
}`;
      const tapped = `long id = od * SD - PD + kd * DD, ih = oh * SH - PH + kh * DH;
      long iw = ow * SW - PW + kw * DW;
      bool in = id >= 0 && id < ID && ih >= 0 && ih < IH && iw >= 0 && iw < IW;
      T xv = in ? ${tat("x", "n", "c", "id", "ih", "iw")} : (T)0;`;
      const source: Record<ConvolutionPass, string> = {
        // y(n, o, out) = b(o) + Σ x(n, c, out·s − p + k·d) · w(o, c, k); padding taps are zeros.
        forward: `${head}${split5(["n", "o", "od", "oh", "ow"], ["O", "OD", "OH", "OW"])}${
          sum(
            tat("y", "n", "o", "od", "oh", "ow"),
            `(hasB ? ${tat("b", "o", "0", "0", "0", "0")} : (T)0)`,
            ["c", "kd", "kh", "kw"],
            ["C", "KD", "KH", "KW"],
            `${tapped}
      acc += xv * ${tat("w", "o", "c", "kd", "kh", "kw")};`,
          )
        }`,
        // x(n, c, i) = Σ over the taps that read i: y(n, o, out) · w(o, c, k).
        backwardData: `${head}${split5(["n", "c", "id", "ih", "iw"], ["C", "ID", "IH", "IW"])}${
          sum(
            tat("x", "n", "c", "id", "ih", "iw"),
            "(T)0",
            ["o", "kd", "kh", "kw"],
            ["O", "KD", "KH", "KW"],
            `long td = id + PD - kd * DD, th = ih + PH - kh * DH, tw = iw + PW - kw * DW;
      if (td >= 0 && th >= 0 && tw >= 0 && td % SD == 0 && th % SH == 0 && tw % SW == 0) {
        long od = td / SD, oh = th / SH, ow = tw / SW;
        if (od < OD && oh < OH && ow < OW) {
          acc += ${tat("y", "n", "o", "od", "oh", "ow")} * ${tat("w", "o", "c", "kd", "kh", "kw")};
        }
      }`,
          )
        }`,
        // w(o, c, k) = Σ x(n, c, out·s − p + k·d) · y(n, o, out); padding taps are zeros.
        backwardWeights: `${head}${split5(["o", "c", "kd", "kh", "kw"], ["C", "KD", "KH", "KW"])}${
          sum(
            tat("w", "o", "c", "kd", "kh", "kw"),
            "(T)0",
            ["n", "od", "oh", "ow"],
            ["N", "OD", "OH", "OW"],
            `${tapped}
      acc += xv * ${tat("y", "n", "o", "od", "oh", "ow")};`,
          )
        }`,
      };
      const kernel = rt.kernel(`conv:${pass}`, "conv", () => source[pass]);
      const [total, terms] = pass === "forward"
        ? [N * O * OD * OH * OW, C * KD * KH * KW]
        : pass === "backwardData"
        ? [N * C * ID * IH * IW, O * KD * KH * KW]
        : [O * C * KD * KH * KW, N * OD * OH * OW];
      const bArgs = b === undefined ? tensorArgs(w) : tensorArgs(b);
      const args = [
        ...tensorArgs(x),
        ...tensorArgs(w),
        ...tensorArgs(y),
        ...bArgs,
        { int: b === undefined ? 0 : 1 },
        ...longArgs(dims),
        ...longArgs(geometry),
        { long: total },
      ];
      const cut = spans(total, terms);
      const bias = pass === "backwardWeights" && b !== undefined
        ? channelSums(rt, y, b, [N, O, OD, OH, OW])
        : undefined;
      return () => {
        if (total > 0) {
          cut.forEach((s, i) =>
            rt.launch(kernel, [...args, ...spanArgs(s, i === cut.length - 1)], items(total))
          );
        }
        bias?.();
      };
    },

    ...poolingKernels(kernelDevice(rt)),

    batchNormalization(pass: BatchNormPass, t: BatchNormOperands, epsilon: number) {
      return batchNorm(rt, pass, t, epsilon);
    },
  };
}

/**
 * b(o) ← Σ y(n, o, …) over the batch and the positions, the gradient of a convolution's bias:
 * in parts summed in parallel, then folded, so that few channels of many entries fill the
 * device.
 */
function channelSums(
  rt: KernelRuntime,
  y: TensorOperand,
  b: TensorOperand,
  extents: readonly number[],
): () => void {
  const [N, O, OD, OH, OW] = extents;
  const count = N * OD * OH * OW;
  const { chunk, parts } = partsOf(count, O);
  const length = partsScratch(O, parts);
  const names = ["N", "O", "OD", "OH", "OW"];
  const sums = rt.kernel("conv:bias:parts", "parts", () =>
    `${rt.prelude()}
KERNEL parts(${tparam("y")}, GLOBAL T* s, ${longs(names)}, long chunk, long total) {
  for (long t = GID; t < total; t += GSIZE) {
    long o = t % O, p = t / O, count = N * OD * OH * OW;
    T acc = (T)0;
    ${
      walkDigits(
        ["n", "d", "h", "w"],
        ["N", "OD", "OH", "OW"],
        "p * chunk",
        lesser("count", "p * chunk + chunk"),
        `acc += ${tat("y", "n", "o", "d", "h", "w")};`,
      )
    }
    s[p * O + o] = acc;
  }
}`);
  const finish = rt.kernel("conv:bias:finish", "finish", () =>
    `${rt.prelude()}
KERNEL finish(${tparam("b")}, GLOBAL T* s, long at, long O) {
  for (long o = GID; o < O; o += GSIZE) ${tat("b", "o", "0", "0", "0", "0")} = s[at + o];
}`);
  return () => {
    if (O === 0) return;
    const scratch = scratchFor(rt, "channel-parts", length * realBytes(rt));
    rt.launch(sums, [
      ...tensorArgs(y),
      scratch,
      ...longArgs(extents as number[]),
      { long: chunk },
      { long: O * parts },
    ], items(O * parts));
    const at = foldParts(rt, scratch, O, parts, "sum");
    rt.launch(finish, [...tensorArgs(b), scratch, { long: at }, { long: O }], items(O));
  };
}

function batchNorm(
  rt: KernelRuntime,
  pass: BatchNormPass,
  t: BatchNormOperands,
  epsilon: number,
): () => void {
  const N = t.x.shape[0], C = t.x.shape[1];
  const [D, H, W] = spatial3(t.x).e;
  const count = N * D * H * W;
  const vec = (p: string) => `GLOBAL T* ${p}, long ${p}o, long ${p}s`;
  const vat = (p: string, c: string) => `${p}[${p}o + (${c}) * ${p}s]`;
  const vecArgs = (o: TensorOperand): KernelArg[] => [
    o.storage.buffer as DeviceBuffer,
    { long: o.offset },
    { long: o.strides[0] },
  ];
  const dx = t.dx ?? t.y, dScale = t.dScale ?? t.scale, dShift = t.dShift ?? t.shift;
  const params = `${tparam("x")}, ${tparam("y")}, ${tparam("e")}, ${vec("g")}, ${vec("b")},
    ${vec("m")}, ${vec("v")}, ${vec("ds")}, ${vec("db")}, long N, long C, long D, long H, long W,
    T eps`;
  const args = [
    ...tensorArgs(t.x),
    ...tensorArgs(t.y),
    ...tensorArgs(dx),
    ...vecArgs(t.scale),
    ...vecArgs(t.shift),
    ...vecArgs(t.mean),
    ...vecArgs(t.variance),
    ...vecArgs(dScale),
    ...vecArgs(dShift),
    ...longArgs([N, C, D, H, W]),
    { real: epsilon },
  ];
  const inv = `T inv = (T)1 / sqrt(${vat("v", "c")} + eps); T mu = ${vat("m", "c")};`;
  // Two sums per channel at most (the backward pass's), in parts.
  const { chunk, parts } = partsOf(count, 2 * C);
  const length = partsScratch(2 * C, parts);

  /** Each channel's sums s0, s1, … (`term` adds entry xv's share), in parts, into the scratch. */
  const partsKernel = (name: string, prologue: string, term: string, quantities: number) =>
    rt.kernel(`bn:parts:${name}`, "parts", () =>
      `${rt.prelude()}
KERNEL parts(${params}, GLOBAL T* s, long chunk, long total) {
  for (long t = GID; t < total; t += GSIZE) {
    long c = t % C, p = t / C, count = N * D * H * W;
    ${prologue}
    ${Array.from({ length: quantities }, (_, q) => `T s${q} = (T)0;`).join(" ")}
    ${
        walkDigits(
          ["n", "d", "h", "w"],
          ["N", "D", "H", "W"],
          "p * chunk",
          lesser("count", "p * chunk + chunk"),
          `T xv = ${tat("x", "n", "c", "d", "h", "w")}; ${term}`,
        )
      }
    ${
        Array.from(
          { length: quantities },
          (_, q) => `s[(p * ${quantities} + ${q}) * C + c] = s${q};`,
        )
          .join(" ")
      }
  }
}`);
  /** Per channel, from the folded sums at `at` (sum q of channel c at at + q·C + c). */
  const finishKernel = (name: string, body: string) =>
    rt.kernel(`bn:finish:${name}`, "finish", () =>
      `${rt.prelude()}
KERNEL finish(${params}, GLOBAL T* s, long at) {
  for (long c = GID; c < C; c += GSIZE) { T m_ = (T)(N * D * H * W); ${body} }
}`);
  /** Sums `kernel` in parts, folds them, and writes them out with `finish`. */
  const sums = (scratch: DeviceBuffer, kernel: unknown, quantities: number, finish: unknown) => {
    rt.launch(kernel, [...args, scratch, { long: chunk }, { long: C * parts }], items(C * parts));
    const at = foldParts(rt, scratch, quantities * C, parts, "sum");
    rt.launch(finish, [...args, scratch, { long: at }], items(C));
  };
  // Per entry: y = γ x̂ + β, or dx = γ/σ · (dy − dβ/m − x̂·dγ/m) with y holding dy.
  const entries = rt.kernel(
    `bn:${pass === "backward" ? "backward" : "forward"}:entries`,
    "entries",
    () =>
      `${rt.prelude()}
KERNEL entries(${params}, long total) {
  for (long k = GID; k < total; k += GSIZE) {
    ${split5(["n", "c", "d", "h", "w"], ["C", "D", "H", "W"])}
    ${inv} T xv = ${tat("x", "n", "c", "d", "h", "w")}; T gamma = ${vat("g", "c")};
    ${
        pass === "backward"
          ? `T m_ = (T)(N * D * H * W); T xhat = (xv - mu) * inv;
    ${tat("e", "n", "c", "d", "h", "w")} = gamma * inv * (${tat("y", "n", "c", "d", "h", "w")} - ${
            vat("db", "c")
          } / m_ - xhat * ${vat("ds", "c")} / m_);`
          : `${tat("y", "n", "c", "d", "h", "w")} = gamma * (xv - mu) * inv + ${vat("b", "c")};`
      }
  }
}`,
  );
  const total = count * C;
  const perEntry = () => {
    if (total > 0) rt.launch(entries, [...args, { long: total }], items(total));
  };
  if (pass === "inference") return perEntry;
  const scratchOf = () => scratchFor(rt, "channel-parts", length * realBytes(rt));
  if (pass === "training") {
    // The mean first, then the squares about it: the two-pass variance, as js computes it.
    const mean = partsKernel("mean", "", "s0 += xv;", 1);
    const meanOut = finishKernel("mean", `${vat("m", "c")} = s[at + c] / m_;`);
    const squares = partsKernel(
      "variance",
      `T mu = ${vat("m", "c")};`,
      "T z = xv - mu; s0 += z * z;",
      1,
    );
    const varianceOut = finishKernel("variance", `${vat("v", "c")} = s[at + c] / m_;`);
    return () => {
      if (C === 0) return;
      const scratch = scratchOf();
      sums(scratch, mean, 1, meanOut);
      sums(scratch, squares, 1, varianceOut);
      perEntry();
    };
  }
  const gradients = partsKernel(
    "backward",
    inv,
    `T dy = ${tat("y", "n", "c", "d", "h", "w")}; s0 += dy; s1 += dy * (xv - mu) * inv;`,
    2,
  );
  const gradientsOut = finishKernel(
    "backward",
    `${vat("db", "c")} = s[at + c]; ${vat("ds", "c")} = s[at + C + c];`,
  );
  return () => {
    if (C === 0) return;
    sums(scratchOf(), gradients, 2, gradientsOut);
    perEntry();
  };
}

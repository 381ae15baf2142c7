/**
 * Convolution, pooling and batch normalization in C kernels (OpenCL, CUDA): direct kernels over tensors of any
 * strides, one work item per entry written, one to three spatial dimensions as three (the
 * missing ones of extent 1). They compute what the js engine's loops compute — padding is zeros
 * that the weights (or the error) multiply, a max window's error goes to its first largest entry,
 * NaN first — and are planned once: the sizes and strides are fixed when the plan is made.
 *
 * @module
 */

import type {
  BatchNormOperands,
  BatchNormPass,
  ConvolutionGeometry,
  ConvolutionPass,
  DnnEngine,
  PoolingGeometry,
  PoolingKind,
  TensorOperand,
} from "../../core/engine.ts";
import { padded3, spatial3 } from "../../tensor/spatial.ts";
import type { DeviceBuffer, KernelArg, KernelRuntime } from "./runtime.ts";
import { items } from "./kernels.ts";

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

const GEOMETRY = ["SD", "SH", "SW", "PD", "PH", "PW", "DD", "DH", "DW"];

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
                   ${longs(dimNames)}, ${longs(GEOMETRY)}, long total) {
  for (long k = GID; k < total; k += GSIZE) {`;
      const source: Record<ConvolutionPass, string> = {
        // y(n, o, out) = Σ x(n, c, out·s − p + k·d) · w(o, c, k) + b(o); padding taps are zeros.
        forward: `${head}${split5(["n", "o", "od", "oh", "ow"], ["O", "OD", "OH", "OW"])}
    T acc = (T)0;
    for (long c = 0; c < C; c++)
    for (long kd = 0; kd < KD; kd++) { long id = od * SD - PD + kd * DD;
    for (long kh = 0; kh < KH; kh++) { long ih = oh * SH - PH + kh * DH;
    for (long kw = 0; kw < KW; kw++) { long iw = ow * SW - PW + kw * DW;
      bool in = id >= 0 && id < ID && ih >= 0 && ih < IH && iw >= 0 && iw < IW;
      T xv = in ? ${tat("x", "n", "c", "id", "ih", "iw")} : (T)0;
      acc += xv * ${tat("w", "o", "c", "kd", "kh", "kw")};
    }}}
    ${tat("y", "n", "o", "od", "oh", "ow")} = hasB ? acc + ${
          tat("b", "o", "0", "0", "0", "0")
        } : acc;
  }
}`,
        // x(n, c, i) = Σ over the taps that read i: y(n, o, out) · w(o, c, k).
        backwardData: `${head}${split5(["n", "c", "id", "ih", "iw"], ["C", "ID", "IH", "IW"])}
    T acc = (T)0;
    for (long o = 0; o < O; o++)
    for (long kd = 0; kd < KD; kd++) { long td = id + PD - kd * DD; if (td < 0 || td % SD) continue;
      long od = td / SD; if (od >= OD) continue;
    for (long kh = 0; kh < KH; kh++) { long th = ih + PH - kh * DH; if (th < 0 || th % SH) continue;
      long oh = th / SH; if (oh >= OH) continue;
    for (long kw = 0; kw < KW; kw++) { long tw = iw + PW - kw * DW; if (tw < 0 || tw % SW) continue;
      long ow = tw / SW; if (ow >= OW) continue;
      acc += ${tat("y", "n", "o", "od", "oh", "ow")} * ${tat("w", "o", "c", "kd", "kh", "kw")};
    }}}
    ${tat("x", "n", "c", "id", "ih", "iw")} = acc;
  }
}`,
        // w(o, c, k) = Σ x(n, c, out·s − p + k·d) · y(n, o, out); padding taps are zeros.
        backwardWeights: `${head}${split5(["o", "c", "kd", "kh", "kw"], ["C", "KD", "KH", "KW"])}
    T acc = (T)0;
    for (long n = 0; n < N; n++)
    for (long od = 0; od < OD; od++) { long id = od * SD - PD + kd * DD;
    for (long oh = 0; oh < OH; oh++) { long ih = oh * SH - PH + kh * DH;
    for (long ow = 0; ow < OW; ow++) { long iw = ow * SW - PW + kw * DW;
      bool in = id >= 0 && id < ID && ih >= 0 && ih < IH && iw >= 0 && iw < IW;
      T xv = in ? ${tat("x", "n", "c", "id", "ih", "iw")} : (T)0;
      acc += xv * ${tat("y", "n", "o", "od", "oh", "ow")};
    }}}
    ${tat("w", "o", "c", "kd", "kh", "kw")} = acc;
  }
}`,
      };
      const kernel = rt.kernel(`conv:${pass}`, "conv", () => source[pass]);
      const total = pass === "forward"
        ? N * O * OD * OH * OW
        : pass === "backwardData"
        ? N * C * ID * IH * IW
        : O * C * KD * KH * KW;
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
      const biasGradient = pass === "backwardWeights" && b !== undefined
        ? rt.kernel("conv:bias", "bias", () =>
          `${rt.prelude()}
KERNEL bias(${tparam("y")}, ${tparam("b")}, long N, long O, long OD, long OH, long OW) {
  for (long o = GID; o < O; o += GSIZE) {
    T acc = (T)0;
    for (long n = 0; n < N; n++) for (long d = 0; d < OD; d++) for (long h = 0; h < OH; h++)
    for (long w = 0; w < OW; w++) acc += ${tat("y", "n", "o", "d", "h", "w")};
    ${tat("b", "o", "0", "0", "0", "0")} = acc;
  }
}`)
        : undefined;
      return () => {
        rt.launch(kernel, args, items(total));
        if (biasGradient !== undefined) {
          rt.launch(
            biasGradient,
            [...tensorArgs(y), ...tensorArgs(b!), ...longArgs([N, O, OD, OH, OW])],
            items(O),
          );
        }
      };
    },

    poolingForward(kind: PoolingKind, x: TensorOperand, y: TensorOperand, g: PoolingGeometry) {
      return pooling(rt, kind, "forward", x, y, y, g);
    },

    poolingBackward(
      kind: PoolingKind,
      x: TensorOperand,
      dy: TensorOperand,
      dx: TensorOperand,
      g: PoolingGeometry,
    ) {
      return pooling(rt, kind, "backward", x, dy, dx, g);
    },

    batchNormalization(pass: BatchNormPass, t: BatchNormOperands, epsilon: number) {
      return batchNorm(rt, pass, t, epsilon);
    },
  };
}

const WINDOW = ["KD", "KH", "KW", "SD", "SH", "SW", "PD", "PH", "PW"];

/**
 * The C that walks window (od, oh, ow) of plane (n, c): `visit` runs for every tap inside the
 * data with (id, ih, iw) set, in d, h, w order; `count` counts them.
 */
const window = (visit: string) => `
    long count = 0;
    for (long kd = 0; kd < KD; kd++) { long id = od * SD - PD + kd; if (id < 0 || id >= ID) continue;
    for (long kh = 0; kh < KH; kh++) { long ih = oh * SH - PH + kh; if (ih < 0 || ih >= IH) continue;
    for (long kw = 0; kw < KW; kw++) { long iw = ow * SW - PW + kw; if (iw < 0 || iw >= IW) continue;
      count++; ${visit}
    }}}`;

/** Max: the first largest tap (a NaN wins) into bv and its position (id, ih, iw) into b*. */
const largest = window(`T v = ${tat("x", "n", "c", "id", "ih", "iw")};
      if (!isnan(bv) && (bd < 0 || isnan(v) || v > bv)) { bv = v; bd = id; bh = ih; bw = iw; }`);

function pooling(
  rt: KernelRuntime,
  kind: PoolingKind,
  direction: "forward" | "backward",
  x: TensorOperand,
  y: TensorOperand,
  dx: TensorOperand,
  g: PoolingGeometry,
): () => void {
  const [N, C] = x.shape;
  const [ID, IH, IW] = spatial3(x).e, [OD, OH, OW] = spatial3(y).e;
  const dims = [N, C, ID, IH, IW, OD, OH, OW];
  const dimNames = ["N", "C", "ID", "IH", "IW", "OD", "OH", "OW"];
  const geometry = [...padded3(g.kernel, 1), ...padded3(g.strides, 1), ...padded3(g.padding, 0)];
  const size = "(KD * KH * KW)";
  const head = `${rt.prelude()}
KERNEL pool(${tparam("x")}, ${tparam("y")}, ${tparam("z")}, ${longs(dimNames)},
                   ${longs(WINDOW)}, long total) {
  for (long k = GID; k < total; k += GSIZE) {`;
  const forward = `${head}${split5(["n", "c", "od", "oh", "ow"], ["C", "OD", "OH", "OW"])}
    ${
    kind === "max"
      ? `T bv = -INFINITY; long bd = -1, bh = -1, bw = -1;${largest}`
      : `T s = (T)0;${window(`s += ${tat("x", "n", "c", "id", "ih", "iw")};`)}
    T bv = s / (T)(${kind === "avg" ? size : "count"});`
  }
    ${tat("y", "n", "c", "od", "oh", "ow")} = bv;
  }
}`;
  // dx(i) gathers the errors of the windows that cover i: for max, those whose first largest
  // tap is i; for means, each window's share.
  const windowsOf = (body: string) => `
    T acc = (T)0;
    for (long od = 0; od < OD; od++) { long td = id + PD - od * SD; if (td < 0 || td >= KD) continue;
    for (long oh = 0; oh < OH; oh++) { long th = ih + PH - oh * SH; if (th < 0 || th >= KH) continue;
    for (long ow = 0; ow < OW; ow++) { long tw = iw + PW - ow * SW; if (tw < 0 || tw >= KW) continue;
      ${body}
    }}}
    ${tat("z", "n", "c", "id", "ih", "iw")} = acc;`;
  const backward = `${head}${split5(["n", "c", "id", "ih", "iw"], ["C", "ID", "IH", "IW"])}
    long xd = id, xh = ih, xw = iw;
    ${
    windowsOf(
      kind === "max"
        ? `T bv = -INFINITY; long bd = -1, bh = -1, bw = -1;
      { long id = xd, ih = xh, iw = xw; ${largest} }
      if (bd == xd && bh == xh && bw == xw) acc += ${tat("y", "n", "c", "od", "oh", "ow")};`
        : `${kind === "avg" ? "" : `{ ${window("")} `}
      acc += ${tat("y", "n", "c", "od", "oh", "ow")} / (T)(${kind === "avg" ? size : "count"});${
          kind === "avg" ? "" : " }"
        }`,
    )
  }
  }
}`;
  const kernel = rt.kernel(
    `pool:${kind}:${direction}`,
    "pool",
    () => direction === "forward" ? forward : backward,
  );
  const total = direction === "forward" ? N * C * OD * OH * OW : N * C * ID * IH * IW;
  const args = [
    ...tensorArgs(x),
    ...tensorArgs(y),
    ...tensorArgs(dx),
    ...longArgs(dims),
    ...longArgs(geometry),
    { long: total },
  ];
  return () => rt.launch(kernel, args, items(total));
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
  const each = (body: string) =>
    `for (long n = 0; n < N; n++) for (long d = 0; d < D; d++) for (long h = 0; h < H; h++)
     for (long w = 0; w < W; w++) { T xv = ${tat("x", "n", "c", "d", "h", "w")}; ${body} }`;
  const inv = `T inv = (T)1 / sqrt(${vat("v", "c")} + eps); T mu = ${vat("m", "c")};`;
  // Per channel: the statistics (training) or the sums of the backward pass.
  const channels = `${rt.prelude()}
KERNEL channels(${params}) {
  for (long c = GID; c < C; c += GSIZE) {
    ${
    pass === "training"
      ? `T s = (T)0; ${each("s += xv;")}
    T mean = s / (T)(N * D * H * W); T q = (T)0; ${each("T z = xv - mean; q += z * z;")}
    ${vat("m", "c")} = mean; ${vat("v", "c")} = q / (T)(N * D * H * W);`
      : `${inv} T sd = (T)0, sx = (T)0;
    ${each(`T dy = ${tat("y", "n", "c", "d", "h", "w")}; sd += dy; sx += dy * (xv - mu) * inv;`)}
    ${vat("db", "c")} = sd; ${vat("ds", "c")} = sx;`
  }
  }
}`;
  // Per entry: y = γ x̂ + β, or dx = γ/σ · (dy − dβ/m − x̂·dγ/m) with y holding dy.
  const entries = `${rt.prelude()}
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
}`;
  const first = pass === "inference"
    ? undefined
    : rt.kernel(`bn:${pass}:channels`, "channels", () => channels);
  const second = rt.kernel(
    `bn:${pass === "backward" ? "backward" : "forward"}:entries`,
    "entries",
    () => entries,
  );
  const total = count * C;
  return () => {
    if (first !== undefined) rt.launch(first, args, items(C));
    rt.launch(second, [...args, { long: total }], items(total));
  };
}

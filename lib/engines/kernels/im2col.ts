/**
 * Convolutions as products, so that a tuned GEMM does the multiply-adds. A chunk of the batch
 * has its windows unrolled into a matrix (im2col: a row per input channel and kernel tap, a
 * column per sample and output position), then
 * - forward: Y (outputs × columns) = W (outputs × taps) · cols, onto the bias;
 * - data gradient: cols′ = Wᵀ · dY, from which each input entry gathers its taps (col2im);
 * - weights' gradient: dW = Σ over chunks dY · colsᵀ (the bias's is the planned reduction).
 * A tensor whose dimensions do not fold into a matrix's two strides (nchw outputs, ohwi weights)
 * goes through a dense scratch copy. The scratch buffers are the device's, fetched on every
 * run, and chunks keep the unrolled matrix within a sixteenth of the largest buffer. WebGPU
 * takes this route (its tiled GEMM beats the direct kernels); the unroll and the gather are
 * templates, so any device with a BLAS may.
 *
 * @module
 */

import type {
  BlasEngine,
  ConvolutionGeometry,
  ConvolutionPass,
  Operand,
  Plan,
  TensorOperand,
} from "../../core/engine.ts";
import { pieces } from "../../tensor/pieces.ts";
import { type Flat, type KernelDevice, spans } from "./device.ts";
import { type ConvolutionShape, entry, SHAPE, shapeArgs, tapped } from "./convolution.ts";
import { kernel, reals, scalars, tensor } from "./template.ts";

const WG = 256;

/** The scalars: the convolution's shape, the chunk's first sample, the unrolled rows (taps). */
const IM2COL = { ...SHAPE, ...scalars("int", ["N0", "R"]) };

/** cols[t] ← the input entry that tap (row) of column (sample, position) reads: 0 in padding. */
const unrollTemplate = kernel({
  key: "im2col:unroll",
  operands: { x: tensor(), cols: reals(true) },
  scalars: IM2COL,
  workgroup: WG,
  body: (l) =>
    `${l.int("row", "t % R")} ${l.int("col", "t / R")}
    ${l.intVar("q_", "row")} ${l.int("kw", "q_ % KW")} q_ = q_ / KW;
    ${l.int("kh", "q_ % KH")} q_ = q_ / KH; ${l.int("kd", "q_ % KD")} ${l.int("c", "q_ / KD")}
    ${l.intVar("j_", "col")} ${l.int("ow", "j_ % OW")} j_ = j_ / OW;
    ${l.int("oh", "j_ % OH")} j_ = j_ / OH; ${l.int("od", "j_ % OD")} ${l.int("n", "j_ / OD + N0")}
    ${tapped(l)}
    ${l.at("cols", "t")} = xv;`,
});

/** x entry t (of the chunk) ← Σ of the unrolled columns' entries that hold it, a span of taps. */
const gatherTemplate = kernel({
  key: "im2col:gather",
  operands: { x: tensor(true), cols: reals() },
  scalars: IM2COL,
  workgroup: WG,
  body: (l) =>
    `${entry(l, ["nn", "c", "xd", "xh", "xw"], ["C", "ID", "IH", "IW"])}
    ${l.int("n", "nn + N0")}
    ${l.realVar("acc", l.select("first == 0", l.r(0), l.at("x", "n", "c", "xd", "xh", "xw")))}
    ${
      l.walk(
        ["kd", "kh", "kw"],
        ["KD", "KH", "KW"],
        "first",
        "first + span_n",
        `${l.int("td", "xd + PD - kd * DD")} ${l.int("th", "xh + PH - kh * DH")}
      ${l.int("tw", "xw + PW - kw * DW")}
      if (td >= 0 && th >= 0 && tw >= 0 && td % SD == 0 && th % SH == 0 && tw % SW == 0) {
        ${l.int("od", "td / SD")} ${l.int("oh", "th / SH")} ${l.int("ow", "tw / SW")}
        if (od < OD && oh < OH && ow < OW) {
          ${l.int("row", "((c * KD + kd) * KH + kh) * KW + kw")}
          ${l.int("col", "((nn * OD + od) * OH + oh) * OW + ow")}
          acc += ${l.at("cols", "row + col * R")};
        }
      }`,
      )
    }
    ${l.at("x", "n", "c", "xd", "xh", "xw")} = acc;`,
});

/** The samples one chunk unrolls, where set; tests set it to 1 to run many chunks. */
export const unrolledChunk: { samples: number | undefined } = { samples: undefined };

/** The stride of dimensions `dims` of t walked row-major as one run, or undefined. */
function folded(t: TensorOperand, dims: readonly number[]): number | undefined {
  let stride: number | undefined, span = 1;
  for (let k = dims.length - 1; k >= 0; k--) {
    const d = dims[k], e = t.shape[d];
    if (e === 1) continue;
    if (stride === undefined) stride = t.strides[d];
    else if (t.strides[d] !== stride * span) return undefined;
    span *= e;
  }
  return stride ?? 1;
}

/** Columns `start` to `start + count` of t seen as a matrix: rows along `row`, columns along the folded `cols`. */
function columns(
  t: TensorOperand,
  row: number,
  cols: readonly number[],
  start: number,
  count: number,
): Operand {
  const s = folded(t, cols)!;
  return {
    storage: t.storage,
    offset: t.offset + start * s,
    rows: t.shape[row],
    cols: count,
    rowStride: t.strides[row],
    colStride: s,
  };
}

const transposed = (a: Operand): Operand => ({
  ...a,
  rows: a.cols,
  cols: a.rows,
  rowStride: a.colStride,
  colStride: a.rowStride,
});

/** A scratch buffer as a dense column-major matrix. */
const matrixOf = (f: Flat, rows: number, cols: number): Operand => ({
  storage: { buffer: f.buffer, length: f.entries, released: false },
  offset: 0,
  rows,
  cols,
  rowStride: 1,
  colStride: rows,
});

/** A tensor as a matrix: t itself, or a dense scratch copy whose strides fold (`dense`). */
interface AsMatrix {
  readonly get: () => TensorOperand;
  readonly dense: boolean;
}

/**
 * t itself where its matrix dimensions fold, else a dense scratch copy whose strides make them
 * fold: with `row` 1 the row dimension goes innermost (outputs × positions, column-major), with
 * `row` 0 the plain row-major order (weights: outputs × taps, row-major).
 */
function asMatrix(
  dev: KernelDevice,
  t: TensorOperand,
  row: number,
  cols: readonly number[],
  purpose: string,
): AsMatrix {
  if (folded(t, cols) !== undefined) return { get: () => t, dense: false };
  const n = t.shape.reduce((a, e) => a * e, 1);
  const order = row === 0 ? t.shape.map((_, d) => d) : [...cols, row];
  const strides = new Array<number>(t.shape.length).fill(0);
  let step = 1;
  for (let k = order.length - 1; k >= 0; k--) {
    strides[order[k]] = step;
    step *= t.shape[order[k]];
  }
  return {
    get: (): TensorOperand => ({
      storage: { buffer: dev.scratch(purpose, n).buffer, length: n, released: false },
      offset: 0,
      shape: t.shape,
      strides,
    }),
    dense: true,
  };
}

/** What every pass's plan works from. */
interface Im2col {
  readonly dev: KernelDevice;
  readonly blas: BlasEngine;
  readonly x: TensorOperand;
  readonly w: TensorOperand;
  readonly b: TensorOperand | undefined;
  readonly y: TensorOperand;
  readonly shape: ConvolutionShape;
  /** The dimensions after batch and channels. */
  readonly spatial: readonly number[];
  /** Input channels × kernel taps: the unrolled matrix's rows. */
  readonly taps: number;
  /** Output positions per sample. */
  readonly positions: number;
  /** Samples per chunk. */
  readonly chunk: number;
  readonly weights: AsMatrix;
  readonly out: AsMatrix;
}

/** from → to, tensors of one shape in any strides: one engine copy per matrix piece. */
function copyTensor(blas: BlasEngine, from: TensorOperand, to: TensorOperand): void {
  for (const [o, i] of pieces(from.shape, [to, from])) blas.copy(i, o);
}

const colsBuffer = (c: Im2col) => c.dev.scratch("conv-cols", c.taps * c.positions * c.chunk);

/** f(first sample, samples) for each chunk of the batch. */
function chunks(c: Im2col, f: (n0: number, count: number) => void): void {
  const batch = c.x.shape[0];
  for (let n0 = 0; n0 < batch; n0 += c.chunk) f(n0, Math.min(c.chunk, batch - n0));
}

function unroll(c: Im2col, cols: Flat, n0: number, count: number): void {
  const total = c.taps * c.positions * count;
  c.dev.run(
    unrollTemplate,
    { x: c.x, cols, ...c.shape, first: 0, span_n: 0, N0: n0, R: c.taps },
    total,
  );
}

/** The error's (or output's) columns of a chunk. */
const outColumns = (c: Im2col, yt: TensorOperand, n0: number, count: number) =>
  columns(yt, 1, [0, ...c.spatial], n0 * c.positions, count * c.positions);

const weightRows = (c: Im2col, wt: TensorOperand) => columns(wt, 0, [1, ...c.spatial], 0, c.taps);

function forward(c: Im2col): Plan {
  const { b } = c;
  const bias: Operand | undefined = b === undefined ? undefined : {
    storage: b.storage,
    offset: b.offset,
    rows: c.w.shape[0],
    cols: 1,
    rowStride: b.strides[0],
    colStride: 0,
  };
  return () => {
    const wt = c.weights.get(), yt = c.out.get(), cols = colsBuffer(c);
    if (c.weights.dense) copyTensor(c.blas, c.w, wt);
    chunks(c, (n0, count) => {
      unroll(c, cols, n0, count);
      const o = outColumns(c, yt, n0, count);
      if (bias !== undefined) c.blas.copy({ ...bias, cols: o.cols }, o);
      c.blas.gemm(
        1,
        weightRows(c, wt),
        matrixOf(cols, c.taps, count * c.positions),
        bias ? 1 : 0,
        o,
      );
    });
    if (c.out.dense) copyTensor(c.blas, yt, c.y);
  };
}

/** x is dx here and y the error: cols′ = Wᵀ dY, then each dx entry gathers its taps. */
function backwardData(c: Im2col): Plan {
  const kernelTaps = c.shape.KD * c.shape.KH * c.shape.KW;
  const perSample = c.x.shape.slice(1).reduce((a, e) => a * e, 1);
  return () => {
    const wt = c.weights.get(), yt = c.out.get(), cols = colsBuffer(c);
    if (c.weights.dense) copyTensor(c.blas, c.w, wt);
    if (c.out.dense) copyTensor(c.blas, c.y, yt);
    chunks(c, (n0, count) => {
      const unrolled = matrixOf(cols, c.taps, count * c.positions);
      c.blas.gemm(1, transposed(weightRows(c, wt)), outColumns(c, yt, n0, count), 0, unrolled);
      const gathered = count * perSample;
      // Each entry gathers its taps in spans, the later launches adding to the earlier.
      for (const [first, span_n] of spans(c.dev, gathered, kernelTaps, WG)) {
        c.dev.run(
          gatherTemplate,
          { x: c.x, cols, ...c.shape, first, span_n, N0: n0, R: c.taps },
          gathered,
        );
      }
    });
  };
}

/** w is dW here, accumulated over the chunks from dY and the unrolled x. */
function backwardWeights(c: Im2col): Plan {
  return () => {
    const wt = c.weights.get(), yt = c.out.get(), cols = colsBuffer(c);
    if (c.out.dense) copyTensor(c.blas, c.y, yt);
    const wm = weightRows(c, wt);
    chunks(c, (n0, count) => {
      unroll(c, cols, n0, count);
      const unrolled = matrixOf(cols, c.taps, count * c.positions);
      c.blas.gemm(1, outColumns(c, yt, n0, count), transposed(unrolled), n0 === 0 ? 0 : 1, wm);
    });
    if (c.weights.dense) copyTensor(c.blas, wt, c.w);
  };
}

/** The planned GEMM-route pass, or undefined where one column of windows outgrows the buffers. */
export function im2colConvolution(
  dev: KernelDevice,
  blas: BlasEngine,
  pass: ConvolutionPass,
  x: TensorOperand,
  w: TensorOperand,
  b: TensorOperand | undefined,
  y: TensorOperand,
  g: ConvolutionGeometry,
): Plan | undefined {
  const spatial = Array.from({ length: x.shape.length - 2 }, (_, i) => i + 2);
  const taps = x.shape[1] * w.shape.slice(2).reduce((a, e) => a * e, 1);
  const positions = y.shape.slice(2).reduce((a, e) => a * e, 1);
  const budget = Math.floor(dev.maxBytes / dev.realBytes / 16);
  if (taps * positions > budget) return undefined;
  const c: Im2col = {
    dev,
    blas,
    x,
    w,
    b,
    y,
    shape: shapeArgs(x, w, y, g),
    spatial,
    taps,
    positions,
    chunk: Math.min(x.shape[0], unrolledChunk.samples ?? Math.floor(budget / (taps * positions))),
    weights: asMatrix(dev, w, 0, [1, ...spatial], "conv-w"),
    out: asMatrix(dev, y, 1, [0, ...spatial], "conv-y"),
  };
  return pass === "forward"
    ? forward(c)
    : pass === "backwardData"
    ? backwardData(c)
    : backwardWeights(c);
}

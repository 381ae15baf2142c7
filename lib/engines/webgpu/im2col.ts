/**
 * Convolutions on WebGPU as products, so that the tiled GEMM does the multiply-adds. A chunk of
 * the batch has its windows unrolled into a matrix (im2col: a row per input channel and kernel
 * tap, a column per sample and output position), then
 * - forward: Y (outputs × columns) = W (outputs × taps) · cols, onto the bias;
 * - data gradient: cols′ = Wᵀ · dY, from which each input entry gathers its taps (col2im);
 * - weights' gradient: dW = Σ over chunks dY · colsᵀ (the bias's is the planned reduction).
 * A tensor whose dimensions do not fold into a matrix's two strides (nchw outputs, ohwi weights)
 * goes through a dense scratch copy. The scratch buffers are the runtime's, fetched on every run,
 * and chunks keep the unrolled matrix within a sixteenth of the largest buffer.
 *
 * @module
 */

import type {
  BlasEngine,
  ConvolutionGeometry,
  ConvolutionPass,
  Operand,
  TensorOperand,
} from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { pieces } from "../../tensor/pieces.ts";
import { dense, gridKernel, U } from "./wgsl.ts";
import { spans, walkDigits } from "./loops.ts";
import { at, C, convolutionWords, DI, head, IE, KE, OE, PA, ST, XS } from "./conv_words.ts";

const WG = 256;
/** Extra words: the chunk's first sample, the unrolled matrix's rows (taps), a gather's span. */
const N0 = 1, R = 2, SPAN = 46;

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

/** WGSL decoding tap `row` and column `col` into channel, kernel and output indices. */
const decode = `
    var q = row; let kw = q % ${U(KE + 2)}; q = q / ${U(KE + 2)}; let kh = q % ${U(KE + 1)};
    q = q / ${U(KE + 1)}; let kd = q % ${U(KE)}; let c = q / ${U(KE)};
    var j = col; let ow = j % ${U(OE + 2)}; j = j / ${U(OE + 2)}; let oh = j % ${U(OE + 1)};
    j = j / ${U(OE + 1)}; let od = j % ${U(OE)}; let n = j / ${U(OE)} + ${U(N0)};
    let id = i32(od * ${U(ST)} + kd * ${U(DI)}) - i32(${U(PA)});
    let ih = i32(oh * ${U(ST + 1)} + kh * ${U(DI + 1)}) - i32(${U(PA + 1)});
    let iw = i32(ow * ${U(ST + 2)} + kw * ${U(DI + 2)}) - i32(${U(PA + 2)});
    let inside = id >= 0 && id < i32(${U(IE)}) && ih >= 0 && ih < i32(${U(IE + 1)}) &&
      iw >= 0 && iw < i32(${U(IE + 2)});`;

/** The samples one chunk unrolls, where set; tests set it to 1 to run many chunks. */
export const unrolledChunk: { samples: number | undefined } = { samples: undefined };

/** The planned GEMM-route pass, or undefined where one column of windows outgrows the buffers. */
export function im2colConvolution(
  rt: Runtime,
  blas: BlasEngine,
  pass: ConvolutionPass,
  x: TensorOperand,
  w: TensorOperand,
  b: TensorOperand | undefined,
  y: TensorOperand,
  g: ConvolutionGeometry,
): (() => void) | undefined {
  const spatial = Array.from({ length: x.shape.length - 2 }, (_, i) => i + 2);
  const batch = x.shape[0], outputs = w.shape[0];
  const kernelTaps = w.shape.slice(2).reduce((a, e) => a * e, 1);
  const taps = x.shape[1] * kernelTaps;
  const positions = y.shape.slice(2).reduce((a, e) => a * e, 1);
  const budget = Math.floor(rt.limits.maxBuffer / 4 / 16);
  if (taps * positions > budget) return undefined;
  const chunk = Math.min(batch, unrolledChunk.samples ?? Math.floor(budget / (taps * positions)));
  const colsBuffer = () => rt.scratch("conv-cols", taps * positions * chunk);
  const colsOp = (buffer: GPUBuffer, count: number) => dense(buffer, taps, count * positions);

  /**
   * t itself where its matrix dimensions fold, else a dense scratch copy whose strides make them
   * fold: `rowInner` puts the row dimension innermost (outputs × positions, column-major), else
   * the plain row-major order (weights: outputs × taps, row-major).
   */
  const asMatrix = (t: TensorOperand, row: number, cols: readonly number[], purpose: string) => {
    if (folded(t, cols) !== undefined) return { get: () => t, dense: false };
    const n = t.shape.reduce((a, e) => a * e, 1);
    const order = row === 0
      ? t.shape.map((_, d) => d)
      : [...cols.slice(0, 1), ...cols.slice(1), row];
    const strides = new Array<number>(t.shape.length).fill(0);
    let step = 1;
    for (let k = order.length - 1; k >= 0; k--) {
      strides[order[k]] = step;
      step *= t.shape[order[k]];
    }
    return {
      get: (): TensorOperand => ({
        storage: { buffer: rt.scratch(purpose, n), length: n, released: false },
        offset: 0,
        shape: t.shape,
        strides,
      }),
      dense: true,
    };
  };
  /** from → to, tensors of one shape in any strides: one engine copy per matrix piece. */
  const copyTensor = (from: TensorOperand, to: TensorOperand) => {
    for (const [o, i] of pieces(from.shape, [to, from])) blas.copy(i, o);
  };
  const words = (u: Uint32Array, total: number, n0: number) => {
    convolutionWords(u, total, x, w, y, g, b !== undefined);
    u[N0] = n0;
    u[R] = taps;
  };
  const chunks = (f: (n0: number, count: number) => void) => {
    for (let n0 = 0; n0 < batch; n0 += chunk) f(n0, Math.min(chunk, batch - n0));
  };
  /** Dispatches a kernel writing operand 0 and reading operand 1, with `body`. */
  const kernel = (
    name: string,
    written: Operand,
    read: Operand,
    total: number,
    n0: number,
    body: (o: string, r: string) => string,
    set?: (u: Uint32Array) => void,
  ) =>
    gridKernel(rt, `im2col:${name}`, [written, read], [0], (slot) => body(slot(0), slot(1)), WG)(
      total,
      (p) => {
        words(p.u, total, n0);
        set?.(p.u);
      },
    );
  // x's address words must be operand 1's: `at(1, XS, …)` reads them, with x's spatial strides.
  const unroll = (cols: GPUBuffer, n0: number, count: number) =>
    kernel("unroll", colsOp(cols, count), head(x), taps * positions * count, n0, (o, r) => `
    let row = t % ${U(R)}; let col = t / ${U(R)};
    ${decode}
    var v = 0.0;
    if (inside) { v = ${r}[${at(1, XS, "n", "c", "u32(id)", "u32(ih)", "u32(iw)")}]; }
    ${o}[t] = v;`);

  const weights = asMatrix(w, 0, [1, ...spatial], "conv-w");
  const out = asMatrix(y, 1, [0, ...spatial], "conv-y");

  if (pass === "forward") {
    const bias: Operand | undefined = b === undefined ? undefined : {
      storage: b.storage,
      offset: b.offset,
      rows: outputs,
      cols: 1,
      rowStride: b.strides[0],
      colStride: 0,
    };
    return () => {
      const wt = weights.get(), yt = out.get(), cols = colsBuffer();
      if (weights.dense) copyTensor(w, wt);
      chunks((n0, count) => {
        unroll(cols, n0, count);
        const o = columns(yt, 1, [0, ...spatial], n0 * positions, count * positions);
        if (bias !== undefined) blas.copy({ ...bias, cols: o.cols }, o);
        blas.gemm(
          1,
          columns(wt, 0, [1, ...spatial], 0, taps),
          colsOp(cols, count),
          bias ? 1 : 0,
          o,
        );
      });
      if (out.dense) copyTensor(yt, y);
    };
  }

  if (pass === "backwardData") {
    // x is dx here and y the error: cols′ = Wᵀ dY, then each dx entry gathers its taps.
    return () => {
      const wt = weights.get(), yt = out.get(), cols = colsBuffer();
      if (weights.dense) copyTensor(w, wt);
      if (out.dense) copyTensor(y, yt);
      chunks((n0, count) => {
        const wm = columns(wt, 0, [1, ...spatial], 0, taps);
        const transposed: Operand = {
          ...wm,
          rows: wm.cols,
          cols: wm.rows,
          rowStride: wm.colStride,
          colStride: wm.rowStride,
        };
        blas.gemm(
          1,
          transposed,
          columns(yt, 1, [0, ...spatial], n0 * positions, count * positions),
          0,
          colsOp(cols, count),
        );
        const gathered = count * x.shape.slice(1).reduce((a, e) => a * e, 1);
        // Each entry gathers its taps in spans, the later dispatches adding to the earlier.
        for (const [first, length] of spans(rt, gathered, kernelTaps, WG)) {
          kernel("gather", head(x), colsOp(cols, count), gathered, n0, (o, r) => `
    var q = t; let xw = q % ${U(IE + 2)}; q = q / ${U(IE + 2)}; let xh = q % ${U(IE + 1)};
    q = q / ${U(IE + 1)}; let xd = q % ${U(IE)}; q = q / ${U(IE)};
    let c = q % ${U(C)}; let nn = q / ${U(C)};
    let n = nn + ${U(N0)};
    let xa = ${at(0, XS, "n", "c", "xd", "xh", "xw")};
    var acc = select(${o}[xa], 0.0, ${U(SPAN)} == 0u);
    ${
            walkDigits(
              ["kd", "kh", "kw"],
              [U(KE), U(KE + 1), U(KE + 2)],
              U(SPAN),
              `${U(SPAN)} + ${U(SPAN + 1)}`,
              `let odn = i32(xd) + i32(${U(PA)}) - i32(kd * ${U(DI)});
      let ohn = i32(xh) + i32(${U(PA + 1)}) - i32(kh * ${U(DI + 1)});
      let own = i32(xw) + i32(${U(PA + 2)}) - i32(kw * ${U(DI + 2)});
      let od = u32(max(odn, 0) / i32(${U(ST)}));
      let oh = u32(max(ohn, 0) / i32(${U(ST + 1)}));
      let ow = u32(max(own, 0) / i32(${U(ST + 2)}));
      if (odn >= 0 && odn % i32(${U(ST)}) == 0 && od < ${U(OE)} &&
          ohn >= 0 && ohn % i32(${U(ST + 1)}) == 0 && oh < ${U(OE + 1)} &&
          own >= 0 && own % i32(${U(ST + 2)}) == 0 && ow < ${U(OE + 2)}) {
        let row = ((c * ${U(KE)} + kd) * ${U(KE + 1)} + kh) * ${U(KE + 2)} + kw;
        let col = ((nn * ${U(OE)} + od) * ${U(OE + 1)} + oh) * ${U(OE + 2)} + ow;
        acc += ${r}[row + col * ${U(R)}];
      }`,
            )
          }
    ${o}[xa] = acc;`, (u) => {
            u[SPAN] = first;
            u[SPAN + 1] = length;
          });
        }
      });
    };
  }

  // backwardWeights: w is dW here, accumulated over the chunks from dY and the unrolled x.
  return () => {
    const wt = weights.get(), yt = out.get(), cols = colsBuffer();
    if (out.dense) copyTensor(y, yt);
    const wm = columns(wt, 0, [1, ...spatial], 0, taps);
    chunks((n0, count) => {
      unroll(cols, n0, count);
      const c = colsOp(cols, count);
      const colsT: Operand = {
        ...c,
        rows: c.cols,
        cols: c.rows,
        rowStride: c.colStride,
        colStride: c.rowStride,
      };
      blas.gemm(
        1,
        columns(yt, 1, [0, ...spatial], n0 * positions, count * positions),
        colsT,
        n0 === 0 ? 0 : 1,
        wm,
      );
    });
    if (weights.dense) copyTensor(wt, w);
  };
}

/**
 * The parameter words of WebGPU's convolution kernels: where the shapes, strides and geometry of
 * x, w and y lie, and the WGSL that reads them. Up to three spatial dimensions, the missing ones
 * of extent 1, so one compiled kernel serves every shape.
 *
 * @module
 */

import type { ConvolutionGeometry, Operand, TensorOperand } from "../../core/engine.ts";
import { U } from "./wgsl.ts";
import { padded3, spatial3 } from "../../tensor/spatial.ts";

/** Words: the x, w and y spatial strides, the extents, then the geometry. */
export const XS = 16, WS = 19, YS = 22, N = 25, C = 26, O = 27, IE = 28, KE = 31, OE = 34;
/** Words: the strides, padding and dilation along the three spatial dimensions. */
export const ST = 37, PA = 40, DI = 43;

/** A tensor's memory as an operand whose three words hold its offset and first two strides. */
export const head = (t: TensorOperand): Operand => ({
  storage: t.storage,
  offset: t.offset,
  rows: 1,
  cols: 1,
  rowStride: t.strides[0],
  colStride: t.strides[1] ?? 0,
});

/** WGSL: the address of tensor q's entry (a, b, sd, sh, sw), its spatial strides from word s. */
export const at = (q: number, s: number, a: string, b: string, d: string, h: string, w: string) =>
  `(${U(4 + 3 * q)} + ${a} * ${U(5 + 3 * q)} + ${b} * ${U(6 + 3 * q)} + ${d} * ${U(s)} + ` +
  `${h} * ${U(s + 1)} + ${w} * ${U(s + 2)})`;

/** WGSL: unravels linear index t over (a, b, d, h, w) with extents from words. */
export const unravel = (names: string[], extents: number[]) => {
  let code = "var r = t;";
  for (let k = names.length - 1; k > 0; k--) {
    code += ` let ${names[k]} = r % ${U(extents[k])}; r = r / ${U(extents[k])};`;
  }
  return `${code} let ${names[0]} = r;`;
};

/** Writes the shapes, strides and geometry of a convolution into the parameter words. */
export function convolutionWords(
  u: Uint32Array,
  total: number,
  x: TensorOperand,
  w: TensorOperand,
  y: TensorOperand,
  g: ConvolutionGeometry,
  bias: boolean,
): void {
  const xs = spatial3(x), ws = spatial3(w), ys = spatial3(y);
  u[0] = total;
  u[1] = bias ? 1 : 0;
  [xs.s, ws.s, ys.s].forEach((s, k) => s.forEach((v, i) => u[[XS, WS, YS][k] + i] = v));
  u[N] = x.shape[0];
  u[C] = x.shape[1];
  u[O] = w.shape[0];
  [xs.e, ws.e, ys.e].forEach((e, k) => e.forEach((v, i) => u[[IE, KE, OE][k] + i] = v));
  padded3(g.strides, 1).forEach((v, i) => u[ST + i] = v);
  padded3(g.padding, 0).forEach((v, i) => u[PA + i] = v);
  padded3(g.dilation, 1).forEach((v, i) => u[DI + i] = v);
}

/**
 * Tensors of one shape walked together as matrix pieces: the dimensions every tensor keeps
 * together fold into one, the innermost two (by the first tensor's strides) become a piece's
 * rows and columns, and the rest are walked piece by piece. An input broadcast along a
 * dimension has stride 0 there. Every engine's `map` and `copy` then run the pieces, so
 * elementwise work on tensors of any layouts needs nothing new from an engine.
 *
 * @module
 */

import type { Operand, Storage } from "../core/engine.ts";
import type { Factory } from "../core/factory.ts";
import type { Tensor } from "./tensor.ts";

/** A tensor as the walk sees it: memory, first entry, a stride per dimension (0: broadcast). */
export interface Strided {
  /** The memory. */
  readonly storage: Storage;
  /** Index of the first entry. */
  readonly offset: number;
  /** One stride per dimension of the common shape. */
  readonly strides: readonly number[];
}

/** One dimension of the joint walk: its extent and each tensor's stride along it. */
interface Joint {
  readonly e: number;
  readonly s: readonly number[];
}

/** The dimensions, merged where every tensor keeps neighbours together, outermost first. */
function jointDims(shape: readonly number[], ts: readonly Strided[]): Joint[] {
  const dims = shape.map((e, d) => ({ e, s: ts.map((t) => t.strides[d]) }))
    .filter((j) => j.e > 1)
    .sort((a, b) => {
      for (let k = 0; k < a.s.length; k++) if (a.s[k] !== b.s[k]) return b.s[k] - a.s[k];
      return 0;
    });
  const out: Joint[] = [];
  for (const j of dims) {
    const outer = out[out.length - 1];
    if (outer !== undefined && outer.s.every((s, k) => s === j.s[k] * j.e)) {
      out[out.length - 1] = { e: outer.e * j.e, s: j.s };
    } else {
      out.push(j);
    }
  }
  return out;
}

/** The operands of one piece, a tensor each, in the order given. */
export type Piece = readonly Operand[];

/**
 * The pieces covering every entry of `shape` in the tensors ts: one operand per tensor per
 * piece, rows along the innermost joint dimension and columns along the next.
 */
export function pieces(shape: readonly number[], ts: readonly Strided[]): Piece[] {
  if (shape.includes(0)) return [];
  const dims = jointDims(shape, ts);
  const rows = dims.pop() ?? { e: 1, s: ts.map(() => 1) };
  const cols = dims.pop();
  const operand = (t: Strided, k: number, offset: number): Operand => ({
    storage: t.storage,
    offset,
    rows: rows.e,
    cols: cols?.e ?? 1,
    rowStride: rows.s[k],
    colStride: cols === undefined ? Math.max(1, rows.s[k] * rows.e) : cols.s[k],
  });
  const out: Piece[] = [];
  const index = new Array<number>(dims.length).fill(0);
  const at = ts.map((t) => t.offset);
  for (;;) {
    out.push(ts.map((t, k) => operand(t, k, at[k])));
    let d = dims.length - 1;
    for (; d >= 0; d--) {
      if (++index[d] < dims[d].e) {
        dims[d].s.forEach((s, k) => at[k] += s);
        break;
      }
      dims[d].s.forEach((s, k) => at[k] -= (dims[d].e - 1) * s);
      index[d] = 0;
    }
    if (d < 0) return out;
  }
}

/** The same pieces with every operand of tensor k moved by shift[k] entries. */
export function shifted(ps: readonly Piece[], shift: readonly number[]): Piece[] {
  return ps.map((p) => p.map((o, k) => shift[k] === 0 ? o : { ...o, offset: o.offset + shift[k] }));
}

/**
 * A run that fills tensors with v: each tensor's matrix pieces, one engine fill apiece. What an
 * operation over no entries writes: a sum's 0, a mean's NaN, an empty batch's gradients.
 */
export function filling(ts: readonly Tensor[], v: number): () => void {
  const all = ts.map((t) => [t.factory as Factory, pieces(t.shape, [t])] as const);
  return () => {
    for (const [f, ps] of all) for (const [o] of ps) f.engine.blas.fill(o, v);
  };
}

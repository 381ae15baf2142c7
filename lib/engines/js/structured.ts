/**
 * Structured products and solves as loops over a kind's own addressing (`entryIndex`), summing
 * in float64: the reference every engine's structured routines are checked against. They visit
 * only the entries a kind can hold (a band, a triangle), as BLAS does — a banded matrix of order
 * 10⁶ costs its band, and a NaN outside the structure is never multiplied in.
 *
 * @module
 */

import type { Operand, StructuredEngine, StructuredOperand } from "../../core/engine.ts";
import { entryIndex, isSymmetric, isTriangular, ONE, ZERO } from "../../core/kinds.ts";
import type { HostArray } from "../../core/types.ts";

type Host = (buffer: unknown) => HostArray;

/** Entry (i, j) of a, read from its memory. */
function reader(host: Host, a: StructuredOperand): (i: number, j: number) => number {
  const buf = host(a.storage.buffer);
  return (i, j) => {
    const k = entryIndex(a, i, j);
    return k === ZERO ? 0 : k === ONE ? 1 : buf[a.offset + k];
  };
}

/** The band widths of the matrix a represents: below and above the diagonal. */
function widths(a: StructuredOperand): [number, number] {
  if (!isSymmetric(a.kind)) return [a.kl, a.ku];
  const w = Math.max(a.kl, a.ku);
  return [w, w];
}

/** The columns row i of a can hold an entry in (`row`), or the rows column i can (`col`). */
function span(a: StructuredOperand, i: number, along: "row" | "col" = "row"): [number, number] {
  const [below, above] = widths(a);
  return along === "row"
    ? [Math.max(0, i - below), Math.min(a.n, i + above + 1)]
    : [Math.max(0, i - above), Math.min(a.m, i + below + 1)];
}

const at = (buf: HostArray, o: Operand, i: number, j: number) =>
  buf[o.offset + i * o.rowStride + j * o.colStride];

/** The js engine's structured routines over host memory (`host` gives a buffer's array). */
export function jsStructured(host: Host): StructuredEngine {
  return {
    mv(alpha, a, x, beta, y) {
      return () => {
        const read = reader(host, a), xs = host(x.storage.buffer), ys = host(y.storage.buffer);
        for (let i = 0; i < a.m; i++) {
          const [j0, j1] = span(a, i);
          let acc = 0;
          for (let j = j0; j < j1; j++) acc += read(i, j) * at(xs, x, j, 0);
          const k = y.offset + i * y.rowStride;
          ys[k] = beta === 0 ? alpha * acc : alpha * acc + beta * ys[k];
        }
      };
    },
    mm(side, alpha, a, b, beta, c) {
      return () => {
        const read = reader(host, a), bs = host(b.storage.buffer), cs = host(c.storage.buffer);
        for (let i = 0; i < c.rows; i++) {
          for (let j = 0; j < c.cols; j++) {
            let acc = 0;
            if (side === "left") {
              const [k0, k1] = span(a, i);
              for (let k = k0; k < k1; k++) acc += read(i, k) * at(bs, b, k, j);
            } else {
              const [k0, k1] = span(a, j, "col");
              for (let k = k0; k < k1; k++) acc += at(bs, b, i, k) * read(k, j);
            }
            const q = c.offset + i * c.rowStride + j * c.colStride;
            cs[q] = beta === 0 ? alpha * acc : alpha * acc + beta * cs[q];
          }
        }
      };
    },
    rk(alpha, b, beta, c) {
      if (c.kind !== "sy") return undefined;
      return () => {
        const bs = host(b.storage.buffer), cs = host(c.storage.buffer);
        const col = c.layout === "column", upper = (c.uplo === "upper") === col;
        for (let j = 0; j < c.n; j++) {
          // The stored triangle in the column reading: rows 0…j above, j…n − 1 below.
          const [i0, i1] = upper ? [0, j + 1] : [j, c.n];
          for (let i = i0; i < i1; i++) {
            let acc = 0;
            for (let k = 0; k < b.cols; k++) acc += at(bs, b, i, k) * at(bs, b, j, k);
            const q = c.offset + i + j * c.ld;
            cs[q] = beta === 0 ? alpha * acc : alpha * acc + beta * cs[q];
          }
        }
      };
    },
    sv(a, b) {
      if (!isTriangular(a.kind) && a.kind !== "gd") return undefined;
      return () => {
        const read = reader(host, a), bs = host(b.storage.buffer);
        const n = a.n, upper = a.kind === "gd" || a.uplo === "upper";
        for (let col = 0; col < b.cols; col++) {
          const base = b.offset + col * b.colStride, s = b.rowStride;
          // Back substitution for an upper triangle, forward for a lower one.
          for (let t = 0; t < n; t++) {
            const i = upper ? n - 1 - t : t;
            let acc = bs[base + i * s];
            const [first, end] = span(a, i);
            const [j0, j1] = upper ? [i + 1, end] : [first, i];
            for (let j = j0; j < j1; j++) acc -= read(i, j) * bs[base + j * s];
            bs[base + i * s] = acc / read(i, i);
          }
        }
      };
    },
  };
}

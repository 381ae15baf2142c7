/**
 * Host operands: plain typed arrays seen as operands, the host side of every transfer.
 *
 * @module
 */

import type { HostOperand } from "./engine.ts";
import type { HostArray, Layout } from "./types.ts";

/** A dense rows×cols operand over a typed array, in the given layout. */
export function hostOperand(
  array: HostArray,
  rows: number,
  cols: number,
  layout: Layout = "column",
): HostOperand {
  return {
    storage: { buffer: array, length: array.length, released: false },
    offset: 0,
    rows,
    cols,
    rowStride: layout === "column" ? 1 : cols,
    colStride: layout === "column" ? rows : 1,
  };
}

/** Numbers from any array, typed array, iterable, or array of arrays (flattened one level). */
export function numbers(
  op: string,
  data: Iterable<number> | ArrayLike<number> | ArrayLike<ArrayLike<number>>,
): number[] {
  const out: number[] = [];
  const items: ArrayLike<unknown> = Symbol.iterator in Object(data)
    ? Array.from(data as Iterable<unknown>)
    : data as ArrayLike<unknown>;
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    if (typeof v === "number") out.push(v);
    else if (v !== null && typeof v === "object" && "length" in v) {
      for (const w of Array.from(v as ArrayLike<unknown>)) {
        if (typeof w !== "number") {
          throw new TypeError(`${op}: data must hold numbers, found ${typeof w}`);
        }
        out.push(w);
      }
    } else throw new TypeError(`${op}: data must hold numbers, found ${typeof v}`);
  }
  return out;
}

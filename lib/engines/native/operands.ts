/**
 * Operands as native calls take them: a transposed view, the strides oneDNN should see, and
 * the address of entry (0, 0) after checking that every entry lies in the storage.
 *
 * @module
 */

import type { Operand, TensorOperand } from "../../core/engine.ts";

/** x's transpose, as a view of the same memory. */
export const transposed = (x: Operand): Operand => ({
  storage: x.storage,
  offset: x.offset,
  rows: x.cols,
  cols: x.rows,
  rowStride: x.colStride,
  colStride: x.rowStride,
});

/**
 * x's strides as oneDNN should see them: a dimension of one entry gets the stride that makes
 * the other its inner one (a 1×n row with strides 1, 1 made the matmul fail to execute).
 */
export function strides(x: Operand): [number, number] {
  if (x.rows === 1 && x.cols === 1) return [1, 1];
  if (x.rows === 1) return [x.cols * x.colStride, x.colStride];
  if (x.cols === 1) return [x.rowStride, x.rows * x.rowStride];
  return [x.rowStride, x.colStride];
}

/**
 * Throws unless every entry of x lies inside its typed array: the last check before a pointer
 * crosses into C, where an overrun is a crash rather than an error. Structures are checked when
 * made; this catches any operand that was not.
 */
export function inside(x: Operand, what: string): void {
  const buffer = x.storage.buffer;
  if (!ArrayBuffer.isView(buffer)) throw new TypeError(`${what}: not host memory`);
  const length = (buffer as Float32Array).length;
  if (x.rows === 0 || x.cols === 0) return;
  const last = x.offset + (x.rows - 1) * x.rowStride + (x.cols - 1) * x.colStride;
  if (
    !(x.offset >= 0 && x.rowStride >= 0 && x.colStride >= 0 && last < length) ||
    !Number.isSafeInteger(last)
  ) {
    throw new RangeError(
      `${what} (${x.rows}×${x.cols}, strides ${x.rowStride}, ${x.colStride}, ` +
        `offset ${x.offset}) overruns its storage of ${length}`,
    );
  }
}

/** The byte address of x's entry (0, 0), after checking that every entry lies in its storage. */
export function pointerAt(x: Operand, what: string): Deno.PointerValue {
  const buffer = x.storage.buffer as Uint16Array | Float32Array;
  inside(x, what);
  return Deno.UnsafePointer.offset(
    Deno.UnsafePointer.of(buffer)!,
    x.offset * buffer.BYTES_PER_ELEMENT,
  );
}

/**
 * The byte address of t's first entry, after checking that every entry lies in its typed array:
 * the last check before a pointer crosses into C.
 */
export function tensorPointer(t: TensorOperand, what: string): Deno.PointerValue {
  const buffer = t.storage.buffer;
  if (!ArrayBuffer.isView(buffer)) throw new TypeError(`${what}: not host memory`);
  const typed = buffer as Float32Array | Uint16Array;
  const last = t.shape.reduce((s, e, d) => s + (e - 1) * t.strides[d], t.offset);
  const sound = t.offset >= 0 && t.strides.every((s) => s >= 0) && Number.isSafeInteger(last);
  if (t.shape.includes(0) || !sound || last >= typed.length) {
    throw new RangeError(
      `${what} ([${t.shape.join(", ")}], strides [${t.strides.join(", ")}], offset ${t.offset}) ` +
        `does not lie in its storage of ${typed.length}`,
    );
  }
  return Deno.UnsafePointer.offset(
    Deno.UnsafePointer.of(typed)!,
    t.offset * typed.BYTES_PER_ELEMENT,
  );
}

/**
 * Float32 products with bfloat16 factors, through oneDNN's bfloat16 matmul (AMX or AVX-512
 * BF16 kernels where the CPU has them). A float32 factor is rounded to bfloat16 by a oneDNN
 * reorder into scratch; the product accumulates in float32 and lands in C. IMDB's first layer
 * with its multi-hot batch stored as bfloat16 (exact for 0/1) is faster forward and backward,
 * because the batch is read at half the bytes (bench/matmul.bench.ts).
 *
 * @module
 */

import { DNNL_ARG_DST, DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, dnnl_bf16 } from "../../../ffi/dnnl.ts";
import type { BlasEngine, Operand } from "../../core/engine.ts";
import type { NativeLibraries } from "./libraries.ts";
import { dnnlPrimitives, type Primitives } from "./primitives.ts";
import { pointerAt, strides, transposed } from "./operands.ts";

const CACHE_LIMIT = 64;

const isBfloat16 = (x: Operand): boolean => x.storage.buffer instanceof Uint16Array;

/** A gapless operand over scratch, in x's order (by columns when x's rows are adjacent). */
function gapless(x: Operand, buffer: Uint16Array | Float32Array): Operand {
  const byColumns = x.rows === 1 ? false : x.cols === 1 || x.rowStride <= x.colStride;
  return {
    storage: { buffer, length: buffer.length, released: false },
    offset: 0,
    rows: x.rows,
    cols: x.cols,
    rowStride: byColumns ? 1 : x.cols,
    colStride: byColumns ? x.rows : 1,
  };
}

/** Whether x's entries along a row are its closest (oneDNN's kernels want such a result). */
const byRows = (x: Operand): boolean => x.cols > 1 && (x.rows === 1 || x.colStride < x.rowStride);

/**
 * Makes `run(α, a, b, β, c)`: C ← αAB + βC with c float32 and a or b bfloat16 (the other
 * float32, rounded to bfloat16 on the way); `blas` is the native float32 level 1 that scales
 * and combines the result.
 */
export function bfloat16Products(
  libs: NativeLibraries,
  blas: Pick<BlasEngine, "scal" | "axpby">,
): {
  isBfloat16: (x: Operand) => boolean;
  run: (alpha: number, a: Operand, b: Operand, beta: number, c: Operand) => void;
} {
  let prims: Primitives | undefined;
  const scratch = { a: new Uint16Array(0), b: new Uint16Array(0), c: new Float32Array(0) };

  const md = (p: Primitives, x: Operand, type?: typeof dnnl_bf16) =>
    p.memoryDesc([x.rows, x.cols], strides(x), type);
  const shape = (x: Operand) => `${x.rows}:${x.cols}:${x.rowStride}:${x.colStride}`;

  /** x as a bfloat16 operand: itself, or rounded into scratch by a oneDNN reorder. */
  function bfloat16(p: Primitives, x: Operand, slot: "a" | "b"): Operand {
    if (isBfloat16(x)) return x;
    const n = x.rows * x.cols;
    if (scratch[slot].length < n) scratch[slot] = new Uint16Array(n);
    const to = gapless(x, scratch[slot]);
    const r = p.reorder(`r${shape(x)}>${shape(to)}`, md(p, x), md(p, to, dnnl_bf16));
    p.run(r, [pointerAt(x, `bfloat16 product: ${slot}`), pointerAt(to, "bfloat16 scratch")]);
    return to;
  }

  function product(p: Primitives, a: Operand, b: Operand, c: Operand): void {
    const key = `m${shape(a)}*${shape(b)}>${shape(c)}`;
    let prim = p.get(key);
    if (prim === undefined) {
      const mds = [md(p, a, dnnl_bf16), md(p, b, dnnl_bf16), md(p, c)];
      const spec = p.api.matmul(mds[0], mds[1], mds[2]);
      prim = p.create(key, spec, mds, [DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST]);
    }
    p.run(prim, [
      pointerAt(a, "bfloat16 product: A"),
      pointerAt(b, "bfloat16 product: B"),
      pointerAt(c, "bfloat16 product: C"),
    ]);
  }

  return {
    isBfloat16,
    run(alpha, a, b, beta, c) {
      if (!libs.dnnlApi?.has("matmul")) {
        throw new TypeError("mm_: bfloat16 products need oneDNN's matmul (oneDNN 2.1 or later)");
      }
      prims ??= dnnlPrimitives(libs, CACHE_LIMIT);
      // oneDNN's fast kernels write row-major results (a column-major one takes the reference
      // kernel, thousands of times slower), so a column-major C is computed as Cᵀ = BᵀAᵀ.
      if (!byRows(c) && c.cols > 1) {
        [a, b, c] = [transposed(b), transposed(a), transposed(c)];
      }
      const a16 = bfloat16(prims, a, "a"), b16 = bfloat16(prims, b, "b");
      if (beta === 0) {
        product(prims, a16, b16, c);
        if (alpha !== 1) blas.scal(alpha, c);
        return;
      }
      // oneDNN would bake α and β into the primitive: the product goes to scratch, then into C.
      const n = c.rows * c.cols;
      if (scratch.c.length < n) scratch.c = new Float32Array(n);
      const t = gapless(c, scratch.c);
      product(prims, a16, b16, t);
      blas.axpby(alpha, t, beta, c);
    },
  };
}

/**
 * oneDNN's matmul primitive for large skinny products, the layers of small networks over a
 * batch. Its brgemm kernels stream the big operand faster than dnnl_sgemm does (IMDB's first
 * layer; bench/matmul.bench.ts), while on squares the two are even, and below about 128³, or
 * with a single output column (bench/inference.bench.ts), matmul costs more. Every shape
 * needs a primitive built once, and α and β would be constants baked into it. So only C ← AB
 * with all three row-major (in oneDNN's terms), its narrow side from 8 to 64 and at least 2²²
 * multiply-adds, comes here; one primitive per shape and leading dimensions, cached.
 *
 * @module
 */

import { DNNL_ARG_DST, DNNL_ARG_SRC, DNNL_ARG_WEIGHTS } from "../../../ffi/dnnl.ts";
import type { Operand } from "../../core/engine.ts";
import type { NativeLibraries } from "./libraries.ts";
import { dnnlPrimitives, type Primitives } from "./primitives.ts";
import { pointerAt } from "./operands.ts";

/** Products smaller than this many multiply-adds stay with dnnl_sgemm. */
const MATMUL_MIN_WORK = 1 << 22;
/** Products whose outputs are wider than this both ways stay with dnnl_sgemm. */
const MATMUL_MAX_SIDE = 64;
/** Products with an output narrower than this (matrix times vector) stay with dnnl_sgemm. */
const MATMUL_MIN_SIDE = 8;
const CACHE_LIMIT = 64;

/** A row-major factor as the product sees it: an operand and its leading dimension. */
export interface RowMajor {
  readonly x: Operand;
  readonly ld: number;
}

/**
 * Makes `run(m, n, k, a, b, c)`, computing C (m×n) ← A (m×k) B (k×n) with every factor
 * row-major at its leading dimension. It returns false, having done nothing, where oneDNN has
 * no matmul (an older 2.x) or the product is not one that gains.
 */
export function nativeMatmul(
  libs: NativeLibraries,
): (m: number, n: number, k: number, a: RowMajor, b: RowMajor, c: RowMajor) => boolean {
  if (!libs.dnnlApi?.has("matmul")) return () => false;
  // Made on the first product that comes here, so programs without one build nothing.
  let prims: Primitives | undefined;

  function primitive(
    prims: Primitives,
    m: number,
    n: number,
    k: number,
    a: RowMajor,
    b: RowMajor,
    c: RowMajor,
  ) {
    const key = `${m}:${n}:${k}:${a.ld}:${b.ld}:${c.ld}`;
    const hit = prims.get(key);
    if (hit) return hit;
    const mds = [
      prims.memoryDesc([m, k], [a.ld, 1]),
      prims.memoryDesc([k, n], [b.ld, 1]),
      prims.memoryDesc([m, n], [c.ld, 1]),
    ];
    const spec = prims.api.matmul(mds[0], mds[1], mds[2]);
    return prims.create(key, spec, mds, [DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST]);
  }

  /** The factor's first entry, after checking that its rows × cols lie in its storage. */
  function rowMajorAt(f: RowMajor, rows: number, cols: number, what: string): Deno.PointerValue {
    if (!(f.x.storage.buffer instanceof Float32Array) || f.ld < cols) {
      throw new TypeError(`matmul: ${what} must be float32 with ld ≥ ${cols}, got ld ${f.ld}`);
    }
    const view = { ...f.x, rows, cols, rowStride: f.ld, colStride: 1 };
    return pointerAt(view, `matmul: ${what}`);
  }

  return (m, n, k, a, b, c) => {
    const side = Math.min(m, n);
    if (m * n * k < MATMUL_MIN_WORK || side > MATMUL_MAX_SIDE || side < MATMUL_MIN_SIDE) {
      return false;
    }
    const pointers = [
      rowMajorAt(a, m, k, "A"),
      rowMajorAt(b, k, n, "B"),
      rowMajorAt(c, m, n, "C"),
    ];
    prims ??= dnnlPrimitives(libs, CACHE_LIMIT);
    prims.run(primitive(prims, m, n, k, a, b, c), pointers);
    return true;
  };
}

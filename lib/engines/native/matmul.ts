/**
 * oneDNN's matmul primitive for large skinny products, the layers of small networks over a
 * batch. Its brgemm kernels stream the big operand faster than dnnl_sgemm does (IMDB's first
 * layer, 16 outputs of 10000 inputs over a batch of 512 read from memory: 0.84 against 1.39
 * ms; 10000×8×64 in cache: 68 against 82 µs), while on squares the two are even (512³ and
 * 1024³ within noise), and below about 128³, or with a single output column (one input
 * through 10000 → 5000 → 1000 → 10: 13.2 against 5.6 ms), matmul costs more. Every shape
 * needs a primitive built once, and α and β would be constants baked into it. So only C ← AB
 * with all three row-major (in oneDNN's terms), its narrow side from 8 to 64 and at least 2²²
 * multiply-adds, comes here; one primitive per shape and leading dimensions, cached.
 *
 * @module
 */

import {
  check,
  descBytes,
  DNNL_ARG_DST,
  DNNL_ARG_SRC,
  DNNL_ARG_WEIGHTS,
  dnnl_cpu,
  dnnl_f32,
  dnnl_stream_in_order,
} from "../../../ffi/dnnl.ts";
import type { Operand } from "../../core/engine.ts";
import type { NativeLibraries } from "./libraries.ts";

/** Products smaller than this many multiply-adds stay with dnnl_sgemm. */
export const MATMUL_MIN_WORK = 1 << 22;
/** Products whose outputs are wider than this both ways stay with dnnl_sgemm. */
export const MATMUL_MAX_SIDE = 64;
/** Products with an output narrower than this (matrix times vector) stay with dnnl_sgemm. */
export const MATMUL_MIN_SIDE = 8;
const CACHE_LIMIT = 64;

interface Primitive {
  readonly prim: Deno.PointerValue;
  readonly memories: Deno.PointerValue[];
  readonly args: Uint8Array;
}

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
  const d = libs.dnnl;
  if (d.dnnl_matmul_desc_init === null) return () => false;
  const out = new BigUint64Array(1);
  const outBytes = new Uint8Array(out.buffer);
  const pointerOut = (status: number, what: string): Deno.PointerValue => {
    check(status, what);
    return Deno.UnsafePointer.create(out[0]);
  };
  let engine: Deno.PointerValue = null, stream: Deno.PointerValue = null;
  const cache = new Map<string, Primitive>();

  function memoryDesc(rows: number, cols: number, ld: number): Uint8Array {
    const md = new Uint8Array(descBytes.memory);
    const dims = new BigInt64Array(12), strides = new BigInt64Array(12);
    dims[0] = BigInt(rows);
    dims[1] = BigInt(cols);
    strides[0] = BigInt(ld);
    strides[1] = 1n;
    check(
      d.dnnl_memory_desc_init_by_strides(
        md,
        2,
        new Uint8Array(dims.buffer),
        dnnl_f32,
        new Uint8Array(strides.buffer),
      ),
      "memory_desc_init_by_strides",
    );
    return md;
  }

  function primitive(m: number, n: number, k: number, a: RowMajor, b: RowMajor, c: RowMajor) {
    const key = `${m}:${n}:${k}:${a.ld}:${b.ld}:${c.ld}`;
    const hit = cache.get(key);
    if (hit) {
      // Most recently used last, so eviction takes the stalest.
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    if (engine === null) {
      engine = pointerOut(d.dnnl_engine_create(outBytes, dnnl_cpu, 0n), "engine_create");
      stream = pointerOut(d.dnnl_stream_create(outBytes, engine, dnnl_stream_in_order), "stream");
    }
    const mds = [memoryDesc(m, k, a.ld), memoryDesc(k, n, b.ld), memoryDesc(m, n, c.ld)];
    const desc = new Uint8Array(descBytes.matmul);
    check(d.dnnl_matmul_desc_init!(desc, mds[0], mds[1], null, mds[2]), "matmul_desc_init");
    const pd = pointerOut(
      d.dnnl_primitive_desc_create(outBytes, desc, null, engine, null),
      "primitive_desc_create",
    );
    const prim = pointerOut(d.dnnl_primitive_create(outBytes, pd), "primitive_create");
    check(d.dnnl_primitive_desc_destroy(pd), "primitive_desc_destroy");
    const memories = mds.map((md) =>
      pointerOut(d.dnnl_memory_create(outBytes, md, engine, null), "memory_create")
    );
    // dnnl_exec_arg_t is { int arg; dnnl_memory_t memory; }: 16 bytes with padding.
    const args = new Uint8Array(48);
    const view = new DataView(args.buffer);
    [DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST].forEach((id, i) => {
      view.setInt32(16 * i, id, true);
      view.setBigUint64(16 * i + 8, BigInt(Deno.UnsafePointer.value(memories[i])), true);
    });
    if (cache.size >= CACHE_LIMIT) {
      const [oldest, p] = cache.entries().next().value!;
      cache.delete(oldest);
      d.dnnl_primitive_destroy(p.prim);
      for (const mem of p.memories) d.dnnl_memory_destroy(mem);
    }
    const p = { prim, memories, args };
    cache.set(key, p);
    return p;
  }

  /** The operand's first entry, after checking the rows × cols it spans lie in its storage. */
  function pointerAt(f: RowMajor, rows: number, cols: number, what: string): Deno.PointerValue {
    const buffer = f.x.storage.buffer;
    if (!(buffer instanceof Float32Array) || f.ld < cols) {
      throw new TypeError(`matmul: ${what} must be float32 with ld ≥ ${cols}, got ld ${f.ld}`);
    }
    const end = f.x.offset + (rows - 1) * f.ld + cols;
    if (f.x.offset < 0 || end > buffer.length) {
      throw new RangeError(
        `matmul: ${what} (${rows}×${cols}, ld ${f.ld}, offset ${f.x.offset}) overruns its ` +
          `storage of ${buffer.length}`,
      );
    }
    return Deno.UnsafePointer.offset(Deno.UnsafePointer.of(buffer)!, f.x.offset * 4);
  }

  return (m, n, k, a, b, c) => {
    const side = Math.min(m, n);
    if (m * n * k < MATMUL_MIN_WORK || side > MATMUL_MAX_SIDE || side < MATMUL_MIN_SIDE) {
      return false;
    }
    const pointers = [
      pointerAt(a, m, k, "A"),
      pointerAt(b, k, n, "B"),
      pointerAt(c, m, n, "C"),
    ];
    const p = primitive(m, n, k, a, b, c);
    for (let i = 0; i < 3; i++) {
      check(d.dnnl_memory_set_data_handle(p.memories[i], pointers[i]), "memory_set_data_handle");
    }
    check(d.dnnl_primitive_execute(p.prim, stream, 3, p.args), "primitive_execute");
    check(d.dnnl_stream_wait(stream), "stream_wait");
    return true;
  };
}

/**
 * oneDNN primitives as the native engine uses them: built once per key with their memory
 * objects, kept in a least-recently-used cache, run by pointing the memories at the operands.
 * The eltwise/binary math and the matmul route share this.
 *
 * @module
 */

import {
  check,
  DNNL_ARG_DST,
  DNNL_ARG_SRC,
  type dnnl_bf16,
  dnnl_cpu,
  dnnl_f32,
  dnnl_stream_in_order,
  handleSlot,
} from "../../../ffi/dnnl.ts";
import type { NativeLibraries } from "./libraries.ts";
import { KnapError } from "../../core/errors.ts";
import type { DnnlApi, MemoryDesc, OpSpec } from "./dnnl_spec.ts";

/** The data types knap hands oneDNN: float32, or bfloat16. */
type DataType = typeof dnnl_f32 | typeof dnnl_bf16;

/** A built primitive, its memory objects in argument order, and its dnnl_exec_arg_t array. */
export interface Primitive {
  readonly prim: Deno.PointerValue;
  readonly memories: Deno.PointerValue[];
  readonly args: Uint8Array;
}

/** A oneDNN CPU engine and stream with a primitive cache. */
export interface Primitives {
  /** The engine, for descriptors that need one (a backward primitive's forward hint). */
  readonly engine: Deno.PointerValue;
  /** The version layer: descriptors of every primitive, the same on oneDNN 2.x and 3.x. */
  readonly api: DnnlApi;
  /** A memory descriptor of these dimensions and strides (float32 unless told). */
  memoryDesc(dims: readonly number[], strides: readonly number[], type?: DataType): MemoryDesc;
  /** The cached primitive for key, now the most recently used. */
  get(key: string): Primitive | undefined;
  /**
   * Builds, caches and returns the primitive of an op spec; mds in argument order, with
   * attributes (post-ops) where given.
   */
  create(
    key: string,
    spec: OpSpec,
    mds: readonly MemoryDesc[],
    argIds: readonly number[],
    hint?: Deno.PointerValue,
    attr?: Deno.PointerValue,
  ): Primitive;
  /** A reorder (a copy converting layout or type) from src to dst, built once per key. */
  reorder(key: string, src: MemoryDesc, dst: MemoryDesc): Primitive;
  /** Creates a primitive descriptor (the caller destroys it with `destroyPd`). */
  primitiveDesc(
    spec: OpSpec,
    hint?: Deno.PointerValue,
    attr?: Deno.PointerValue,
  ): Deno.PointerValue;
  /** Destroys a primitive descriptor `primitiveDesc` made. */
  destroyPd(pd: Deno.PointerValue): void;
  /** Runs p on memory at the first `count` pointers, in argument order, and waits for it. */
  run(p: Primitive, pointers: readonly Deno.PointerValue[], count?: number): void;
  /** A copy of the memory descriptor a primitive descriptor has for a role (a dnnl_query_t). */
  queryMd(pd: Deno.PointerValue, query: number): MemoryDesc;
  /** The bytes memory of this descriptor takes. */
  sizeOf(md: MemoryDesc): number;
}

/** An engine, a stream and a cache of at most `limit` primitives. */
export function dnnlPrimitives(libs: NativeLibraries, limit: number): Primitives {
  if (libs.dnnl === undefined || libs.dnnlApi === undefined) {
    throw new KnapError(`oneDNN is not loaded: ${libs.dnnlMissing}`, "missing-library");
  }
  const d = libs.dnnl, api = libs.dnnlApi;
  const { bytes: outBytes, take: pointerOut } = handleSlot();
  const engine = pointerOut(d.dnnl_engine_create(outBytes, dnnl_cpu, 0n), "engine_create");
  const stream = pointerOut(
    d.dnnl_stream_create(outBytes, engine, dnnl_stream_in_order),
    "stream_create",
  );
  const cache = new Map<string, Primitive>();

  const primitiveDesc = (
    spec: OpSpec,
    hint: Deno.PointerValue = null,
    attr: Deno.PointerValue = null,
  ) => spec(engine, hint, attr);

  /** Builds the primitive of pd (which it destroys), its memories, and caches it under key. */
  function adopt(
    key: string,
    pd: Deno.PointerValue,
    mds: readonly MemoryDesc[],
    argIds: readonly number[],
  ): Primitive {
    const prim = pointerOut(d.dnnl_primitive_create(outBytes, pd), "primitive_create");
    check(d.dnnl_primitive_desc_destroy(pd), "primitive_desc_destroy");
    const memories = mds.map((md) => api.memoryCreate(md, engine));
    // dnnl_exec_arg_t is { int arg; dnnl_memory_t memory; }: 16 bytes with padding.
    const args = new Uint8Array(16 * argIds.length);
    const view = new DataView(args.buffer);
    argIds.forEach((id, i) => {
      view.setInt32(16 * i, id, true);
      view.setBigUint64(16 * i + 8, BigInt(Deno.UnsafePointer.value(memories[i])), true);
    });
    if (cache.size >= limit) {
      const [oldest, p] = cache.entries().next().value!;
      cache.delete(oldest);
      d.dnnl_primitive_destroy(p.prim);
      for (const m of p.memories) d.dnnl_memory_destroy(m);
    }
    const p = { prim, memories, args };
    cache.set(key, p);
    return p;
  }

  return {
    engine,
    api,
    primitiveDesc,
    destroyPd: (pd) => check(d.dnnl_primitive_desc_destroy(pd), "primitive_desc_destroy"),
    memoryDesc: (dims, strides, type = dnnl_f32) => api.memoryDesc(dims, strides, type),
    get(key) {
      const hit = cache.get(key);
      if (hit !== undefined) {
        cache.delete(key);
        cache.set(key, hit);
      }
      return hit;
    },
    create(key, spec, mds, argIds, hint = null, attr = null) {
      return adopt(key, primitiveDesc(spec, hint, attr), mds, argIds);
    },
    reorder(key, src, dst) {
      const hit = this.get(key);
      if (hit) return hit;
      return adopt(key, api.reorder(src, dst, engine), [src, dst], [DNNL_ARG_SRC, DNNL_ARG_DST]);
    },
    queryMd: (pd, query) => api.queryMd(pd, query),
    sizeOf: (md) => api.sizeOf(md),
    run(p, pointers, count = pointers.length) {
      for (let i = 0; i < count; i++) {
        check(d.dnnl_memory_set_data_handle(p.memories[i], pointers[i]), "memory_set_data_handle");
      }
      check(d.dnnl_primitive_execute(p.prim, stream, count, p.args), "primitive_execute");
      check(d.dnnl_stream_wait(stream), "stream_wait");
    },
  };
}

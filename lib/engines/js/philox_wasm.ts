/**
 * Philox uniform fills in WebAssembly: JavaScript has no 64-bit integer product, so its rounds
 * build each mulhi from four 16-bit products (about 24 ns an entry); WebAssembly's i64.mul makes
 * it one (`tools/philox.wat`). The draw is the same f64 arithmetic as `philox.ts`, stored as f32
 * or f64, so the numbers are the same bit for bit (tests/engines/philox_wasm_test.ts). Where
 * WebAssembly is missing, the caller keeps its JavaScript loop.
 *
 * @module
 */

import type { RandomStream } from "../../core/engine.ts";
import { philoxWasm } from "./philox_wasm_bytes.ts";

interface Exports {
  readonly memory: WebAssembly.Memory;
  uniform(
    clo: number,
    chi: number,
    k0: number,
    k1: number,
    blocks: number,
    lo: number,
    scale: number,
    first: number,
    last: number,
    wide: number,
  ): void;
}

/** Blocks per call: 4 f64 entries each fill the module's 1 MiB. */
const CHUNK = 32768;
const TWO32 = 4294967296;

let instance: Exports | null | undefined;

function module(): Exports | null {
  if (instance !== undefined) return instance;
  try {
    const bytes = Uint8Array.from(atob(philoxWasm), (c) => c.charCodeAt(0));
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes))
      .exports as unknown as Exports;
  } catch {
    instance = null;
  }
  return instance;
}

/** The uniform draw's parameters, as `philox.ts` computes them. */
export interface UniformDraw {
  readonly lo: number;
  readonly scale: number;
  readonly first: number;
  readonly last: number;
  readonly stream: RandomStream;
}

/**
 * a[at … at + n) ← the uniform draws of entries 0 … n − 1 of the stream; false (nothing
 * written) where WebAssembly is unavailable.
 */
export function wasmUniform(
  a: Float32Array | Float64Array,
  at: number,
  n: number,
  d: UniformDraw,
): boolean {
  const m = module();
  if (m === null) return false;
  const wide = a instanceof Float64Array;
  const blocks = Math.ceil(n / 4);
  for (let b0 = 0; b0 < blocks; b0 += CHUNK) {
    const count = Math.min(CHUNK, blocks - b0), c = d.stream.offset + b0;
    m.uniform(
      c >>> 0,
      Math.floor(c / TWO32) >>> 0,
      d.stream.key0,
      d.stream.key1,
      count,
      d.lo,
      d.scale,
      d.first,
      d.last,
      wide ? 1 : 0,
    );
    const entries = Math.min(count * 4, n - b0 * 4);
    const made = wide
      ? new Float64Array(m.memory.buffer, 0, entries)
      : new Float32Array(m.memory.buffer, 0, entries);
    a.set(made, at + b0 * 4);
  }
  return true;
}

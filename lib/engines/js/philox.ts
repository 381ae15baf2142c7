/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a
 * counter-based generator. Any entry's numbers follow from its index alone, so GPU kernels
 * produce the same stream as this reference, in any order. The rounds are the kernels' own
 * (kernels/random.ts), rendered into JavaScript.
 *
 * @module
 */

import type { Operand, RandomStream } from "../../core/engine.ts";
import type { HostArray } from "../../core/types.ts";
import { atOrAbove, below } from "../../core/floats.ts";
import type { UintLang } from "../kernels/template.ts";
import { philoxRounds } from "../kernels/random.ts";
import { wasmUniform } from "./philox_wasm.ts";
import { noteRoute, profiling } from "../../core/profile.ts";

/** The high 32 bits of the 64-bit product of two uint32s, exactly, in doubles. */
function mulhi(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const m1 = a1 * b0 + ((a0 * b0) >>> 16);
  const m2 = a0 * b1 + (m1 & 0xffff);
  return (a1 * b1 + Math.floor(m1 / 65536) + Math.floor(m2 / 65536)) >>> 0;
}

/** JavaScript's side of the rounds: numbers kept as uint32 by `>>> 0` after each operation. */
const jsUint: UintLang = {
  uint: (n, v) => `const ${n} = ${v};`,
  for: (i, from, to, body) => `for (let ${i} = ${from}; ${i} < ${to}; ${i}++) { ${body} }`,
  ulit: (v) => `${v >>> 0}`,
  mulhi: (a, b) => `mulhi(${a}, ${b})`,
  umul: (a, b) => `(Math.imul(${a}, ${b}) >>> 0)`,
  uxor: (...xs) => `((${xs.join(" ^ ")}) >>> 0)`,
  uadd: (a, b) => `((${a} + ${b}) >>> 0)`,
};

/** The four uint32 outputs for counter (c0, c1, c2, c3) and key (k0, k1), into `out`. */
export const philox: (
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
) => Uint32Array = new Function(
  "mulhi",
  `return function philox(c0, c1, c2, c3, k0, k1, out) {
    ${philoxRounds(jsUint)}
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
    return out;
  };`,
)(mulhi);

const block = new Uint32Array(4);
const TWO32 = 4294967296;

/** A uint32 as a uniform number in the open interval (0, 1). */
const unit = (r: number): number => (r + 0.5) / TWO32;

/** Fills x entry by entry (column-major logical order) from its stream. */
function fillFrom(
  x: Operand,
  stream: RandomStream,
  draw: (b: Uint32Array, lane: number) => number,
): void {
  const a = x.storage.buffer as HostArray;
  if (x.rowStride === 1 && (x.colStride === x.rows || x.cols === 1)) {
    // Contiguous: four entries per block, written in order.
    const n = x.rows * x.cols, at = x.offset;
    for (let k = 0; k < n; k += 4) {
      const c = stream.offset + k / 4;
      philox(c >>> 0, Math.floor(c / TWO32) >>> 0, 0, 0, stream.key0, stream.key1, block);
      const m = Math.min(4, n - k);
      for (let lane = 0; lane < m; lane++) a[at + k + lane] = draw(block, lane);
    }
    return;
  }
  let k = 0;
  for (let j = 0; j < x.cols; j++) {
    for (let i = 0; i < x.rows; i++, k++) {
      const lane = k & 3;
      if (lane === 0) {
        const c = stream.offset + k / 4;
        philox(c >>> 0, Math.floor(c / TWO32) >>> 0, 0, 0, stream.key0, stream.key1, block);
      }
      a[x.offset + i * x.rowStride + j * x.colStride] = draw(block, lane);
    }
  }
}

/**
 * x ← uniform on [lo, hi) in x's own precision: a draw that float32 would round up to hi (seed
 * 207 gave exactly 1 at entry 39758) takes the largest float below it instead. Contiguous
 * memory of a few blocks or more takes the WebAssembly rounds (`philox_wasm.ts`), which give the
 * same numbers several times faster: a dropout mask each batch made a CNN epoch spend 15% here.
 */
export function uniform(x: Operand, lo: number, hi: number, stream: RandomStream): void {
  const float32 = x.storage.buffer instanceof Float32Array;
  const first = atOrAbove(lo, float32), last = below(hi, float32);
  const n = x.rows * x.cols;
  if (
    n >= 64 && x.rowStride === 1 && (x.colStride === x.rows || x.cols === 1) &&
    (float32 || x.storage.buffer instanceof Float64Array) &&
    wasmUniform(x.storage.buffer as Float32Array | Float64Array, x.offset, n, {
      lo,
      scale: hi - lo,
      first,
      last,
      stream,
    })
  ) {
    if (profiling.on) noteRoute("WebAssembly");
    return;
  }
  fillFrom(x, stream, (b, lane) => Math.max(first, Math.min(last, lo + (hi - lo) * unit(b[lane]))));
}

/** x ← normal(mu, sigma), by Box–Muller on lanes (0, 1) and (2, 3) of each block. */
export function normal(x: Operand, mu: number, sigma: number, stream: RandomStream): void {
  fillFrom(x, stream, (b, lane) => {
    const pair = lane & 2;
    const r = Math.sqrt(-2 * Math.log(unit(b[pair])));
    const theta = 2 * Math.PI * unit(b[pair + 1]);
    return mu + sigma * r * ((lane & 1) === 0 ? Math.cos(theta) : Math.sin(theta));
  });
}

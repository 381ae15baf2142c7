/**
 * The WebAssembly uniform fill gives the JavaScript rounds' numbers bit for bit: float32 and
 * float64, lengths that end mid-block, counters that carry into their high word, ranges whose
 * float32 draw would round up to hi, and fills longer than one chunk of the module's memory.
 */
import { philox } from "../../../lib/engines/js/philox.ts";
import { wasmUniform } from "../../../lib/engines/js/philox_wasm.ts";
import { atOrAbove, below } from "../../../lib/core/floats.ts";
import type { RandomStream } from "../../../lib/core/engine.ts";
import { assert } from "../../conformance/assert.ts";

const TWO32 = 4294967296;

/** The JavaScript draw, entry by entry, as lib/engines/js/philox.ts makes it. */
function reference(
  n: number,
  lo: number,
  hi: number,
  stream: RandomStream,
  float32: boolean,
): Float32Array | Float64Array {
  const out = float32 ? new Float32Array(n) : new Float64Array(n);
  const first = atOrAbove(lo, float32), last = below(hi, float32);
  const block = new Uint32Array(4);
  for (let k = 0; k < n; k++) {
    if ((k & 3) === 0) {
      const c = stream.offset + k / 4;
      philox(c >>> 0, Math.floor(c / TWO32) >>> 0, 0, 0, stream.key0, stream.key1, block);
    }
    out[k] = Math.max(first, Math.min(last, lo + (hi - lo) * ((block[k & 3] + 0.5) / TWO32)));
  }
  return out;
}

const cases: [number, number, number, RandomStream][] = [
  [1, 0, 1, { key0: 207, key1: 0, offset: 0 }],
  [67, -3, 3, { key0: 0xdeadbeef, key1: 0x12345678, offset: 5 }],
  [40000, 0, 1, { key0: 207, key1: 0, offset: 0 }],
  [1001, 0.25, 0.75, { key0: 1, key1: 2, offset: TWO32 - 3 }],
  [32768 * 4 + 13, -1, 1, { key0: 0xffffffff, key1: 0xffffffff, offset: 2 ** 40 + 7 }],
];

for (const float32 of [true, false]) {
  Deno.test(`wasm Philox uniform equals the js rounds bit for bit (${float32 ? "f32" : "f64"})`, () => {
    for (const [n, lo, hi, stream] of cases) {
      const want = reference(n, lo, hi, stream, float32);
      const got = float32 ? new Float32Array(n + 3) : new Float64Array(n + 3);
      got.fill(-7);
      const d = {
        lo,
        scale: hi - lo,
        first: atOrAbove(lo, float32),
        last: below(hi, float32),
        stream,
      };
      assert(wasmUniform(got, 2, n, d), "WebAssembly is available in Deno");
      assert(got[0] === -7 && got[1] === -7 && got[n + 2] === -7, `n ${n}: wrote outside`);
      for (let k = 0; k < n; k++) {
        assert(
          Object.is(got[k + 2], want[k]),
          `n ${n}, entry ${k}: ${got[k + 2]} against ${want[k]}`,
        );
      }
    }
  });
}

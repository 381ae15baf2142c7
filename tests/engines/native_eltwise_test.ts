/**
 * The native engine runs small elementwise calls as js loops on its own memory and larger ones
 * through oneDNN. The conformance suite's operands are small, so here it runs again with oneDNN
 * taking every length; and oneDNN's log shows which side of the threshold takes the route.
 */
import { nativeAvailability, nativeFloat } from "../../mod.ts";
import { eltwiseRoute } from "../../lib/engines/native/eltwise.ts";
import { relu32, sigmoid32, signum32, tanh32 } from "../../lib/engines/native/fast_loops.ts";
import { mathConformance } from "../conformance/math.ts";
import { assert, assertEquals } from "../conformance/assert.ts";
import { withDnnlLog } from "./dnnl_log.ts";
import { dnnl } from "../_factories.ts";

const native = nativeAvailability();
if (native.available) {
  eltwiseRoute.force = "dnnl";
  mathConformance(nativeFloat, " oneDNN at every length");
}

Deno.test({
  name: dnnl.available
    ? "[nativeFloat] elementwise calls take oneDNN from 2048 entries, js loops below"
    : `[nativeFloat] elementwise route test skipped: ${dnnl.reason}`,
  ignore: !dnnl.available,
  async fn() {
    const script = (n: number) => `
      import { nativeFloat, vctr } from "${new URL("../../mod.ts", import.meta.url)}";
      import { relu_ } from "${new URL("../../lib/vect_math/mod.ts", import.meta.url)}";
      const x = vctr(nativeFloat, Array.from({ length: ${n} }, (_, i) => i % 5 - 2));
      relu_(x);
      console.log(JSON.stringify(Array.from(x.toArray().slice(0, 5))));
    `;
    for (const [n, routed] of [[2048, true], [2047, false]] as const) {
      const { log, last } = await withDnnlLog(script(n));
      assert(
        /exec,cpu,eltwise,/.test(log) === routed,
        `${n} entries: ${routed ? "no" : "an"} eltwise in oneDNN's log:\n${log.slice(0, 1000)}`,
      );
      const got = JSON.parse(last);
      assert(JSON.stringify(got) === "[0,0,0,1,2]", `${n} entries: relu gave ${got}`);
    }
  },
});

Deno.test("the float32 tanh and sigmoid loops stay within 3 ulps of Math; NaN stays NaN", () => {
  // Every 4850th float32 of magnitude below 32, both signs: 450000 inputs.
  const bits = new Uint32Array(1), one = new Float32Array(bits.buffer), xs: number[] = [];
  for (let b = 0; b < 0x42000000; b += 97 * 50) {
    bits[0] = b;
    xs.push(one[0], -one[0]);
  }
  xs.push(NaN, Infinity, -Infinity, 0, -0, 100, -100);
  const x = Float32Array.from(xs), o = new Float32Array(x.length);
  const ulp = (v: number) => {
    const a = Math.abs(v);
    return a < 1.2e-38 ? 1.4e-45 : 2 ** (Math.floor(Math.log2(a)) - 23);
  };
  for (
    const [name, loop, reference] of [
      ["tanh", tanh32, Math.tanh],
      ["sigmoid", sigmoid32, (v: number) => 1 / (1 + Math.exp(-v))],
    ] as const
  ) {
    loop(o, 0, x, 0, x.length);
    for (let i = 0; i < x.length; i++) {
      const want = Math.fround(reference(x[i]));
      if (Number.isNaN(want)) assert(Number.isNaN(o[i]), `${name}(NaN)`);
      else {
        const err = Math.abs(o[i] - want) / ulp(want);
        assert(err <= 3, `${name}(${x[i]}): ${o[i]}, expected ${want} (${err} ulps)`);
      }
    }
  }
});

Deno.test("the branchless signum loop is Math.sign on every float32 class, at any offsets", () => {
  const specials = [NaN, -NaN, 0, -0, Infinity, -Infinity, 1.4e-45, -1.4e-45, 1.17e-38, -3.4e38];
  const random = Array.from({ length: 1000 }, (_, k) => Math.sin(k * 7.1) * 10 ** ((k % 60) - 30));
  const x = Float32Array.from([...specials, ...random]);
  const o = new Float32Array(x.length + 3).fill(7);
  signum32(o, 2, x, 0, x.length);
  assert(o[0] === 7 && o[1] === 7 && o[x.length + 2] === 7, "wrote outside its range");
  for (let i = 0; i < x.length; i++) {
    const want = Math.sign(x[i]);
    assert(
      Number.isNaN(want) ? Number.isNaN(o[i + 2]) : Object.is(o[i + 2], want),
      `sign(${x[i]}): ${o[i + 2]}`,
    );
  }
});

Deno.test("the relu loop is the table's relu on every float32 class", () => {
  const x = Float32Array.from([NaN, 0, -0, Infinity, -Infinity, 1.4e-45, -1.4e-45, 2.5, -3e38]);
  const o = new Float32Array(x.length);
  relu32(o, 0, x, 0, x.length);
  const want = ["NaN", "0", "0", "Infinity", "0", String(Math.fround(1.4e-45)), "0", "2.5", "0"];
  assertEquals(Array.from(o).map((v) => Object.is(v, -0) ? "-0" : String(v)), want);
});

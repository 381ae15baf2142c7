/**
 * The native engine runs small elementwise calls as js loops on its own memory and larger ones
 * through oneDNN. The conformance suite's operands are small, so here it runs again with oneDNN
 * taking every length; and oneDNN's log shows which side of the threshold takes the route.
 */
import { nativeAvailability, nativeFloat } from "../../mod.ts";
import { eltwiseRoute } from "../../lib/engines/native/eltwise.ts";
import { mathConformance } from "../conformance/math.ts";
import { assert } from "../conformance/assert.ts";
import { withDnnlLog } from "./dnnl_log.ts";

const native = nativeAvailability();
if (native.available) {
  eltwiseRoute.minEntries = 0;
  mathConformance(nativeFloat, " oneDNN at every length");
}

Deno.test({
  name: native.available
    ? "[nativeFloat] elementwise calls take oneDNN from 2048 entries, js loops below"
    : `[nativeFloat] elementwise route test skipped: ${native.reason}`,
  ignore: !native.available,
  async fn() {
    const script = (n: number) => `
      import { nativeFloat, relu_, vctr } from "${new URL("../../mod.ts", import.meta.url)}";
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

/**
 * The native engine sends large plain float products to oneDNN's matmul primitive: these check
 * its results against the js engine in every layout and inside views, that it writes nothing
 * outside C, and that the route is really taken.
 */
import {
  entry,
  ge,
  type GEMatrix,
  jsDouble,
  type Layout,
  mm_,
  nativeAvailability,
  nativeFloat,
  transfer,
} from "../../mod.ts";
import { submatrix } from "../../lib/core/views.ts";
import { randUniform_ } from "../../lib/random.ts";
import { assert } from "../conformance/assert.ts";
import { withDnnlLog } from "./dnnl_log.ts";
import { dnnl } from "../_factories.ts";

const native = nativeAvailability();
const layouts: Layout[] = ["column", "row"];

/** An m×n view at (2, 3) of a parent filled with a sentinel, and its parent. */
function framed(m: number, n: number, layout: Layout): [GEMatrix, GEMatrix] {
  const parent = ge(nativeFloat, m + 5, n + 7, undefined, { layout });
  randUniform_(parent, { seed: 99 });
  return [submatrix(parent, 2, 3, m, n), parent];
}

Deno.test({
  name: native.available
    ? "[nativeFloat] large skinny products (oneDNN matmul) match js in every layout, inside views"
    : `[nativeFloat] matmul tests skipped: ${native.reason}`,
  ignore: !native.available,
  async fn() {
    // 40·300·400 = 4.8M multiply-adds, 40 rows: a skinny product over the matmul threshold.
    const m = 40, n = 300, k = 400;
    for (const la of layouts) {
      for (const lb of layouts) {
        for (const lc of layouts) {
          const [a, pa] = framed(m, k, la), [b, pb] = framed(k, n, lb), [c, pc] = framed(m, n, lc);
          randUniform_(a, { seed: 1, lo: -1, hi: 1 });
          randUniform_(b, { seed: 2, lo: -1, hi: 1 });
          using before = await transfer(jsDouble, pc);
          mm_(a, b, c);
          using ad = await transfer(jsDouble, a), bd = await transfer(jsDouble, b);
          using want = mm_(1, ad, bd, 0, ge(jsDouble, m, n));
          using got = await transfer(jsDouble, c), after = await transfer(jsDouble, pc);
          const label = `A ${la}, B ${lb}, C ${lc}`;
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              const g = entry(got, i, j), w = entry(want, i, j);
              assert(
                Math.abs(g - w) < 1e-4 * (1 + Math.abs(w)),
                `${label}: (${i}, ${j}) ${g} vs ${w}`,
              );
            }
          }
          // Only C's own entries changed in its parent.
          for (let i = 0; i < pc.m; i++) {
            for (let j = 0; j < pc.n; j++) {
              const inside = i >= 2 && i < 2 + m && j >= 3 && j < 3 + n;
              if (!inside) {
                assert(entry(after, i, j) === entry(before, i, j), `${label}: wrote (${i}, ${j})`);
              }
            }
          }
          for (const x of [pa, pb, pc]) x[Symbol.dispose]();
        }
      }
    }
  },
});

Deno.test({
  name: dnnl.available
    ? "[nativeFloat] a batch through IMDB's first layer runs as oneDNN matmul and matches js"
    : `[nativeFloat] matmul route test skipped: ${dnnl.reason}`,
  ignore: !dnnl.available,
  async fn() {
    const script = `
      import { ge, mm_, nativeFloat } from "${new URL("../../mod.ts", import.meta.url)}";
      import { randUniform_ } from "${new URL("../../lib/random.ts", import.meta.url)}";
      const w = randUniform_(ge(nativeFloat, 16, 10000), { seed: 1 });
      const x = randUniform_(ge(nativeFloat, 10000, 512), { seed: 2 });
      console.log(JSON.stringify(Array.from(mm_(w, x, ge(nativeFloat, 16, 512)).toArray().slice(0, 64))));
    `;
    const { log, last } = await withDnnlLog(script);
    assert(/exec,cpu,matmul,/.test(log), `no matmul in oneDNN's log:\n${log.slice(0, 2000)}`);
    const got: number[] = JSON.parse(last);
    // The same uniform numbers (one Philox stream on every engine) in float64 on js.
    using w = randUniform_(ge(jsDouble, 16, 10000), { seed: 1 });
    using x = randUniform_(ge(jsDouble, 10000, 512), { seed: 2 });
    using want = mm_(1, w, x, 0, ge(jsDouble, 16, 512));
    got.forEach((g, i) => {
      const wv = want.toArray()[i];
      assert(Math.abs(g - wv) < 1e-3 * Math.abs(wv), `entry ${i}: ${g} vs ${wv}`);
    });
  },
});

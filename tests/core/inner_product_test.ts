/**
 * innerProduct_, a layer's forward pass in one call, on every engine and every route it takes
 * (native's fused oneDNN primitive and its composition, WebGPU's fused epilogue), against a
 * float64 reference written here: each activation, operands in either layout and transposed,
 * NaN in an input, and the refusals.
 */
import {
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  nativeAvailability,
  randUniform_,
  trans,
  transfer,
  transfer_,
  vctr,
} from "../../mod.ts";
import { innerProduct_, type LayerActivation } from "../../lib/ops/mod.ts";
import { innerProductRoute } from "../../lib/engines/native/inner_product.ts";
import { assert, assertThrows } from "../conformance/assert.ts";
import { assertAllClose, readColumns, steered } from "../conformance/fixtures.ts";
import { allFactories, dnnl } from "../_factories.ts";
import { withDnnlLog } from "../engines/dnnl_log.ts";

const activations: LayerActivation[] = ["linear", "sigmoid", "tanh", "relu", "elu", "softmax"];

const fns: Record<Exclude<LayerActivation, "softmax">, (v: number) => number> = {
  linear: (v) => v,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  tanh: Math.tanh,
  relu: (v) => (v > 0 ? v : v <= 0 ? 0 : NaN),
  elu: (v) => (v > 0 ? v : v <= 0 ? Math.expm1(v) : NaN),
};

/** Column-major f(W·x + b) in float64, from column-major entries. */
function reference(
  f: LayerActivation,
  m: number,
  k: number,
  n: number,
  w: number[],
  x: number[],
  b: number[],
): number[] {
  const out: number[] = [];
  for (let j = 0; j < n; j++) {
    const z = Array.from({ length: m }, (_, i) => {
      let s = b[i];
      for (let p = 0; p < k; p++) s += w[i + p * m] * x[p + j * k];
      return s;
    });
    if (f === "softmax") {
      const max = Math.max(...z);
      const sum = z.reduce((a, v) => a + Math.exp(v - max), 0);
      out.push(...z.map((v) => Math.exp(v - max) / sum));
    } else out.push(...z.map(fns[f]));
  }
  return out;
}

/** An m×n matrix of f in the given layout, holding column-major `values`. */
async function on(
  f: Factory,
  m: number,
  n: number,
  values: number[],
  layout: "column" | "row" = "column",
): Promise<GEMatrix> {
  const a = ge(f, m, n, undefined, { layout });
  using src = ge(jsDouble, m, n, values);
  await transfer_(src, a);
  return a;
}

const m = 12, k = 7, n = 9;
const wv = Array.from({ length: m * k }, (_, i) => 0.4 * Math.sin(1.3 * i + 0.2));
const xv = Array.from({ length: k * n }, (_, i) => 1.5 * Math.cos(0.7 * i));
const bv = Array.from({ length: m }, (_, i) => 0.1 * (i - 5));
/** x's transpose (n×k), column-major. */
const transposed = Array.from({ length: k * n }, (_, i) => xv[Math.floor(i / n) + (i % n) * k]);

/** The native routes to steer onto, where the native engine is present. */
const routes: [string, "dnnl" | "compose" | undefined][] = nativeAvailability().available
  ? [["", undefined], [" fused", "dnnl"], [" composed", "compose"]]
  : [["", undefined]];

for (const f of await allFactories()) {
  const tol = f.dtype === "float64" ? 1e-12 : 3e-6;
  const single = (v: number[]) => (f.dtype === "float32" ? v.map(Math.fround) : v);
  for (const [via, force] of f.engine.name === "native" ? routes : [["", undefined] as const]) {
    Deno.test(
      `innerProduct_: every activation and layout against float64 (${f.name}${via})`,
      steered(innerProductRoute, force, async () => {
        for (const layout of ["column", "row"] as const) {
          using w = await on(f, m, k, wv, layout);
          using xs = await on(f, k, n, xv, layout);
          // x as the transpose of an n×k matrix.
          using xt = await on(f, n, k, transposed, layout);
          using b = await transfer(f, vctr(jsDouble, bv));
          using out = ge(f, m, n, undefined, { layout });
          for (const act of activations) {
            const want = reference(act, m, k, n, single(wv), single(xv), single(bv));
            innerProduct_(w, xs, b, out, act);
            assertAllClose(await readColumns(out), want, tol, `${layout} ${act}`);
            innerProduct_(w, trans(xt), b, out, act);
            assertAllClose(await readColumns(out), want, tol, `${layout} ${act}, x transposed`);
          }
        }
      }),
    );

    Deno.test(
      `innerProduct_: long inputs into few outputs, the split product (${f.name}${via})`,
      steered(innerProductRoute, force, async () => {
        // 1500 inputs into 3×5 outputs: WebGPU splits k across workgroups and fuses the bias
        // and activation into the reduction instead.
        const [m, k, n] = [3, 1500, 5];
        const wl = Array.from({ length: m * k }, (_, i) => 0.05 * Math.sin(0.37 * i));
        const xl = Array.from({ length: k * n }, (_, i) => Math.cos(0.11 * i));
        const bl = [0.3, -0.2, 0.1];
        using w = await on(f, m, k, wl);
        using x = await on(f, k, n, xl);
        using b = await transfer(f, vctr(jsDouble, bl));
        using out = ge(f, m, n);
        for (const act of activations) {
          innerProduct_(w, x, b, out, act);
          const want = reference(act, m, k, n, single(wl), single(xl), single(bl));
          assertAllClose(await readColumns(out), want, 20 * tol, act);
        }
      }),
    );

    Deno.test(
      `innerProduct_: no inputs (k = 0) gives the activation of the bias (${f.name}${via})`,
      steered(innerProductRoute, force, async () => {
        using w = ge(f, m, 0), x = ge(f, 0, n), out = ge(f, m, n);
        using b = await transfer(f, vctr(jsDouble, bv));
        innerProduct_(w, x, b, out, "tanh");
        const want = reference("tanh", m, 0, n, [], [], single(bv));
        assertAllClose(await readColumns(out), want, tol, "k = 0");
      }),
    );

    Deno.test(
      `innerProduct_: a NaN input makes its sample's outputs NaN (${f.name}${via})`,
      steered(innerProductRoute, force, async () => {
        const poisoned = xv.map((v, i) => (i === 2 * k + 3 ? NaN : v));
        using w = await on(f, m, k, wv);
        using x = await on(f, k, n, poisoned);
        using b = await transfer(f, vctr(jsDouble, bv));
        using out = ge(f, m, n);
        for (const act of activations) {
          innerProduct_(w, x, b, out, act);
          const got = await readColumns(out);
          for (let j = 0; j < n; j++) {
            const column = got.slice(j * m, j * m + m);
            if (j === 2) assert(column.every(Number.isNaN), `${act}: column 2 is ${column}`);
            else assert(column.every(Number.isFinite), `${act}: column ${j} is ${column}`);
          }
        }
      }),
    );
  }

  Deno.test(`innerProduct_: shapes, overlap and activations are checked (${f.name})`, () => {
    using w = ge(f, 3, 2), x = ge(f, 2, 4), b = vctr(f, 3), out = ge(f, 3, 4);
    assertThrows(() => innerProduct_(w, x, b, ge(f, 3, 5)), RangeError, "out m×n");
    assertThrows(() => innerProduct_(w, ge(f, 3, 4), b, out), RangeError, "innerProduct_");
    assertThrows(() => innerProduct_(w, x, vctr(f, 2), out), RangeError, "b of dimension m");
    assertThrows(
      () => innerProduct_(w, x, b, out, "swish" as LayerActivation),
      TypeError,
      "unknown activation",
    );
    // out over x's memory is refused rather than read after it was written.
    using square = ge(f, 3, 3), w3 = ge(f, 3, 3);
    assertThrows(() => innerProduct_(w3, square, b, square), RangeError, "shares memory with x");
  });
}

Deno.test({
  name: dnnl.available
    ? "[nativeFloat] innerProduct_ runs a small 16→16 tanh layer as one fused oneDNN primitive"
    : `[nativeFloat] fused inner product test skipped: ${dnnl.reason}`,
  ignore: !dnnl.available,
  async fn() {
    const lib = new URL("../../mod.ts", import.meta.url).href;
    const ops = new URL("../../lib/ops/mod.ts", import.meta.url).href;
    const script = `
      import { ge, nativeFloat, randUniform_, vctr } from "${lib}";
      import { innerProduct_ } from "${ops}";
      const w = randUniform_(ge(nativeFloat, 16, 16), { seed: 1, lo: -1, hi: 1 });
      const x = randUniform_(ge(nativeFloat, 16, 512), { seed: 2 });
      const b = randUniform_(vctr(nativeFloat, 16), { seed: 3 });
      const out = innerProduct_(w, x, b, ge(nativeFloat, 16, 512), "tanh");
      console.log(JSON.stringify(Array.from(out.toArray().slice(0, 64))));
    `;
    const { log, last } = await withDnnlLog(script);
    assert(
      /exec,cpu,inner_product,.*eltwise_tanh/.test(log),
      `no fused inner product in oneDNN's log:\n${log.slice(0, 2000)}`,
    );
    using w = randUniform_(ge(jsDouble, 16, 16), { seed: 1, lo: -1, hi: 1 });
    using x = randUniform_(ge(jsDouble, 16, 512), { seed: 2 });
    using b = randUniform_(vctr(jsDouble, 16), { seed: 3 });
    using want = innerProduct_(w, x, b, ge(jsDouble, 16, 512), "tanh");
    const got: number[] = JSON.parse(last);
    got.forEach((g, i) => {
      const v = want.toArray()[i];
      assert(Math.abs(g - v) < 1e-5, `entry ${i}: ${g} vs ${v}`);
    });
  },
});

/**
 * adamUpdate_ on every engine — fused where the engine has it, composed where not — against the
 * formula in float64, with the weights and the state in different layouts, over three steps.
 */
import {
  entry_,
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  jsFloat,
  KnapError,
  nativeFloat,
  profile,
  randUniform_,
  submatrix,
  toArray,
  transfer,
  transfer_,
} from "../../mod.ts";
import { adamUpdate_ } from "../../lib/ops/mod.ts";
import { EngineFactory } from "../../lib/core/factory.ts";
import { jsEngine } from "../../lib/engines/js/engine.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import { allFactories, dnnl } from "../_factories.ts";

/** The js engine without its fused primitives: the composed update. */
const composed = new EngineFactory("composedFloat", "float32", "host", {
  ...jsEngine,
  dnn: undefined,
});

async function rows(a: GEMatrix): Promise<number[]> {
  using h = await transfer(jsDouble, a);
  using r = ge(jsDouble, a.m, a.n);
  transfer_(h, r);
  return Array.from(toArray(r));
}

const m = 3, n = 4;
const w0 = Array.from({ length: m * n }, (_, k) => Math.sin(k) * 0.5);
const grads = [0, 1, 2].map((t) =>
  Array.from({ length: m * n }, (_, k) => Math.cos(k * 1.3 + t) * (k === 5 ? 1e-9 : 0.2))
);

/** Three steps of the formula in float64, column-major. */
function reference(rate: number, b1: number, b2: number, eps: number): number[] {
  const w = [...w0], mm = new Array(m * n).fill(0), s = new Array(m * n).fill(0);
  for (const g of grads) {
    for (let k = 0; k < m * n; k++) {
      mm[k] = (1 - b1) * g[k] + b1 * mm[k];
      s[k] = (1 - b2) * g[k] * g[k] + b2 * s[k];
      w[k] = -rate * (mm[k] / (Math.sqrt(s[k]) + eps)) + w[k];
    }
  }
  return w;
}

for (const f of [...await allFactories(), composed as Factory]) {
  Deno.test(`adamUpdate_ follows Adam's formula for three steps (${f.name})`, async () => {
    const tol = f.dtype === "float64" ? 1e-12 : 5e-6;
    using w = transfer(f, ge(jsDouble, m, n, w0)); // column layout, as a layer's weights
    using g = ge(f, m, n, undefined, { layout: "row" }); // the state in row layout
    using mm = ge(f, m, n, undefined, { layout: "row" }),
      s = ge(f, m, n, undefined, { layout: "row" });
    for (const gt of grads) {
      await transfer_(ge(jsDouble, m, n, gt), g as GEMatrix);
      adamUpdate_(
        w as GEMatrix,
        g as GEMatrix,
        mm as GEMatrix,
        s as GEMatrix,
        0.01,
        0.9,
        0.999,
        1e-8,
      );
    }
    const got = await rows(w as GEMatrix), want = reference(0.01, 0.9, 0.999, 1e-8);
    got.forEach((v, k) => assert(Math.abs(v - want[k]) <= tol, `w[${k}]: ${v} against ${want[k]}`));
  });
}

Deno.test("adamUpdate_ refuses shared memory, other shapes and non-finite scalars", () => {
  using big = ge(jsDouble, 3, 8);
  const w = submatrix(big, 0, 0, 3, 4), g = submatrix(big, 0, 2, 3, 4);
  using m = ge(jsDouble, 3, 4), s = ge(jsDouble, 3, 4), other = ge(jsDouble, 4, 3);
  assertThrows(() => adamUpdate_(w, g, m, s, 0.1, 0.9, 0.999, 1e-8), RangeError, "w and g share");
  assertThrows(() => adamUpdate_(m, other, s, w, 0.1, 0.9, 0.999, 1e-8), RangeError);
  using g2 = ge(jsDouble, 3, 4);
  assertThrows(() => adamUpdate_(w, g2, m, s, NaN, 0.9, 0.999, 1e-8), RangeError, "rate");
  const gone = ge(jsDouble, 3, 4);
  gone[Symbol.dispose]();
  assertThrows(() => adamUpdate_(gone, g2, m, s, 0.1, 0.9, 0.999, 1e-8), KnapError, "released");
});

Deno.test({
  name: "the native Adam step fuses its passes in either layout of W, NaN and gaps as js has them",
  ignore: !dnnl.available,
  fn() {
    for (const layout of ["row", "column"] as const) {
      const results = [jsFloat, nativeFloat].map((f) => {
        using w = randUniform_(ge(f, 40, 70, undefined, { layout }), { seed: 1 });
        const row = { layout: "row" } as const;
        using g = randUniform_(ge(f, 40, 70, undefined, row), { seed: 2, lo: -1, hi: 1 });
        using mm = ge(f, 40, 70, undefined, row), s = ge(f, 40, 70, undefined, row);
        // A NaN gradient entry spoils its own weight and nothing else.
        entry_(g, 3, 5, NaN);
        const report = profile(() => {
          for (let t = 0; t < 3; t++) adamUpdate_(w, g, mm, s, 0.01, 0.9, 0.999, 1e-8);
        });
        return { w: Array.from(toArray(w)), routes: report.entries.map((e) => e.route) };
      });
      const [js, native] = results;
      assert(native.routes.includes("oneDNN binary post-ops"), native.routes.join(", "));
      js.w.forEach((v, k) => {
        const got = native.w[k];
        assert(
          Number.isNaN(v) ? Number.isNaN(got) : Math.abs(got - v) <= 1e-6,
          `${layout} w[${k}]: ${got} against ${v}`,
        );
      });
      assertEquals(js.w.filter(Number.isNaN).length, 1);
    }
    // A W with gaps (a block of a larger matrix) declines to the composition, as correctly.
    using big = randUniform_(ge(nativeFloat, 50, 70), { seed: 1 });
    const w = submatrix(big, 5, 0, 40, 70);
    using g = randUniform_(ge(nativeFloat, 40, 70), { seed: 2 });
    using mm = ge(nativeFloat, 40, 70), s = ge(nativeFloat, 40, 70);
    using wj = transfer(jsFloat, w), gj = transfer(jsFloat, g);
    using mj = ge(jsFloat, 40, 70), sj = ge(jsFloat, 40, 70);
    const routes = profile(() => adamUpdate_(w, g, mm, s, 0.01, 0.9, 0.999, 1e-8)).entries
      .map((e) => e.route);
    assert(!routes.includes("oneDNN binary post-ops"), routes.join(", "));
    adamUpdate_(wj, gj, mj, sj, 0.01, 0.9, 0.999, 1e-8);
    const a = toArray(w), b = toArray(wj);
    a.forEach((v, k) => assert(Math.abs(v - b[k]) <= 1e-6, `gapped w[${k}]: ${v} against ${b[k]}`));
  },
});

Deno.test({
  name: "the native Adam step keeps an overflowed s = ∞ as js does: W stays finite, no ∞ − ∞",
  ignore: !dnnl.available,
  fn() {
    const results = [jsFloat, nativeFloat].map((f) => {
      using w = ge(f, 30, 40), g = ge(f, 30, 40), mm = ge(f, 30, 40), s = ge(f, 30, 40);
      for (const [x, v] of [[w, 1], [g, 0.5], [mm, 0.1], [s, Infinity]] as const) {
        (x.storage.buffer as Float32Array).fill(v);
      }
      adamUpdate_(w, g, mm, s, 0.01, 0.9, 0.999, 1e-8);
      return [String(toArray(w)[7]), String(toArray(s)[7])];
    });
    assertEquals(results[1], results[0]);
    assertEquals(results[0], ["1", "Infinity"]);
  },
});

/**
 * One Adam step on chapter 22's first weights (512×784 floats): the js engine's one-pass loop,
 * the native engine's composition of seven BLAS and oneDNN calls, and its four fused passes
 * (`lib/engines/native/adam.ts`) — with W in its gradient's layout and, as dense layers keep it,
 * across layouts (∇W row-major, W column-major). `deno bench -A bench/adam.bench.ts`
 */
import {
  type Factory,
  ge,
  type GEOptions,
  jsFloat,
  nativeAvailability,
  nativeFloat,
  randUniform_,
} from "../mod.ts";
import { adamUpdate_ } from "../lib/ops/mod.ts";
import { EngineFactory } from "../lib/core/factory.ts";

const factories: [string, Factory<"host", "float32">][] = [["js loop", jsFloat]];
if (nativeAvailability().available) {
  const engine = nativeFloat.engine;
  // The same engine without its fused step: what the public function composes.
  const composed = new EngineFactory("nativeComposed", "float32", "host", {
    ...engine,
    nn: { ...engine.nn, adam: undefined },
  });
  factories.push(["native, composed", composed], ["native, fused", nativeFloat]);
}

for (const [layouts, wLayout] of [["W in ∇W's layout", "row"], ["W across", "column"]] as const) {
  const group = `Adam step 512×784, ${layouts}`;
  for (const [name, f] of factories) {
    const row: GEOptions = { layout: "row" };
    const w = randUniform_(ge(f, 512, 784, undefined, { layout: wLayout }), { seed: 1 });
    const g = randUniform_(ge(f, 512, 784, undefined, row), { seed: 2, lo: -1, hi: 1 });
    const m = ge(f, 512, 784, undefined, row), s = ge(f, 512, 784, undefined, row);
    Deno.bench(`${group}: ${name}`, { group, baseline: name === "native, composed" }, () => {
      adamUpdate_(w, g, m, s, 0.001, 0.9, 0.999, 1e-8);
    });
  }
}

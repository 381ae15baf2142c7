/**
 * Elementwise activations on 10⁶ floats: the native engine's oneDNN primitives against the js
 * engine's generated loops. `deno bench -A bench/elementwise.bench.ts`.
 */
import { jsFloat, nativeAvailability, nativeFloat, randUniform_, vctr } from "../mod.ts";
import { relu_, sigmoid_, tanh_ } from "../lib/vect_math/mod.ts";

const n = 1_000_000;
const factories = nativeAvailability().available ? [jsFloat, nativeFloat] : [jsFloat];
for (const [name, fn] of [["tanh_", tanh_], ["sigmoid_", sigmoid_], ["relu_", relu_]] as const) {
  for (const f of factories) {
    const x = randUniform_(vctr(f, n), { lo: -3, hi: 3, seed: 1 });
    const y = vctr(f, n);
    Deno.bench(
      `${name} 10⁶ floats, ${f.engine.name}`,
      { group: name, baseline: f === jsFloat },
      () => {
        fn(x, y);
      },
    );
  }
}

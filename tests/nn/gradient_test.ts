/**
 * Backpropagation against finite differences, in float64: one gradient step with η = 1 moves
 * every weight by exactly minus its gradient, which must match the central difference of the
 * cost. Every activation, in hidden and output layers, on every float64 engine present.
 */
import { assert } from "../conformance/assert.ts";
import {
  entry,
  entry_,
  type Factory,
  ge,
  jsDouble,
  nativeAvailability,
  nativeDouble,
  randUniform_,
  toArray,
} from "../../mod.ts";
import {
  type Activation,
  fullyConnected,
  inferenceNetwork,
  init_,
  quadraticCost_,
  trainingNetwork,
} from "../../lib/nn/mod.ts";

const factories: Factory<"host">[] = [
  jsDouble,
  ...(nativeAvailability().available ? [nativeDouble] : []),
];
const stacks: Activation[][] = [
  ["sigmoid", "tanh", "linear"],
  ["tanh", "relu", "sigmoid"],
  ["elu", "linear", "tanh"],
  ["relu", "elu", "linear"],
];

for (const f of factories) {
  for (const acts of stacks) {
    Deno.test(`[${f.name}] backprop of ${acts.join(" → ")} matches finite differences`, () => {
      using net = init_(
        inferenceNetwork(f, 3, [
          fullyConnected(5, acts[0]),
          fullyConnected(4, acts[1]),
          fullyConnected(2, acts[2]),
        ]),
        { seed: 11 },
      );
      for (const l of net.layers) randUniform_(l.bias, { lo: -0.5, hi: 0.5, seed: l.outDim });
      using x = randUniform_(ge(f, 3, 7), { lo: -1, hi: 1, seed: 1 });
      using y = randUniform_(ge(f, 2, 7), { lo: -1, hi: 1, seed: 2 });
      using t = trainingNetwork(net, x);
      const cost = (): number => {
        t.forward();
        t.outputError(quadraticCost_, y);
        return t.cost(quadraticCost_, y) as number;
      };
      const probe = (
        get: () => number,
        set: (v: number) => void,
      ) => {
        const h = 1e-6, v = get();
        set(v + h);
        const up = cost();
        set(v - h);
        const down = cost();
        set(v);
        return (up - down) / (2 * h);
      };
      // Numerical gradients first, at the current weights.
      const numeric = net.layers.map((l) => ({
        w: Array.from({ length: l.outDim * l.inDim }, (_, k) => {
          const i = k % l.outDim, j = Math.floor(k / l.outDim);
          return probe(() => entry(l.weights, i, j), (v) => entry_(l.weights, i, j, v));
        }),
        b: Array.from(
          { length: l.outDim },
          (_, i) => probe(() => entry(l.bias, i), (v) => entry_(l.bias, i, v)),
        ),
      }));
      const before = net.layers.map((l) => ({ w: toArray(l.weights), b: toArray(l.bias) }));
      t.forward();
      t.outputError(quadraticCost_, y);
      t.backward(1);
      net.layers.forEach((l, li) => {
        const w = toArray(l.weights), b = toArray(l.bias);
        const check = (analytic: number, num: number, what: string) => {
          const ok = Math.abs(analytic - num) <= 1e-6 * Math.max(1, Math.abs(num));
          assert(ok, `${what}: backprop ${analytic}, finite difference ${num}`);
        };
        numeric[li].w.forEach((g, k) => check(before[li].w[k] - w[k], g, `layer ${li} w[${k}]`));
        numeric[li].b.forEach((g, k) => check(before[li].b[k] - b[k], g, `layer ${li} b[${k}]`));
      });
    });
  }
}

/**
 * Chapter 13 — Initializing weights.
 *
 * Start every weight at zero and every neuron of a layer computes the same thing, receives the
 * same gradient and stays the same: the layer learns like one neuron. Small random values break
 * that symmetry; scaling them by the layer's width keeps the signals of deep networks from
 * vanishing or exploding (`init_` offers "small", "xavier" and "he").
 * Run: `deno run -A tutorials/13_initializing_weights.ts [--backend=js|native|webgpu]`.
 */
import { ge, mm_, randUniform_ } from "../mod.ts";
import { tanh_ } from "../lib/vect_math/mod.ts";
import {
  fullyConnected,
  inferenceNetwork,
  init_,
  quadraticCost_,
  sgd,
  trainingNetwork,
} from "../lib/nn/mod.ts";
import { backend, show } from "./_backend.ts";

const { name, double: f } = await backend();
console.log(`Chapter 13 on the ${name} engine\n`);

using layer = init_(inferenceNetwork(f, 4, [fullyConnected(16, "sigmoid")]), { seed: 13 });
console.log("a 16×4 layer's initial weights, small values around zero:");
await show(layer.layers[0].weights);

// A task that needs several hidden neurons: y = tanh(3x₀) − tanh(3x₁).
using x = randUniform_(ge(f, 2, 500), { lo: -1, hi: 1, seed: 1 });
using w = ge(f, 1, 2, [3, -3]);
using y = tanh_(mm_(w, x, ge(f, 1, 500)));
for (const start of ["zeros", "random"] as const) {
  using net = inferenceNetwork(f, 2, [fullyConnected(8, "tanh"), fullyConnected(1, "linear")]);
  if (start === "random") init_(net, { seed: 7 });
  using training = trainingNetwork(net, x);
  const cost = await sgd(training, y, quadraticCost_, 2000, 0.2);
  console.log(`from ${start.padEnd(6)}: cost after 2000 epochs ${cost.toFixed(5)}`);
}

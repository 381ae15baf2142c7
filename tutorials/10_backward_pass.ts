/**
 * Chapter 10 — The backward pass.
 *
 * From the output back: the output layer's error is (a − y) ⊙ f'(z); each layer below gets
 * Wᵀδ from the layer above (taken before that layer's weights change) times its own
 * activation's derivative; each layer then moves its weights by −(η/n) δ aᵀ and its biases by
 * −(η/n) Σδ. Every step is one BLAS or elementwise call, in place.
 * Run: `deno run -A tutorials/10_backward_pass.ts [--backend=js|native|webgpu]`.
 */
import { ge, mm_, randUniform_ } from "../mod.ts";
import {
  fullyConnected,
  inferenceNetwork,
  init_,
  quadraticCost_,
  trainingNetwork,
} from "../lib/nn/mod.ts";
import { backend } from "./_backend.ts";

const { name, double: f } = await backend();
console.log(`Chapter 10 on the ${name} engine\n`);

// A small task: map two inputs to their mean, on 100 random samples.
using x = randUniform_(ge(f, 2, 100), { seed: 1 });
using w = ge(f, 1, 2, [0.5, 0.5]);
using y = ge(f, 1, 100);
mm_(w, x, y); // the targets: y = ½x₀ + ½x₁

using net = init_(
  inferenceNetwork(f, 2, [fullyConnected(3, "tanh"), fullyConnected(1, "linear")]),
  {
    seed: 2,
  },
);
using training = trainingNetwork(net, x);
for (let step = 1; step <= 5; step++) {
  training.forward();
  training.outputError(quadraticCost_, y);
  const cost = await training.cost(quadraticCost_, y);
  training.backward(0.5); // backpropagate the output error and step, η = 0.5
  console.log(`step ${step}: cost before the step ${cost.toFixed(5)}`);
}

/**
 * Chapter 12 — The training API.
 *
 * `trainingNetwork(net, x)` binds a network to its training inputs and makes every buffer
 * training needs, once. `sgd(training, y, cost, epochs, eta)` runs that many epochs of
 * gradient descent and returns the final cost; `sgd(training, y, cost, [[epochs, eta], …])`
 * runs a schedule and returns the cost after each stretch.
 * Run: `deno run -A tutorials/12_training_api.ts [--backend=js|native|webgpu]`.
 */
import { ge, mm_, randUniform_ } from "../mod.ts";
import {
  fullyConnected,
  inferenceNetwork,
  init_,
  quadraticCost_,
  sgd,
  trainingNetwork,
} from "../lib/nn/mod.ts";
import { backend } from "./_backend.ts";

const { name, double: f } = await backend();
console.log(`Chapter 12 on the ${name} engine\n`);

// Learn y = x₀ − 2x₁ + 0.5x₂ from 1000 samples.
using x = randUniform_(ge(f, 3, 1000), { lo: -1, hi: 1, seed: 1 });
using coefficients = ge(f, 1, 3, [1, -2, 0.5]);
using y = mm_(coefficients, x, ge(f, 1, 1000));
using net = init_(
  inferenceNetwork(f, 3, [fullyConnected(8, "tanh"), fullyConnected(1, "linear")]),
  { seed: 5 },
);
using training = trainingNetwork(net, x);

const first = await sgd(training, y, quadraticCost_, 10, 0.1);
console.log(`after 10 epochs at η = 0.1: cost ${first.toFixed(5)}`);
const costs = await sgd(training, y, quadraticCost_, [[100, 0.1], [400, 0.05], [500, 0.02]]);
console.log(
  `a schedule of 100, 400 and 500 epochs: costs ${costs.map((c) => c.toFixed(5)).join(", ")}`,
);

/**
 * Chapter 16 — Momentum and Nesterov momentum.
 *
 * Plain gradient descent crawls along shallow valleys and zigzags across steep ones. Momentum
 * keeps a velocity — a running sum of past steps — so consistent directions speed up and
 * oscillations cancel; Nesterov's variant takes the gradient where the velocity is about to
 * carry the weights, and corrects sooner.
 * Run: `deno run -A tutorials/16_momentum.ts [--backend=js|native|webgpu]`.
 */
import {
  fullyConnected,
  inferenceNetwork,
  init_,
  momentum,
  type Optimizer,
  quadraticCost_,
  sgd,
  trainingNetwork,
} from "../lib/nn/mod.ts";
import { backend } from "./_backend.ts";
import { regression } from "./_regression.ts";

const { name, float: f } = await backend();
console.log(`Chapter 16 on the ${name} engine\n`);

const { x, y } = regression(f, 1000, 1);
/** Epochs until the cost falls below 0.02 (checked every 10), and the cost after 1000. */
async function race(optimizer: Optimizer | undefined, eta: number): Promise<[number, number]> {
  using net = init_(
    inferenceNetwork(f, 4, [
      fullyConnected(8, "sigmoid"),
      fullyConnected(8, "tanh"),
      fullyConnected(1, "linear"),
    ]),
    { seed: 7 },
  );
  using training = trainingNetwork(net, x, optimizer);
  let reached = NaN;
  const cost = await sgd(training, y, quadraticCost_, 1000, eta, {
    progress: 10,
    onProgress: (e, c) => {
      if (Number.isNaN(reached) && c < 0.02) reached = e;
    },
  });
  return [reached, cost];
}

for (
  const [label, opt] of [["plain descent", undefined], ["momentum (μ = 0.9)", momentum()], [
    "Nesterov (μ = 0.9)",
    momentum({ nesterov: true }),
  ]] as const
) {
  const [epochs, cost] = await race(opt, 0.05);
  console.log(
    `${label.padEnd(20)} cost below 0.02 after ${epochs} epochs; after 1000: ${cost.toFixed(4)}`,
  );
}
x[Symbol.dispose]();
y[Symbol.dispose]();

/**
 * Chapter 20 — Stochastic gradient descent with minibatches.
 *
 * A full pass over 10000 samples buys one step. Minibatches of 100 buy a hundred steps for the
 * same work, each from a noisy but unbiased estimate of the gradient; reshuffling every epoch
 * keeps the batches from repeating. `train` makes every buffer once, the batch included.
 * Run: `deno run -A tutorials/20_minibatch_sgd.ts [--backend=js|native|webgpu]`.
 */
import {
  fullyConnected,
  inferenceNetwork,
  init_,
  quadraticCost_,
  sgd,
  train,
  trainingNetwork,
} from "../lib/nn/mod.ts";
import { backend } from "./_backend.ts";
import { regression } from "./_regression.ts";

const { name, float: f } = await backend();
console.log(`Chapter 20 on the ${name} engine\n`);

const { x, y } = regression(f, 10000, 1);
const network = () =>
  init_(
    inferenceNetwork(f, 4, [
      fullyConnected(8, "sigmoid"),
      fullyConnected(8, "tanh"),
      fullyConnected(1, "linear"),
    ]),
    { seed: 7 },
  );
{
  using net = network();
  using training = trainingNetwork(net, x);
  const start = performance.now();
  const cost = await sgd(training, y, quadraticCost_, 20, 0.05);
  console.log(
    `full batch, 20 epochs (20 steps):          cost ${cost.toFixed(4)} in ${
      ((performance.now() - start) / 1000).toFixed(2)
    } s`,
  );
}
{
  using net = network();
  const start = performance.now();
  const cost = await train(net, x, y, quadraticCost_, 20, { batch: 100, eta: 0.05, seed: 1 });
  console.log(
    `minibatches of 100, 20 epochs (2000 steps): cost ${cost.toFixed(4)} in ${
      ((performance.now() - start) / 1000).toFixed(2)
    } s`,
  );
}
x[Symbol.dispose]();
y[Symbol.dispose]();

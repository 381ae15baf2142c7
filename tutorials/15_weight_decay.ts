/**
 * Chapter 15 — Weight decay.
 *
 * A network with more weights than its data can pin down fits the noise too: training cost
 * falls while test cost does not. Weight decay adds λ‖W‖²/2 to the cost, so every step also
 * shrinks each weight by ηλw — large weights must earn their size.
 * Run: `deno run -A tutorials/15_weight_decay.ts [--backend=js|native|webgpu]`.
 */
import { axpy_, ge, nrm2, randNormal_ } from "../mod.ts";
import {
  fullyConnected,
  gradientDescent,
  inferenceNetwork,
  init_,
  quadraticCost_,
  sgd,
  trainingNetwork,
} from "../lib/nn/mod.ts";
import { backend } from "./_backend.ts";
import { regression } from "./_regression.ts";

const { name, float: f } = await backend();
console.log(`Chapter 15 on the ${name} engine\n`);

// Few noisy samples, a wide network: room to learn the noise.
const train = regression(f, 60, 1), test = regression(f, 1000, 2);
{
  using noise = randNormal_(ge(f, 1, 60), { sigma: 0.2, seed: 4 });
  axpy_(noise, train.y);
}
for (const lambda of [0, 0.003, 0.03]) {
  using net = init_(
    inferenceNetwork(f, 4, [
      fullyConnected(64, "tanh"),
      fullyConnected(64, "tanh"),
      fullyConnected(1, "linear"),
    ]),
    { seed: 3 },
  );
  using training = trainingNetwork(net, train.x, gradientDescent({ weightDecay: lambda }));
  const trainCost = await sgd(training, train.y, quadraticCost_, 5000, 0.1);
  using check = trainingNetwork(net, test.x);
  check.forward();
  check.outputError(quadraticCost_, test.y);
  const testCost = await check.cost(quadraticCost_, test.y);
  const norm = await nrm2(net.layers[1].weights);
  console.log(
    `λ = ${lambda}: training cost ${trainCost.toFixed(5)}, test cost ${testCost.toFixed(5)}, ` +
      `‖W₂‖ = ${norm.toFixed(2)}`,
  );
}
for (const s of [train.x, train.y, test.x, test.y]) s[Symbol.dispose]();

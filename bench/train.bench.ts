/**
 * One training epoch of 4-16-64-8-1 (sigmoid, tanh, tanh, linear) on 10000 samples, full
 * batch, quadratic cost — on every engine present. `deno bench -A bench/train.bench.ts`.
 * For PyTorch beside it in one run: `deno run -A bench/train_compare.ts`.
 */
import {
  jsFloat,
  nativeAvailability,
  nativeFloat,
  openclAvailability,
  openclFloat,
  webgpuAvailability,
  webgpuFloat,
} from "../mod.ts";
import { quadraticCost_, sgd } from "../lib/nn/mod.ts";
import { benchNetwork, regressionData } from "./train_workload.ts";

const factories = [
  ...(nativeAvailability().available ? [nativeFloat] : []),
  jsFloat,
  ...((await webgpuAvailability()).available ? [await webgpuFloat()] : []),
  ...((await openclAvailability()).available ? [await openclFloat()] : []),
];
for (const f of factories) {
  const { x, y } = regressionData(f, 10000, 1);
  const { training } = benchNetwork(f, x);
  Deno.bench(`one epoch, 4-16-64-8-1 on 10000 samples, ${f.engine.name}`, {
    group: "epoch",
    baseline: f === nativeFloat,
    n: f.engine.name === "native" ? 500 : 20,
    warmup: 5,
  }, async () => {
    await sgd(training, y, quadraticCost_, 1, 0.05);
  });
}

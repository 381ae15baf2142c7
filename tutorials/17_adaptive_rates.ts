/**
 * Chapter 17 — Adaptive learning rates: RMSprop and Adam.
 *
 * One learning rate for all weights is a compromise: some gradients are large, others tiny.
 * RMSprop divides each weight's step by the root mean square of its recent gradients; Adam adds
 * momentum to that and corrects both averages for their start at zero. Both need a smaller η
 * than plain descent, and both get there in fewer epochs.
 * Run: `deno run -A tutorials/17_adaptive_rates.ts [--backend=js|native|webgpu]`.
 */
import { adam, type Optimizer, rmsprop } from "../lib/nn/mod.ts";
import { backend } from "./_backend.ts";
import { race, regression } from "./_regression.ts";

const { name, float: f } = await backend();
console.log(`Chapter 17 on the ${name} engine\n`);

const { x, y } = regression(f, 1000, 1);
for (
  const [label, opt, eta] of [
    ["plain descent, η = 0.05", undefined, 0.05],
    ["RMSprop, η = 0.002", rmsprop(), 0.002],
    ["Adam, η = 0.01", adam(), 0.01],
  ] as [string, Optimizer | undefined, number][]
) {
  const [reached, cost] = await race(x, y, opt, eta);
  console.log(
    `${label.padEnd(24)} cost below 0.02 after ${reached} epochs; after 1000: ${cost.toFixed(4)}`,
  );
}
x[Symbol.dispose]();
y[Symbol.dispose]();

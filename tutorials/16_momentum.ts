/**
 * Chapter 16 — Momentum and Nesterov momentum.
 *
 * Plain gradient descent crawls along shallow valleys and zigzags across steep ones. Momentum
 * keeps a velocity — a running sum of past steps — so consistent directions speed up and
 * oscillations cancel; Nesterov's variant takes the gradient where the velocity is about to
 * carry the weights, and corrects sooner.
 * Run: `deno run -A tutorials/16_momentum.ts [--backend=js|native|webgpu]`.
 */
import { momentum } from "../lib/nn/mod.ts";
import { backend } from "./_backend.ts";
import { race, regression } from "./_regression.ts";

const { name, float: f } = await backend();
console.log(`Chapter 16 on the ${name} engine\n`);

const { x, y } = regression(f, 1000, 1);
for (
  const [label, opt] of [["plain descent", undefined], ["momentum (μ = 0.9)", momentum()], [
    "Nesterov (μ = 0.9)",
    momentum({ nesterov: true }),
  ]] as const
) {
  const [epochs, cost] = await race(x, y, opt, 0.05);
  console.log(
    `${label.padEnd(20)} cost below 0.02 after ${epochs} epochs; after 1000: ${cost.toFixed(4)}`,
  );
}
x[Symbol.dispose]();
y[Symbol.dispose]();

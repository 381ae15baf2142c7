/**
 * Chapter 9 — The activation and its derivative.
 *
 * Backpropagation multiplies the error by each activation's derivative. knap declares every
 * elementwise function once, with its derivative, and runs both on every engine; for the
 * common activations the derivative also has a form in the activation's own output
 * (σ' = a(1 − a), tanh' = 1 − a²), so training needs to keep only a.
 * Run: `deno run -A tutorials/09_activation_derivative.ts [--backend=js|native|webgpu]`.
 */
import { entry_, vctr } from "../mod.ts";
import { derivative_, outputDerivative_, relu, sigmoid, tanh } from "../lib/vect_math/mod.ts";
import { backend, entries } from "./_backend.ts";

const { name, double: f } = await backend();
console.log(`Chapter 9 on the ${name} engine\n`);

const points = [-2, -0.5, 0, 0.5, 2];
using z = vctr(f, points);
const fmt = (xs: number[]) => xs.map((v) => v.toFixed(4).padStart(8)).join(" ");
console.log(`${"z".padEnd(9)}${fmt(points)}`);
for (const [label, fn] of [["sigmoid", sigmoid], ["tanh", tanh], ["relu", relu]] as const) {
  using a = fn(z);
  using fromZ = entry_(vctr(f, points.length), 1);
  using fromA = entry_(vctr(f, points.length), 1);
  derivative_(label, z, fromZ); // f'(z) · 1
  outputDerivative_(label, a, fromA); // the same, from a = f(z)
  console.log(`${label.padEnd(9)}${fmt(await entries(a))}`);
  console.log(`${(label + "'").padEnd(9)}${fmt(await entries(fromZ))}`);
  console.log(`${"  from a".padEnd(9)}${fmt(await entries(fromA))}`);
}

// A derivative checked the way one checks any gradient: against a central difference.
const h = 1e-5, z0 = 0.5;
const numeric = (Math.tanh(z0 + h) - Math.tanh(z0 - h)) / (2 * h);
console.log(`\ntanh'(0.5) by central difference: ${numeric.toFixed(4)}`);

/**
 * Chapter 1 — Representing layers and connections.
 *
 * A layer of a neural network is a matrix–vector product: each row of the weight matrix holds
 * the weights of the connections into one neuron, so multiplying the input vector by it gives
 * every neuron's weighted sum at once. Run: `deno run -A tutorials/01_representing_layers.ts`
 * (add `--backend=js` for the pure TypeScript engine).
 */
import { ge, mv, mv_, vctr } from "../mod.ts";
import { backend, show } from "./_backend.ts";

const { name, double: f } = await backend();
console.log(`Chapter 1 on the ${name} engine\n`);

// Two inputs, four hidden neurons: the weights of one neuron are one row of w1.
const x = vctr(f, [0.3, 0.9]);
const w1 = ge(f, 4, 2, [
  [0.3, 0.6],
  [0.1, 2.0],
  [0.9, 3.7],
  [0.0, 1.0],
], { layout: "row" });

// `mv` allocates a fresh vector for the result: convenient while exploring.
const h1 = mv(w1, x);
console.log("h1 = w1 x, allocated by mv:");
await show(h1);

// In a loop that runs millions of times, allocation is waste. `mv_` writes into a vector we
// made once, and `using` releases every structure when the block ends — no leaks, no GC.
{
  using w2 = ge(f, 1, 4, [0.75, 0.15, 0.22, 0.33]);
  using hidden = vctr(f, 4);
  using y = vctr(f, 1);
  mv_(w2, mv_(w1, x, hidden), y);
  console.log("\nthe output layer y = w2 (w1 x), computed in place by mv_:");
  await show(y);
}

for (const s of [x, w1, h1]) s[Symbol.dispose]();

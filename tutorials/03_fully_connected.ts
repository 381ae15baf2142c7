/**
 * Chapter 3 — Fully connected inference layers.
 *
 * A layer becomes one value that owns its weights, bias, output and activation: call it on an
 * input and it returns its output; release it and everything it owns goes with it. Layers
 * compose like functions. The chapter ends with the book's micro benchmark, a
 * 10000 → 5000 → 1000 → 10 network evaluated on one input.
 * Run: `deno run -A tutorials/03_fully_connected.ts [--backend=js] [--no-bench]`.
 */
import {
  axpy_,
  type Factory,
  ge,
  type GEMatrix,
  mv_,
  randUniform_,
  scal_,
  synchronize,
  transfer_,
  vctr,
  type Vector,
} from "../mod.ts";
import { linearFrac_, tanh_ } from "../lib/vect_math/mod.ts";
import { backend, show } from "./_backend.ts";
import { booleanFlag, declareFlags } from "./_flags.ts";

declareFlags({
  "no-bench": { type: "boolean", help: "skip the micro benchmark" },
});

/** An activation that also takes the bias: x ← activation(x − bias). */
type Activation = (bias: Vector, x: Vector) => Vector;

const tanhBias: Activation = (bias, x) => tanh_(axpy_(-1, bias, x));
const sigmoidBias: Activation = (bias, x) =>
  linearFrac_(0.5, tanh_(scal_(0.5, axpy_(-1, bias, x))), 0.5);

/** A fully connected layer: call it on an input, read its parts, release it with `using`. */
interface Layer extends Disposable {
  (x: Vector): Vector;
  readonly weights: GEMatrix;
  readonly bias: Vector;
  readonly output: Vector;
}

/** A layer from inDim inputs to outDim neurons; its memory is allocated once, here. */
function fullyConnected(f: Factory, activation: Activation, inDim: number, outDim: number): Layer {
  const weights = ge(f, outDim, inDim);
  const bias = vctr(f, outDim);
  const output = vctr(f, outDim);
  const layer = (x: Vector) => activation(bias, mv_(weights, x, output));
  return Object.assign(layer, {
    weights,
    bias,
    output,
    [Symbol.dispose]() {
      for (const s of [weights, bias, output]) s[Symbol.dispose]();
    },
  });
}

const { name, double: f, float } = await backend();
console.log(`Chapter 3 on the ${name} engine\n`);

using x = vctr(f, [0.3, 0.9]);
{
  using layer1 = fullyConnected(f, sigmoidBias, 2, 4);
  using w = ge(f, 4, 2, [0.3, 0.6, 0.1, 2.0, 0.9, 3.7, 0.0, 1.0], { layout: "row" });
  using b = vctr(f, [0.7, 0.2, 1.1, 2]);
  transfer_(w, layer1.weights);
  transfer_(b, layer1.bias);
  console.log("one sigmoid layer:");
  await show(layer1(x));
}

{
  using layer1 = fullyConnected(f, tanhBias, 2, 4);
  using layer2 = fullyConnected(f, sigmoidBias, 4, 1);
  using w1 = ge(f, 4, 2, [0.3, 0.6, 0.1, 2.0, 0.9, 3.7, 0.0, 1.0], { layout: "row" });
  using b1 = vctr(f, [0.7, 0.2, 1.1, 2]);
  using w2 = ge(f, 1, 4, [0.75, 0.15, 0.22, 0.33]);
  using b2 = vctr(f, [0.3]);
  transfer_(w1, layer1.weights);
  transfer_(b1, layer1.bias);
  transfer_(w2, layer2.weights);
  transfer_(b2, layer2.bias);
  console.log("\ntanh layer, then sigmoid layer:");
  await show(layer2(layer1(x)));
}

if (!booleanFlag("no-bench")) {
  // The book's micro benchmark: 10000 → 5000 → 1000 → 10, one input, float.
  using l1 = fullyConnected(float, tanhBias, 10000, 5000);
  using l2 = fullyConnected(float, sigmoidBias, 5000, 1000);
  using l3 = fullyConnected(float, sigmoidBias, 1000, 10);
  for (const l of [l1, l2, l3]) randUniform_(l.weights, { lo: -0.01, hi: 0.01, seed: 1 });
  using input = randUniform_(vctr(float, 10000), { seed: 2 });
  l3(l2(l1(input))); // warm up
  await synchronize(float);
  const runs = 10;
  const start = performance.now();
  for (let i = 0; i < runs; i++) l3(l2(l1(input)));
  await synchronize(float); // a GPU queues the work: the clock stops when it is done
  const ms = (performance.now() - start) / runs;
  console.log(`\nmicro benchmark 10000 → 5000 → 1000 → 10, one input: ${ms.toFixed(1)} ms`);
  console.log(`(on ${float.engine.name}; the book: 18 ms with MKL on an i7-4790k)`);
}

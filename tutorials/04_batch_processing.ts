/**
 * Chapter 4 — Increasing performance with batch processing.
 *
 * One input at a time, a layer is a matrix–vector product: memory bound, the weights stream
 * through the CPU once per input. Put many inputs side by side as the columns of a matrix and
 * the layer becomes a matrix–matrix product, which reuses every weight across the whole batch
 * and runs at the processor's full arithmetic speed. The bias, one number per neuron, must be
 * subtracted from every column: that is a rank-one update with a vector of ones.
 * Run: `deno run -A tutorials/04_batch_processing.ts [--backend=js] [--no-bench] [--batch=N]`.
 */
import {
  type Factory,
  ge,
  type GEMatrix,
  mm_,
  randUniform_,
  rk_,
  synchronize,
  transfer_,
  vctr,
  type Vector,
} from "../mod.ts";
import { sigmoid_, tanh_ } from "../lib/vect_math/mod.ts";
import { backend, show } from "./_backend.ts";
import { booleanFlag, declareFlags, numberFlag } from "./_flags.ts";

declareFlags({
  "no-bench": { type: "boolean", help: "skip the micro benchmark" },
  "batch": { type: "string", help: "inputs in the benchmark's batch (10000)" },
});

/** A layer over a batch: a ← activation(w x − bias·onesᵀ), all in place. */
interface BatchLayer extends Disposable {
  (x: GEMatrix, ones: Vector): GEMatrix;
  readonly weights: GEMatrix;
  readonly bias: Vector;
}

function fullyConnected(
  f: Factory,
  activation: (a: GEMatrix) => GEMatrix,
  inDim: number,
  outDim: number,
  batch: number,
): BatchLayer {
  const weights = ge(f, outDim, inDim);
  const bias = vctr(f, outDim);
  const a = ge(f, outDim, batch);
  const layer = (x: GEMatrix, ones: Vector) => activation(rk_(-1, bias, ones, mm_(weights, x, a)));
  return Object.assign(layer, {
    weights,
    bias,
    [Symbol.dispose]() {
      for (const s of [weights, bias, a]) s[Symbol.dispose]();
    },
  });
}

const { name, float: f } = await backend();
console.log(`Chapter 4 on the ${name} engine\n`);

{
  // The book's network on a batch of two identical inputs: each column gives 0.44.
  using x = ge(f, 2, 2, [0.3, 0.9, 0.3, 0.9]);
  using ones = vctr(f, [1, 1]);
  using layer1 = fullyConnected(f, tanh_, 2, 4, 2);
  using layer2 = fullyConnected(f, sigmoid_, 4, 1, 2);
  using w1 = ge(f, 4, 2, [0.3, 0.6, 0.1, 2.0, 0.9, 3.7, 0.0, 1.0], { layout: "row" });
  using w2 = ge(f, 1, 4, [0.75, 0.15, 0.22, 0.33]);
  using b1 = vctr(f, [0.7, 0.2, 1.1, 2]);
  using b2 = vctr(f, [0.3]);
  transfer_(w1, layer1.weights);
  transfer_(w2, layer2.weights);
  transfer_(b1, layer1.bias);
  transfer_(b2, layer2.bias);
  console.log("the network on a batch of two inputs:");
  await show(layer2(layer1(x, ones), ones));
}

if (!booleanFlag("no-bench")) {
  // The book's micro benchmark on a batch: 10000 inputs through 10000 → 5000 → 1000 → 10.
  const batch = numberFlag("batch", 10000);
  using x = randUniform_(ge(f, 10000, batch), { seed: 1 });
  using ones = vctr(f, Array(batch).fill(1));
  using l1 = fullyConnected(f, tanh_, 10000, 5000, batch);
  using l2 = fullyConnected(f, sigmoid_, 5000, 1000, batch);
  using l3 = fullyConnected(f, sigmoid_, 1000, 10, batch);
  for (const l of [l1, l2, l3]) randUniform_(l.weights, { lo: -0.01, hi: 0.01, seed: 2 });
  l3(l2(l1(x, ones), ones), ones); // warm up
  await synchronize(f);
  const start = performance.now();
  l3(l2(l1(x, ones), ones), ones);
  await synchronize(f); // a GPU queues the work: the clock stops when it is done
  const ms = performance.now() - start;
  console.log(`\nmicro benchmark, a batch of ${batch}: ${ms.toFixed(0)} ms on ${f.engine.name}`);
  console.log(
    `(${(ms / batch * 1000).toFixed(1)} µs per input; the book: 6 s with MKL on the CPU)`,
  );
}

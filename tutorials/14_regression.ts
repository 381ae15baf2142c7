/**
 * Chapter 14 — Regression: learning a known function.
 *
 * The network learns f(x) = sin x₀ + cos x₁ + tanh x₂ + x₃² from 10000 random inputs in
 * [0, 1)⁴. A sigmoid output can never exceed 1, but f reaches 2.5: regression needs a linear
 * output. With it the cost falls fast, then slowly; and a small network, trained long enough,
 * predicts inputs it never saw.
 * Run: `deno run -A tutorials/14_regression.ts [--backend=js|native|webgpu] [--long]
 * [--plot=regression.svg] [--samples=10000]`. `--long` adds the book's 40000-epoch run; fewer
 * samples make each epoch cheaper on a slow device (a software GPU).
 */
import { type Factory, type GEMatrix, jsDouble, transfer } from "../mod.ts";
import {
  type Activation,
  fullyConnected,
  infer,
  inferenceNetwork,
  init_,
  quadraticCost_,
  sgd,
  trainingCurveSvg,
  trainingNetwork,
} from "../lib/nn/mod.ts";
import { backend, numberFlag } from "./_backend.ts";
import { regression } from "./_regression.ts";
import { booleanFlag, declareFlags, stringFlag } from "./_flags.ts";

declareFlags({
  "samples": { type: "string", help: "training samples (10000)" },
  "long": { type: "boolean", help: "train longer, to a lower cost" },
  "plot": { type: "string", help: "where to write the plot (regression.svg)" },
});

function network(fac: Factory, widths: number[], activations: Activation[], seed: number) {
  const specs = widths.map((w, i) => fullyConnected(w, activations[i]));
  return init_(inferenceNetwork(fac, 4, specs), { seed });
}

async function predictions(net: ReturnType<typeof network>, x: GEMatrix): Promise<number[]> {
  using out = await transfer(jsDouble, infer(net, x));
  return [...out];
}

const { name, float: fac } = await backend();
console.log(`Chapter 14 on the ${name} engine\n`);
const count = numberFlag("samples", 10000);
const train = regression(fac, count, 1);
const test = regression(fac, 1000, 2);

{
  console.log("4-16-64-8-1, sigmoid output, 200 epochs at η = 0.05:");
  using net = network(fac, [16, 64, 8, 1], ["sigmoid", "tanh", "tanh", "sigmoid"], 3);
  using training = trainingNetwork(net, train.x);
  const cost = await sgd(training, train.y, quadraticCost_, 200, 0.05);
  const p = await predictions(net, test.x);
  console.log(
    `  cost ${cost.toFixed(3)}; predictions ${p.slice(0, 5).map((v) => v.toFixed(2)).join(" ")}`,
  );
  console.log(`  targets     ${test.ys.slice(0, 5).map((v) => v.toFixed(2)).join(" ")}`);
  console.log(
    `  the largest prediction is ${Math.max(...p).toFixed(2)}: a sigmoid saturates below 1`,
  );
}

{
  console.log("\nthe same with a linear output, a schedule of 10, 90 and 400 epochs:");
  using net = network(fac, [16, 64, 8, 1], ["sigmoid", "tanh", "tanh", "linear"], 3);
  using training = trainingNetwork(net, train.x);
  const costs = await sgd(training, train.y, quadraticCost_, [[10, 0.05], [90, 0.05], [400, 0.05]]);
  console.log(`  costs ${costs.map((c) => c.toFixed(4)).join(", ")}`);
  if (booleanFlag("long")) {
    const start = performance.now();
    const cost = await sgd(training, train.y, quadraticCost_, 40000, 0.05, { progress: 5000 });
    console.log(
      `  40000 epochs more: cost ${cost.toFixed(4)} in ${
        ((performance.now() - start) / 1000).toFixed(1)
      } s`,
    );
  }
}

{
  console.log("\na smaller network, 4-8-8-1 (sigmoid, tanh, linear), 4000 epochs at η = 0.05:");
  using net = network(fac, [8, 8, 1], ["sigmoid", "tanh", "linear"], 7);
  using training = trainingNetwork(net, train.x);
  const curve: [number, number][] = [];
  const start = performance.now();
  const cost = await sgd(training, train.y, quadraticCost_, 4000, 0.05, {
    progress: 100,
    onProgress: (epoch, c) => {
      curve.push([epoch, c]);
      if (epoch % 1000 === 0) {
        console.log(`  epoch ${String(epoch).padStart(4)}  cost ${c.toFixed(4)}`);
      }
    },
  });
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `  cost ${cost.toFixed(4)} in ${seconds.toFixed(1)} s (the book: 0.0047 in 2.9 s on its CPU)`,
  );
  const p = await predictions(net, test.x);
  const errors = p.map((v, i) => v - test.ys[i]);
  console.log(
    `  test errors of the first ten: ${errors.slice(0, 10).map((e) => e.toFixed(2)).join(" ")}`,
  );
  const sorted = errors.map(Math.abs).sort((a, b) => a - b);
  console.log(
    `  over ${errors.length} test samples: 90% within ±${sorted[899].toFixed(2)}, ` +
      `all within ±${sorted[999].toFixed(2)}`,
  );
  const plot = stringFlag("plot") ?? "regression.svg";
  await Deno.writeTextFile(
    plot,
    trainingCurveSvg(curve, { title: "4-8-8-1 regression: cost by epoch" }),
  );
  console.log(`  training curve written to ${plot}`);
}

for (const s of [train.x, train.y, test.x, test.y]) s[Symbol.dispose]();

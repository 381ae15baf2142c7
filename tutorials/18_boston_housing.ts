/**
 * Chapter 18 — Regression on real data: Boston housing prices.
 *
 * 506 houses, 13 features each (crime rate, rooms, age, taxes, …) and the median value MEDV in
 * thousands of dollars. The features live on wildly different scales (taxes in the hundreds,
 * NOX below 1), so they are standardized with the training set's means and deviations before
 * the network sees them. 404 houses train, 102 test; the figure is the mean absolute error.
 * Run: `deno run -A tutorials/18_boston_housing.ts [--backend=js|native|webgpu] [--data=DIR]`;
 * without a local copy the data set is downloaded once from its home and cached.
 */
import { ge, jsDouble, transfer, transfer_ } from "../mod.ts";
import { bostonHousing, normalize_, scaling } from "../lib/data/mod.ts";
import {
  adam,
  fullyConnected,
  infer,
  inferenceNetwork,
  init_,
  quadraticCost_,
  train,
} from "../lib/nn/mod.ts";
import { mulberry32, shuffle } from "../lib/core/seeded.ts";
import { backend } from "./_backend.ts";
import { dataOptions, orExit } from "./_data.ts";

const { name, float: f } = await backend();
console.log(`Chapter 18 on the ${name} engine\n`);
{
  const b = await orExit(
    "Boston housing",
    "18_boston_housing.ts",
    bostonHousing(await dataOptions()),
  );
  const order = shuffle(Array.from({ length: b.count }, (_, j) => j), mulberry32(1));
  const split = (ids: number[]) => {
    const x = new Float64Array(ids.length * 13), y = new Float64Array(ids.length);
    ids.forEach((id, j) => {
      x.set(b.x.subarray(id * 13, id * 13 + 13), j * 13);
      y[j] = b.y[id];
    });
    return { x, y, n: ids.length };
  };
  const trainSet = split(order.slice(0, 404)), test = split(order.slice(404));
  const s = scaling(trainSet.x, 13);
  normalize_(trainSet.x, s);
  normalize_(test.x, s);
  console.log(
    `${b.count} houses, ${b.features.length} features; training on ${trainSet.n}, testing on ${test.n}`,
  );

  const onFactory = (d: { x: Float64Array; y: Float64Array; n: number }) => {
    using hx = ge(jsDouble, 13, d.n, d.x), hy = ge(jsDouble, 1, d.n, d.y);
    const x = ge(f, 13, d.n), y = ge(f, 1, d.n);
    transfer_(hx, x);
    transfer_(hy, y);
    return { x, y };
  };
  const tr = onFactory(trainSet), te = onFactory(test);
  using net = init_(
    inferenceNetwork(f, 13, [
      fullyConnected(64, "relu"),
      fullyConnected(64, "relu"),
      fullyConnected(1, "linear"),
    ]),
    { method: "he", seed: 2 },
  );
  const start = performance.now();
  const cost = await train(net, tr.x, tr.y, quadraticCost_, 200, {
    batch: 16,
    eta: 0.001,
    optimizer: adam(),
    seed: 3,
  });
  const seconds = (performance.now() - start) / 1000;
  using predicted = await transfer(jsDouble, infer(net, te.x));
  const p = predicted.toArray();
  const mae = Array.from(p).reduce((a, v, j) => a + Math.abs(v - test.y[j]), 0) / test.n;
  console.log(
    `13-64-64-1, Adam, minibatches of 16, 200 epochs in ${seconds.toFixed(1)} s (last batch cost ${
      cost.toFixed(2)
    })`,
  );
  console.log(`test mean absolute error: ${mae.toFixed(2)} (thousand dollars; MEDV averages 22.5)`);
  console.log(`first five: predicted ${Array.from(p.slice(0, 5), (v) => v.toFixed(1)).join(" ")}`);
  console.log(
    `            actual    ${Array.from(test.y.slice(0, 5), (v) => v.toFixed(1)).join(" ")}`,
  );
  for (const m of [tr.x, tr.y, te.x, te.y]) m[Symbol.dispose]();
}

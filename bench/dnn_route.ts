/**
 * Where the native engine's oneDNN primitives pay: the fused inner product (oneDNN's primitive
 * with an eltwise post-op) against the composition (bias copy, sgemm, eltwise) for each layer of
 * the book's networks, and oneDNN's softmax and reduction against the js loops, timed both ways
 * in one run, float32. The routes in lib/engines/native/inner_product.ts, softmax.ts and
 * reduction.ts cite this.
 *
 * `deno run -A bench/dnn_route.ts`
 */
import {
  ge,
  nativeAvailability,
  nativeFloat,
  randUniform_,
  softmax_,
  tensor,
  vctr,
} from "../mod.ts";
import { innerProduct_, type LayerActivation, reduction } from "../lib/ops/mod.ts";
import { reductionRoute } from "../lib/engines/native/reduction.ts";
import { innerProductRoute } from "../lib/engines/native/inner_product.ts";
import { softmaxRoute } from "../lib/engines/native/softmax.ts";

/** [outputs m, inputs k, samples n, activation, where the layer comes from]. */
const layers: [number, number, number, LayerActivation, string][] = [
  [16, 4, 10000, "sigmoid", "chapter 14"],
  [64, 16, 10000, "tanh", "chapter 14"],
  [8, 64, 10000, "tanh", "chapter 14"],
  [1, 8, 10000, "linear", "chapter 14"],
  [16, 10000, 512, "tanh", "IMDB-like"],
  [16, 16, 512, "tanh", "IMDB-like"],
  [1, 16, 512, "sigmoid", "IMDB"],
  [10, 512, 128, "linear", "MNIST"],
  [32, 784, 128, "sigmoid", "MNIST, small"],
  [10, 32, 128, "elu", "MNIST, small"],
];

function time(run: () => void): number {
  for (let i = 0; i < 20; i++) run();
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const reps = 50, start = performance.now();
    for (let i = 0; i < reps; i++) run();
    best = Math.min(best, (performance.now() - start) / reps);
  }
  return best * 1000;
}

const native = nativeAvailability();
if (!native.available) {
  console.log(`skipped: ${native.reason}`);
  Deno.exit(0);
}
console.log("layer                      fused µs  composed µs  fused/composed");
for (const [m, k, n, f, from] of layers) {
  using w = randUniform_(ge(nativeFloat, m, k), { seed: 1, lo: -0.5, hi: 0.5 });
  using x = randUniform_(ge(nativeFloat, k, n), { seed: 2 });
  using b = randUniform_(vctr(nativeFloat, m), { seed: 3 });
  using out = ge(nativeFloat, m, n);
  const run = () => innerProduct_(w, x, b, out, f);
  innerProductRoute.force = "dnnl";
  const fused = time(run);
  innerProductRoute.force = "compose";
  const composed = time(run);
  innerProductRoute.force = undefined;
  const name = `${k}→${m} ${f} ×${n} (${from})`;
  console.log(
    `${name.padEnd(26)} ${fused.toFixed(0).padStart(8)} ${composed.toFixed(0).padStart(12)} ` +
      `${(fused / composed).toFixed(2).padStart(15)}`,
  );
}

console.log("\nsoftmax_                   oneDNN µs   js loop µs  oneDNN/js");
for (
  const [m, n] of [[10, 4], [10, 16], [10, 128], [10, 512], [10, 1000], [10, 10000], [100, 1000]]
) {
  using a = randUniform_(ge(nativeFloat, m, n), { seed: 4, lo: -5, hi: 5 });
  using out = ge(nativeFloat, m, n);
  const run = () => softmax_(a, out);
  softmaxRoute.force = "dnnl";
  const dnnl = time(run);
  softmaxRoute.force = "js";
  const js = time(run);
  softmaxRoute.force = undefined;
  console.log(
    `${`${m}×${n}`.padEnd(26)} ${dnnl.toFixed(1).padStart(9)} ${js.toFixed(1).padStart(12)} ` +
      `${(dnnl / js).toFixed(2).padStart(10)}`,
  );
}

console.log("\nreduction                  oneDNN µs   js loop µs  oneDNN/js");
const reductions: [number[], number[], "sum" | "max", string, ("nchw" | "nhwc")?][] = [
  [[128, 10, 1, 1], [1, 10, 1, 1], "sum", "a bias gradient, MNIST"],
  [[16, 16, 8, 8], [1, 16, 1, 1], "sum", "per channel"],
  [[64, 16, 8, 8], [1, 16, 1, 1], "sum", "per channel"],
  [[128, 64, 8, 8], [1, 64, 1, 1], "sum", "per channel"],
  [[128, 64, 32, 32], [1, 64, 1, 1], "sum", "per channel, large"],
  [[128, 64, 8, 8], [128, 1, 1, 1], "max", "per sample"],
  [[128, 64, 8, 8], [128, 1, 1, 1], "sum", "per sample"],
  [[128, 64, 8, 8], [128, 64, 1, 1], "sum", "per image"],
  [[16, 16, 8, 8], [16, 16, 1, 1], "sum", "per image"],
  [[2, 16, 8, 8], [2, 1, 1, 1], "sum", "per sample"],
  [[128, 64, 32, 32], [1, 64, 1, 1], "sum", "per channel, nhwc", "nhwc"],
];
for (const [xs, os, alg, what, layout = "nchw"] of reductions) {
  using x = tensor(nativeFloat, xs, layout);
  (x.storage.buffer as Float32Array).forEach((_, k, a) => a[k] = Math.sin(k));
  using out = tensor(nativeFloat, os, "nchw");
  reductionRoute.force = "dnnl";
  const planned = reduction(alg, x, out);
  const dnnl = time(() => planned.run());
  reductionRoute.force = "js";
  const loops = reduction(alg, x, out);
  const js = time(() => loops.run());
  reductionRoute.force = undefined;
  console.log(
    `${`${alg} [${xs.join(" ")}] (${what})`.padEnd(26)} ${dnnl.toFixed(1).padStart(9)} ` +
      `${js.toFixed(1).padStart(12)} ${(dnnl / js).toFixed(2).padStart(10)}`,
  );
}

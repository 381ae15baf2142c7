/**
 * Chapter 25 — Tensor operations on the CPU with DNNL (oneDNN).
 *
 * oneDNN plans a primitive once for its tensors' descriptors and runs it many times. knap's
 * native engine plans its layout changes that way: the transformer between nchw and nhwc of a
 * batch of 128 images of 64 channels of 32×32 is one oneDNN reorder, against the matrix copies
 * the js engine makes. Softmax turns each sample's scores into probabilities in one pass.
 * Run: `deno run -A tutorials/25_dnnl_tensors.ts [--backend=native|js|webgpu]`
 */
import {
  ge,
  jsDouble,
  softmax_,
  synchronize,
  tensor,
  toArray,
  transfer,
  transformer,
} from "../mod.ts";
import { backend } from "./_backend.ts";

const { name, float: f } = await backend();
console.log(`Chapter 25 on the ${name} engine\n`);

const shape = [128, 64, 32, 32];
using x = tensor(f, shape, "nchw");
using y = tensor(f, shape, "nhwc");
const plan = transformer(x, y);
console.log(
  `nchw → nhwc of [${shape.join(" ")}]: ${
    plan.primitive ? "one oneDNN reorder" : `${plan.pieces} matrix copies`
  }`,
);
await plan.run();
await synchronize(f);
const start = performance.now();
const runs = 10;
for (let i = 0; i < runs; i++) await plan.run();
await synchronize(f);
const ms = (performance.now() - start) / runs;
const gb = (2 * 4 * shape.reduce((a, b) => a * b)) / 1e9;
console.log(`${ms.toFixed(1)} ms a run, ${(gb / (ms / 1000)).toFixed(1)} GB/s read and written`);

// Three samples' scores over four classes, one column each.
using scores = transfer(f, ge(jsDouble, 4, 3, [1, 2, 3, 4, 10, 0, 0, 0, 0.5, 0.5, 0.5, 0.5]));
softmax_(scores);
using p = await transfer(jsDouble, scores);
const probs = Array.from(toArray(p), (v) => v.toFixed(3));
console.log(`\nsoftmax of each sample's scores:`);
for (let j = 0; j < 3; j++) {
  console.log(`  sample ${j}: ${probs.slice(4 * j, 4 * j + 4).join(" ")}`);
}

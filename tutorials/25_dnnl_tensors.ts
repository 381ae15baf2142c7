/**
 * Chapter 25 — Tensor operations on the CPU with DNNL (oneDNN).
 *
 * oneDNN plans a primitive once for its tensors' descriptors and runs it many times. knap's
 * native engine plans its layout changes that way: the transformer between nchw and nhwc of a
 * batch of 128 images of 64 channels of 32×32 is one oneDNN reorder, against the matrix copies
 * the js engine makes. On those images: an activation and its backward pass, a bias per channel
 * (a binary operation that broadcasts), and reductions — each planned once, run many times.
 * Softmax turns each sample's scores into probabilities in one pass.
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
import { binary, eltwise, eltwiseBackward, reduction } from "../lib/ops/mod.ts";
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

// The same images through planned elementwise work and reductions, on any layouts.
const count = shape.reduce((a, b) => a * b);
using data = tensor(
  jsDouble,
  shape,
  "nchw",
  Array.from({ length: count }, (_, k) => Math.sin(k) * 2),
);
await transformer(data, x).run();
using bias = tensor(f, [1, 64, 1, 1], "nchw");
using b64 = tensor(jsDouble, [1, 64, 1, 1], "nchw", Array.from({ length: 64 }, (_, c) => c / 64));
await transformer(b64, bias).run();
using biased = tensor(f, shape, "nchw");
using relu = tensor(f, shape, "nhwc");
using grad = tensor(f, shape, "nhwc");
using perSample = tensor(f, [128, 1, 1, 1], "nchw");
using perChannel = tensor(f, [1, 64, 1, 1], "nchw");
const plans = [
  binary("add", x, bias, biased), // each channel's bias, into every image
  eltwise(biased, relu, "relu"), // nchw in, nhwc out
  eltwiseBackward(biased, relu, grad, "relu"),
  reduction("max", biased, perSample),
  reduction("mean", relu, perChannel),
];
for (const p of plans) p.run();
await synchronize(f);
console.log("\nplanned op                       ms a run  how");
for (const p of plans) {
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) p.run();
  await synchronize(f);
  const how = p.primitive ? "the engine's primitive" : `${p.pieces} map calls`;
  console.log(
    `${p.name.padEnd(32)} ${((performance.now() - t0) / 5).toFixed(1).padStart(8)}  ${how}`,
  );
}
using means = tensor(jsDouble, [1, 64, 1, 1], "nchw");
await transformer(perChannel, means).run();
const m = means.toArray();
console.log(
  `mean activation of channels 0, 32, 63: ${
    [m[0], m[32], m[63]].map((v) => v.toFixed(3)).join(" ")
  }`,
);

// Three samples' scores over four classes, one column each.
using scores = transfer(f, ge(jsDouble, 4, 3, [1, 2, 3, 4, 10, 0, 0, 0, 0.5, 0.5, 0.5, 0.5]));
softmax_(scores);
using p = await transfer(jsDouble, scores);
const probs = Array.from(toArray(p), (v) => v.toFixed(3));
console.log(`\nsoftmax of each sample's scores:`);
for (let j = 0; j < 3; j++) {
  console.log(`  sample ${j}: ${probs.slice(4 * j, 4 * j + 4).join(" ")}`);
}

/**
 * Chapter 29 — Convolutional layers on the CPU with DNNL.
 *
 * A network's convolutional layers are descriptions until a network gives them their input:
 * `convo(filters, kernel, activation)` becomes weights [filters, channels, kh, kw] and a bias,
 * `pooling` a window, `dense` the matrix layers of earlier chapters. Each layer plans its
 * operations once per batch size — oneDNN primitives on the native engine — over buffers it
 * makes, and every call after that only runs them. Here: the shapes through a small network, one
 * forward pass by hand from the layers' own operations, the backward pass's gradients, and
 * the same network timed on the native engine and the js reference.
 * Run: `deno run -A tutorials/29_convolutional_layers.ts [--backend=native|js|webgpu] [--batch=64]`
 */
import { jsFloat, type Tensor, tensor, transformer } from "../mod.ts";
import {
  convo,
  dense,
  flatten,
  infer,
  init_,
  network,
  pooling,
  type TensorNetwork,
  train,
} from "../lib/dnn/mod.ts";
import { adam, categoricalCrossentropyCost_ } from "../lib/nn/mod.ts";
import { backend, numberFlag } from "./_backend.ts";
import { showTensor } from "./_tensors.ts";
import { declareFlags } from "./_flags.ts";

declareFlags({
  "batch": { type: "string", help: "images in a batch (64)" },
});

const { name, float: f } = await backend();
const batch = numberFlag("batch", 64);
console.log(`Chapter 29 on the ${name} engine\n`);

const layers = () => [
  convo(4, [3, 3], "relu", { padding: 1 }),
  pooling([2, 2], "max"),
  convo(8, [3, 3], "relu"),
  flatten(),
  dense(3, "softmax"),
];
using net = init_(network(f, [batch, 1, 8, 8], layers()), { seed: 7, method: "he" });
console.log(`${net}`);
for (const l of net.features.layers) {
  const weights = l.parameters.map((p) => `${p.name} [${p.tensor.shape.join(" ")}]`).join(", ");
  console.log(
    `  [${l.input.join(" ")}] → [${l.output.join(" ")}]  ${l.spec.kind}${
      weights ? `: ${weights}` : ""
    }`,
  );
}
console.log(`  [${net.features.output.join(" ")}] → [${net.layers.outDim}]  dense\n`);

// Images of a diagonal stroke (class 0), a vertical one (1) or a horizontal one (2).
const pixels: number[] = [], labels: number[] = [];
for (let s = 0; s < batch; s++) {
  const k = s % 3, at = 1 + (s % 6);
  for (let r = 0; r < 8; r++) {
    for (let c = 0; c < 8; c++) {
      const on = k === 0 ? r === c : k === 1 ? c === at : r === at;
      pixels.push(on ? 1 : 0.05 * ((r * 7 + c * 3 + s) % 5));
    }
  }
  labels.push(...[0, 1, 2].map((j) => (j === k ? 1 : 0)));
}
using hostX = tensor(jsFloat, [batch, 1, 8, 8], "nchw", pixels);
using x = tensor(f, [batch, 1, 8, 8], "nchw");
await transformer(hostX, x).run();
using hostY = tensor(jsFloat, [batch, 3], "nc", labels);
using y = tensor(f, [batch, 3], "nc");
await transformer(hostY, y).run();

// The inference plan for this batch size: one set of buffers and planned operations.
const plan = net.features.inference(batch);
await transformer(x, plan.input).run();
plan.forward();
console.log("the first image after the first convolution and its ReLU, channel 0:");
await showChannel(plan.passes[0].y, 0);

console.log(`\nbefore training: ${await accuracy(net, x)} of ${batch} right`);
const start = performance.now();
const cost = await train(net, x, y, categoricalCrossentropyCost_, 30, {
  batch: 16,
  eta: 0.01,
  optimizer: adam(),
  seed: 3,
  quiet: true,
});
console.log(
  `30 epochs: cost ${cost.toFixed(4)}, ${((performance.now() - start) / 1000).toFixed(2)} s`,
);
console.log(`after training: ${await accuracy(net, x)} of ${batch} right\n`);

// The same network, weights and batches on the js reference engine: the same learning.
if (f !== jsFloat) {
  using ref = init_(network(jsFloat, [batch, 1, 8, 8], layers()), { seed: 7, method: "he" });
  const refStart = performance.now();
  const refCost = train(ref, hostX, hostY, categoricalCrossentropyCost_, 30, {
    batch: 16,
    eta: 0.01,
    optimizer: adam(),
    seed: 3,
    quiet: true,
  });
  console.log(
    `js reference: cost ${refCost.toFixed(4)}, ${
      ((performance.now() - refStart) / 1000).toFixed(2)
    } s (|difference| ${Math.abs(refCost - cost) < 1e-3 ? "< 0.001" : Math.abs(refCost - cost)})`,
  );
}

async function showChannel(t: Tensor, c: number) {
  using host = tensor(jsFloat, t.shape, "nchw");
  await transformer(t, host).run();
  const [, , h, w] = t.shape;
  using one = tensor(jsFloat, [h, w], "nc", host.toArray().slice(c * h * w, (c + 1) * h * w));
  await showTensor(one);
}

async function accuracy(n: TensorNetwork, images: Tensor) {
  using host = tensor(jsFloat, [batch, 3], "nc");
  await transformer(infer(n, images), host).run();
  const p = host.toArray();
  let right = 0;
  for (let s = 0; s < batch; s++) {
    const row = Array.from(p.slice(3 * s, 3 * s + 3));
    if (row.indexOf(Math.max(...row)) === s % 3) right++;
  }
  return right;
}

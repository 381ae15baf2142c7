/**
 * Chapter 26 — Tensor-based neural networks.
 *
 * The network of chapter 22, in tensors: its input is described as [n, 1, 28, 28] — a batch of
 * one-channel images — and it gives [n, 10]. `@knap/knap/dnn` views each tensor as a features ×
 * batch matrix with no copy, so it trains with the same layers, cost and Adam as the matrix
 * networks, on any engine.
 * Run: `deno run -A tutorials/26_tensor_network.ts [--backend=native|js|webgpu] [--data=DIR]
 * [--epochs=10] [--hidden=512] [--test-set-only]` (the data as in chapter 22).
 */
import { defaultFloat, desc } from "../mod.ts";
import { imageTensor, oneHotTensor } from "../lib/data/mod.ts";
import { dense, infer, init_, network, train } from "../lib/dnn/mod.ts";
import {
  adam,
  categoricalCrossentropyCost_,
  classificationMetrics,
  confusionMatrix,
  metricsTable,
  predictedClasses,
} from "../lib/nn/mod.ts";
import { viewGe } from "../mod.ts";
import { backend, numberFlag } from "./_backend.ts";
import { mnistSplits } from "./_data.ts";
import { declareFlags } from "./_flags.ts";

declareFlags({
  "epochs": { type: "string", help: "epochs to train (10)" },
  "hidden": { type: "string", help: "hidden units (512)" },
  "test-set-only": {
    type: "boolean",
    help: "use MNIST's test images alone (no download of the training set)",
  },
});

const epochs = numberFlag("epochs", 10), hidden = numberFlag("hidden", 512);

const { name, float: f } = await backend();
console.log(`Chapter 26 on the ${name} engine\n`);

const { train: trainSplit, test, from } = await mnistSplits("26_tensor_network.ts");
const scored = test.count - from;
// On a device the training set stays in host memory (its buffers may be smaller than the 188 MB
// of 60,000 images): train moves each minibatch there.
const data = f.location === "device" ? defaultFloat() : f;
using x = imageTensor(data, trainSplit);
using y = oneHotTensor(data, trainSplit.labels.subarray(0, trainSplit.count), 10);
using xTest = imageTensor(f, test, from, scored);
const input = desc([128, 1, 28, 28], f.dtype);
using net = init_(network(f, input, [dense(hidden, "relu"), dense(10, "softmax")]), { seed: 1 });
console.log(`${net}`);
console.log(`input [${x.shape.join(" ")}] ${x.layout}, targets [${y.shape.join(" ")}] ${y.layout}`);

const start = performance.now();
const cost = await train(net, x, y, categoricalCrossentropyCost_, epochs, {
  batch: 128,
  eta: 0.001,
  optimizer: adam(),
  seed: 2,
  progress: 1,
});
console.log(
  `cost ${cost.toFixed(4)} after ${epochs} epochs, ${
    ((performance.now() - start) / 1000).toFixed(1)
  } s\n`,
);

const out = infer(net, xTest);
console.log(`outputs [${out.shape.join(" ")}] ${out.layout}`);
const predicted = await predictedClasses(viewGe(out));
const cm = confusionMatrix(test.labels.subarray(from, test.count), predicted, 10);
console.log(metricsTable(classificationMetrics(cm)));

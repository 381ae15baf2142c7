/**
 * Chapter 22 — Classification and metrics: MNIST's handwritten digits.
 *
 * 28×28 grey images of the digits 0–9. Each image becomes a column of 784 pixels in [0, 1] and
 * each label a one-hot column of 10; a 784-512-10 network (relu, softmax) trained with the
 * categorical cross-entropy says how likely each digit is. Accuracy alone hides which digits it
 * confuses: the confusion matrix shows them, and precision, recall and F1 score every class.
 * Run: `deno run -A tutorials/22_mnist_metrics.ts [--backend=native|js|webgpu] [--data=DIR]
 * [--epochs=10] [--hidden=512] [--test-set-only] [--pictures=DIR]`. It writes the confusion
 * matrix as a heat map and the first 32 test images with their predictions as SVG files. The 60,000 training images are downloaded
 * once (torchvision's mirror, checked) unless `--data=DIR` or `$KNAP_DATA` holds them;
 * `--test-set-only` needs only the 10,000 test images: it trains on 8,000 and scores the rest.
 */
import { defaultFloat } from "../mod.ts";
import { imageColumns, oneHot } from "../lib/data/mod.ts";
import {
  adam,
  categoricalCrossentropyCost_,
  classificationMetrics,
  confusionMatrix,
  fullyConnected,
  infer,
  inferenceNetwork,
  init_,
  metricsTable,
  predictedClasses,
  train,
} from "../lib/nn/mod.ts";
import { backend, numberFlag } from "./_backend.ts";
import { mnistSplits } from "./_data.ts";
import { declareFlags } from "./_flags.ts";
import { writePictures } from "./_pictures.ts";

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
console.log(`Chapter 22 on the ${name} engine\n`);

const { train: trainSet, test, from } = await mnistSplits("22_mnist_metrics.ts");
const scored = test.count - from;
console.log(
  `${trainSet.count} training images, ${scored} scored, ${trainSet.rows}×${trainSet.cols} pixels`,
);

// On a device the training set stays in host memory (its buffers may be smaller than the 188 MB
// of 60,000 images): train moves each minibatch there.
const data = f.location === "device" ? defaultFloat() : f;
using x = imageColumns(data, trainSet);
using y = oneHot(data, trainSet.labels.subarray(0, trainSet.count), 10);
using xTest = imageColumns(f, test, from, scored);
using net = init_(
  inferenceNetwork(f, 784, [fullyConnected(hidden, "relu"), fullyConnected(10, "softmax")]),
  { seed: 1 },
);
console.log(`${net}: Adam, minibatches of 128, ${epochs} epochs`);

const start = performance.now();
const cost = await train(net, x, y, categoricalCrossentropyCost_, epochs, {
  batch: 128,
  eta: 0.001,
  optimizer: adam(),
  seed: 2,
  progress: 1,
});
const seconds = (performance.now() - start) / 1000;
console.log(`cost ${cost.toFixed(4)} after ${epochs} epochs, ${seconds.toFixed(1)} s\n`);

const predicted = await predictedClasses(infer(net, xTest));
const cm = confusionMatrix(test.labels.subarray(from, test.count), predicted, 10);
console.log("confusion matrix: true digits down, predictions across");
console.log(String(cm));
console.log();
console.log(metricsTable(classificationMetrics(cm)));
const digits = Array.from({ length: 10 }, (_, d) => String(d));
await writePictures("mnist", "MNIST", cm, test, from, predicted, digits);

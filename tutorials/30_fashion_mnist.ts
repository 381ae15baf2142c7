/**
 * Chapter 30 — Convolutional neural networks: Fashion-MNIST.
 *
 * Zalando's 70,000 28×28 images of clothing in ten classes, a harder MNIST: two convolutions
 * with ReLU and max pooling find the strokes and textures, dropout keeps the dense layers from
 * memorizing, and Adam trains it all in minibatches of 128. Then the test images are scored —
 * the confusion matrix and each class's precision, recall and F1 — and the trained network is
 * saved in PyTorch's names and loaded back.
 * Run: `deno run -A tutorials/30_fashion_mnist.ts [--backend=native|js|webgpu] [--epochs=10]
 * [--samples=60000] [--test=10000] [--data=DIR] [--pictures=DIR] [--save=FILE]` (Fashion-MNIST from Debian's
 * dataset-fashion-mnist, a folder, or downloaded once). It writes the confusion matrix as a heat
 * map and the first 32 test images with their predictions as SVG files.
 */
import { desc } from "../mod.ts";
import { fashionMnist } from "../lib/data/mod.ts";
import { load, network, save } from "../lib/dnn/mod.ts";
import { metricsTable } from "../lib/nn/mod.ts";
import { backend, numberFlag } from "./_backend.ts";
import { dataOptions, orExit } from "./_data.ts";
import { fashionLayers, fashionRun, predictions } from "./_cnn.ts";
import { declareFlags, stringFlag } from "./_flags.ts";
import { fashionClasses } from "./_fashion_layers.ts";
import { writePictures } from "./_pictures.ts";

declareFlags({
  "epochs": { type: "string", help: "epochs to train (10)" },
  "samples": { type: "string", help: "training images to use (60000)" },
  "test": { type: "string", help: "test images to score (10000)" },
  "save": {
    type: "string",
    help: "also save the trained network here (safetensors; web/data/fashion_cnn.safetensors " +
      "is what chapter 30's web page loads)",
  },
});

const epochs = numberFlag("epochs", 10), samples = numberFlag("samples", 60000);
const scored = numberFlag("test", 10000);
const { name, float: f } = await backend();
console.log(`Chapter 30 on the ${name} engine\n`);

const { train, test } = await orExit(
  "Fashion-MNIST",
  "30_fashion_mnist.ts",
  fashionMnist(await dataOptions()),
);
console.log(`${samples} training images, ${scored} test images`);
const classes = fashionClasses;

const run = await fashionRun(f, train, test, samples, epochs, false, scored);
using net = run.net;
console.log(`\n${net}`);
const total = run.seconds.reduce((a, b) => a + b, 0);
console.log(`${epochs} epochs in ${total.toFixed(1)} s, cost ${run.cost.toFixed(4)}\n`);
console.log(`test accuracy ${run.metrics.accuracy.toFixed(4)}\n`);
console.log(metricsTable(run.metrics));
const f1 = run.metrics.perClass.map((c) => c.f1);
const worst = f1.indexOf(Math.min(...f1));
console.log(`\nhardest class: ${classes[worst]} (F1 ${f1[worst].toFixed(3)})`);
await writePictures("fashion", "Fashion-MNIST", run.confusion, test, 0, run.predicted, classes);

// Saved in PyTorch's names (0.weight is the first convolution's OIHW weights) and loaded into a
// fresh network of the same layers: the same predictions.
const path = await Deno.makeTempFile({ suffix: ".safetensors" });
try {
  await save(net, path);
  using copy = await load(network(f, desc([128, 1, 28, 28], f.dtype), fashionLayers()), path);
  const first = { ...test, count: scored };
  const a = await predictions(net, f, first), b = await predictions(copy, f, first);
  const same = a.every((v, i) => v === b[i]);
  console.log(
    `saved and loaded: ${same ? "the same" : "DIFFERENT"} predictions on every test image`,
  );
} finally {
  await Deno.remove(path);
}

const saveTo = stringFlag("save");
if (saveTo !== undefined) {
  await save(net, saveTo);
  console.log(`saved the network to ${saveTo}`);
}

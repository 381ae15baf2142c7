/**
 * Classification end to end on MNIST's test set (../shared/data/mnist): a softmax network trained
 * with categorical cross-entropy on 8,000 images and scored on the other 2,000 — on native at
 * full size, on js smaller, and on WebGPU against js's confusion matrix for the same seeds.
 */
import { type Factory, jsFloat, nativeAvailability, nativeFloat } from "../../mod.ts";
import { imageColumns, type ImageSplit, oneHot, readIdx } from "../../lib/data/mod.ts";
import {
  adam,
  categoricalCrossentropyCost_,
  classificationMetrics,
  type ConfusionMatrix,
  confusionMatrix,
  fullyConnected,
  infer,
  inferenceNetwork,
  init_,
  predictedClasses,
  quadraticCost_,
  train,
  trainingNetwork,
} from "../../lib/nn/mod.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import { sharedData } from "../data/_helpers.ts";
import { gpu } from "./_factories.ts";
import { webgpuFloat } from "../../mod.ts";

const images = await sharedData("mnist/t10k-images-idx3-ubyte.gz");
const labels = await sharedData("mnist/t10k-labels-idx1-ubyte.gz");
const present = images !== undefined && labels !== undefined;

async function testSet(): Promise<ImageSplit> {
  const im = await readIdx(images!), lab = await readIdx(labels!);
  return { images: im.data, labels: lab.data, count: 10000, rows: 28, cols: 28 };
}

/** Trains 784-hidden-10 (relu, softmax) on images 0…count−1 and scores images 8000…9999. */
async function trainAndScore(
  f: Factory,
  split: ImageSplit,
  hidden: number,
  count: number,
  epochs: number,
): Promise<ConfusionMatrix> {
  using x = imageColumns(f, split, 0, count);
  using y = oneHot(f, split.labels.subarray(0, count), 10);
  using xt = imageColumns(f, split, 8000, 2000);
  using net = init_(
    inferenceNetwork(f, 784, [fullyConnected(hidden, "relu"), fullyConnected(10, "softmax")]),
    { seed: 1 },
  );
  const cost = await train(net, x, y, categoricalCrossentropyCost_, epochs, {
    batch: 128,
    eta: 0.003,
    optimizer: adam(),
    seed: 2,
  });
  assert(Number.isFinite(cost) && cost > 0, `cost ${cost}`);
  const predicted = await predictedClasses(infer(net, xt));
  return confusionMatrix(split.labels.subarray(8000), predicted, 10);
}

const skip = "MNIST skipped: ../shared/data/mnist is absent";
const native = nativeAvailability().available;

Deno.test({
  name: !present
    ? skip
    : native
    ? "MNIST: 784-64-10 softmax on 8,000 test images scores ≥ 0.93 on the other 2,000 (native)"
    : "MNIST on native skipped: the native libraries are not here",
  ignore: !present || !native,
  async fn() {
    const cm = await trainAndScore(nativeFloat, await testSet(), 64, 8000, 5);
    const m = classificationMetrics(cm);
    assert(m.accuracy >= 0.93, `accuracy ${m.accuracy}\n${cm}`);
    assert(m.macro.f1 >= 0.92, `macro F1 ${m.macro.f1}`);
    assertEquals(cm.total, 2000);
  },
});

Deno.test({
  name: present
    ? "MNIST: 784-32-10 softmax learns on the js engine; WebGPU gives js's confusion matrix"
    : skip,
  ignore: !present,
  async fn() {
    const split = await testSet();
    const js = await trainAndScore(jsFloat, split, 32, 8000, 1);
    const m = classificationMetrics(js);
    assert(m.accuracy >= 0.85, `accuracy ${m.accuracy}\n${js}`);
    if (!gpu.available) return;
    using f = await webgpuFloat();
    const onGpu = await trainAndScore(f, split, 32, 8000, 1);
    // The same seeds and float32 arithmetic: a few of 2,000 predictions may differ by rounding.
    const same = Array.from({ length: 10 }, (_, c) => onGpu.at(c, c)).reduce((a, b) => a + b);
    const jsRight = Array.from({ length: 10 }, (_, c) => js.at(c, c)).reduce((a, b) => a + b);
    assert(Math.abs(same - jsRight) <= 10, `WebGPU ${same} right, js ${jsRight}\n${onGpu}\n${js}`);
  },
});

Deno.test("softmax trains only as the output layer, with the categorical cross-entropy", () => {
  using net = inferenceNetwork(jsFloat, 4, [fullyConnected(3, "softmax")]);
  using hidden = inferenceNetwork(jsFloat, 4, [
    fullyConnected(3, "softmax"),
    fullyConnected(2, "sigmoid"),
  ]);
  using x = imageColumns(jsFloat, {
    images: new Uint8Array(8),
    labels: new Uint8Array(2),
    count: 2,
    rows: 2,
    cols: 2,
  });
  using y = oneHot(jsFloat, [0, 2], 3);
  assertThrows(
    () => train(net, x, y, quadraticCost_, 1, { batch: 2, eta: 0.1 }),
    TypeError,
    "categoricalCrossentropyCost_",
  );
  assertThrows(() => trainingNetwork(hidden, x), TypeError, "layer 1 is softmax");
  using sig = inferenceNetwork(jsFloat, 4, [fullyConnected(3, "sigmoid")]);
  assertThrows(
    () => train(sig, x, y, categoricalCrossentropyCost_, 1, { batch: 2, eta: 0.1 }),
    TypeError,
    "softmax output layer",
  );
});

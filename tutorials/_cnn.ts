/**
 * Chapters 30 and 31 share one network and one run: Fashion-MNIST's images through two
 * convolutions with max pooling, dropout, and two dense layers, trained with Adam on minibatches
 * of 128, then scored on the test images with the confusion matrix and its metrics.
 */
import { defaultFloat, desc, type Factory, viewGe } from "../mod.ts";
import { type ImageSplit, imageTensor, oneHotTensor } from "../lib/data/mod.ts";
import { infer, init_, network, type TensorNetwork, train } from "../lib/dnn/mod.ts";
import { fashionLayers } from "./_fashion_layers.ts";
import {
  adam,
  categoricalCrossentropyCost_,
  type ClassificationMetrics,
  classificationMetrics,
  type ConfusionMatrix,
  confusionMatrix,
  predictedClasses,
} from "../lib/nn/mod.ts";

export { fashionLayers };

/** What a run gives. */
export interface FashionRun {
  readonly net: TensorNetwork;
  readonly seconds: number[];
  readonly cost: number;
  readonly confusion: ConfusionMatrix;
  /** The predicted class of each scored test image. */
  readonly predicted: ArrayLike<number>;
  readonly metrics: ClassificationMetrics;
}

/** The network's predicted classes for a split, in batches of 1,000 (a plan each size). */
export async function predictions(net: TensorNetwork, f: Factory, split: ImageSplit) {
  const out = new Int32Array(split.count);
  for (let start = 0; start < split.count; start += 1000) {
    const n = Math.min(1000, split.count - start);
    using x = imageTensor(f, split, start, n);
    out.set(await predictedClasses(viewGe(infer(net, x))), start);
  }
  return out;
}

/**
 * Trains the CNN on the first `samples` training images for `epochs` epochs on f (a line per
 * epoch), then scores it on the first `scored` test images. The caller disposes the returned network.
 */
export async function fashionRun(
  f: Factory,
  trainSplit: ImageSplit,
  test: ImageSplit,
  samples: number,
  epochs: number,
  quiet = false,
  scored = test.count,
): Promise<FashionRun> {
  // A device's largest buffer may be smaller than the data set (60,000 images are 188 MB): it
  // stays in host memory, and train moves each minibatch to the device.
  const data = f.location === "device" ? defaultFloat() : f;
  using x = imageTensor(data, trainSplit, 0, samples);
  using y = oneHotTensor(data, trainSplit.labels.subarray(0, samples), 10);
  const net = init_(network(f, desc([128, 1, 28, 28], f.dtype), fashionLayers()), {
    seed: 1,
    method: "he",
  });
  const seconds: number[] = [];
  let began = performance.now();
  // One call for every epoch (Adam's state lives as long as the call); onEpoch times each.
  const cost = await train(net, x, y, categoricalCrossentropyCost_, epochs, {
    batch: 128,
    eta: 0.001,
    optimizer: adam(),
    seed: 2,
    quiet,
    onEpoch({ epoch, cost }) {
      const now = performance.now();
      seconds.push((now - began) / 1000);
      began = now;
      if (!quiet) {
        console.log(`epoch ${epoch}: cost ${cost.toFixed(4)}, ${seconds.at(-1)!.toFixed(1)} s`);
      }
    },
  });
  const first = { ...test, count: scored };
  const predicted = await predictions(net, f, first);
  const confusion = confusionMatrix(test.labels.subarray(0, scored), predicted, 10);
  return { net, seconds, cost, confusion, predicted, metrics: classificationMetrics(confusion) };
}

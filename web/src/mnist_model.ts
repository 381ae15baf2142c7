/**
 * Chapter 22's network on MNIST's test images as the page trains it: the first 8,000 to train
 * on, the other 2,000 to score. The worker runs it in a browser; the browser test runs it in
 * Deno to check that both give the same numbers.
 */
import { type Factory, jsFloat, type Loc } from "../../mod.ts";
import {
  adam,
  categoricalCrossentropyCost_,
  type EpochInfo,
  fullyConnected,
  infer,
  type InferenceNetwork,
  inferenceNetwork,
  init_,
  predictedClasses,
  train,
} from "../../lib/nn/mod.ts";
import { imageColumns, type ImageSplit, oneHot } from "../../lib/web/mod.ts";

/** Images the network trains on; the rest of the 10,000 are scored. */
export const TRAINED = 8000;

/** A trained network and its accuracy on the scored images. The caller disposes the network. */
export async function trainMnist(
  f: Factory<Loc, "float32">,
  test: ImageSplit,
  epochs: number,
  hidden: number,
  onEpoch?: (info: EpochInfo) => void,
): Promise<{ net: InferenceNetwork<Loc>; accuracy: number; scored: number }> {
  // A device keeps the images in host memory; train moves each minibatch there.
  const data = f.location === "device" ? jsFloat : f;
  using x = imageColumns(data, test, 0, TRAINED);
  using y = oneHot(data, test.labels.subarray(0, TRAINED), 10);
  using xTest = imageColumns(f, test, TRAINED, test.count - TRAINED);
  const net = init_(
    inferenceNetwork(f, 784, [fullyConnected(hidden, "relu"), fullyConnected(10, "softmax")]),
    { seed: 1 },
  );
  await train(net, x as never, y as never, categoricalCrossentropyCost_, epochs, {
    batch: 128,
    eta: 0.001,
    optimizer: adam(),
    seed: 2,
    quiet: true,
    onEpoch,
  });
  const predicted = await predictedClasses(infer(net, xTest));
  let right = 0;
  predicted.forEach((p, i) => (right += p === test.labels[TRAINED + i] ? 1 : 0));
  return { net, accuracy: right / predicted.length, scored: predicted.length };
}

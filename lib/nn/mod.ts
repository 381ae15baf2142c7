/**
 * Neural networks, the book's way: fully connected layers, inference and training networks,
 * backpropagation and gradient descent, on any engine — built only on knap's public API.
 *
 * @example Learning y = 2x − 1 with one linear neuron
 * ```ts
 * import { defaultDouble, dge } from "@knap/knap";
 * import { fullyConnected, inferenceNetwork, quadraticCost_, sgd, trainingNetwork } from "@knap/knap/nn";
 * using net = inferenceNetwork(defaultDouble(), 1, [fullyConnected(1, "linear")]);
 * using x = dge(1, 4, [0, 1, 2, 3]);
 * using y = dge(1, 4, [-1, 1, 3, 5]);
 * using training = trainingNetwork(net, x);
 * if (sgd(training, y, quadraticCost_, 2000, 0.1) > 1e-6) throw new Error("did not learn");
 * ```
 *
 * @module
 */

export { type Activation, activations } from "./activation.ts";
export {
  categoricalCrossentropyCost_,
  type Cost,
  quadraticCost_,
  sigmoidCrossentropyCost_,
} from "./cost.ts";
export { infer, init_, load, save, train } from "../networks.ts";
export {
  type BatchBuffers,
  fullyConnected,
  InferenceNetwork,
  inferenceNetwork,
  type Layer,
  type LayerOptions,
  type LayerSpec,
} from "./network.ts";
export type { InitOptions } from "./init.ts";
export { TrainingNetwork, trainingNetwork, type TrainingOptions } from "./training.ts";
export { sgd, type SgdOptions, type Stretch } from "./sgd.ts";
export type { EpochInfo, WatchOptions } from "./epochs.ts";
export {
  adam,
  type AdamOptions,
  type DecayOptions,
  gradientDescent,
  momentum,
  type MomentumOptions,
  type Optimizer,
  type OptimizerState,
  rmsprop,
  type RmspropOptions,
} from "./optimizer.ts";
export { type PlotOptions, TrainingCurve, trainingCurve, trainingCurveSvg } from "./plot.ts";
export { confusionMatrixSvg, type HeatmapOptions } from "../pictures/heatmap.ts";
export { type ImageGridOptions, imageGridSvg } from "../pictures/image_grid.ts";
export { binaryAccuracy } from "./metrics.ts";
export {
  type ClassificationMetrics,
  classificationMetrics,
  type ClassReport,
  type ClassScores,
  ConfusionMatrix,
  confusionMatrix,
  metricsTable,
  predictedClasses,
} from "./classification.ts";
export type { NamedTensor, SaveOptions } from "./persist.ts";
export { type MinibatchOptions, sgdTrain } from "./minibatch.ts";

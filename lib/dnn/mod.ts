/**
 * Tensor networks, Deep Diamond's half of the book: networks that take and give tensors —
 * convolutions, pooling, batch normalization, dropout and flatten, then dense layers built on
 * the matrix networks of `@knap/knap/nn` (one implementation of dense layers, costs, optimizers
 * and training) — on every engine.
 *
 * @example MNIST-shaped images through a softmax classifier
 * ```ts
 * import { jsFloat, tensor } from "@knap/knap";
 * import { dense, infer, init_, network } from "@knap/knap/dnn";
 * using net = init_(network(jsFloat, [2, 1, 28, 28], [dense(16, "relu"), dense(10, "softmax")]), { seed: 1 });
 * using x = tensor(jsFloat, [2, 1, 28, 28]);
 * const p = Array.from(infer(net, x).toArray());
 * if (Math.abs(p.slice(0, 10).reduce((a, b) => a + b) - 1) > 1e-6) throw new Error("unexpected");
 * ```
 *
 * @module
 */

export { infer, init_, load, save, train } from "../networks.ts";
export { liveTensorNetwork, network, TensorNetwork } from "./network.ts";
export {
  batchNorm,
  type BatchNormLayerOptions,
  type BatchNormSpec,
  convo,
  type ConvoOptions,
  type ConvoSpec,
  dense,
  dropout,
  type DropoutSpec,
  type FeatureSpec,
  flatten,
  type FlattenSpec,
  type NetworkLayerSpec,
  pooling,
  type PoolingLayerOptions,
  type PoolingSpec,
  type TensorActivation,
} from "./specs.ts";
export type { FeatureLayer, Gradient, LayerPass, Parameter } from "./layers.ts";
export { FeaturePlan, FeatureStack, FeatureUpdate } from "./features.ts";
export type { RankSync } from "./sync_batch_norm.ts";

/**
 * `@knap/knap/ops`: the operations networks are built from, one call each on any engine — Deep
 * Diamond's tensor primitives (convolution, pooling and batch normalization with their backward
 * passes, elementwise, binary and reduction operations over tensors) and the fused matrix kernels
 * training runs on (the inner product with its activation, Adam's update, the minibatch gather).
 * The layers of `@knap/knap/dnn` (`convo`, `pooling`, `batchNorm`) are built on these
 * (`convolution`, `poolingForward`, `batchNormForward` and their backward passes), and no name
 * here is also a layer's: each of knap's names means one thing.
 *
 * @example A 3×3 convolution of a 28×28 image, planned once and run
 * ```ts
 * import { jsFloat, tensor } from "@knap/knap";
 * import { convolution, convolutionShape } from "@knap/knap/ops";
 * using x = tensor(jsFloat, [1, 1, 28, 28]);
 * using w = tensor(jsFloat, [8, 1, 3, 3]);
 * using y = tensor(jsFloat, convolutionShape(x.shape, w.shape, { padding: 1 }));
 * convolution(x, w, undefined, y, { padding: 1 }).run();
 * if (y.shape.join() !== "1,8,28,28") throw new Error("unexpected");
 * ```
 *
 * @module
 */

export { TensorOp } from "../tensor/operation.ts";
export {
  binary,
  type BinaryOp,
  eltwise,
  eltwiseBackward,
  type EltwiseFunction,
} from "../tensor/eltwise.ts";
export { reduction } from "../tensor/reduction.ts";
export {
  convolution,
  convolutionBackwardData,
  convolutionBackwardWeights,
  type ConvolutionOptions,
  convolutionShape,
} from "../tensor/convolution.ts";
export {
  poolingBackward,
  poolingForward,
  type PoolingOptions,
  poolingShape,
} from "../tensor/pooling.ts";
export {
  batchNormBackward,
  batchNormForward,
  type BatchNormGradients,
  type BatchNormOptions,
  type BatchNormParameters,
} from "../tensor/batch_norm.ts";
export { gatherColumns_ } from "../gather.ts";
export { adamUpdate_ } from "../adam.ts";
export { innerProduct_, type LayerActivation } from "../inner_product.ts";

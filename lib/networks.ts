/**
 * One family of functions over both kinds of network: `infer`, `init_`, `train`, `save` and
 * `load` take a matrix network (`inferenceNetwork` of `@knap/knap/nn`: inputs as columns of a
 * matrix) or a tensor network (`network` of `@knap/knap/dnn`: inputs as a batch of samples),
 * and both modules export these same functions. The overloads keep each kind's types: a tensor
 * network's `infer` gives a tensor of its dtype, a matrix network's a matrix.
 *
 * @module
 */

import type { GEMatrix } from "./core/structures.ts";
import type { DType, Loc, Scalar } from "./core/types.ts";
import type { Tensor } from "./tensor/tensor.ts";
import type { Cost } from "./nn/cost.ts";
import { infer as inferColumns, InferenceNetwork } from "./nn/network.ts";
import { init_ as initColumns, type InitOptions } from "./nn/init.ts";
import { type MinibatchOptions, sgdTrain } from "./nn/minibatch.ts";
import { load as loadColumns, save as saveColumns, type SaveOptions } from "./nn/persist.ts";
import { infer as inferSamples, init_ as initSamples, TensorNetwork } from "./dnn/network.ts";
import { train as trainSamples } from "./dnn/train.ts";
import { load as loadSamples, save as saveSamples } from "./dnn/persist.ts";

/** Which kind `net` is, or a TypeError naming the operation and what it was given. */
function kind(op: string, net: unknown): "columns" | "samples" {
  if (net instanceof InferenceNetwork) return "columns";
  if (net instanceof TensorNetwork) return "samples";
  const what = net === null || typeof net !== "object"
    ? String(net)
    : `a ${(net as object).constructor?.name ?? "object"}`;
  throw new TypeError(
    `${op}: expected a network (inferenceNetwork of @knap/knap/nn or network of @knap/knap/dnn), got ${what}`,
  );
}

/**
 * The network's outputs for a batch x. A matrix network takes x as one column per sample and
 * gives an outputs × n matrix; a tensor network takes a tensor [n, …sample] and gives [n,
 * outputs]. Either result views a buffer the network reuses for batches of that size (copy it to
 * keep it) and is accepted by `predictedClasses`.
 *
 * @example Either kind of network, one function
 * ```ts
 * import { ge, jsDouble, tensor, toArray } from "@knap/knap";
 * import { fullyConnected, infer, inferenceNetwork } from "@knap/knap/nn";
 * import { dense, network } from "@knap/knap/dnn";
 * using columns = inferenceNetwork(jsDouble, 2, [fullyConnected(1, "sigmoid")]);
 * using samples = network(jsDouble, [null, 2], [dense(1, "sigmoid")]);
 * using x = ge(jsDouble, 2, 3);
 * using t = tensor(jsDouble, [3, 2]);
 * if (toArray(infer(columns, x)).join() !== "0.5,0.5,0.5") throw new Error("unexpected");
 * if (infer(samples, t).shape.join() !== "3,1") throw new Error("unexpected");
 * ```
 */
export function infer<L extends Loc, D extends DType>(
  net: InferenceNetwork<L, D>,
  x: GEMatrix<L> | GEMatrix<"host">,
): GEMatrix<L, D>;
/** A tensor network's outputs for a batch x [n, …sample]: a tensor [n, outputs] of its dtype. */
export function infer<L extends Loc, D extends DType>(
  net: TensorNetwork<L, D>,
  x: Tensor<L>,
): Tensor<L, D>;
export function infer(
  net: InferenceNetwork | TensorNetwork,
  x: GEMatrix | Tensor,
): GEMatrix | Tensor {
  return kind("infer", net) === "columns"
    ? inferColumns(net as InferenceNetwork, x as GEMatrix)
    : inferSamples(net as TensorNetwork, x as Tensor);
}

/**
 * Fills the network's weights with normal random numbers scaled by the method (`"small"`,
 * `"xavier"`, `"he"`) and zeroes its biases; returns the network.
 *
 * @example
 * ```ts
 * import { jsFloat, nrm2 } from "@knap/knap";
 * import { dense, init_, network } from "@knap/knap/dnn";
 * using net = init_(network(jsFloat, [null, 4], [dense(8, "relu")]), { seed: 3, method: "he" });
 * if (nrm2(net.layers.layers[0].weights) === 0) throw new Error("unexpected");
 * ```
 */
export function init_<L extends Loc, D extends DType>(
  net: InferenceNetwork<L, D>,
  options?: InitOptions,
): InferenceNetwork<L, D>;
/** Initializes a tensor network: its tensor layers' weights, then its dense layers'. */
export function init_<L extends Loc, D extends DType>(
  net: TensorNetwork<L, D>,
  options?: InitOptions,
): TensorNetwork<L, D>;
export function init_(
  net: InferenceNetwork | TensorNetwork,
  options?: InitOptions,
): InferenceNetwork | TensorNetwork {
  return kind("init_", net) === "columns"
    ? initColumns(net as InferenceNetwork, options)
    : initSamples(net as TensorNetwork, options);
}

/**
 * Trains the network on inputs x and targets y for `epochs` epochs of minibatches (each epoch
 * a fresh random order) with the given cost and `options.optimizer` (plain descent when none);
 * returns the last epoch's mean cost (a promise on a device). A matrix network takes x and y
 * with one column per sample; a tensor network takes x [n, …sample] and y [n, outputs].
 *
 * @example The book's regression line, trained by Adam
 * ```ts
 * import { ge, jsDouble } from "@knap/knap";
 * import { adam, fullyConnected, inferenceNetwork, init_, quadraticCost_, train } from "@knap/knap/nn";
 * using net = init_(inferenceNetwork(jsDouble, 1, [fullyConnected(1, "linear")]), { seed: 1 });
 * using x = ge(jsDouble, 1, 10, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 * using y = ge(jsDouble, 1, 10, [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
 * const cost = train(net, x, y, quadraticCost_, 300, { batch: 4, eta: 0.05, optimizer: adam(), seed: 2 });
 * if (cost > 0.01) throw new Error(`cost ${cost}`);
 * ```
 */
export function train<L extends Loc>(
  net: InferenceNetwork<L>,
  x: GEMatrix<L> | GEMatrix<"host">,
  y: GEMatrix<L> | GEMatrix<"host">,
  cost: Cost,
  epochs: number,
  options: MinibatchOptions,
): Scalar<L>;
/** Trains a tensor network on x [n, …sample] and targets y [n, outputs]. */
export function train<L extends Loc>(
  net: TensorNetwork<L>,
  x: Tensor<L> | Tensor<"host">,
  y: Tensor<L> | Tensor<"host">,
  cost: Cost,
  epochs: number,
  options: MinibatchOptions,
): Scalar<L>;
export function train(
  net: InferenceNetwork | TensorNetwork,
  x: GEMatrix | Tensor,
  y: GEMatrix | Tensor,
  cost: Cost,
  epochs: number,
  options: MinibatchOptions,
): Scalar<Loc> {
  return kind("train", net) === "columns"
    ? sgdTrain(net as InferenceNetwork, x as GEMatrix, y as GEMatrix, cost, epochs, options)
    : trainSamples(net as TensorNetwork, x as Tensor, y as Tensor, cost, epochs, options);
}

/**
 * Writes the network's weights and biases to a safetensors file under PyTorch's names
 * (`0.weight`, `0.bias`, …), which `load` and PyTorch's `load_state_dict` read back.
 *
 * @example
 * ```ts
 * import { jsFloat } from "@knap/knap";
 * import { dense, load, network, save } from "@knap/knap/dnn";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * using a = network(jsFloat, [null, 4], [dense(3, "relu")]);
 * await save(a, path);
 * using b = await load(network(jsFloat, [null, 4], [dense(3, "relu")]), path);
 * await Deno.remove(path);
 * ```
 */
export function save(
  net: InferenceNetwork | TensorNetwork,
  path: string | URL,
  options?: SaveOptions,
): Promise<void> {
  return kind("save", net) === "columns"
    ? saveColumns(net as InferenceNetwork, path, options)
    : saveSamples(net as TensorNetwork, path, options);
}

/**
 * Loads weights from a safetensors file (written by `save`, or by PyTorch for the same layers)
 * into the network and returns it. A file that does not fit is refused naming the tensor, before
 * any weight changes.
 *
 * @example
 * ```ts
 * import { jsFloat } from "@knap/knap";
 * import { fullyConnected, inferenceNetwork, load, save } from "@knap/knap/nn";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * using a = inferenceNetwork(jsFloat, 2, [fullyConnected(3, "relu")]);
 * await save(a, path);
 * using b = await load(inferenceNetwork(jsFloat, 2, [fullyConnected(3, "relu")]), path);
 * await Deno.remove(path);
 * ```
 */
export function load<N extends InferenceNetwork | TensorNetwork>(
  net: N,
  path: string | URL,
): Promise<N> {
  return kind("load", net) === "columns"
    ? loadColumns(net as InferenceNetwork, path) as Promise<N>
    : loadSamples(net as TensorNetwork, path) as Promise<N>;
}

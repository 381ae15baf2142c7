/**
 * Tensor networks in Deep Diamond's terms: a network takes a batch as a tensor — images n × c ×
 * h × w, or samples n × features — and gives one, [n, outputs]. Underneath it is the matrix
 * network of `@knap/knap/nn`, fed through a zero-copy view of each tensor as features × batch,
 * so the two share one implementation of layers, costs, optimizers and training.
 *
 * @module
 */

import type { Factory } from "../core/factory.ts";
import type { GEMatrix } from "../core/structures.ts";
import type { Loc, Scalar } from "../core/types.ts";
import { viewGe } from "../core/views.ts";
import { entries, type TensorDesc } from "../tensor/desc.ts";
import { liveTensor, Tensor } from "../tensor/tensor.ts";
import {
  type Activation,
  type Cost,
  fullyConnected,
  infer as inferMatrix,
  type InferenceNetwork,
  inferenceNetwork,
  init_ as initMatrix,
  type InitOptions,
  type LayerOptions,
  type LayerSpec,
  load as loadLayers,
  type MinibatchOptions,
  save as saveLayers,
  type SaveOptions,
  sgdTrain,
} from "../nn/mod.ts";

/**
 * A dense (fully connected) layer of `width` neurons: Deep Diamond's name for `fullyConnected`.
 *
 * @example
 * ```ts
 * import { dense } from "@knap/knap/dnn";
 * if (dense(10, "softmax").outDim !== 10) throw new Error("unexpected");
 * ```
 */
export function dense(width: number, activation: Activation, options?: LayerOptions): LayerSpec {
  return fullyConnected(width, activation, options);
}

/** A network over tensors: its input's sample shape, and the matrix network that computes. */
export class TensorNetwork<L extends Loc = Loc> implements Disposable {
  /** The shape of one input sample (the input descriptor without its batch dimension). */
  readonly sample: readonly number[];
  /** The layers, weights and buffers, shared with `@knap/knap/nn`. */
  readonly layers: InferenceNetwork<L>;

  /** Internal: use {@linkcode network}. */
  constructor(sample: readonly number[], layers: InferenceNetwork<L>) {
    this.sample = sample;
    this.layers = layers;
  }

  /** The factory of every weight. */
  get factory(): Factory<L> {
    return this.layers.factory;
  }

  /** Releases the weights and buffers. */
  [Symbol.dispose](): void {
    this.layers[Symbol.dispose]();
  }

  /** `#TensorNetwork[factory, [1 28 28] → 512 relu → 10 softmax]`. */
  toString(): string {
    const widths = this.layers.layers.map((l) => `${l.outDim} ${l.activation}`);
    return `#TensorNetwork[${this.factory.name}, [${this.sample.join(" ")}] → ${
      widths.join(" → ")
    }]`;
  }

  /** The console shows the layers. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

/**
 * A network for inputs described by `input` (its first dimension the batch, the rest one
 * sample: [n, 784], [n, 1, 28, 28], …) with the given layers, weights zero until `init_`.
 *
 * @example
 * ```ts
 * import { desc, jsFloat } from "@knap/knap";
 * import { dense, init_, network } from "@knap/knap/dnn";
 * using net = init_(network(jsFloat, desc([128, 1, 28, 28], "float32"), [dense(64, "relu"), dense(10, "softmax")]), { seed: 1 });
 * if (String(net) !== "#TensorNetwork[jsFloat, [1 28 28] → 64 relu → 10 softmax]") throw new Error(String(net));
 * ```
 */
export function network<L extends Loc>(
  f: Factory<L>,
  input: TensorDesc | readonly number[],
  layers: readonly LayerSpec[],
): TensorNetwork<L> {
  const shape = Array.isArray(input) ? input : (input as TensorDesc).shape;
  if (shape.length < 2) {
    throw new RangeError(
      `network: the input [${shape.join(", ")}] needs a batch dimension and a sample shape`,
    );
  }
  const sample = shape.slice(1);
  return new TensorNetwork(sample, inferenceNetwork(f, entries(sample), layers));
}

/**
 * Initializes the weights (random, scaled to each layer's inputs) and zeroes the biases, as
 * `init_` of `@knap/knap/nn` does; returns the network.
 *
 * @example
 * ```ts
 * import { jsFloat } from "@knap/knap";
 * import { dense, init_, network } from "@knap/knap/dnn";
 * using net = init_(network(jsFloat, [8, 4], [dense(2, "tanh")]), { seed: 3 });
 * if (net.layers.layers[0].weights.toArray().every((w) => w === 0)) throw new Error();
 * ```
 */
export function init_<L extends Loc>(
  net: TensorNetwork<L>,
  options?: InitOptions,
): TensorNetwork<L> {
  initMatrix(net.layers, options);
  return net;
}

/** x as the features × batch matrix the layers take, after checking it fits the network. */
function batchMatrix<L extends Loc>(op: string, net: TensorNetwork<L>, x: Tensor<L>): GEMatrix<L> {
  liveTensor(op, x, "x");
  if (x.shape.slice(1).join() !== net.sample.join()) {
    throw new RangeError(
      `${op}: the network takes samples [${net.sample.join(", ")}], x is [${x.shape.join(", ")}]`,
    );
  }
  return viewGe(x);
}

/**
 * The network's outputs for a batch x: an [n, outputs] tensor (layout `nc`) viewing a buffer
 * the network reuses for batches of that size — copy it to keep it.
 *
 * @example
 * ```ts
 * import { jsFloat, tensor } from "@knap/knap";
 * import { dense, infer, network } from "@knap/knap/dnn";
 * using net = network(jsFloat, [2, 3], [dense(4, "softmax")]);
 * using x = tensor(jsFloat, [2, 3]);
 * const y = infer(net, x);
 * if (y.shape.join() !== "2,4" || y.toArray()[0] !== 0.25) throw new Error("unexpected");
 * ```
 */
export function infer<L extends Loc>(net: TensorNetwork<L>, x: Tensor<L>): Tensor<L> {
  const a = inferMatrix(net.layers, batchMatrix("infer", net, x));
  // Column j of the outputs is sample j: as a tensor [n, outputs] with strides [ld, 1].
  return new Tensor(a.factory, a.storage, a.offset, [a.n, a.m], [a.ld, 1], false);
}

/**
 * Trains the network on inputs x and targets y (y's samples are the outputs: [n, outputs]) for
 * `epochs` epochs of minibatches, with the matrix networks' costs and optimizers; returns the
 * last epoch's cost (a promise on a device).
 *
 * @example
 * ```ts
 * import { jsDouble, tensor } from "@knap/knap";
 * import { dense, init_, network, train } from "@knap/knap/dnn";
 * import { adam, quadraticCost_ } from "@knap/knap/nn";
 * using net = init_(network(jsDouble, [4, 1], [dense(1, "linear")]), { seed: 1 });
 * using x = tensor(jsDouble, [4, 1], "nc", [0, 1, 2, 3]);
 * using y = tensor(jsDouble, [4, 1], "nc", [1, 3, 5, 7]);
 * const cost = train(net, x, y, quadraticCost_, 500, { batch: 4, eta: 0.05, optimizer: adam(), seed: 1 });
 * if (cost > 1e-3) throw new Error(`cost ${cost}`);
 * ```
 */
export function train<L extends Loc>(
  net: TensorNetwork<L>,
  x: Tensor<L>,
  y: Tensor<L>,
  cost: Cost,
  epochs: number,
  options: MinibatchOptions,
): Scalar<L> {
  const xs = batchMatrix("train", net, x);
  liveTensor("train", y, "y");
  if (y.shape.length !== 2 || y.shape[0] !== x.shape[0]) {
    throw new RangeError(
      `train: y must be [${x.shape[0]}, ${net.layers.outDim}], one row of targets per sample; ` +
        `it is [${y.shape.join(", ")}]`,
    );
  }
  return sgdTrain(net.layers, xs, viewGe(y), cost, epochs, options);
}

/**
 * Writes the network's weights as safetensors, atomically, under the names PyTorch gives the
 * same `nn.Sequential` (see `save` of `@knap/knap/nn`).
 *
 * @example
 * ```ts
 * import { jsFloat } from "@knap/knap";
 * import { dense, init_, load, network, save } from "@knap/knap/dnn";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * using a = init_(network(jsFloat, [1, 4], [dense(3, "tanh"), dense(2, "softmax")]), { seed: 1 });
 * await save(a, path);
 * using b = await load(network(jsFloat, [1, 4], [dense(3, "tanh"), dense(2, "softmax")]), path);
 * if (b.layers.layers[0].weights.toArray().join() !== a.layers.layers[0].weights.toArray().join()) {
 *   throw new Error("unexpected");
 * }
 * await Deno.remove(path);
 * ```
 */
export function save<L extends Loc>(
  net: TensorNetwork<L>,
  path: string | URL,
  options?: SaveOptions,
): Promise<void> {
  return saveLayers(net.layers, path, options);
}

/**
 * Loads weights saved by `save` (or by PyTorch for the same layers) into the network and
 * returns it; a file that does not fit is refused naming the tensor, before any weight changes.
 *
 * @example
 * ```ts
 * import { jsFloat } from "@knap/knap";
 * import { dense, load, network, save } from "@knap/knap/dnn";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * using a = network(jsFloat, [1, 4], [dense(3, "relu")]);
 * await save(a, path);
 * using b = await load(network(jsFloat, [1, 4], [dense(3, "relu")]), path);
 * await Deno.remove(path);
 * ```
 */
export async function load<L extends Loc>(
  net: TensorNetwork<L>,
  path: string | URL,
): Promise<TensorNetwork<L>> {
  await loadLayers(net.layers, path);
  return net;
}

/**
 * Tensor networks in Deep Diamond's terms: a network takes a batch as a tensor — images n × c ×
 * h × w, or samples n × features — and gives one, [n, outputs]. Its tensor layers (convolution,
 * pooling, batch normalization, dropout, flatten) come first; its dense layers are the matrix
 * network of `@knap/knap/nn`, fed through a zero-copy view of the last tensor as features ×
 * batch, so the two share one implementation of dense layers, costs, optimizers and training.
 *
 * @module
 */

import type { Factory } from "../core/factory.ts";
import { checkFactoryLive } from "../core/factory.ts";
import type { GEMatrix } from "../core/structures.ts";
import type { DType, Loc } from "../core/types.ts";
import { KnapError } from "../core/errors.ts";
import { viewGe } from "../tensor/views.ts";
import { checkShape, entries, type TensorDesc } from "../tensor/desc.ts";
import { liveTensor, Tensor } from "../tensor/tensor.ts";
import { transformer } from "../tensor/transformer.ts";
import {
  fullyConnected,
  infer as inferMatrix,
  type InferenceNetwork,
  inferenceNetwork,
  type LayerSpec,
} from "../nn/network.ts";
import { init_ as initMatrix, type InitOptions } from "../nn/init.ts";
import { type FeatureLayer, featureLayer } from "./layers.ts";
import { FeatureStack } from "./features.ts";
import { type FeatureSpec, isFeature, type NetworkLayerSpec } from "./specs.ts";

export { dense } from "./specs.ts";

/** How a tensor layer reads in `toString`: `32 3×3 relu conv`, `2×2 max pool`, … */
function describe(l: FeatureLayer): string {
  const s = l.spec;
  switch (s.kind) {
    case "convo":
      return `${s.filters} ${s.kernel.join("×")} ${s.activation} conv`;
    case "pooling":
      return `${s.kernel.join("×")} ${s.algorithm} pool`;
    case "batchNorm":
      return `batch norm${s.activation === "linear" ? "" : ` ${s.activation}`}`;
    case "dropout":
      return `dropout ${s.p}`;
    case "flatten":
      return "flatten";
  }
}

/**
 * A network over tensors: its input's sample shape, its tensor layers, and the dense layers
 * (a matrix network) that end it; typed by its location and dtype, as its outputs are.
 */
export class TensorNetwork<L extends Loc = Loc, D extends DType = DType> implements Disposable {
  /** The shape of one input sample (the input descriptor without its batch dimension). */
  readonly sample: readonly number[];
  /** The tensor layers — convolutions, pooling, … — with their parameters; none in a dense network. */
  readonly features: FeatureStack<L>;
  /** The dense layers, weights and buffers, shared with `@knap/knap/nn`. */
  readonly layers: InferenceNetwork<L, D>;
  #released = false;

  /** Internal: use {@linkcode network}. */
  constructor(
    sample: readonly number[],
    features: FeatureStack<L>,
    layers: InferenceNetwork<L, D>,
  ) {
    this.sample = sample;
    this.features = features;
    this.layers = layers;
  }

  /** The factory of every weight. */
  get factory(): Factory<L, D> {
    return this.layers.factory;
  }

  /** Whether the network was released. */
  get released(): boolean {
    return this.#released;
  }

  /** Releases the weights and buffers. */
  [Symbol.dispose](): void {
    if (this.#released) return;
    this.#released = true;
    this.features[Symbol.dispose]();
    this.layers[Symbol.dispose]();
  }

  /** `#TensorNetwork[factory, [1 28 28] → 32 3×3 relu conv → 2×2 max pool → 10 softmax]`. */
  toString(): string {
    const features = this.features.layers.map(describe);
    const widths = this.layers.layers.map((l) =>
      `${l.outDim} ${l.activation}${l.dropout > 0 ? ` (dropout ${l.dropout})` : ""}`
    );
    return `#TensorNetwork[${this.factory.name}, [${this.sample.join(" ")}] → ${
      [...features, ...widths].join(" → ")
    }]`;
  }

  /** The console shows the layers. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /**
   * In `deno jupyter`: a table of the layers — what each is, its output's sample shape and its
   * parameters.
   */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    const cell = (v: string | number) => `<td style="text-align:right">${v}</td>`;
    const rows: [string, string, number][] = this.features.layers.map((l) => [
      describe(l),
      `[${l.output.join(" ")}]`,
      l.parameters.reduce((n, p) => n + p.tensor.size, 0),
    ]);
    for (const l of this.layers.layers) {
      rows.push([
        `${l.outDim} ${l.activation}${l.dropout > 0 ? ` (dropout ${l.dropout})` : ""}`,
        `[${l.outDim}]`,
        l.outDim * l.inDim + l.outDim,
      ]);
    }
    const total = rows.reduce((n, r) => n + r[2], 0);
    const body = rows.map(([what, shape, params], i) =>
      `<tr>${cell(i + 1)}<td>${what}</td>${cell(shape)}${cell(params)}</tr>`
    ).join("");
    return {
      "text/html":
        `<table><caption style="caption-side:top;text-align:left">tensor network on ${this.factory.name}, input [${
          this.sample.join(" ")
        }], ${total} parameters</caption><tr><th>layer</th><th>what</th><th>output</th><th>parameters</th></tr>${body}</table>`,
      "text/plain": this.toString(),
    };
  }
}

/** Throws unless the network and its factory are alive. */
export function liveTensorNetwork(op: string, net: unknown): asserts net is TensorNetwork {
  if (!(net instanceof TensorNetwork)) throw new TypeError(`${op}: expected a tensor network`);
  if (net.released) throw new KnapError(`${op}: the network was released`, "released");
  checkFactoryLive(op, net.factory);
}

/** The specs split into tensor layers and dense layers, a dropout after a dense layer folded in. */
function split(
  specs: readonly NetworkLayerSpec[],
): { features: FeatureSpec[]; dense: LayerSpec[] } {
  const features: FeatureSpec[] = [], dense: LayerSpec[] = [];
  specs.forEach((s, i) => {
    if (s === null || typeof s !== "object") {
      throw new TypeError(`network: layer ${i + 1} is ${String(s)}, not a layer description`);
    }
    if (!isFeature(s)) {
      dense.push(s);
      return;
    }
    if (dense.length === 0) {
      features.push(s);
      return;
    }
    if (s.kind !== "dropout") {
      throw new RangeError(
        `network: layer ${i + 1} (${s.kind}) follows a dense layer; tensor layers come first`,
      );
    }
    const last = dense[dense.length - 1];
    if ((last.dropout ?? 0) > 0) {
      throw new RangeError(
        `network: layer ${i + 1} drops out after a dense layer that already does`,
      );
    }
    dense[dense.length - 1] = fullyConnected(last.outDim, last.activation, { dropout: s.p });
  });
  if (dense.length === 0) {
    throw new RangeError(
      'network: a tensor network ends in dense layers (dense(10, "softmax"), …)',
    );
  }
  if ((dense[dense.length - 1].dropout ?? 0) > 0 && specs.length > 0 && isFeature(specs.at(-1)!)) {
    throw new RangeError("network: a dropout after the output layer would drop the outputs");
  }
  return { features, dense };
}

/**
 * A network for inputs described by `input` — its first dimension the batch, the rest one
 * sample: `[null, 784]`, `[null, 1, 28, 28]`, or a descriptor — with the given layers: tensor
 * layers (`convo`, `pooling`, `batchNorm`, `dropout`, `flatten`) first, then `dense` layers;
 * weights zero until `init_`. The batch is not part of the network: `infer` and `train` take
 * any number of samples, and a number in its place (`[128, 1, 28, 28]`, Deep Diamond's form)
 * only says which batch the caller has in mind.
 *
 * @example A small convolutional network for 28×28 images
 * ```ts
 * import { desc, jsFloat } from "@knap/knap";
 * import { convo, dense, init_, network, pooling } from "@knap/knap/dnn";
 * using net = init_(
 *   network(jsFloat, desc([128, 1, 28, 28], "float32"), [
 *     convo(8, [3, 3], "relu"),
 *     pooling([2, 2], "max"),
 *     dense(10, "softmax"),
 *   ]),
 *   { seed: 1 },
 * );
 * if (String(net) !== "#TensorNetwork[jsFloat, [1 28 28] → 8 3×3 relu conv → 2×2 max pool → 10 softmax]") {
 *   throw new Error(String(net));
 * }
 * ```
 */
export function network<L extends Loc, D extends DType>(
  f: Factory<L, D>,
  input: TensorDesc | readonly (number | null)[],
  layers: readonly NetworkLayerSpec[],
): TensorNetwork<L, D> {
  checkFactoryLive("network", f);
  const given: readonly (number | null)[] = Array.isArray(input)
    ? input
    : (input as TensorDesc).shape;
  if (given.length < 2) {
    throw new RangeError(
      `network: the input [${
        given.map(String).join(", ")
      }] needs a batch dimension (null for any) and a sample shape`,
    );
  }
  const shape = [given[0] ?? 1, ...given.slice(1)];
  if (given.slice(1).includes(null)) {
    throw new RangeError(
      `network: only the batch may be null; the input is [${given.map(String).join(", ")}]`,
    );
  }
  checkShape("network", shape as number[]);
  const sample = shape.slice(1) as number[];
  if (sample.includes(0)) {
    throw new RangeError(`network: a sample [${sample.join(", ")}] has an empty dimension`);
  }
  const { features, dense } = split(layers);
  const made: FeatureLayer<L>[] = [];
  try {
    let at: readonly number[] = sample;
    for (const s of features) {
      const layer = featureLayer(f, s, at);
      made.push(layer);
      at = layer.output;
    }
    const stack = new FeatureStack(f, sample, made);
    return new TensorNetwork(sample, stack, inferenceNetwork(f, entries(stack.output), dense));
  } catch (e) {
    for (const l of made) l[Symbol.dispose]();
    throw e;
  }
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
export function init_<L extends Loc, D extends DType>(
  net: TensorNetwork<L, D>,
  options?: InitOptions,
): TensorNetwork<L, D> {
  liveTensorNetwork("init_", net);
  initMatrix(net.layers, options);
  net.features.init_(options);
  return net;
}

/** Throws unless x is a live batch of the network's samples on its factory. */
/** Throws unless x holds samples the network takes, where the network can read them. */
export function checkSamples(op: string, net: TensorNetwork, x: Tensor): void {
  liveTensorNetwork(op, net);
  liveTensor(op, x, "x");
  if (x.shape.slice(1).join() !== net.sample.join() || x.shape.length !== net.sample.length + 1) {
    throw new RangeError(
      `${op}: the network takes samples [${net.sample.join(", ")}], x is [${x.shape.join(", ")}]`,
    );
  }
  // A host x for a network on a device moves there: a batch at a time in training, through
  // the plan's input in inference.
  if (
    x.factory !== net.factory &&
    !(x.factory.location === "host" && net.factory.location === "device")
  ) {
    throw new TypeError(
      `${op}: x is on ${x.factory.name}, the network on ${net.factory.name}; transfer it`,
    );
  }
}

/** x as the features × batch matrix the layers take, after checking it fits the network. */
export function batchMatrix<L extends Loc>(
  op: string,
  net: TensorNetwork<L>,
  x: Tensor<L>,
): GEMatrix<L> {
  liveTensorNetwork(op, net);
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
export function infer<L extends Loc, D extends DType>(
  net: TensorNetwork<L, D>,
  x: Tensor<L>,
): Tensor<L, D> {
  let xs: GEMatrix<L>;
  if (net.features.layers.length === 0) {
    xs = batchMatrix("infer", net, x);
  } else {
    checkSamples("infer", net, x);
    // The layers' operations are planned over a buffer per batch size; x is copied into it.
    const plan = net.features.inference(x.shape[0]);
    transformer(x, plan.input).run();
    xs = viewGe(plan.forward());
  }
  const a = inferMatrix(net.layers, xs);
  // Column j of the outputs is sample j: as a tensor [n, outputs] with strides [ld, 1].
  return new Tensor<L, D>(a.factory, a.storage, a.offset, [a.n, a.m], [a.ld, 1], false);
}

/**
 * The layers of a tensor network, described before they exist: Deep Diamond's blueprint
 * functions. Each description is checked when made; the network gives it its input shape and
 * makes its weights.
 *
 * @module
 */

import type { PoolingKind } from "../core/engine.ts";
import { count } from "../core/checks.ts";
import { fullyConnected, type LayerOptions, type LayerSpec } from "../nn/network.ts";
import type { Activation } from "../nn/activation.ts";

/** The activations a convolution or batch normalization ends in: any but softmax. */
export type TensorActivation = Exclude<Activation, "softmax">;

const tensorActivations: readonly TensorActivation[] = ["relu", "sigmoid", "tanh", "elu", "linear"];

/** Strides, padding and dilation of {@linkcode convo}: one number for all dimensions or one each. */
export interface ConvoOptions {
  /** The step between windows (default 1). */
  readonly strides?: number | readonly number[];
  /** Zeros added at both ends of each spatial dimension (default 0). */
  readonly padding?: number | readonly number[];
  /** The distance between a kernel's taps (default 1). */
  readonly dilation?: number | readonly number[];
}

/** A convolutional layer's description; see {@linkcode convo}. */
export interface ConvoSpec extends ConvoOptions {
  /** What it is. */
  readonly kind: "convo";
  /** Output channels: the number of filters. */
  readonly filters: number;
  /** The kernel's extent along each spatial dimension (1 to 3 of them). */
  readonly kernel: readonly number[];
  /** The activation applied to its output. */
  readonly activation: TensorActivation;
}

/** A pooling layer's description; see {@linkcode pooling}. */
export interface PoolingSpec {
  /** What it is. */
  readonly kind: "pooling";
  /** The window's extent along each spatial dimension. */
  readonly kernel: readonly number[];
  /** The largest entry, or the mean (counting padding, or not). */
  readonly algorithm: PoolingKind;
  /** The step between windows (default: the kernel, windows side by side). */
  readonly strides?: number | readonly number[];
  /** Entries added at both ends (default 0). */
  readonly padding?: number | readonly number[];
}

/** A batch normalization layer's description; see {@linkcode batchNorm}. */
export interface BatchNormSpec {
  /** What it is. */
  readonly kind: "batchNorm";
  /** Applied after normalizing. */
  readonly activation: TensorActivation;
  /** Added to the variance. */
  readonly epsilon: number;
  /** The weight of each batch's statistics in the running averages inference uses. */
  readonly momentum: number;
}

/** A dropout layer's description; see {@linkcode dropout}. */
export interface DropoutSpec {
  /** What it is. */
  readonly kind: "dropout";
  /** The probability that an entry is zeroed in training. */
  readonly p: number;
}

/** A flatten layer's description; see {@linkcode flatten}. */
export interface FlattenSpec {
  /** What it is. */
  readonly kind: "flatten";
}

/** The layers that take and give tensors: everything before a network's dense layers. */
export type FeatureSpec = ConvoSpec | PoolingSpec | BatchNormSpec | DropoutSpec | FlattenSpec;

/** Any layer of a tensor network: a tensor layer, or a dense one (`dense`). */
export type NetworkLayerSpec = FeatureSpec | LayerSpec;

/** Whether a description is one of the tensor layers rather than a dense layer. */
export function isFeature(s: NetworkLayerSpec): s is FeatureSpec {
  return typeof (s as FeatureSpec).kind === "string";
}

function activationOf(op: string, a: unknown): TensorActivation {
  if (!tensorActivations.includes(a as TensorActivation)) {
    throw new TypeError(
      `${op}: the activation must be one of ${tensorActivations.join(", ")}, got ${String(a)}` +
        (a === "softmax" ? " (softmax belongs to the last dense layer)" : ""),
    );
  }
  return a as TensorActivation;
}

function extents(op: string, v: number | readonly number[], name: string): number[] {
  const list = typeof v === "number" ? [v, v] : [...v];
  if (list.length < 1 || list.length > 3) {
    throw new RangeError(`${op}: the ${name} has 1 to 3 extents, got [${list.join(", ")}]`);
  }
  for (const k of list) {
    count(op, k, `the ${name}'s extents`);
    if (k < 1) throw new RangeError(`${op}: the ${name} [${list.join(", ")}] has an empty extent`);
  }
  return list;
}

/**
 * A dense (fully connected) layer of `width` neurons: Deep Diamond's name for `fullyConnected`.
 * In a network it follows the tensor layers, seeing each sample as one flat vector.
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

/**
 * A convolutional layer: `filters` kernels of extent `kernel` ([kh, kw]; [k] for 1-D, [kd, kh,
 * kw] for 3-D data; a number means a square), each with a bias, then the activation. Its
 * weights are [filters, channels, …kernel] (PyTorch's OIHW).
 *
 * @example
 * ```ts
 * import { convo } from "@knap/knap/dnn";
 * const c = convo(32, [3, 3], "relu", { padding: 1 });
 * if (c.filters !== 32 || c.kernel.join() !== "3,3") throw new Error("unexpected");
 * ```
 */
export function convo(
  filters: number,
  kernel: number | readonly number[],
  activation: TensorActivation,
  options: ConvoOptions = {},
): ConvoSpec {
  const op = "convo";
  count(op, filters, "the number of filters");
  if (filters < 1) throw new RangeError(`${op}: a convolution needs at least one filter`);
  return {
    kind: op,
    filters,
    kernel: extents(op, kernel, "kernel"),
    activation: activationOf(op, activation),
    strides: options.strides,
    padding: options.padding,
    dilation: options.dilation,
  };
}

/** Strides and padding of {@linkcode pooling}. */
export interface PoolingLayerOptions {
  /** The step between windows (default: the kernel's extent). */
  readonly strides?: number | readonly number[];
  /** Entries added at both ends (default 0), at most half the kernel. */
  readonly padding?: number | readonly number[];
}

/**
 * A pooling layer: each window of extent `kernel` becomes its largest entry (`"max"`) or its
 * mean (`"avg"` counts padding, `"avg-exclude-padding"` does not). No weights.
 *
 * @example
 * ```ts
 * import { pooling } from "@knap/knap/dnn";
 * if (pooling([2, 2], "max").algorithm !== "max") throw new Error("unexpected");
 * ```
 */
export function pooling(
  kernel: number | readonly number[],
  algorithm: PoolingKind,
  options: PoolingLayerOptions = {},
): PoolingSpec {
  const op = "pooling";
  if (!["max", "avg", "avg-exclude-padding"].includes(algorithm)) {
    throw new TypeError(
      `${op}: the algorithm is one of max, avg, avg-exclude-padding, got ${String(algorithm)}`,
    );
  }
  return {
    kind: op,
    kernel: extents(op, kernel, "kernel"),
    algorithm,
    strides: options.strides,
    padding: options.padding,
  };
}

/** Options of {@linkcode batchNorm}. */
export interface BatchNormLayerOptions {
  /** Applied after normalizing (default "linear", none). */
  readonly activation?: TensorActivation;
  /** Added to the variance (default 1e-5, as PyTorch's). */
  readonly epsilon?: number;
  /** The weight of each batch in the running averages (default 0.1, as PyTorch's). */
  readonly momentum?: number;
}

/**
 * Batch normalization: each channel normalized by the batch's mean and variance in training,
 * by their running averages in inference, then scaled and shifted by learned γ and β — PyTorch's
 * `BatchNorm2d` (and 1d, 3d), whose names its saved tensors take.
 *
 * @example
 * ```ts
 * import { batchNorm } from "@knap/knap/dnn";
 * if (batchNorm({ activation: "relu" }).momentum !== 0.1) throw new Error("unexpected");
 * ```
 */
export function batchNorm(options: BatchNormLayerOptions = {}): BatchNormSpec {
  const op = "batchNorm";
  const epsilon = options.epsilon ?? 1e-5;
  const momentum = options.momentum ?? 0.1;
  if (!(epsilon > 0 && Number.isFinite(epsilon))) {
    throw new RangeError(`${op}: epsilon must be finite and positive, got ${epsilon}`);
  }
  if (!(momentum >= 0 && momentum <= 1)) {
    throw new RangeError(`${op}: momentum must be in [0, 1], got ${momentum}`);
  }
  return {
    kind: op,
    activation: activationOf(op, options.activation ?? "linear"),
    epsilon,
    momentum,
  };
}

/**
 * Dropout on tensors: in training each entry is zeroed with probability p and the others scaled
 * by 1/(1 − p); inference passes everything. Between dense layers it sets the dense layer's own
 * dropout.
 *
 * @example
 * ```ts
 * import { dropout } from "@knap/knap/dnn";
 * if (dropout(0.25).p !== 0.25) throw new Error("unexpected");
 * ```
 */
export function dropout(p = 0.5): DropoutSpec {
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout: p must be in [0, 1), got ${p}`);
  return { kind: "dropout", p };
}

/**
 * Flatten: each sample's [c, h, w] seen as one vector of c·h·w entries in C, H, W order —
 * PyTorch's `nn.Flatten`, so saved names count it. Dense layers flatten their input anyway.
 *
 * @example
 * ```ts
 * import { flatten } from "@knap/knap/dnn";
 * if (flatten().kind !== "flatten") throw new Error("unexpected");
 * ```
 */
export function flatten(): FlattenSpec {
  return { kind: "flatten" };
}

/**
 * Weight initialization: random weights break the symmetry between neurons; their scale keeps
 * the signals of deep networks from vanishing or exploding.
 *
 * @module
 */

import { entry_ } from "../access.ts";
import { randNormal_ } from "../random.ts";
import type { DType, Loc } from "../core/types.ts";
import { type InferenceNetwork, liveNetwork } from "./network.ts";
import { seed as checkSeed } from "../core/checks.ts";
import { derivedSeed } from "../core/seeded.ts";

/** Options of {@linkcode init_}. */
export interface InitOptions {
  /**
   * `"small"` (default): normal with deviation 1/√inDim, the book's small values around zero;
   * `"xavier"`: Glorot's √(2 / (inDim + outDim)), for tanh and sigmoid; `"he"`: √(2 / inDim),
   * for relu.
   */
  readonly method?: "small" | "xavier" | "he";
  /**
   * A seed for reproducible weights, an integer in [0, 2⁵³); each layer draws from its own
   * stream.
   */
  readonly seed?: number;
}

/**
 * Fills every layer's weights with normal random numbers scaled by the method, and its biases
 * with zeros; returns the network.
 *
 * @example
 * ```ts
 * import { defaultDouble, nrm2 } from "@knap/knap";
 * import { fullyConnected, inferenceNetwork, init_ } from "@knap/knap/nn";
 * using net = init_(inferenceNetwork(defaultDouble(), 4, [fullyConnected(16, "sigmoid")]), { seed: 3 });
 * if (nrm2(net.layers[0].weights) === 0) throw new Error("unexpected");
 * ```
 */
export function init_<L extends Loc, D extends DType>(
  net: InferenceNetwork<L, D>,
  options: InitOptions = {},
): InferenceNetwork<L, D> {
  liveNetwork("init_", net);
  const method = options.method ?? "small";
  if (options.seed !== undefined) checkSeed("init_", options.seed);
  net.layers.forEach((l, i) => {
    const sigma = method === "xavier"
      ? Math.sqrt(2 / (l.inDim + l.outDim))
      : method === "he"
      ? Math.sqrt(2 / l.inDim)
      : method === "small"
      ? 1 / Math.sqrt(l.inDim)
      : badMethod(method);
    randNormal_(l.weights, {
      sigma,
      seed: options.seed === undefined ? undefined : derivedSeed(options.seed, 1000, i),
    });
    entry_(l.bias, 0);
  });
  return net;
}

function badMethod(m: never): never {
  throw new TypeError(`init_: unknown method ${String(m)}; one of small, xavier, he`);
}

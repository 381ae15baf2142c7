/**
 * Activation functions of layers, by name, each with its derivative from the elementwise table:
 * `a ← f(z)` on the way forward, `δ ← f'(z) ⊙ δ` on the way back.
 *
 * @module
 */

import { GEMatrix, type Structure } from "../core/structures.ts";
import { softmax_ } from "../softmax.ts";
import { copy_ } from "../blas.ts";
import { elu_, outputDerivative_, relu_, sigmoid_, tanh_ } from "../math.ts";

/**
 * The activations a layer can have. `linear` (the identity) is the output of regression;
 * `softmax` (each sample's outputs made probabilities over its classes) the output of
 * classification, trained with the categorical cross-entropy cost.
 */
export type Activation = "sigmoid" | "tanh" | "relu" | "elu" | "linear" | "softmax";

/** The activations, for validation and documentation. */
export const activations: readonly Activation[] = [
  "sigmoid",
  "tanh",
  "relu",
  "elu",
  "linear",
  "softmax",
];

/** a ← f(z); returns a. */
export function activate_<S extends Structure>(f: Activation, z: S, a: S): S {
  switch (f) {
    case "sigmoid":
      return sigmoid_(z, a);
    case "tanh":
      return tanh_(z, a);
    case "relu":
      return relu_(z, a);
    case "elu":
      return elu_(z, 1, a);
    case "linear":
      return copy_(z, a);
    case "softmax":
      if (!(z instanceof GEMatrix) || !(a instanceof GEMatrix)) {
        throw new TypeError("softmax: a layer's outputs are a matrix, one column per sample");
      }
      return softmax_(z, a) as S;
    default:
      return f satisfies never;
  }
}

/**
 * δ ← f'(z) ⊙ δ, computed from the layer's output a = f(z) (every activation here has a
 * derivative in terms of its output, so training keeps no z); returns δ. The identity's
 * derivative is 1: δ stays.
 */
export function backprop_<S extends Structure>(f: Activation, a: Structure, delta: S): S {
  switch (f) {
    case "linear":
      return delta;
    case "softmax":
      // Its Jacobian mixes a column's entries; the cross-entropy cost folds it into a − y.
      throw new TypeError(
        "backprop: softmax trains only as the output layer, with categoricalCrossentropyCost_",
      );
    case "elu":
      return outputDerivative_("elu", a, delta, 1);
    default:
      return outputDerivative_(f, a, delta);
  }
}

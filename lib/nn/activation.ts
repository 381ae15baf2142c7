/**
 * Activation functions of layers, by name, each with its derivative from the elementwise table:
 * `a ← f(z)` on the way forward (in `innerProduct_`), `δ ← f'(z) ⊙ δ` on the way back.
 *
 * @module
 */

import type { Structure } from "../core/structures.ts";
import type { LayerActivation } from "../inner_product.ts";
import { outputDerivative_ } from "../math.ts";

/**
 * The activations a layer can have. `linear` (the identity) is the output of regression;
 * `softmax` (each sample's outputs made probabilities over its classes) the output of
 * classification, trained with the categorical cross-entropy cost.
 */
export type Activation = LayerActivation;

/** The activations, for validation and documentation. */
export const activations: readonly Activation[] = [
  "sigmoid",
  "tanh",
  "relu",
  "elu",
  "linear",
  "softmax",
];

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

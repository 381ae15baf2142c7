/**
 * Chapter 14's network as the page builds it (its data is the tutorials', from
 * tutorials/_regression_data.ts): shared with the browser test, which trains the same network in
 * Deno and expects the page's cost.
 */
import type { Factory, Loc } from "../../mod.ts";
import {
  fullyConnected,
  type InferenceNetwork,
  inferenceNetwork,
  init_,
} from "../../lib/nn/mod.ts";

/** Epochs trained between two repaints of the page. */
export const STRETCH = 25;

/** The 4-8-8-1 network (sigmoid, tanh, linear) from its seeded start. */
export function regressionNetwork(f: Factory): InferenceNetwork<Loc> {
  return init_(
    inferenceNetwork(f, 4, [
      fullyConnected(8, "sigmoid"),
      fullyConnected(8, "tanh"),
      fullyConnected(1, "linear"),
    ]),
    { seed: 7 },
  ) as InferenceNetwork<Loc>;
}

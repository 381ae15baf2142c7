/**
 * The training workload the benchmarks share: the regression data set of the book's chapter 14
 * (f(x) = sin x₀ + cos x₁ + tanh x₂ + x₃² on 10000 inputs drawn from [0, 1)⁴) and a
 * 4-16-64-8-1 network (sigmoid, tanh, tanh, linear), full batch.
 */
import type { Factory, GEMatrix } from "../mod.ts";
import { regression } from "../tutorials/_regression.ts";
import {
  fullyConnected,
  type InferenceNetwork,
  inferenceNetwork,
  init_,
  type TrainingNetwork,
  trainingNetwork,
} from "../lib/nn/mod.ts";

/** n samples of the chapter's regression on factory f: inputs 4×n, targets 1×n. */
export function regressionData(f: Factory, n: number, seed: number): { x: GEMatrix; y: GEMatrix } {
  const { x, y } = regression(f, n, seed);
  return { x, y };
}

/** The benchmark network, initialized, and its training network over x. */
export function benchNetwork(
  f: Factory,
  x: GEMatrix,
): { net: InferenceNetwork; training: TrainingNetwork } {
  const net = init_(
    inferenceNetwork(f, 4, [
      fullyConnected(16, "sigmoid"),
      fullyConnected(64, "tanh"),
      fullyConnected(8, "tanh"),
      fullyConnected(1, "linear"),
    ]),
    { seed: 1 },
  );
  return { net, training: trainingNetwork(net, x) };
}

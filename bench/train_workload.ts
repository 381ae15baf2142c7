/**
 * The training workload the benchmarks share: the regression data set of the book's chapter 14
 * (f(x) = sin x₀ + cos x₁ + tanh x₂ + x₃² on 10000 inputs drawn from [0, 1)⁴) and a
 * 4-16-64-8-1 network (sigmoid, tanh, tanh, linear), full batch.
 */
import { type Factory, ge, type GEMatrix, randUniform_, transfer_ } from "../mod.ts";
import { jsDouble } from "../mod.ts";
import {
  fullyConnected,
  type InferenceNetwork,
  inferenceNetwork,
  init_,
  type TrainingNetwork,
  trainingNetwork,
} from "../lib/nn/mod.ts";

/** f(x) for the chapter's regression. */
export const target = (x0: number, x1: number, x2: number, x3: number): number =>
  Math.sin(x0) + Math.cos(x1) + Math.tanh(x2) + x3 * x3;

/** n samples on factory f: inputs 4×n uniform in [0, 1), targets 1×n. */
export function regressionData(f: Factory, n: number, seed: number): { x: GEMatrix; y: GEMatrix } {
  using hx = randUniform_(ge(jsDouble, 4, n), { seed });
  const xs = hx.toArray();
  using hy = ge(
    jsDouble,
    1,
    n,
    Array.from(
      { length: n },
      (_, j) => target(xs[4 * j], xs[4 * j + 1], xs[4 * j + 2], xs[4 * j + 3]),
    ),
  );
  const x = ge(f, 4, n), y = ge(f, 1, n);
  transfer_(hx, x);
  transfer_(hy, y);
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

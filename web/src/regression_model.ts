/**
 * Chapter 14's data and network as the page builds them: shared with the browser test, which
 * trains the same network in Deno and expects the page's cost.
 */
import {
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  type Loc,
  randUniform_,
  transfer_,
} from "../../mod.ts";
import {
  fullyConnected,
  type InferenceNetwork,
  inferenceNetwork,
  init_,
} from "../../lib/nn/mod.ts";

/** Epochs trained between two repaints of the page. */
export const STRETCH = 25;

/** f(x) = sin x₀ + cos x₁ + tanh x₂ + x₃². */
export const target = (x0: number, x1: number, x2: number, x3: number): number =>
  Math.sin(x0) + Math.cos(x1) + Math.tanh(x2) + x3 * x3;

/** n samples on the factory: x 4×n, y 1×n, and the targets as numbers. Dispose x and y. */
export function samples(
  fac: Factory,
  n: number,
  seed: number,
): { x: GEMatrix<Loc>; y: GEMatrix<Loc>; ys: number[] } {
  using hx = randUniform_(ge(jsDouble, 4, n), { seed });
  const xs = hx.toArray();
  const ys = Array.from(
    { length: n },
    (_, j) => target(xs[4 * j], xs[4 * j + 1], xs[4 * j + 2], xs[4 * j + 3]),
  );
  using hy = ge(jsDouble, 1, n, ys);
  const x = ge(fac, 4, n), y = ge(fac, 1, n);
  transfer_(hx, x);
  transfer_(hy, y);
  return { x: x as GEMatrix<Loc>, y: y as GEMatrix<Loc>, ys };
}

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

/**
 * Chapter 14's data: f(x) = sin x₀ + cos x₁ + tanh x₂ + x₃² on inputs drawn from [0, 1)⁴, as
 * the columns of matrices on a factory. Nothing here needs Deno, so the chapter's web page
 * (web/src/regression_model.ts) draws the same samples as the tutorials.
 */
import {
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  type Loc,
  randUniform_,
  transfer_,
} from "../mod.ts";

/** f(x) = sin x₀ + cos x₁ + tanh x₂ + x₃², the function chapter 14 learns. */
export const target = (x0: number, x1: number, x2: number, x3: number): number =>
  Math.sin(x0) + Math.cos(x1) + Math.tanh(x2) + x3 * x3;

/** n samples: x is 4×n, y is 1×n on factory f; ys the targets as numbers. Dispose x and y. */
export function regression<L extends Loc>(
  f: Factory<L>,
  n: number,
  seed: number,
): { x: GEMatrix<L>; y: GEMatrix<L>; ys: number[] } {
  using hx = randUniform_(ge(jsDouble, 4, n), { seed });
  const xs = hx.toArray();
  const ys = Array.from(
    { length: n },
    (_, j) => target(xs[4 * j], xs[4 * j + 1], xs[4 * j + 2], xs[4 * j + 3]),
  );
  using hy = ge(jsDouble, 1, n, ys);
  const x = ge(f, 4, n), y = ge(f, 1, n);
  transfer_(hx, x);
  transfer_(hy, y);
  return { x, y, ys };
}

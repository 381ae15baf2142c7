/**
 * Adam's update as one call, for the optimizer of `@knap/knap/nn`: an engine with a fused
 * primitive makes one pass; the others compose the BLAS and elementwise functions, with g as
 * their scratch, so neither path allocates.
 *
 * @module
 */

import type { Structure } from "./core/structures.ts";
import { live, numeric, sameFactory, sameShape, scalar } from "./core/checks.ts";
import { overlap } from "./core/overlap.ts";
import { axpby_, axpy_ } from "./blas.ts";
import { div_, linearFrac_, sqr_, sqrt_ } from "./math.ts";

const op = "adamUpdate_";
const names = ["w", "g", "m", "s"] as const;

/**
 * One step of Adam for a parameter w with gradient g and running averages m and s:
 * m ← β₁m + (1 − β₁)g; s ← β₂s + (1 − β₂)g²; w ← w − rate · m / (√s + ε). Overwrites w, m and
 * s, and may overwrite g (its scratch). All four have one shape and factory and share no memory.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { adamUpdate_ } from "@knap/knap/ops";
 * using w = dv(1, 1), g = dv(0.5, -0.5), m = dv(2), s = dv(2);
 * adamUpdate_(w, g, m, s, 0.1, 0.9, 0.999, 1e-8);
 * // m = 0.05, −0.05 and s = 0.00025 each: the step is 0.1 · m / (√s + ε) = ±0.316.
 * const step = 0.1 * 0.05 / (Math.sqrt(0.00025) + 1e-8);
 * if (Math.abs(toArray(w)[0] - (1 - step)) > 1e-12) throw new Error(`${toArray(w)[0]}`);
 * ```
 */
export function adamUpdate_<S extends Structure>(
  w: S,
  g: Structure,
  m: Structure,
  s: Structure,
  rate: number,
  beta1: number,
  beta2: number,
  epsilon: number,
): S {
  const all = [w, g, m, s] as const;
  all.forEach((x, i) => live(op, x, names[i]));
  numeric(op, w);
  sameFactory(op, ...all);
  for (let i = 1; i < 4; i++) sameShape(op, w, all[i], ["w", names[i]]);
  scalar(op, rate, "rate");
  scalar(op, beta1, "beta1");
  scalar(op, beta2, "beta2");
  scalar(op, epsilon, "epsilon");
  for (let i = 0; i < 4; i++) {
    for (let j = i + 1; j < 4; j++) {
      if (overlap(all[i], all[j]) !== "none") {
        throw new RangeError(`${op}: ${names[i]} and ${names[j]} share memory`);
      }
    }
  }
  const fused = w.factory.engine.nn?.adam?.(w, g, m, s, rate, beta1, beta2, epsilon);
  if (fused !== undefined) {
    fused();
    return w;
  }
  axpby_(1 - beta1, g, beta1, m);
  sqr_(g);
  axpby_(1 - beta2, g, beta2, s);
  div_(m, linearFrac_(1, sqrt_(s, g), epsilon), g);
  axpy_(-rate, g, w);
  return w;
}

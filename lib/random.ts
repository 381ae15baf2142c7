/**
 * Random fills from Philox4x32-10, a counter-based generator: the same seed gives the same
 * numbers on every engine. Without a seed, each call draws a fresh part of one process-wide
 * stream whose key comes from the platform's secure generator.
 *
 * @module
 */

import type { RandomStream } from "./core/engine.ts";
import type { Structure } from "./core/structures.ts";
import { live, nonNegative, numeric, scalar, seed as checkSeed } from "./core/checks.ts";
import { atOrAbove, below } from "./core/floats.ts";

/** Options of {@linkcode randUniform_}. */
export interface UniformOptions {
  /** Lower bound, inclusive (default 0). */
  readonly lo?: number;
  /** Upper bound (default 1). */
  readonly hi?: number;
  /** An integer seed in [0, 2⁵³) for a reproducible fill. */
  readonly seed?: number;
}

/** Options of {@linkcode randNormal_}. */
export interface NormalOptions {
  /** Mean (default 0). */
  readonly mu?: number;
  /** Standard deviation (default 1). */
  readonly sigma?: number;
  /** An integer seed in [0, 2⁵³) for a reproducible fill. */
  readonly seed?: number;
}

const processKey = crypto.getRandomValues(new Uint32Array(2));
let processCounter = 0;

function stream(op: string, x: Structure, seed: number | undefined): RandomStream {
  const blocks = Math.ceil((x.rows * x.cols) / 4);
  if (seed === undefined) {
    const s = { key0: processKey[0], key1: processKey[1], offset: processCounter };
    processCounter += blocks;
    return s;
  }
  checkSeed(op, seed);
  return { key0: seed >>> 0, key1: Math.floor(seed / 4294967296) >>> 0, offset: 0 };
}

/**
 * Fills x with uniform random numbers in [lo, hi) — never hi itself, in the structure's own
 * precision — or with lo when lo = hi; returns x. lo above hi is refused.
 *
 * @example
 * ```ts
 * import { dv, randUniform_, toArray } from "@knap/knap";
 * using x = randUniform_(dv(1000), { lo: -1, hi: 1, seed: 42 });
 * if (toArray(x).some((v) => v < -1 || v >= 1)) throw new Error("out of range");
 * ```
 */
export function randUniform_<S extends Structure>(x: S, options: UniformOptions = {}): S {
  live("randUniform_", x, "x");
  numeric("randUniform_", x);
  const { lo = 0, hi = 1, seed } = options;
  scalar("randUniform_", lo, "lo");
  scalar("randUniform_", hi, "hi");
  if (lo > hi) throw new RangeError(`randUniform_: lo ${lo} is above hi ${hi}`);
  if (!Number.isFinite(hi - lo)) {
    throw new RangeError(`randUniform_: the range [${lo}, ${hi}) is wider than a double holds`);
  }
  if (lo === hi) {
    x.factory.engine.blas.fill(x, lo);
    return x;
  }
  const float32 = x.factory.dtype !== "float64";
  if (atOrAbove(lo, float32) > below(hi, float32)) {
    throw new RangeError(
      `randUniform_: no ${x.factory.dtype} lies in [${lo}, ${hi}); widen the range`,
    );
  }
  x.factory.engine.rng.uniform(x, lo, hi, stream("randUniform_", x, seed));
  return x;
}

/**
 * Fills x with normally distributed random numbers; returns x.
 *
 * @example
 * ```ts
 * import { dv, randNormal_, sum } from "@knap/knap";
 * using x = randNormal_(dv(10000), { mu: 2, sigma: 0.5, seed: 7 });
 * if (Math.abs(sum(x) / 10000 - 2) > 0.05) throw new Error("unexpected mean");
 * ```
 */
export function randNormal_<S extends Structure>(x: S, options: NormalOptions = {}): S {
  live("randNormal_", x, "x");
  numeric("randNormal_", x);
  const { mu = 0, sigma = 1, seed } = options;
  scalar("randNormal_", mu, "mu");
  nonNegative("randNormal_", sigma, "sigma");
  x.factory.engine.rng.normal(x, mu, sigma, stream("randNormal_", x, seed));
  return x;
}

/**
 * Plane rotations, BLAS's last level-1 routines: `rotg` and `rotmg` construct a Givens and a
 * modified Givens rotation from scalars (as reference BLAS does, scaling away overflow), `rot_`
 * and `rotm_` apply one to the pairs (xᵢ, yᵢ) of two vectors on any engine.
 *
 * @module
 */

import type { Vector } from "./core/structures.ts";
import { live, sameFactory, scalar } from "./core/checks.ts";
import { overlap } from "./core/overlap.ts";
import { alike } from "./core/construct.ts";

/** A Givens rotation: [c s; −s c]·[a; b] = [r; 0]. */
export interface Givens {
  /** The rotated vector's length, with the sign of the larger input. */
  readonly r: number;
  /** BLAS's reconstruction value: s where |a| > |b|, 1/c where c ≠ 0, else 1. */
  readonly z: number;
  /** The cosine. */
  readonly c: number;
  /** The sine. */
  readonly s: number;
}

/**
 * Constructs the Givens rotation that zeroes b against a (BLAS's rotg, Neanderthal's `rotg!`),
 * without overflow in a² or b².
 *
 * @example
 * ```ts
 * import { rotg } from "@knap/knap/linalg";
 * const { r, c, s } = rotg(3, 4);
 * if (r !== 5 || c !== 0.6 || s !== 0.8) throw new Error("unexpected");
 * ```
 */
export function rotg(a: number, b: number): Givens {
  scalar("rotg", a, "a");
  scalar("rotg", b, "b");
  if (a === 0 && b === 0) return { r: 0, z: 0, c: 1, s: 0 };
  const roe = Math.abs(a) > Math.abs(b) ? a : b;
  // Math.hypot scales internally: neither a² nor b² overflows.
  const r = Math.sign(roe) * Math.hypot(a, b);
  const c = a / r, s = b / r;
  const z = Math.abs(a) > Math.abs(b) ? s : c !== 0 ? 1 / c : 1;
  return { r, z, c, s };
}

/** A modified Givens rotation: the scaled factors and H as BLAS's five parameters. */
export interface ModifiedGivens {
  /** The new first scale factor d₁. */
  readonly d1: number;
  /** The new second scale factor d₂. */
  readonly d2: number;
  /** The new first coordinate x₁ (the second is zeroed). */
  readonly x1: number;
  /** [flag, h11, h21, h12, h22]: flag −1 full H, 0 unit diagonal, 1 unit off-diagonal, −2 H = I. */
  readonly param: Float64Array;
}

const GAM = 4096, GAMSQ = GAM * GAM, RGAMSQ = 1 / GAMSQ;

/**
 * Constructs the modified Givens rotation H that zeroes the second component of
 * (√d₁·x₁, √d₂·y₁) (BLAS's rotmg), rescaling d₁ and d₂ by 4096² to stay in range.
 *
 * @example
 * ```ts
 * import { rotmg } from "@knap/knap/linalg";
 * const { d1, x1, param } = rotmg(1, 1, 3, 4);
 * // d₁·x₁² keeps the squared length 3² + 4².
 * if (Math.abs(d1 * x1 * x1 - 25) > 1e-12 || param.length !== 5) throw new Error("unexpected");
 * ```
 */
export function rotmg(d1: number, d2: number, x1: number, y1: number): ModifiedGivens {
  for (const [v, n] of [[d1, "d1"], [d2, "d2"], [x1, "x1"], [y1, "y1"]] as const) {
    scalar("rotmg", v, n);
  }
  let flag: number, h11 = 0, h12 = 0, h21 = 0, h22 = 0;
  const zero = () => ({ d1: 0, d2: 0, x1: 0, param: Float64Array.of(-1, 0, 0, 0, 0) });
  if (d1 < 0) return zero();
  const p2 = d2 * y1;
  if (p2 === 0) return { d1, d2, x1, param: Float64Array.of(-2, 0, 0, 0, 0) };
  const p1 = d1 * x1, q2 = p2 * y1, q1 = p1 * x1;
  if (Math.abs(q1) > Math.abs(q2)) {
    h21 = -y1 / x1;
    h12 = p2 / p1;
    const u = 1 - h12 * h21;
    if (u <= 0) return zero();
    flag = 0;
    d1 /= u;
    d2 /= u;
    x1 *= u;
  } else {
    if (q2 < 0) return zero();
    flag = 1;
    h11 = p1 / p2;
    h22 = x1 / y1;
    const u = 1 + h11 * h22, t = d2 / u;
    d2 = d1 / u;
    d1 = t;
    x1 = y1 * u;
  }
  // Rescaling writes H in full.
  const full = () => {
    if (flag === 0) [h11, h22] = [1, 1];
    else if (flag === 1) [h21, h12] = [-1, 1];
    flag = -1;
  };
  while (d1 !== 0 && (d1 <= RGAMSQ || d1 >= GAMSQ)) {
    full();
    const up = d1 <= RGAMSQ;
    d1 = up ? d1 * GAMSQ : d1 / GAMSQ;
    const f = up ? 1 / GAM : GAM;
    x1 *= up ? 1 / GAM : GAM;
    h11 *= f;
    h12 *= f;
  }
  while (d2 !== 0 && (Math.abs(d2) <= RGAMSQ || Math.abs(d2) >= GAMSQ)) {
    full();
    const up = Math.abs(d2) <= RGAMSQ;
    d2 = up ? d2 * GAMSQ : d2 / GAMSQ;
    const f = up ? 1 / GAM : GAM;
    h21 *= f;
    h22 *= f;
  }
  const param = flag === 0
    ? Float64Array.of(0, 0, h21, h12, 0)
    : flag === 1
    ? Float64Array.of(1, h11, 0, 0, h22)
    : Float64Array.of(-1, h11, h21, h12, h22);
  return { d1, d2, x1, param };
}

/** The checks rot_ and rotm_ share: two live vectors of one dimension, apart in memory. */
function pair(op: string, x: Vector, y: Vector): void {
  live(op, x, "x");
  live(op, y, "y");
  if (!("dim" in x) || !("dim" in y)) throw new TypeError(`${op}: x and y must be vectors`);
  if (x.dim !== y.dim) throw new RangeError(`${op}: x has ${x.dim} entries, y ${y.dim}`);
  sameFactory(op, x, y);
  if (x.storage === y.storage && overlap(x, y) !== "none") {
    throw new RangeError(`${op}: x and y share memory`);
  }
}

/** (x, y) ← (h11·x + h12·y, h21·x + h22·y) through level 1, x kept in a copy meanwhile. */
function apply2(x: Vector, y: Vector, h11: number, h12: number, h21: number, h22: number) {
  const blas = x.factory.engine.blas;
  using t = alike(x);
  blas.copy(x, t);
  blas.axpby(h12, y, h11, x);
  blas.axpby(h21, t, h22, y);
}

/**
 * Rotates every pair (xᵢ, yᵢ) by a plane rotation: x ← c·x + s·y, y ← c·y − s·x (BLAS's rot,
 * Neanderthal's `rot!`). Returns x.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { rot_ } from "@knap/knap/linalg";
 * using x = dv(1, 0), y = dv(0, 1);
 * rot_(x, y, 0, 1); // a quarter turn
 * if (toArray(x).join() !== "0,1" || toArray(y).join() !== "-1,0") throw new Error("unexpected");
 * ```
 */
export function rot_<V extends Vector>(x: V, y: Vector, c: number, s: number): V {
  scalar("rot_", c, "c");
  scalar("rot_", s, "s");
  pair("rot_", x, y);
  apply2(x, y, c, s, -s, c);
  return x;
}

/**
 * Applies a modified Givens rotation H (`param` as rotmg makes it: [flag, h11, h21, h12, h22])
 * to every pair: (x, y) ← H·(x, y) (BLAS's rotm). Returns x.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { rotm_ } from "@knap/knap/linalg";
 * using x = dv(1, 2), y = dv(3, 4);
 * rotm_(x, y, [-1, 2, 0, 0, 1]); // H = diag(2, 1)
 * if (toArray(x).join() !== "2,4" || toArray(y).join() !== "3,4") throw new Error("unexpected");
 * ```
 */
export function rotm_<V extends Vector>(x: V, y: Vector, param: ArrayLike<number>): V {
  pair("rotm_", x, y);
  if (param.length !== 5) {
    throw new RangeError(`rotm_: param has ${param.length} entries, not 5`);
  }
  for (let i = 0; i < 5; i++) scalar("rotm_", param[i], `param[${i}]`);
  const [flag, h11, h21, h12, h22] = Array.from(param);
  if (flag === -2) return x;
  if (flag === -1) apply2(x, y, h11, h12, h21, h22);
  else if (flag === 0) apply2(x, y, 1, h12, h21, 1);
  else if (flag === 1) apply2(x, y, h11, 1, -1, h22);
  else throw new RangeError(`rotm_: flag ${flag} is none of −2, −1, 0, 1`);
  return x;
}

/**
 * `@knap/knap/math`: Neanderthal's vect-math namespace — every elementwise function knap has,
 * the book's 26 and the rest:
 * trigonometric and hyperbolic functions and their inverses, roots and powers, the error
 * function family and the normal distribution, gamma and lgamma, and the rounding and remainder
 * functions. Each comes allocating (`erf`) and destructive (`erf_`).
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { cdfNorm, tanh } from "@knap/knap/math";
 * using p = cdfNorm(dv([0]));
 * using t = tanh(dv([0]));
 * if (toArray(p)[0] !== 0.5 || toArray(t)[0] !== 0) throw new Error("unexpected");
 * ```
 *
 * @module
 */

export {
  abs,
  abs_,
  ceil,
  ceil_,
  clamp,
  clamp_,
  cos,
  cos_,
  derivative_,
  div,
  div_,
  elu,
  elu_,
  exp,
  exp_,
  expm1,
  expm1_,
  floor,
  floor_,
  fmax,
  fmax_,
  fmin,
  fmin_,
  inv,
  inv_,
  linearFrac,
  linearFrac_,
  log,
  log1p,
  log1p_,
  log_,
  mul,
  mul_,
  outputDerivative_,
  pow,
  pow_,
  relu,
  relu_,
  round,
  round_,
  sigmoid,
  sigmoid_,
  sigmoidCrossentropy,
  sigmoidCrossentropy_,
  signum,
  signum_,
  sin,
  sin_,
  sqr,
  sqr_,
  sqrt,
  sqrt_,
  tanh,
  tanh_,
} from "../math.ts";
export type { Binary, Binary_, Elementwise, Unary, Unary_ } from "../math.ts";
export * from "./functions.ts";

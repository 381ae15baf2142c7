/**
 * Vect-math as Neanderthal keeps it, in its own namespace: every elementwise function of the one
 * table (`lib/elementwise/table.ts`), on vectors, GE matrices and every structured kind (on a `tr`
 * only the stored triangle changes), on every engine. `f(x)` allocates its result; `f_(x)`
 * overwrites x, and `f_(x, y)` writes into y, returning what it wrote. Binary functions take a
 * second structure of the same shape.
 *
 * Accuracy against 40-digit references (tests/elementwise/accuracy_test.ts): within 1e-13
 * relative in float64 and 4 ulp in float32 on every engine — js, native, OpenCL and CUDA compute
 * a float32 result in double and round it; WebGPU, which has no double, has float32 algorithms
 * of its own. Special values (±0, ±∞, NaN, the ends of a domain) are C's.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { erf, lgamma } from "@knap/knap/math";
 * using e = erf(dv(0, 3));
 * using l = lgamma(dv(1, 2, 10));
 * if (toArray(l)[2] - Math.log(362880) > 1e-12 || toArray(e)[0] !== 0) throw new Error("unexpected");
 * ```
 *
 * @module
 */

import { ops } from "../elementwise/table.ts";
import { live } from "../core/checks.ts";
import {
  type Binary,
  type Binary_,
  destructive,
  destructiveBinary,
  type Elementwise,
  pure,
  pureBinary,
  type Unary,
  type Unary_,
} from "../elementwise/forms.ts";
import { cos, cos_, sin, sin_ } from "../math.ts";

/**
 * A new structure of the tangent tan x, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { tan } from "@knap/knap/math";
 * using x = dv([0.5]);
 * using r = tan(x);
 * if (Math.abs(toArray(r)[0] - 0.5463024898437905) > 1e-13 * Math.abs(0.5463024898437905)) throw new Error("unexpected");
 * ```
 */
export const tan: Unary = pure(ops.tan);

/**
 * Overwrites y (x itself when y is left out) with the tangent tan x, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { tan_ } from "@knap/knap/math";
 * using x = dv([0.5]);
 * const r = tan_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 0.5463024898437905) > 1e-13 * Math.abs(0.5463024898437905)) throw new Error("unexpected");
 * ```
 */
export const tan_: Unary_ = destructive(ops.tan);

/**
 * A new structure of the arcsine asin x, on [−1, 1], entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { asin } from "@knap/knap/math";
 * using x = dv([0.5]);
 * using r = asin(x);
 * if (Math.abs(toArray(r)[0] - 0.5235987755982989) > 1e-13 * Math.abs(0.5235987755982989)) throw new Error("unexpected");
 * ```
 */
export const asin: Unary = pure(ops.asin);

/**
 * Overwrites y (x itself when y is left out) with the arcsine asin x, on [−1, 1], entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { asin_ } from "@knap/knap/math";
 * using x = dv([0.5]);
 * const r = asin_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 0.5235987755982989) > 1e-13 * Math.abs(0.5235987755982989)) throw new Error("unexpected");
 * ```
 */
export const asin_: Unary_ = destructive(ops.asin);

/**
 * A new structure of the arccosine acos x, on [−1, 1], entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { acos } from "@knap/knap/math";
 * using x = dv([0.5]);
 * using r = acos(x);
 * if (Math.abs(toArray(r)[0] - 1.0471975511965979) > 1e-13 * Math.abs(1.0471975511965979)) throw new Error("unexpected");
 * ```
 */
export const acos: Unary = pure(ops.acos);

/**
 * Overwrites y (x itself when y is left out) with the arccosine acos x, on [−1, 1], entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { acos_ } from "@knap/knap/math";
 * using x = dv([0.5]);
 * const r = acos_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 1.0471975511965979) > 1e-13 * Math.abs(1.0471975511965979)) throw new Error("unexpected");
 * ```
 */
export const acos_: Unary_ = destructive(ops.acos);

/**
 * A new structure of the arctangent atan x, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { atan } from "@knap/knap/math";
 * using x = dv([1]);
 * using r = atan(x);
 * if (Math.abs(toArray(r)[0] - 0.7853981633974483) > 1e-13 * Math.abs(0.7853981633974483)) throw new Error("unexpected");
 * ```
 */
export const atan: Unary = pure(ops.atan);

/**
 * Overwrites y (x itself when y is left out) with the arctangent atan x, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { atan_ } from "@knap/knap/math";
 * using x = dv([1]);
 * const r = atan_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 0.7853981633974483) > 1e-13 * Math.abs(0.7853981633974483)) throw new Error("unexpected");
 * ```
 */
export const atan_: Unary_ = destructive(ops.atan);

/**
 * A new structure of the hyperbolic sine sinh x, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { sinh } from "@knap/knap/math";
 * using x = dv([1]);
 * using r = sinh(x);
 * if (Math.abs(toArray(r)[0] - 1.1752011936438014) > 1e-13 * Math.abs(1.1752011936438014)) throw new Error("unexpected");
 * ```
 */
export const sinh: Unary = pure(ops.sinh);

/**
 * Overwrites y (x itself when y is left out) with the hyperbolic sine sinh x, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { sinh_ } from "@knap/knap/math";
 * using x = dv([1]);
 * const r = sinh_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 1.1752011936438014) > 1e-13 * Math.abs(1.1752011936438014)) throw new Error("unexpected");
 * ```
 */
export const sinh_: Unary_ = destructive(ops.sinh);

/**
 * A new structure of the hyperbolic cosine cosh x, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { cosh } from "@knap/knap/math";
 * using x = dv([1]);
 * using r = cosh(x);
 * if (Math.abs(toArray(r)[0] - 1.5430806348152437) > 1e-13 * Math.abs(1.5430806348152437)) throw new Error("unexpected");
 * ```
 */
export const cosh: Unary = pure(ops.cosh);

/**
 * Overwrites y (x itself when y is left out) with the hyperbolic cosine cosh x, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { cosh_ } from "@knap/knap/math";
 * using x = dv([1]);
 * const r = cosh_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 1.5430806348152437) > 1e-13 * Math.abs(1.5430806348152437)) throw new Error("unexpected");
 * ```
 */
export const cosh_: Unary_ = destructive(ops.cosh);

/**
 * A new structure of the inverse hyperbolic sine asinh x, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { asinh } from "@knap/knap/math";
 * using x = dv([1]);
 * using r = asinh(x);
 * if (Math.abs(toArray(r)[0] - 0.881373587019543) > 1e-13 * Math.abs(0.881373587019543)) throw new Error("unexpected");
 * ```
 */
export const asinh: Unary = pure(ops.asinh);

/**
 * Overwrites y (x itself when y is left out) with the inverse hyperbolic sine asinh x, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { asinh_ } from "@knap/knap/math";
 * using x = dv([1]);
 * const r = asinh_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 0.881373587019543) > 1e-13 * Math.abs(0.881373587019543)) throw new Error("unexpected");
 * ```
 */
export const asinh_: Unary_ = destructive(ops.asinh);

/**
 * A new structure of the inverse hyperbolic cosine acosh x, for x ≥ 1, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { acosh } from "@knap/knap/math";
 * using x = dv([2]);
 * using r = acosh(x);
 * if (Math.abs(toArray(r)[0] - 1.3169578969248168) > 1e-13 * Math.abs(1.3169578969248168)) throw new Error("unexpected");
 * ```
 */
export const acosh: Unary = pure(ops.acosh);

/**
 * Overwrites y (x itself when y is left out) with the inverse hyperbolic cosine acosh x, for x ≥ 1, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { acosh_ } from "@knap/knap/math";
 * using x = dv([2]);
 * const r = acosh_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 1.3169578969248168) > 1e-13 * Math.abs(1.3169578969248168)) throw new Error("unexpected");
 * ```
 */
export const acosh_: Unary_ = destructive(ops.acosh);

/**
 * A new structure of the inverse hyperbolic tangent atanh x, on (−1, 1), entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { atanh } from "@knap/knap/math";
 * using x = dv([0.5]);
 * using r = atanh(x);
 * if (Math.abs(toArray(r)[0] - 0.5493061443340549) > 1e-13 * Math.abs(0.5493061443340549)) throw new Error("unexpected");
 * ```
 */
export const atanh: Unary = pure(ops.atanh);

/**
 * Overwrites y (x itself when y is left out) with the inverse hyperbolic tangent atanh x, on (−1, 1), entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { atanh_ } from "@knap/knap/math";
 * using x = dv([0.5]);
 * const r = atanh_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 0.5493061443340549) > 1e-13 * Math.abs(0.5493061443340549)) throw new Error("unexpected");
 * ```
 */
export const atanh_: Unary_ = destructive(ops.atanh);

/**
 * A new structure of the cube root ∛x (negative for negative x), entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { cbrt } from "@knap/knap/math";
 * using x = dv([-8]);
 * using r = cbrt(x);
 * if (toArray(r)[0] !== -2.0) throw new Error("unexpected");
 * ```
 */
export const cbrt: Unary = pure(ops.cbrt);

/**
 * Overwrites y (x itself when y is left out) with the cube root ∛x (negative for negative x), entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { cbrt_ } from "@knap/knap/math";
 * using x = dv([-8]);
 * const r = cbrt_(x);
 * if (r !== x || toArray(r)[0] !== -2.0) throw new Error("unexpected");
 * ```
 */
export const cbrt_: Unary_ = destructive(ops.cbrt);

/**
 * A new structure of the inverse cube root 1/∛x, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { invCbrt } from "@knap/knap/math";
 * using x = dv([8]);
 * using r = invCbrt(x);
 * if (Math.abs(toArray(r)[0] - 0.5) > 1e-13 * Math.abs(0.5)) throw new Error("unexpected");
 * ```
 */
export const invCbrt: Unary = pure(ops.invCbrt);

/**
 * Overwrites y (x itself when y is left out) with the inverse cube root 1/∛x, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { invCbrt_ } from "@knap/knap/math";
 * using x = dv([8]);
 * const r = invCbrt_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 0.5) > 1e-13 * Math.abs(0.5)) throw new Error("unexpected");
 * ```
 */
export const invCbrt_: Unary_ = destructive(ops.invCbrt);

/**
 * A new structure of the inverse square root 1/√x, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { invSqrt } from "@knap/knap/math";
 * using x = dv([4]);
 * using r = invSqrt(x);
 * if (Math.abs(toArray(r)[0] - 0.5) > 1e-13 * Math.abs(0.5)) throw new Error("unexpected");
 * ```
 */
export const invSqrt: Unary = pure(ops.invSqrt);

/**
 * Overwrites y (x itself when y is left out) with the inverse square root 1/√x, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { invSqrt_ } from "@knap/knap/math";
 * using x = dv([4]);
 * const r = invSqrt_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 0.5) > 1e-13 * Math.abs(0.5)) throw new Error("unexpected");
 * ```
 */
export const invSqrt_: Unary_ = destructive(ops.invSqrt);

/**
 * A new structure of the power x^(2/3), as ∛x² (defined for negative x), entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { pow23 } from "@knap/knap/math";
 * using x = dv([-8]);
 * using r = pow23(x);
 * if (toArray(r)[0] !== 4.0) throw new Error("unexpected");
 * ```
 */
export const pow23: Unary = pure(ops.pow23);

/**
 * Overwrites y (x itself when y is left out) with the power x^(2/3), as ∛x² (defined for negative x), entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { pow23_ } from "@knap/knap/math";
 * using x = dv([-8]);
 * const r = pow23_(x);
 * if (r !== x || toArray(r)[0] !== 4.0) throw new Error("unexpected");
 * ```
 */
export const pow23_: Unary_ = destructive(ops.pow23);

/**
 * A new structure of the power x^(3/2), as x·√x, for x ≥ 0, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { pow32 } from "@knap/knap/math";
 * using x = dv([4]);
 * using r = pow32(x);
 * if (toArray(r)[0] !== 8.0) throw new Error("unexpected");
 * ```
 */
export const pow32: Unary = pure(ops.pow32);

/**
 * Overwrites y (x itself when y is left out) with the power x^(3/2), as x·√x, for x ≥ 0, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { pow32_ } from "@knap/knap/math";
 * using x = dv([4]);
 * const r = pow32_(x);
 * if (r !== x || toArray(r)[0] !== 8.0) throw new Error("unexpected");
 * ```
 */
export const pow32_: Unary_ = destructive(ops.pow32);

/**
 * A new structure of the decimal logarithm log₁₀ x, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { log10 } from "@knap/knap/math";
 * using x = dv([1000]);
 * using r = log10(x);
 * if (toArray(r)[0] !== 3.0) throw new Error("unexpected");
 * ```
 */
export const log10: Unary = pure(ops.log10);

/**
 * Overwrites y (x itself when y is left out) with the decimal logarithm log₁₀ x, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { log10_ } from "@knap/knap/math";
 * using x = dv([1000]);
 * const r = log10_(x);
 * if (r !== x || toArray(r)[0] !== 3.0) throw new Error("unexpected");
 * ```
 */
export const log10_: Unary_ = destructive(ops.log10);

/**
 * A new structure of the error function erf x, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { erf } from "@knap/knap/math";
 * using x = dv([0.5]);
 * using r = erf(x);
 * if (Math.abs(toArray(r)[0] - 0.5204998778130465) > 1e-13 * Math.abs(0.5204998778130465)) throw new Error("unexpected");
 * ```
 */
export const erf: Unary = pure(ops.erf);

/**
 * Overwrites y (x itself when y is left out) with the error function erf x, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { erf_ } from "@knap/knap/math";
 * using x = dv([0.5]);
 * const r = erf_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 0.5204998778130465) > 1e-13 * Math.abs(0.5204998778130465)) throw new Error("unexpected");
 * ```
 */
export const erf_: Unary_ = destructive(ops.erf);

/**
 * A new structure of the complementary error function erfc x = 1 − erf x, accurate far into its tail, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { erfc } from "@knap/knap/math";
 * using x = dv([5]);
 * using r = erfc(x);
 * if (Math.abs(toArray(r)[0] - 1.537459794428035e-12) > 1e-13 * Math.abs(1.537459794428035e-12)) throw new Error("unexpected");
 * ```
 */
export const erfc: Unary = pure(ops.erfc);

/**
 * Overwrites y (x itself when y is left out) with the complementary error function erfc x = 1 − erf x, accurate far into its tail, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { erfc_ } from "@knap/knap/math";
 * using x = dv([5]);
 * const r = erfc_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 1.537459794428035e-12) > 1e-13 * Math.abs(1.537459794428035e-12)) throw new Error("unexpected");
 * ```
 */
export const erfc_: Unary_ = destructive(ops.erfc);

/**
 * A new structure of the inverse error function: erf(erfInv y) = y on [−1, 1], entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { erfInv } from "@knap/knap/math";
 * using x = dv([0.5]);
 * using r = erfInv(x);
 * if (Math.abs(toArray(r)[0] - 0.4769362762044699) > 1e-13 * Math.abs(0.4769362762044699)) throw new Error("unexpected");
 * ```
 */
export const erfInv: Unary = pure(ops.erfInv);

/**
 * Overwrites y (x itself when y is left out) with the inverse error function: erf(erfInv y) = y on [−1, 1], entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { erfInv_ } from "@knap/knap/math";
 * using x = dv([0.5]);
 * const r = erfInv_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 0.4769362762044699) > 1e-13 * Math.abs(0.4769362762044699)) throw new Error("unexpected");
 * ```
 */
export const erfInv_: Unary_ = destructive(ops.erfInv);

/**
 * A new structure of the inverse complementary error function: erfc(erfcInv q) = q on [0, 2], entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { erfcInv } from "@knap/knap/math";
 * using x = dv([1e-10]);
 * using r = erfcInv(x);
 * if (Math.abs(toArray(r)[0] - 4.572824967389486) > 1e-13 * Math.abs(4.572824967389486)) throw new Error("unexpected");
 * ```
 */
export const erfcInv: Unary = pure(ops.erfcInv);

/**
 * Overwrites y (x itself when y is left out) with the inverse complementary error function: erfc(erfcInv q) = q on [0, 2], entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { erfcInv_ } from "@knap/knap/math";
 * using x = dv([1e-10]);
 * const r = erfcInv_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 4.572824967389486) > 1e-13 * Math.abs(4.572824967389486)) throw new Error("unexpected");
 * ```
 */
export const erfcInv_: Unary_ = destructive(ops.erfcInv);

/**
 * A new structure of the standard normal distribution function Φ(x), entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { cdfNorm } from "@knap/knap/math";
 * using x = dv([-1]);
 * using r = cdfNorm(x);
 * if (Math.abs(toArray(r)[0] - 0.15865525393145705) > 1e-13 * Math.abs(0.15865525393145705)) throw new Error("unexpected");
 * ```
 */
export const cdfNorm: Unary = pure(ops.cdfNorm);

/**
 * Overwrites y (x itself when y is left out) with the standard normal distribution function Φ(x), entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { cdfNorm_ } from "@knap/knap/math";
 * using x = dv([-1]);
 * const r = cdfNorm_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 0.15865525393145705) > 1e-13 * Math.abs(0.15865525393145705)) throw new Error("unexpected");
 * ```
 */
export const cdfNorm_: Unary_ = destructive(ops.cdfNorm);

/**
 * A new structure of the inverse of the standard normal distribution function, Φ⁻¹(p) on [0, 1], entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { cdfNormInv } from "@knap/knap/math";
 * using x = dv([0.975]);
 * using r = cdfNormInv(x);
 * if (Math.abs(toArray(r)[0] - 1.9599639845400538) > 1e-13 * Math.abs(1.9599639845400538)) throw new Error("unexpected");
 * ```
 */
export const cdfNormInv: Unary = pure(ops.cdfNormInv);

/**
 * Overwrites y (x itself when y is left out) with the inverse of the standard normal distribution function, Φ⁻¹(p) on [0, 1], entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { cdfNormInv_ } from "@knap/knap/math";
 * using x = dv([0.975]);
 * const r = cdfNormInv_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 1.9599639845400538) > 1e-13 * Math.abs(1.9599639845400538)) throw new Error("unexpected");
 * ```
 */
export const cdfNormInv_: Unary_ = destructive(ops.cdfNormInv);

/**
 * A new structure of the gamma function Γ(x), entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { gamma } from "@knap/knap/math";
 * using x = dv([4.5]);
 * using r = gamma(x);
 * if (Math.abs(toArray(r)[0] - 11.631728396567448) > 1e-13 * Math.abs(11.631728396567448)) throw new Error("unexpected");
 * ```
 */
export const gamma: Unary = pure(ops.gamma);

/**
 * Overwrites y (x itself when y is left out) with the gamma function Γ(x), entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { gamma_ } from "@knap/knap/math";
 * using x = dv([4.5]);
 * const r = gamma_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 11.631728396567448) > 1e-13 * Math.abs(11.631728396567448)) throw new Error("unexpected");
 * ```
 */
export const gamma_: Unary_ = destructive(ops.gamma);

/**
 * A new structure of the logarithm of the gamma function's magnitude, log |Γ(x)|, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { lgamma } from "@knap/knap/math";
 * using x = dv([100]);
 * using r = lgamma(x);
 * if (Math.abs(toArray(r)[0] - 359.1342053695754) > 1e-13 * Math.abs(359.1342053695754)) throw new Error("unexpected");
 * ```
 */
export const lgamma: Unary = pure(ops.lgamma);

/**
 * Overwrites y (x itself when y is left out) with the logarithm of the gamma function's magnitude, log |Γ(x)|, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { lgamma_ } from "@knap/knap/math";
 * using x = dv([100]);
 * const r = lgamma_(x);
 * if (r !== x || Math.abs(toArray(r)[0] - 359.1342053695754) > 1e-13 * Math.abs(359.1342053695754)) throw new Error("unexpected");
 * ```
 */
export const lgamma_: Unary_ = destructive(ops.lgamma);

/**
 * A new structure of the integer part of x, rounded toward zero, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { trunc } from "@knap/knap/math";
 * using x = dv([-2.7]);
 * using r = trunc(x);
 * if (toArray(r)[0] !== -2.0) throw new Error("unexpected");
 * ```
 */
export const trunc: Unary = pure(ops.trunc);

/**
 * Overwrites y (x itself when y is left out) with the integer part of x, rounded toward zero, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { trunc_ } from "@knap/knap/math";
 * using x = dv([-2.7]);
 * const r = trunc_(x);
 * if (r !== x || toArray(r)[0] !== -2.0) throw new Error("unexpected");
 * ```
 */
export const trunc_: Unary_ = destructive(ops.trunc);

/**
 * A new structure of the fractional part x − trunc(x), with x's sign, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { frac } from "@knap/knap/math";
 * using x = dv([-2.75]);
 * using r = frac(x);
 * if (toArray(r)[0] !== -0.75) throw new Error("unexpected");
 * ```
 */
export const frac: Unary = pure(ops.frac);

/**
 * Overwrites y (x itself when y is left out) with the fractional part x − trunc(x), with x's sign, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { frac_ } from "@knap/knap/math";
 * using x = dv([-2.75]);
 * const r = frac_(x);
 * if (r !== x || toArray(r)[0] !== -0.75) throw new Error("unexpected");
 * ```
 */
export const frac_: Unary_ = destructive(ops.frac);

/**
 * A new structure of the angle atan2(x, y) of the point (y, x), entry by entry, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { atan2 } from "@knap/knap/math";
 * using x = dv([1]), y = dv([-1]);
 * using r = atan2(x, y);
 * if (Math.abs(toArray(r)[0] - 2.356194490192345) > 1e-13 * Math.abs(2.356194490192345)) throw new Error("unexpected");
 * ```
 */
export const atan2: Binary = pureBinary(ops.atan2);

/**
 * Overwrites z (x itself when z is left out) with the angle atan2(x, y) of the point (y, x), entry by entry, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { atan2_ } from "@knap/knap/math";
 * using x = dv([1]), y = dv([-1]);
 * const r = atan2_(x, y);
 * if (r !== x || Math.abs(toArray(r)[0] - 2.356194490192345) > 1e-13 * Math.abs(2.356194490192345)) throw new Error("unexpected");
 * ```
 */
export const atan2_: Binary_ = destructiveBinary(ops.atan2);

/**
 * A new structure of the hypotenuse √(x² + y²) without overflow or underflow in between, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { hypot } from "@knap/knap/math";
 * using x = dv([3]), y = dv([4]);
 * using r = hypot(x, y);
 * if (toArray(r)[0] !== 5.0) throw new Error("unexpected");
 * ```
 */
export const hypot: Binary = pureBinary(ops.hypot);

/**
 * Overwrites z (x itself when z is left out) with the hypotenuse √(x² + y²) without overflow or underflow in between, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { hypot_ } from "@knap/knap/math";
 * using x = dv([3]), y = dv([4]);
 * const r = hypot_(x, y);
 * if (r !== x || toArray(r)[0] !== 5.0) throw new Error("unexpected");
 * ```
 */
export const hypot_: Binary_ = destructiveBinary(ops.hypot);

/**
 * A new structure of the magnitude of x with the sign of y, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { copySign } from "@knap/knap/math";
 * using x = dv([3]), y = dv([-0.5]);
 * using r = copySign(x, y);
 * if (toArray(r)[0] !== -3.0) throw new Error("unexpected");
 * ```
 */
export const copySign: Binary = pureBinary(ops.copySign);

/**
 * Overwrites z (x itself when z is left out) with the magnitude of x with the sign of y, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { copySign_ } from "@knap/knap/math";
 * using x = dv([3]), y = dv([-0.5]);
 * const r = copySign_(x, y);
 * if (r !== x || toArray(r)[0] !== -3.0) throw new Error("unexpected");
 * ```
 */
export const copySign_: Binary_ = destructiveBinary(ops.copySign);

/**
 * A new structure of the remainder of x/y with the quotient truncated (C's fmod), exact, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { fmod } from "@knap/knap/math";
 * using x = dv([7]), y = dv([-2]);
 * using r = fmod(x, y);
 * if (toArray(r)[0] !== 1.0) throw new Error("unexpected");
 * ```
 */
export const fmod: Binary = pureBinary(ops.fmod);

/**
 * Overwrites z (x itself when z is left out) with the remainder of x/y with the quotient truncated (C's fmod), exact, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { fmod_ } from "@knap/knap/math";
 * using x = dv([7]), y = dv([-2]);
 * const r = fmod_(x, y);
 * if (r !== x || toArray(r)[0] !== 1.0) throw new Error("unexpected");
 * ```
 */
export const fmod_: Binary_ = destructiveBinary(ops.fmod);

/**
 * A new structure of the IEEE remainder of x/y with the quotient rounded to nearest, exact, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { frem } from "@knap/knap/math";
 * using x = dv([7]), y = dv([2]);
 * using r = frem(x, y);
 * if (toArray(r)[0] !== -1.0) throw new Error("unexpected");
 * ```
 */
export const frem: Binary = pureBinary(ops.frem);

/**
 * Overwrites z (x itself when z is left out) with the IEEE remainder of x/y with the quotient rounded to nearest, exact, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { frem_ } from "@knap/knap/math";
 * using x = dv([7]), y = dv([2]);
 * const r = frem_(x, y);
 * if (r !== x || toArray(r)[0] !== -1.0) throw new Error("unexpected");
 * ```
 */
export const frem_: Binary_ = destructiveBinary(ops.frem);

/** Throws unless the two outputs of a two-output function are apart. */
function twoOutputs(op: string, a: Elementwise, b: Elementwise): void {
  if (a === b) throw new RangeError(`${op}: the two outputs are one structure`);
}

/**
 * Overwrites s with sin x and c with cos x, entry by entry (Neanderthal's `sincos!`); returns
 * [s, c]. Either output may be x itself.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { sincos_ } from "@knap/knap/math";
 * using x = dv(0, Math.PI / 2), s = dv(2), c = dv(2);
 * sincos_(x, s, c);
 * if (toArray(s)[0] !== 0 || toArray(c)[0] !== 1) throw new Error("unexpected");
 * ```
 */
export function sincos_<S extends Elementwise>(x: S, s: S, c: S): [S, S] {
  live("sincos_", x, "x");
  twoOutputs("sincos_", s, c);
  // Whichever output is x is written last, so x is read whole by the other.
  if (s === x) {
    cos_(x, c);
    sin_(x, s);
  } else {
    sin_(x, s);
    cos_(x, c);
  }
  return [s, c];
}

/**
 * New structures of sin x and cos x.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { sincos } from "@knap/knap/math";
 * const [s, c] = sincos(dv([0]));
 * if (toArray(s)[0] !== 0 || toArray(c)[0] !== 1) throw new Error("unexpected");
 * s[Symbol.dispose]();
 * c[Symbol.dispose]();
 * ```
 */
export function sincos<S extends Elementwise>(x: S): [S, S] {
  return [sin(x), cos(x)];
}

/**
 * Overwrites i with the integer parts of x (toward zero) and f with the fractional parts, entry
 * by entry (Neanderthal's `modf!`, C's modf); returns [i, f]. Either output may be x itself.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { modf_ } from "@knap/knap/math";
 * using x = dv(-2.75, 1.5), i = dv(2), f = dv(2);
 * modf_(x, i, f);
 * if (toArray(i).join() !== "-2,1" || toArray(f).join() !== "-0.75,0.5") throw new Error("unexpected");
 * ```
 */
export function modf_<S extends Elementwise>(x: S, i: S, f: S): [S, S] {
  live("modf_", x, "x");
  twoOutputs("modf_", i, f);
  if (i === x) {
    frac_(x, f);
    trunc_(x, i);
  } else {
    trunc_(x, i);
    frac_(x, f);
  }
  return [i, f];
}

/**
 * New structures of the integer and the fractional parts of x.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { modf } from "@knap/knap/math";
 * const [i, f] = modf(dv([3.25]));
 * if (toArray(i)[0] !== 3 || toArray(f)[0] !== 0.25) throw new Error("unexpected");
 * i[Symbol.dispose]();
 * f[Symbol.dispose]();
 * ```
 */
export function modf<S extends Elementwise>(x: S): [S, S] {
  return [trunc(x), frac(x)];
}

/**
 * Vect-math: elementwise functions over vectors and matrices of any layout and stride, each
 * declared once in `lib/elementwise/table.ts`. `f(x)` allocates its result; `f_(x)` overwrites
 * x, and `f_(x, y)` writes into y, returning what it wrote.
 *
 * @module
 */

import type { OpName } from "./elementwise/table.ts";
import { derivativeOf, ops, outputDerivativeOf } from "./elementwise/table.ts";
import type { Structure } from "./core/structures.ts";
import {
  type Binary,
  type Binary_,
  destructive,
  destructiveBinary,
  type Elementwise,
  pure,
  pureBinary,
  run,
  type Unary,
  type Unary_,
} from "./elementwise/forms.ts";

export type { Binary, Binary_, Elementwise, Unary, Unary_ };

/**
 * Overwrites delta with f'(z) ⊙ delta, where f is an elementwise function with a derivative
 * (`"tanh"`, `"sigmoid"`, `"relu"`, `"elu"`, `"linear"`, `"sqr"`, …): the activation derivative
 * times the error, in one pass, as backpropagation needs it. `params` are f's parameters (elu's
 * alpha, linear's a and b). Returns delta.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { derivative_ } from "@knap/knap/math";
 * using z = dv(0, 2);
 * using delta = dv(1, 1);
 * derivative_("tanh", z, delta); // 1 − tanh²(z)
 * if (toArray(delta)[0] !== 1 || Math.abs(toArray(delta)[1] - 0.0707) > 1e-4) throw new Error();
 * ```
 */
export function derivative_<S extends Structure>(
  name: OpName,
  z: Structure,
  delta: S,
  ...params: number[]
): S {
  const op = ops[name];
  if (op === undefined || op.df === undefined || op.arity !== 1) {
    throw new TypeError(`derivative_: ${String(name)} has no derivative in the elementwise table`);
  }
  if (params.length !== op.params.length) {
    throw new TypeError(
      `derivative_: ${name} takes ${op.params.length} parameters (${
        op.params.join(", ")
      }), got ${params.length}`,
    );
  }
  return run("derivative_", derivativeOf(op), params, z, delta, delta) as S;
}

/**
 * Overwrites delta with f'(z) ⊙ delta like {@linkcode derivative_}, but from the output
 * a = f(z) rather than z — as backpropagation keeps it — for `"tanh"` (1 − a²), `"sigmoid"`
 * (a(1 − a)), `"relu"` and `"elu"`. Returns delta.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { outputDerivative_ } from "@knap/knap/math";
 * using a = dv(0.5, 0.9); // sigmoid outputs
 * using delta = dv(1, 2);
 * outputDerivative_("sigmoid", a, delta);
 * if (Array.from(toArray(delta), (v) => v.toFixed(2)).join() !== "0.25,0.18") throw new Error();
 * ```
 */
export function outputDerivative_<S extends Structure>(
  name: "tanh" | "sigmoid" | "relu" | "elu",
  a: Structure,
  delta: S,
  ...params: number[]
): S {
  const op = ops[name];
  if (op === undefined || op.dfOut === undefined) {
    throw new TypeError(
      `outputDerivative_: ${String(name)} has no derivative in terms of its output`,
    );
  }
  if (params.length !== op.params.length) {
    throw new TypeError(
      `outputDerivative_: ${name} takes ${op.params.length} parameters (${
        op.params.join(", ")
      }), got ${params.length}`,
    );
  }
  return run("outputDerivative_", outputDerivativeOf(op), params, a, delta, delta) as S;
}

/** clamp's bounds may be infinite (one-sided), never NaN, and lo may not pass hi. */

/**
 * A new structure of x limited to [lo, hi] entry by entry (either bound may be infinite).
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { clamp } from "@knap/knap/math";
 * using y = clamp(dv(-2, 0.5, 3), 0, 1);
 * if (toArray(y).join() !== "0,0.5,1") throw new Error("unexpected");
 * ```
 */
export function clamp<S extends Structure>(x: S, lo: number, hi: number): S {
  return run("clamp", ops.clamp, [lo, hi], x, undefined, "fresh") as S;
}

/**
 * Overwrites y (or x) with x limited to [lo, hi]; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { clamp_ } from "@knap/knap/math";
 * using x = dv(-2, 0.5, 3);
 * if (toArray(clamp_(x, -1, 1)).join() !== "-1,0.5,1") throw new Error("unexpected");
 * ```
 */
export function clamp_<S extends Structure>(x: S, lo: number, hi: number, y?: S): S {
  return run("clamp_", ops.clamp, [lo, hi], x, undefined, y ?? x) as S;
}

/**
 * A new structure of the exponential linear unit: x for x > 0, α(eˣ − 1) otherwise.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { elu } from "@knap/knap/math";
 * using y = elu(dv(2, 0), 0.5);
 * if (toArray(y).join() !== "2,0") throw new Error("unexpected");
 * ```
 */
export function elu<S extends Structure>(x: S, alpha = 1): S {
  return run("elu", ops.elu, [alpha], x, undefined, "fresh") as S;
}

/**
 * Overwrites y (or x) with the exponential linear unit of x; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { elu_ } from "@knap/knap/math";
 * using x = dv(3, 0);
 * if (toArray(elu_(x)).join() !== "3,0") throw new Error("unexpected");
 * ```
 */
export function elu_<S extends Structure>(x: S, alpha = 1, y?: S): S {
  return run("elu_", ops.elu, [alpha], x, undefined, y ?? x) as S;
}

/**
 * A new structure xᵖ: p a number, or a structure of exponents of x's shape.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { pow } from "@knap/knap/math";
 * using y = pow(dv(2, 3), 2);
 * using z = pow(dv(2, 3), dv(3, 1));
 * if (toArray(y).join() !== "4,9" || toArray(z).join() !== "8,3") throw new Error("unexpected");
 * ```
 */
export function pow<S extends Structure>(x: S, p: number | Structure): S {
  return typeof p === "number"
    ? run("pow", ops.powx, [p], x, undefined, "fresh") as S
    : run("pow", ops.pow, [], x, p, "fresh") as S;
}

/**
 * Overwrites z (or x) with xᵖ, p a number or a structure of exponents; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { pow_ } from "@knap/knap/math";
 * using x = dv(2, 3);
 * if (toArray(pow_(x, 3)).join() !== "8,27") throw new Error("unexpected");
 * ```
 */
export function pow_<S extends Structure>(x: S, p: number | Structure, z?: S): S {
  return typeof p === "number"
    ? run("pow_", ops.powx, [p], x, undefined, z ?? x) as S
    : run("pow_", ops.pow, [], x, p, z ?? x) as S;
}

/**
 * A new structure a·x + b, or (a·x + b) / (c·y + d) with six arguments.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { linearFrac } from "@knap/knap/math";
 * using y = linearFrac(2, dv(1, 2), 1);
 * using z = linearFrac(1, dv(1, 2), 1, 2, dv(0, 1), 1);
 * if (toArray(y).join() !== "3,5" || toArray(z).join() !== "2,1") throw new Error("unexpected");
 * ```
 */
export function linearFrac<S extends Structure>(a: number, x: S, b: number): S;
/** The form `linearFrac(a, x, b, c, y, d)`; see the first signature. */
export function linearFrac<S extends Structure>(
  a: number,
  x: S,
  b: number,
  c: number,
  y: Structure,
  d: number,
): S;
export function linearFrac(
  a: number,
  x: Structure,
  b: number,
  c?: number,
  y?: Structure,
  d?: number,
): Structure {
  return y === undefined
    ? run("linearFrac", ops.linear, [a, b], x, undefined, "fresh") as Structure
    : run(
      "linearFrac",
      ops.linearFrac,
      [a, b, c as number, d as number],
      x,
      y,
      "fresh",
    ) as Structure;
}

/**
 * Overwrites x with a·x + b, or with (a·x + b) / (c·y + d) given six arguments; returns x.
 * The book's sigmoid is `linearFrac_(0.5, tanh_(scal_(0.5, x)), 0.5)`.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { linearFrac_ } from "@knap/knap/math";
 * using x = dv(1, 2);
 * if (toArray(linearFrac_(2, x, 1)).join() !== "3,5") throw new Error("unexpected");
 * ```
 */
export function linearFrac_<S extends Structure>(a: number, x: S, b: number): S;
/** The form `linearFrac_(a, x, b, c, y, d)`; see the first signature. */
export function linearFrac_<S extends Structure>(
  a: number,
  x: S,
  b: number,
  c: number,
  y: Structure,
  d: number,
): S;
export function linearFrac_(
  a: number,
  x: Structure,
  b: number,
  c?: number,
  y?: Structure,
  d?: number,
): Structure {
  return y === undefined
    ? run("linearFrac_", ops.linear, [a, b], x, undefined, x) as Structure
    : run("linearFrac_", ops.linearFrac, [a, b, c as number, d as number], x, y, x) as Structure;
}

/**
 * A new structure of x², entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { sqr } from "@knap/knap/math";
 * using y = sqr(dv(1, -2));
 * if (toArray(y).join() !== [1, 4].join()) throw new Error("unexpected");
 * ```
 */
export const sqr: Unary = pure(ops.sqr);

/**
 * Overwrites y (x itself when y is left out) with x², entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { sqr_ } from "@knap/knap/math";
 * using x = dv(1, -2);
 * if (sqr_(x) !== x || toArray(x).join() !== [1, 4].join()) throw new Error("unexpected");
 * ```
 */
export const sqr_: Unary_ = destructive(ops.sqr);

/**
 * A new structure of √x, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { sqrt } from "@knap/knap/math";
 * using y = sqrt(dv(1, 9));
 * if (toArray(y).join() !== [1, 3].join()) throw new Error("unexpected");
 * ```
 */
export const sqrt: Unary = pure(ops.sqrt);

/**
 * Overwrites y (x itself when y is left out) with √x, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { sqrt_ } from "@knap/knap/math";
 * using x = dv(1, 9);
 * if (sqrt_(x) !== x || toArray(x).join() !== [1, 3].join()) throw new Error("unexpected");
 * ```
 */
export const sqrt_: Unary_ = destructive(ops.sqrt);

/**
 * A new structure of |x|, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { abs } from "@knap/knap/math";
 * using y = abs(dv(-1, 2));
 * if (toArray(y).join() !== [1, 2].join()) throw new Error("unexpected");
 * ```
 */
export const abs: Unary = pure(ops.abs);

/**
 * Overwrites y (x itself when y is left out) with |x|, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { abs_ } from "@knap/knap/math";
 * using x = dv(-1, 2);
 * if (abs_(x) !== x || toArray(x).join() !== [1, 2].join()) throw new Error("unexpected");
 * ```
 */
export const abs_: Unary_ = destructive(ops.abs);

/**
 * A new structure of eˣ, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { exp } from "@knap/knap/math";
 * using y = exp(dv(0, 0));
 * if (toArray(y).join() !== [1, 1].join()) throw new Error("unexpected");
 * ```
 */
export const exp: Unary = pure(ops.exp);

/**
 * Overwrites y (x itself when y is left out) with eˣ, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { exp_ } from "@knap/knap/math";
 * using x = dv(0, 0);
 * if (exp_(x) !== x || toArray(x).join() !== [1, 1].join()) throw new Error("unexpected");
 * ```
 */
export const exp_: Unary_ = destructive(ops.exp);

/**
 * A new structure of eˣ − 1, accurate near 0, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { expm1 } from "@knap/knap/math";
 * using y = expm1(dv(0, 0));
 * if (toArray(y).join() !== [0, 0].join()) throw new Error("unexpected");
 * ```
 */
export const expm1: Unary = pure(ops.expm1);

/**
 * Overwrites y (x itself when y is left out) with eˣ − 1, accurate near 0, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { expm1_ } from "@knap/knap/math";
 * using x = dv(0, 0);
 * if (expm1_(x) !== x || toArray(x).join() !== [0, 0].join()) throw new Error("unexpected");
 * ```
 */
export const expm1_: Unary_ = destructive(ops.expm1);

/**
 * A new structure of the natural logarithm, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { log } from "@knap/knap/math";
 * using y = log(dv(1, 1));
 * if (toArray(y).join() !== [0, 0].join()) throw new Error("unexpected");
 * ```
 */
export const log: Unary = pure(ops.log);

/**
 * Overwrites y (x itself when y is left out) with the natural logarithm, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { log_ } from "@knap/knap/math";
 * using x = dv(1, 1);
 * if (log_(x) !== x || toArray(x).join() !== [0, 0].join()) throw new Error("unexpected");
 * ```
 */
export const log_: Unary_ = destructive(ops.log);

/**
 * A new structure of ln(1 + x), accurate near 0, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { log1p } from "@knap/knap/math";
 * using y = log1p(dv(0, 0));
 * if (toArray(y).join() !== [0, 0].join()) throw new Error("unexpected");
 * ```
 */
export const log1p: Unary = pure(ops.log1p);

/**
 * Overwrites y (x itself when y is left out) with ln(1 + x), accurate near 0, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { log1p_ } from "@knap/knap/math";
 * using x = dv(0, 0);
 * if (log1p_(x) !== x || toArray(x).join() !== [0, 0].join()) throw new Error("unexpected");
 * ```
 */
export const log1p_: Unary_ = destructive(ops.log1p);

/**
 * A new structure of sine, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { sin } from "@knap/knap/math";
 * using y = sin(dv(0, 0));
 * if (toArray(y).join() !== [0, 0].join()) throw new Error("unexpected");
 * ```
 */
export const sin: Unary = pure(ops.sin);

/**
 * Overwrites y (x itself when y is left out) with sine, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { sin_ } from "@knap/knap/math";
 * using x = dv(0, 0);
 * if (sin_(x) !== x || toArray(x).join() !== [0, 0].join()) throw new Error("unexpected");
 * ```
 */
export const sin_: Unary_ = destructive(ops.sin);

/**
 * A new structure of cosine, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { cos } from "@knap/knap/math";
 * using y = cos(dv(0, 0));
 * if (toArray(y).join() !== [1, 1].join()) throw new Error("unexpected");
 * ```
 */
export const cos: Unary = pure(ops.cos);

/**
 * Overwrites y (x itself when y is left out) with cosine, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { cos_ } from "@knap/knap/math";
 * using x = dv(0, 0);
 * if (cos_(x) !== x || toArray(x).join() !== [1, 1].join()) throw new Error("unexpected");
 * ```
 */
export const cos_: Unary_ = destructive(ops.cos);

/**
 * A new structure of the hyperbolic tangent, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { tanh } from "@knap/knap/math";
 * using y = tanh(dv(0, 0));
 * if (toArray(y).join() !== [0, 0].join()) throw new Error("unexpected");
 * ```
 */
export const tanh: Unary = pure(ops.tanh);

/**
 * Overwrites y (x itself when y is left out) with the hyperbolic tangent, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { tanh_ } from "@knap/knap/math";
 * using x = dv(0, 0);
 * if (tanh_(x) !== x || toArray(x).join() !== [0, 0].join()) throw new Error("unexpected");
 * ```
 */
export const tanh_: Unary_ = destructive(ops.tanh);

/**
 * A new structure of the logistic function 1 / (1 + e⁻ˣ), computed as ½ + ½·tanh(x/2) so it never overflows, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { sigmoid } from "@knap/knap/math";
 * using y = sigmoid(dv(0, 0));
 * if (toArray(y).join() !== [0.5, 0.5].join()) throw new Error("unexpected");
 * ```
 */
export const sigmoid: Unary = pure(ops.sigmoid);

/**
 * Overwrites y (x itself when y is left out) with the logistic function 1 / (1 + e⁻ˣ), computed as ½ + ½·tanh(x/2) so it never overflows, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { sigmoid_ } from "@knap/knap/math";
 * using x = dv(0, 0);
 * if (sigmoid_(x) !== x || toArray(x).join() !== [0.5, 0.5].join()) throw new Error("unexpected");
 * ```
 */
export const sigmoid_: Unary_ = destructive(ops.sigmoid);

/**
 * A new structure of max(x, 0), entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { relu } from "@knap/knap/math";
 * using y = relu(dv(-1, 2));
 * if (toArray(y).join() !== [0, 2].join()) throw new Error("unexpected");
 * ```
 */
export const relu: Unary = pure(ops.relu);

/**
 * Overwrites y (x itself when y is left out) with max(x, 0), entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { relu_ } from "@knap/knap/math";
 * using x = dv(-1, 2);
 * if (relu_(x) !== x || toArray(x).join() !== [0, 2].join()) throw new Error("unexpected");
 * ```
 */
export const relu_: Unary_ = destructive(ops.relu);

/**
 * A new structure of the sign: −1, 0 or 1, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { signum } from "@knap/knap/math";
 * using y = signum(dv(-3, 3));
 * if (toArray(y).join() !== [-1, 1].join()) throw new Error("unexpected");
 * ```
 */
export const signum: Unary = pure(ops.signum);

/**
 * Overwrites y (x itself when y is left out) with the sign: −1, 0 or 1, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { signum_ } from "@knap/knap/math";
 * using x = dv(-3, 3);
 * if (signum_(x) !== x || toArray(x).join() !== [-1, 1].join()) throw new Error("unexpected");
 * ```
 */
export const signum_: Unary_ = destructive(ops.signum);

/**
 * A new structure of the nearest integer, halves away from zero, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { round } from "@knap/knap/math";
 * using y = round(dv(2.5, -2.5));
 * if (toArray(y).join() !== [3, -3].join()) throw new Error("unexpected");
 * ```
 */
export const round: Unary = pure(ops.round);

/**
 * Overwrites y (x itself when y is left out) with the nearest integer, halves away from zero, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { round_ } from "@knap/knap/math";
 * using x = dv(2.5, -2.5);
 * if (round_(x) !== x || toArray(x).join() !== [3, -3].join()) throw new Error("unexpected");
 * ```
 */
export const round_: Unary_ = destructive(ops.round);

/**
 * A new structure of the largest integer ≤ x, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { floor } from "@knap/knap/math";
 * using y = floor(dv(1.5, -1.5));
 * if (toArray(y).join() !== [1, -2].join()) throw new Error("unexpected");
 * ```
 */
export const floor: Unary = pure(ops.floor);

/**
 * Overwrites y (x itself when y is left out) with the largest integer ≤ x, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { floor_ } from "@knap/knap/math";
 * using x = dv(1.5, -1.5);
 * if (floor_(x) !== x || toArray(x).join() !== [1, -2].join()) throw new Error("unexpected");
 * ```
 */
export const floor_: Unary_ = destructive(ops.floor);

/**
 * A new structure of the smallest integer ≥ x, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { ceil } from "@knap/knap/math";
 * using y = ceil(dv(1.5, -1.5));
 * if (toArray(y).join() !== [2, -1].join()) throw new Error("unexpected");
 * ```
 */
export const ceil: Unary = pure(ops.ceil);

/**
 * Overwrites y (x itself when y is left out) with the smallest integer ≥ x, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { ceil_ } from "@knap/knap/math";
 * using x = dv(1.5, -1.5);
 * if (ceil_(x) !== x || toArray(x).join() !== [2, -1].join()) throw new Error("unexpected");
 * ```
 */
export const ceil_: Unary_ = destructive(ops.ceil);

/**
 * A new structure of 1 / x, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { inv } from "@knap/knap/math";
 * using y = inv(dv(2, -0.25));
 * if (toArray(y).join() !== [0.5, -4].join()) throw new Error("unexpected");
 * ```
 */
export const inv: Unary = pure(ops.inv);

/**
 * Overwrites y (x itself when y is left out) with 1 / x, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { inv_ } from "@knap/knap/math";
 * using x = dv(2, -0.25);
 * if (inv_(x) !== x || toArray(x).join() !== [0.5, -4].join()) throw new Error("unexpected");
 * ```
 */
export const inv_: Unary_ = destructive(ops.inv);

/**
 * A new structure of xᵢ·yᵢ, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { mul } from "@knap/knap/math";
 * using z = mul(dv(3, 4), dv(1, 2));
 * if (toArray(z).join() !== [3, 8].join()) throw new Error("unexpected");
 * ```
 */
export const mul: Binary = pureBinary(ops.mul);

/**
 * Overwrites z (x itself when z is left out) with xᵢ·yᵢ, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { mul_ } from "@knap/knap/math";
 * using x = dv(3, 4);
 * using y = dv(1, 2);
 * if (mul_(x, y) !== x || toArray(x).join() !== [3, 8].join()) throw new Error("unexpected");
 * ```
 */
export const mul_: Binary_ = destructiveBinary(ops.mul);

/**
 * A new structure of xᵢ / yᵢ, entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { div } from "@knap/knap/math";
 * using z = div(dv(3, 4), dv(1, 2));
 * if (toArray(z).join() !== [3, 2].join()) throw new Error("unexpected");
 * ```
 */
export const div: Binary = pureBinary(ops.div);

/**
 * Overwrites z (x itself when z is left out) with xᵢ / yᵢ, entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { div_ } from "@knap/knap/math";
 * using x = dv(3, 4);
 * using y = dv(1, 2);
 * if (div_(x, y) !== x || toArray(x).join() !== [3, 2].join()) throw new Error("unexpected");
 * ```
 */
export const div_: Binary_ = destructiveBinary(ops.div);

/**
 * A new structure of max(xᵢ, yᵢ), entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { fmax } from "@knap/knap/math";
 * using z = fmax(dv(3, 4), dv(1, 2));
 * if (toArray(z).join() !== [3, 4].join()) throw new Error("unexpected");
 * ```
 */
export const fmax: Binary = pureBinary(ops.fmax);

/**
 * Overwrites z (x itself when z is left out) with max(xᵢ, yᵢ), entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { fmax_ } from "@knap/knap/math";
 * using x = dv(3, 4);
 * using y = dv(1, 2);
 * if (fmax_(x, y) !== x || toArray(x).join() !== [3, 4].join()) throw new Error("unexpected");
 * ```
 */
export const fmax_: Binary_ = destructiveBinary(ops.fmax);

/**
 * A new structure of the cross-entropy of sigmoid(zᵢ) against targets yᵢ, entry by entry, from
 * the logits z: max(z, 0) − z·y + ln(1 + e^−|z|), PyTorch's `binary_cross_entropy_with_logits`
 * before its mean. Exact where sigmoid(z) rounds to 0 or 1 (z = 40, y = 0 gives 40).
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { sigmoidCrossentropy } from "@knap/knap/math";
 * using c = sigmoidCrossentropy(dv(40, 0), dv(0, 1));
 * const [far, even] = toArray(c);
 * if (Math.abs(far - 40) > 1e-12 || Math.abs(even - Math.LN2) > 1e-12) throw new Error("unexpected");
 * ```
 */
export const sigmoidCrossentropy: Binary = pureBinary(ops.sigmoidCrossentropy);

/**
 * Overwrites out (z itself when out is left out) with the cross-entropy of sigmoid(zᵢ) against
 * targets yᵢ, entry by entry, from the logits z (see {@linkcode sigmoidCrossentropy}); returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { sigmoidCrossentropy_ } from "@knap/knap/math";
 * using z = dv(-40, 0);
 * using y = dv(1, 0);
 * if (sigmoidCrossentropy_(z, y) !== z || Math.abs(toArray(z)[0] - 40) > 1e-12) throw new Error();
 * ```
 */
export const sigmoidCrossentropy_: Binary_ = destructiveBinary(ops.sigmoidCrossentropy);

/**
 * A new structure of min(xᵢ, yᵢ), entry by entry.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { fmin } from "@knap/knap/math";
 * using z = fmin(dv(3, 4), dv(1, 2));
 * if (toArray(z).join() !== [1, 2].join()) throw new Error("unexpected");
 * ```
 */
export const fmin: Binary = pureBinary(ops.fmin);

/**
 * Overwrites z (x itself when z is left out) with min(xᵢ, yᵢ), entry by entry; returns it.
 *
 * @example
 * ```ts
 * import { dv, toArray } from "@knap/knap";
 * import { fmin_ } from "@knap/knap/math";
 * using x = dv(3, 4);
 * using y = dv(1, 2);
 * if (fmin_(x, y) !== x || toArray(x).join() !== [1, 2].join()) throw new Error("unexpected");
 * ```
 */
export const fmin_: Binary_ = destructiveBinary(ops.fmin);

/**
 * Every elementwise function knap has, declared once: its expression, its derivative and the
 * domain on which it is defined. Engines generate their kernels from this table.
 *
 * @module
 */

import {
  add,
  div,
  type Expr,
  fn1,
  fn2,
  ifPositive,
  mul,
  neg,
  num,
  param,
  sub,
  x,
  y,
} from "./expr.ts";

/** Where a function is defined, and the range the conformance tests draw inputs from. */
export interface Domain {
  /** Smallest test input. */
  readonly lo: number;
  /** Largest test input. */
  readonly hi: number;
  /** Inputs too close to zero are left out (poles of 1/x and similar). */
  readonly awayFromZero?: boolean;
  /** The domain in words, for documentation. */
  readonly note: string;
}

/** One elementwise function. */
export interface ElementwiseOp {
  /** Its name, as the public function has it (without `_`). */
  readonly name: string;
  /** 1: f(x); 2: f(x, y) over two structures. */
  readonly arity: 1 | 2;
  /** Names of its scalar parameters, in call order. */
  readonly params: readonly string[];
  /** The value. */
  readonly f: Expr;
  /** df/dx, where it is used by learning (activations). */
  readonly df?: Expr;
  /**
   * The same derivative written in the output a = f(x) (as the variable x), where that is
   * cheaper than from x: backpropagation then needs only the activations it already keeps.
   */
  readonly dfOut?: Expr;
  /** Test and documentation domain. */
  readonly domain: Domain;
  /** Set on derived ops: the name of the function whose derivative × y this computes. */
  readonly gradOf?: string;
  /** Set on derived ops that read the function's output rather than its input. */
  readonly fromOutput?: boolean;
}

const reals: Domain = { lo: -10, hi: 10, note: "all reals" };
const positive: Domain = { lo: 1e-3, hi: 100, note: "x > 0" };

const sig: Expr = div(1, add(1, fn1("exp", neg(x))));
const th: Expr = fn1("tanh", x);

function op(
  name: string,
  f: Expr,
  domain: Domain,
  df?: Expr,
  params: readonly string[] = [],
  arity: 1 | 2 = 1,
  dfOut?: Expr,
): ElementwiseOp {
  return { name, arity, params, f, df, domain, dfOut };
}

/** The name of an elementwise function in {@linkcode ops}. */
export type OpName =
  | "sqr"
  | "sqrt"
  | "abs"
  | "exp"
  | "expm1"
  | "log"
  | "log1p"
  | "sin"
  | "cos"
  | "tanh"
  | "sigmoid"
  | "relu"
  | "elu"
  | "linear"
  | "signum"
  | "round"
  | "floor"
  | "ceil"
  | "inv"
  | "powx"
  | "pow"
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "fmax"
  | "fmin"
  | "linearFrac"
  | "clamp"
  | "sigmoidCrossentropy"
  | "tan"
  | "asin"
  | "acos"
  | "atan"
  | "atan2"
  | "sinh"
  | "cosh"
  | "asinh"
  | "acosh"
  | "atanh"
  | "hypot"
  | "cbrt"
  | "invCbrt"
  | "invSqrt"
  | "pow23"
  | "pow32"
  | "log10"
  | "erf"
  | "erfc"
  | "erfInv"
  | "erfcInv"
  | "cdfNorm"
  | "cdfNormInv"
  | "gamma"
  | "lgamma"
  | "trunc"
  | "frac"
  | "copySign"
  | "fmod"
  | "frem";

/**
 * The table. `sigmoid` is 1/(1 + e⁻ˣ): where e⁻ˣ overflows the result is 0, as it should be,
 * and unlike ½ + ½·tanh(x/2) it keeps its precision in float32 far into the negative tail.
 * Every function of a NaN is NaN (`x > 0 ? a : b` included), but pow(NaN, 0) = 1 as IEEE has it.
 */
export const ops: Readonly<Record<OpName, ElementwiseOp>> = {
  sqr: op("sqr", mul(x, x), reals, mul(2, x)),
  sqrt: op("sqrt", fn1("sqrt", x), { lo: 0, hi: 100, note: "x ≥ 0" }, div(0.5, fn1("sqrt", x))),
  abs: op("abs", fn1("abs", x), reals, fn1("sign", x)),
  exp: op("exp", fn1("exp", x), { lo: -20, hi: 20, note: "all reals" }, fn1("exp", x)),
  expm1: op("expm1", fn1("expm1", x), { lo: -20, hi: 20, note: "all reals" }, fn1("exp", x)),
  log: op("log", fn1("log", x), positive, div(1, x)),
  log1p: op("log1p", fn1("log1p", x), { lo: -0.99, hi: 100, note: "x > −1" }, div(1, add(1, x))),
  sin: op("sin", fn1("sin", x), reals, fn1("cos", x)),
  cos: op("cos", fn1("cos", x), reals, neg(fn1("sin", x))),
  tanh: op("tanh", th, reals, sub(1, mul(th, th)), [], 1, sub(1, mul(x, x))),
  sigmoid: op("sigmoid", sig, reals, mul(sig, sub(1, sig)), [], 1, mul(x, sub(1, x))),
  relu: op("relu", fn2("max", x, 0), reals, ifPositive(x, 1, 0), [], 1, ifPositive(x, 1, 0)),
  elu: op(
    "elu",
    ifPositive(x, x, mul(param(0), fn1("expm1", x))),
    reals,
    ifPositive(x, 1, mul(param(0), fn1("exp", x))),
    ["alpha"],
    1,
    ifPositive(x, 1, add(x, param(0))),
  ),
  linear: op("linear", add(mul(param(0), x), param(1)), reals, param(0), ["a", "b"]),
  signum: op("signum", fn1("sign", x), reals, num(0)),
  round: op("round", fn1("round", x), reals, num(0)),
  floor: op("floor", fn1("floor", x), reals, num(0)),
  ceil: op("ceil", fn1("ceil", x), reals, num(0)),
  inv: op(
    "inv",
    div(1, x),
    { lo: -10, hi: 10, awayFromZero: true, note: "x ≠ 0" },
    neg(div(1, mul(x, x))),
  ),
  powx: op(
    "powx",
    fn2("pow", x, param(0)),
    positive,
    mul(param(0), fn2("pow", x, sub(param(0), 1))),
    [
      "p",
    ],
  ),
  pow: op("pow", fn2("pow", x, y), { lo: 0.1, hi: 4, note: "x > 0" }, undefined, [], 2),
  add: op("add", add(x, y), reals, undefined, [], 2),
  sub: op("sub", sub(x, y), reals, undefined, [], 2),
  mul: op("mul", mul(x, y), reals, undefined, [], 2),
  div: op("div", div(x, y), { ...reals, awayFromZero: true, note: "y ≠ 0" }, undefined, [], 2),
  fmax: op("fmax", fn2("max", x, y), reals, undefined, [], 2),
  fmin: op("fmin", fn2("min", x, y), reals, undefined, [], 2),
  // The cross-entropy of sigmoid(x) against target y, from the logit x, as PyTorch's
  // binary_cross_entropy_with_logits computes it: every entry's is exact however far sigmoid(x)
  // rounds to 0 or 1, and no sum of them cancels (each term is ≥ 0; 0 where y = 1 and x ≫ 0).
  sigmoidCrossentropy: op(
    "sigmoidCrossentropy",
    add(sub(fn2("max", x, 0), mul(x, y)), fn1("log1p", fn1("exp", neg(fn1("abs", x))))),
    reals,
    undefined,
    [],
    2,
  ),
  clamp: op(
    "clamp",
    fn2("min", fn2("max", x, param(0)), param(1)),
    reals,
    ifPositive(sub(x, param(0)), ifPositive(sub(param(1), x), 1, 0), 0),
    ["lo", "hi"],
  ),
  linearFrac: op(
    "linearFrac",
    div(add(mul(param(0), x), param(1)), add(mul(param(2), y), param(3))),
    { ...reals, awayFromZero: true, note: "c·y + d ≠ 0" },
    undefined,
    ["a", "b", "c", "d"],
    2,
  ),
  // The rest of Neanderthal's vect-math. Domains are where the conformance tests draw inputs
  // (tests/elementwise/accuracy_test.ts measures each function over its whole domain).
  tan: op("tan", fn1("tan", x), { lo: -1.5, hi: 1.5, note: "x ≠ π/2 + kπ" }),
  asin: op("asin", fn1("asin", x), { lo: -1, hi: 1, note: "−1 ≤ x ≤ 1" }),
  acos: op("acos", fn1("acos", x), { lo: -1, hi: 1, note: "−1 ≤ x ≤ 1" }),
  atan: op("atan", fn1("atan", x), reals),
  atan2: op("atan2", fn2("atan2", x, y), reals, undefined, [], 2),
  sinh: op("sinh", fn1("sinh", x), reals, fn1("cosh", x)),
  cosh: op("cosh", fn1("cosh", x), reals, fn1("sinh", x)),
  asinh: op("asinh", fn1("asinh", x), reals),
  acosh: op("acosh", fn1("acosh", x), { lo: 1, hi: 100, note: "x ≥ 1" }),
  atanh: op("atanh", fn1("atanh", x), { lo: -0.99, hi: 0.99, note: "−1 < x < 1" }),
  hypot: op("hypot", fn2("hypot", x, y), reals, undefined, [], 2),
  cbrt: op("cbrt", fn1("cbrt", x), reals),
  invCbrt: op(
    "invCbrt",
    div(1, fn1("cbrt", x)),
    { ...reals, awayFromZero: true, note: "x ≠ 0" },
  ),
  invSqrt: op("invSqrt", div(1, fn1("sqrt", x)), positive),
  // x^(2/3) as cbrt(x)², defined for negative x as Neanderthal's (MKL's) pow2o3 is.
  pow23: op("pow23", mul(fn1("cbrt", x), fn1("cbrt", x)), reals),
  pow32: op("pow32", mul(x, fn1("sqrt", x)), { lo: 0, hi: 100, note: "x ≥ 0" }),
  log10: op("log10", fn1("log10", x), positive),
  erf: op("erf", fn1("erf", x), { lo: -5, hi: 5, note: "all reals" }),
  erfc: op("erfc", fn1("erfc", x), { lo: -5, hi: 9, note: "all reals" }),
  erfInv: op("erfInv", fn1("erfInv", x), { lo: -0.999, hi: 0.999, note: "−1 ≤ x ≤ 1" }),
  erfcInv: op("erfcInv", fn1("erfcInv", x), { lo: 0.001, hi: 1.999, note: "0 ≤ x ≤ 2" }),
  cdfNorm: op("cdfNorm", fn1("cdfNorm", x), { lo: -10, hi: 8, note: "all reals" }),
  // Φ⁻¹(p) = −√2·erfcInv(2p): 2p is exact, so no digit of a small p is lost; 0 − v rather than
  // −v, so Φ⁻¹(½) is +0.
  cdfNormInv: op(
    "cdfNormInv",
    sub(0, mul(Math.SQRT2, fn1("erfcInv", mul(2, x)))),
    { lo: 0.001, hi: 0.999, note: "0 ≤ x ≤ 1" },
  ),
  gamma: op("gamma", fn1("gamma", x), { lo: 0.1, hi: 30, note: "x ≠ 0, −1, −2, …" }),
  lgamma: op("lgamma", fn1("lgamma", x), { lo: 0.1, hi: 100, note: "x ≠ 0, −1, −2, …" }),
  trunc: op("trunc", fn1("trunc", x), reals, num(0)),
  frac: op("frac", fn1("frac", x), reals),
  copySign: op("copySign", fn2("copysign", x, y), reals, undefined, [], 2),
  fmod: op(
    "fmod",
    fn2("fmod", x, y),
    { ...reals, awayFromZero: true, note: "y ≠ 0" },
    undefined,
    [],
    2,
  ),
  frem: op(
    "frem",
    fn2("frem", x, y),
    { ...reals, awayFromZero: true, note: "y ≠ 0" },
    undefined,
    [],
    2,
  ),
};

const derived = new Map<ElementwiseOp, ElementwiseOp>();

/**
 * The derived function f'(x)·y of an op with a derivative: the activation derivative times
 * the error, in one pass — what backpropagation computes at every layer.
 */
export function derivativeOf(op: ElementwiseOp): ElementwiseOp {
  if (op.df === undefined || op.arity !== 1) {
    throw new TypeError(`${op.name} has no derivative in the elementwise table`);
  }
  let d = derived.get(op);
  if (d === undefined) {
    d = {
      name: `${op.name}'`,
      arity: 2,
      params: op.params,
      f: mul(op.df, y),
      domain: op.domain,
      gradOf: op.name,
    };
    derived.set(op, d);
  }
  return d;
}

const derivedFromOutput = new Map<ElementwiseOp, ElementwiseOp>();

/** f'·y computed from the output a = f(x) instead of x, for ops that declare `dfOut`. */
export function outputDerivativeOf(op: ElementwiseOp): ElementwiseOp {
  if (op.dfOut === undefined) {
    throw new TypeError(`${op.name} has no derivative in terms of its output`);
  }
  let d = derivedFromOutput.get(op);
  if (d === undefined) {
    d = {
      name: `${op.name}'(a)`,
      arity: 2,
      params: op.params,
      f: mul(op.dfOut, y),
      domain: op.domain,
      gradOf: op.name,
      fromOutput: true,
    };
    derivedFromOutput.set(op, d);
  }
  return d;
}

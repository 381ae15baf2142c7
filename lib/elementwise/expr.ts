/**
 * A tiny expression language for elementwise functions. Each function is written once as an
 * expression tree; every engine emits its own kernel source (JS, WGSL, CUDA C, OpenCL C)
 * from the same tree, so the engines cannot drift apart.
 *
 * @module
 */

/** Functions of one argument the emitters know. */
export type Fn1 =
  | "sqrt"
  | "abs"
  | "exp"
  | "expm1"
  | "log"
  | "log1p"
  | "sin"
  | "cos"
  | "tanh"
  | "sign"
  | "round"
  | "floor"
  | "ceil"
  | "tan"
  | "asin"
  | "acos"
  | "atan"
  | "sinh"
  | "cosh"
  | "asinh"
  | "acosh"
  | "atanh"
  | "cbrt"
  | "log10"
  | "erf"
  | "erfc"
  | "erfInv"
  | "erfcInv"
  | "gamma"
  | "lgamma"
  | "trunc"
  | "frac"
  | "cdfNorm";

/** Functions of two arguments the emitters know. */
export type Fn2 = "pow" | "max" | "min" | "atan2" | "hypot" | "fmod" | "frem" | "copysign";

/** A node of an elementwise expression. */
export type Expr =
  | { readonly k: "x" }
  | { readonly k: "y" }
  | { readonly k: "param"; readonly i: number }
  | { readonly k: "const"; readonly v: number }
  | { readonly k: "fn1"; readonly fn: Fn1; readonly a: Expr }
  | { readonly k: "fn2"; readonly fn: Fn2; readonly a: Expr; readonly b: Expr }
  | { readonly k: "bin"; readonly op: "+" | "-" | "*" | "/"; readonly a: Expr; readonly b: Expr }
  | { readonly k: "neg"; readonly a: Expr }
  | { readonly k: "gt0"; readonly cond: Expr; readonly then: Expr; readonly else: Expr };

/** The first input. */
export const x: Expr = { k: "x" };
/** The second input of a binary function. */
export const y: Expr = { k: "y" };
/** Scalar parameter number i. */
export const param = (i: number): Expr => ({ k: "param", i });
/** A literal. */
export const num = (v: number): Expr => ({ k: "const", v });
const lift = (e: Expr | number): Expr => typeof e === "number" ? num(e) : e;
/** a + b */
export const add = (a: Expr | number, b: Expr | number): Expr => ({
  k: "bin",
  op: "+",
  a: lift(a),
  b: lift(b),
});
/** a − b */
export const sub = (a: Expr | number, b: Expr | number): Expr => ({
  k: "bin",
  op: "-",
  a: lift(a),
  b: lift(b),
});
/** a · b */
export const mul = (a: Expr | number, b: Expr | number): Expr => ({
  k: "bin",
  op: "*",
  a: lift(a),
  b: lift(b),
});
/** a / b */
export const div = (a: Expr | number, b: Expr | number): Expr => ({
  k: "bin",
  op: "/",
  a: lift(a),
  b: lift(b),
});
/** −a */
export const neg = (a: Expr): Expr => ({ k: "neg", a });
/** fn(a) */
export const fn1 = (fn: Fn1, a: Expr): Expr => ({ k: "fn1", fn, a });
/** fn(a, b) */
export const fn2 = (fn: Fn2, a: Expr | number, b: Expr | number): Expr => ({
  k: "fn2",
  fn,
  a: lift(a),
  b: lift(b),
});
/** cond > 0 ? then : else */
export const ifPositive = (cond: Expr, then: Expr | number, otherwise: Expr | number): Expr => ({
  k: "gt0",
  cond,
  then: lift(then),
  else: lift(otherwise),
});

/** e with every leaf replaced by what `leaf` gives for it (the leaf itself where undefined). */
export function substitute(e: Expr, leaf: (e: Expr) => Expr | undefined): Expr {
  switch (e.k) {
    case "x":
    case "y":
    case "param":
    case "const":
      return leaf(e) ?? e;
    case "fn1":
      return { ...e, a: substitute(e.a, leaf) };
    case "fn2":
    case "bin":
      return { ...e, a: substitute(e.a, leaf), b: substitute(e.b, leaf) };
    case "neg":
      return { ...e, a: substitute(e.a, leaf) };
    case "gt0":
      return {
        ...e,
        cond: substitute(e.cond, leaf),
        then: substitute(e.then, leaf),
        else: substitute(e.else, leaf),
      };
    default:
      return e satisfies never;
  }
}

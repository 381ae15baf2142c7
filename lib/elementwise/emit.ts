/**
 * The one walker over elementwise expressions: each target language is a dialect — how it
 * names the inputs and parameters, writes a literal, calls each function and picks by sign —
 * and `emit` writes any expression in it. The dialects: JavaScript, WGSL, and C — one for OpenCL
 * C and CUDA C alike (`../engines/kernelc/`), whose preludes define what differs.
 *
 * @module
 */

import type { Expr, Fn1, Fn2 } from "./expr.ts";

/** How one target language writes the parts of an expression. */
export interface Dialect {
  /** The first input's name. */
  readonly x: string;
  /** The second input's name. */
  readonly y: string;
  /** Scalar parameter i. */
  param(i: number): string;
  /** A numeric literal. */
  literal(v: number): string;
  /** Each function of one argument, applied to the argument's source. */
  readonly fn1: Readonly<Record<Fn1, (a: string) => string>>;
  /** A function of two arguments. */
  fn2(fn: Fn2, a: string, b: string): string;
  /** `c > 0 ? t : e`, with NaN for a NaN condition. */
  ifPositive(c: string, t: string, e: string): string;
}

/** The source of e in dialect d. */
export function emit(e: Expr, d: Dialect): string {
  switch (e.k) {
    case "x":
      return d.x;
    case "y":
      return d.y;
    case "param":
      return d.param(e.i);
    case "const":
      return d.literal(e.v);
    case "fn1":
      return d.fn1[e.fn](emit(e.a, d));
    case "fn2":
      return d.fn2(e.fn, emit(e.a, d), emit(e.b, d));
    case "bin":
      return `(${emit(e.a, d)} ${e.op} ${emit(e.b, d)})`;
    case "neg":
      return `(-${emit(e.a, d)})`;
    case "gt0":
      return d.ifPositive(emit(e.cond, d), emit(e.then, d), emit(e.else, d));
    default:
      return e satisfies never;
  }
}

/**
 * JavaScript source for the elementwise table's expressions, and the kernels built from it.
 *
 * @module
 */

import type { Expr } from "../../elementwise/expr.ts";
import { type Dialect, emit } from "../../elementwise/emit.ts";
import type { ElementwiseOp } from "../../elementwise/table.ts";
import type { HostArray } from "../../core/types.ts";
import * as special from "../../elementwise/special.ts";

const call = (f: string) => (a: string) => `${f}(${a})`;

/** JavaScript: Math's functions over the locals `xv`, `yv` and `p0…p3`. */
export const jsDialect: Dialect = {
  x: "xv",
  y: "yv",
  param: (i) => `p${i}`,
  literal: (v) => `(${v})`,
  fn1: {
    sqrt: call("Math.sqrt"),
    abs: call("Math.abs"),
    exp: call("Math.exp"),
    expm1: call("Math.expm1"),
    log: call("Math.log"),
    log1p: call("Math.log1p"),
    sin: call("Math.sin"),
    cos: call("Math.cos"),
    tanh: call("Math.tanh"),
    sign: call("Math.sign"),
    // Half away from zero, as C's round(); Math.round alone rounds −2.5 to −2.
    round: call("((v) => Math.sign(v) * Math.round(Math.abs(v)))"),
    floor: call("Math.floor"),
    ceil: call("Math.ceil"),
    tan: call("Math.tan"),
    asin: call("Math.asin"),
    acos: call("Math.acos"),
    atan: call("Math.atan"),
    sinh: call("Math.sinh"),
    cosh: call("Math.cosh"),
    asinh: call("Math.asinh"),
    acosh: call("Math.acosh"),
    atanh: call("Math.atanh"),
    cbrt: call("Math.cbrt"),
    log10: call("Math.log10"),
    trunc: call("Math.trunc"),
    // Math lacks these: the kernels see special.ts as S.
    erf: call("S.erf"),
    erfc: call("S.erfc"),
    erfInv: call("S.erfInv"),
    erfcInv: call("S.erfcInv"),
    gamma: call("S.gamma"),
    lgamma: call("S.lgamma"),
    frac: call("S.frac"),
    cdfNorm: call("S.cdfNorm"),
  },
  fn2: (fn, a, b) => {
    switch (fn) {
      case "fmod":
        return `(${a} % ${b})`;
      case "frem":
        return `S.frem(${a}, ${b})`;
      case "copysign":
        return `S.copySign(${a}, ${b})`;
      default:
        return `Math.${fn}(${a}, ${b})`;
    }
  },
  // A NaN condition is neither side: the result is NaN, as for every other function.
  ifPositive: (c, t, e) => `(${c} > 0 ? ${t} : ${c} <= 0 ? ${e} : NaN)`,
};

/** A JavaScript expression in `xv`, `yv` and `p0…p3`. */
export const emitJs = (e: Expr): string => emit(e, jsDialect);

/**
 * An elementwise kernel over an n1×n2 walk: the inner loop steps by s1, the outer by s2.
 * `y` is ignored by unary ops.
 */
export type MapKernel = (
  o: HostArray,
  oo: number,
  os1: number,
  os2: number,
  x: HostArray,
  xo: number,
  xs1: number,
  xs2: number,
  y: HostArray,
  yo: number,
  ys1: number,
  ys2: number,
  n1: number,
  n2: number,
  p0: number,
  p1: number,
  p2: number,
  p3: number,
) => void;

const kernels = new Map<ElementwiseOp, MapKernel>();

/** The compiled kernel of an op, built on first use and cached. */
export function mapKernel(op: ElementwiseOp): MapKernel {
  let k = kernels.get(op);
  if (k === undefined) {
    const body = emitJs(op.f);
    const yRead = op.arity === 2 ? "const yv = y[iy];" : "";
    const yReadFast = op.arity === 2 ? "const yv = y[yo + i];" : "";
    // A unit-stride branch lets V8 keep the hot loop free of stride arithmetic.
    k = new Function(
      "S",
      `"use strict";
      return function (o, oo, os1, os2, x, xo, xs1, xs2, y, yo, ys1, ys2, n1, n2, p0, p1, p2, p3) {
      if (n2 === 1 && os1 === 1 && xs1 === 1 && (ys1 === 1 || ${op.arity} === 1)) {
        for (let i = 0; i < n1; i++) { const xv = x[xo + i]; ${yReadFast} o[oo + i] = ${body}; }
        return;
      }
      for (let j = 0; j < n2; j++) {
        let io = oo + j * os2, ix = xo + j * xs2, iy = yo + j * ys2;
        for (let i = 0; i < n1; i++) {
          const xv = x[ix]; ${yRead}
          o[io] = ${body};
          io += os1; ix += xs1; iy += ys1;
        }
      }
      };`,
    )(special) as MapKernel;
    kernels.set(op, k);
  }
  return k;
}

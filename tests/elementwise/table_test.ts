import { assert } from "../conformance/assert.ts";
import type { Expr } from "../../lib/elementwise/expr.ts";
import { ops } from "../../lib/elementwise/table.ts";

const roundAway = (v: number) => Math.sign(v) * Math.round(Math.abs(v));

Deno.test("every table entry with a derivative matches a central difference", () => {
  for (const op of Object.values(ops)) {
    if (op.df === undefined || op.arity !== 1) continue;
    const { lo, hi } = op.domain;
    for (const x0 of [0.3, 0.77, 1.9].map((t) => lo + (hi - lo) * t / 2 + (hi - lo) / 4)) {
      if (Math.abs(x0) < 0.05) continue;
      const params = op.params.map(() => 0.7);
      const fx = (v: number) => evalExpr(op.f, v, params);
      const h = 1e-5 * Math.max(1, Math.abs(x0));
      const numeric = (fx(x0 + h) - fx(x0 - h)) / (2 * h);
      const exact = evalExpr(op.df, x0, params);
      const scale = Math.max(1, Math.abs(exact));
      if (["round", "floor", "ceil", "signum", "trunc"].includes(op.name)) continue; // zero a.e.
      assert(
        Math.abs(numeric - exact) <= 1e-5 * scale,
        `${op.name}' at ${x0}: ${exact} vs ${numeric}`,
      );
    }
  }
});

/** Math's functions by name: every function a derivative in the table uses is one of them. */
type Fns = Record<string, (a: number, b?: number) => number>;

function evalExpr(e: Expr, x: number, params: number[]): number {
  switch (e.k) {
    case "x":
      return x;
    case "y":
      return NaN;
    case "param":
      return params[e.i];
    case "const":
      return e.v;
    case "fn1": {
      const a = evalExpr(e.a, x, params);
      return e.fn === "round" ? roundAway(a) : (Math as unknown as Fns)[e.fn](a);
    }
    case "fn2":
      return (Math as unknown as Fns)[e.fn](evalExpr(e.a, x, params), evalExpr(e.b, x, params));
    case "bin": {
      const a = evalExpr(e.a, x, params), b = evalExpr(e.b, x, params);
      return e.op === "+" ? a + b : e.op === "-" ? a - b : e.op === "*" ? a * b : a / b;
    }
    case "neg":
      return -evalExpr(e.a, x, params);
    case "gt0":
      return evalExpr(e.cond, x, params) > 0
        ? evalExpr(e.then, x, params)
        : evalExpr(e.else, x, params);
  }
}

/**
 * Elementwise operations on tensors, planned once: an activation and its backward pass
 * (Deep Diamond's eltwise), and binary operations whose inputs broadcast along dimensions of
 * extent 1 (oneDNN's binary primitive). The tensors may have any layouts; a plan cuts them into
 * the few matrix pieces they fold into, and each run is one `map` per piece on the factory's
 * engine — one oneDNN eltwise or binary primitive per piece on the native engine, one kernel
 * per piece on WebGPU.
 *
 * @module
 */

import type { Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import { derivativeOf, type ElementwiseOp, type OpName, ops } from "../elementwise/table.ts";
import type { Tensor } from "./tensor.ts";
import { pieces, type Strided } from "./pieces.ts";
import { checkApart, checkTensors, dims, TensorOp } from "./operation.ts";

/** The functions of one argument `eltwise` applies: the elementwise table's, all but its binary ones. */
export type EltwiseFunction = Exclude<
  OpName,
  "pow" | "add" | "sub" | "mul" | "div" | "fmax" | "fmin" | "linearFrac"
>;

/** The operations `binary` performs. */
export type BinaryOp = "add" | "sub" | "mul" | "div" | "max" | "min";

const binaryOps: Readonly<Record<BinaryOp, ElementwiseOp>> = {
  add: ops.add,
  sub: ops.sub,
  mul: ops.mul,
  div: ops.div,
  max: ops.fmax,
  min: ops.fmin,
};

/** Parameters a function takes when none are given; the others must be given. */
const defaultParams: Readonly<Partial<Record<EltwiseFunction, readonly number[]>>> = {
  elu: [1],
  linear: [1, 0],
};

function unary(op: string, f: unknown, params: readonly number[] | undefined) {
  const fn = Object.hasOwn(ops, f as string) ? ops[f as EltwiseFunction] : undefined;
  if (fn === undefined || fn.arity !== 1) {
    throw new TypeError(`${op}: ${String(f)} is not a function of one argument`);
  }
  const p = params ?? defaultParams[f as EltwiseFunction] ?? [];
  if (p.length !== fn.params.length || !p.every((v) => typeof v === "number")) {
    throw new TypeError(
      `${op}: ${fn.name} takes ${fn.params.length} parameter(s) (${fn.params.join(", ")}), ` +
        `got [${p.join(", ")}]`,
    );
  }
  if (!p.every(Number.isFinite) || (fn === ops.clamp && !(p[0] <= p[1]))) {
    throw new RangeError(
      `${op}: ${fn.name}'s parameters [${p.join(", ")}] must be finite` +
        (fn === ops.clamp ? ", lo ≤ hi" : ""),
    );
  }
  return { fn, p };
}

/** x as the walk sees it against out's shape: stride 0 where it broadcasts. */
function broadcast(op: string, x: Tensor, name: string, out: Tensor): Strided {
  const fits = x.shape.length === out.shape.length &&
    x.shape.every((e, d) => e === out.shape[d] || e === 1);
  if (!fits) {
    throw new RangeError(
      `${op}: ${name} is ${dims(x)}, which does not broadcast to the output's ${dims(out)}`,
    );
  }
  return x.shape.every((e, d) => e === out.shape[d])
    ? x
    : { ...x, strides: x.strides.map((s, d) => x.shape[d] === 1 ? 0 : s) };
}

/** The plan: out ← fn(x[, y]) piece by piece on the engine's `map`. */
function planMap<L extends Loc>(
  op: string,
  fn: ElementwiseOp,
  params: readonly number[],
  out: Tensor<L>,
  inputs: readonly Tensor<L>[],
  walked: readonly Strided[],
): TensorOp<L> {
  const ps = pieces(out.shape, [out, ...walked]);
  const { map } = (out.factory as Factory).engine.math;
  return new TensorOp(
    op,
    inputs,
    out,
    () => {
      for (const [o, x, y] of ps) map(fn, params, o, x, y);
    },
    ps.length,
    false,
  );
}

/**
 * Plans out ← f(x) entry by entry, for tensors of one shape in any layouts (out may be x
 * itself). `params` are the function's (elu's α, linear's a and b, clamp's bounds, powx's
 * exponent; elu and linear default to α = 1 and 1·x + 0). Run it with `run()`.
 *
 * @example ReLU from nchw into nhwc
 * ```ts
 * import { jsFloat, tensor } from "@knap/knap";
 * import { eltwise } from "@knap/knap/ops";
 * using x = tensor(jsFloat, [1, 2, 1, 2], "nchw", [-1, 2, 3, -4]);
 * using y = tensor(jsFloat, [1, 2, 1, 2], "nhwc");
 * eltwise(x, y, "relu").run();
 * if (Array.from(y.toArray()).join() !== "0,2,3,0") throw new Error("unexpected");
 * ```
 */
export function eltwise<L extends Loc>(
  x: Tensor<L>,
  out: Tensor<L>,
  f: EltwiseFunction,
  params?: readonly number[],
): TensorOp<L> {
  const op = "eltwise";
  checkTensors(op, { x, out });
  const { fn, p } = unary(op, f, params);
  if (x.shape.join() !== out.shape.join()) {
    throw new RangeError(`${op}: x is ${dims(x)}, out is ${dims(out)}`);
  }
  checkApart(op, out, x, "x", true);
  return planMap(op, fn, p, out, [x], [x]);
}

/**
 * Plans the backward pass of `eltwise`: dx ← f′(x) · dy, the error behind an activation
 * from the error after it. Tensors of one shape in any layouts; dx may be dy or x itself.
 *
 * @example
 * ```ts
 * import { jsFloat, tensor } from "@knap/knap";
 * import { eltwiseBackward } from "@knap/knap/ops";
 * using x = tensor(jsFloat, [2, 2], "nc", [-1, 2, 3, -4]);
 * using dy = tensor(jsFloat, [2, 2], "nc", [5, 6, 7, 8]);
 * using dx = tensor(jsFloat, [2, 2], "nc");
 * eltwiseBackward(x, dy, dx, "relu").run();
 * if (Array.from(dx.toArray()).join() !== "0,6,7,0") throw new Error("unexpected");
 * ```
 */
export function eltwiseBackward<L extends Loc>(
  x: Tensor<L>,
  dy: Tensor<L>,
  dx: Tensor<L>,
  f: EltwiseFunction,
  params?: readonly number[],
): TensorOp<L> {
  const op = "eltwiseBackward";
  checkTensors(op, { x, dy, dx });
  const { fn, p } = unary(op, f, params);
  if (fn.df === undefined) throw new TypeError(`${op}: ${fn.name} has no derivative`);
  for (const [t, name] of [[x, "x"], [dy, "dy"]] as const) {
    if (t.shape.join() !== dx.shape.join()) {
      throw new RangeError(`${op}: ${name} is ${dims(t)}, dx is ${dims(dx)}`);
    }
    checkApart(op, dx, t, name, true);
  }
  return planMap(op, derivativeOf(fn), p, dx, [x, dy], [x, dy]);
}

/**
 * Plans out ← a ∘ b entry by entry for ∘ one of add, sub, mul, div, max, min. The tensors
 * have one rank; a and b each have out's extent or 1 along every dimension, and where they
 * have 1 they broadcast (a bias of [1, c, 1, 1] added to every image of [n, c, h, w]). Any
 * layouts; out may be a or b itself where that one does not broadcast. A NaN in either gives
 * NaN, max and min included.
 *
 * @example A bias per channel
 * ```ts
 * import { jsFloat, tensor } from "@knap/knap";
 * import { binary } from "@knap/knap/ops";
 * using x = tensor(jsFloat, [1, 2, 1, 2], "nchw", [1, 2, 3, 4]);
 * using b = tensor(jsFloat, [1, 2, 1, 1], "nchw", [10, 20]);
 * binary("add", x, b, x).run();
 * if (Array.from(x.toArray()).join() !== "11,12,23,24") throw new Error("unexpected");
 * ```
 */
export function binary<L extends Loc>(
  alg: BinaryOp,
  a: Tensor<L>,
  b: Tensor<L>,
  out: Tensor<L>,
): TensorOp<L> {
  const op = "binary";
  checkTensors(op, { a, b, out });
  const fn = Object.hasOwn(binaryOps, alg) ? binaryOps[alg] : undefined;
  if (fn === undefined) {
    throw new TypeError(`${op}: ${String(alg)} is none of ${Object.keys(binaryOps).join(", ")}`);
  }
  const walked = [broadcast(op, a, "a", out), broadcast(op, b, "b", out)];
  checkApart(op, out, a, "a", walked[0] === a);
  checkApart(op, out, b, "b", walked[1] === b);
  return planMap(`${op} ${alg}`, fn, [], out, [a, b], walked);
}

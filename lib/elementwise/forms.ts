/**
 * The public forms every elementwise function takes — `f(x)` allocating, `f_(x[, y])` into its
 * output — over one runner that checks the arguments, routes structured matrices to their
 * stored entries and reads a copy of an input its output only partly overlaps.
 *
 * @module
 */

import type { ElementwiseOp } from "./table.ts";
import { ops } from "./table.ts";
import type { Structure } from "../core/structures.ts";
import { isStructured, type StructuredMatrix } from "../core/structured.ts";
import { mapStructured } from "../structured/level1.ts";
import { compatible, live, numeric, scalar, value } from "../core/checks.ts";
import { alike } from "../core/construct.ts";
import { readable, release } from "../core/overlap.ts";

/** What the elementwise functions take: vectors, matrices and structured matrices. */
export type Elementwise = Structure | StructuredMatrix;
/** An allocating elementwise function of one structure. */
export type Unary = <S extends Elementwise>(x: S) => S;
/** A destructive elementwise function: writes into y, or into x when y is left out. */
export type Unary_ = <S extends Elementwise>(x: S, y?: S) => S;
/** An allocating elementwise function of two structures of one shape. */
export type Binary = <S extends Elementwise>(x: S, y: S) => S;
/** A destructive elementwise function of two structures: writes into z, or into x. */
export type Binary_ = <S extends Elementwise>(x: S, y: Elementwise, z?: S) => S;

/** Runs op entry by entry into `out` (a fresh structure for "fresh"), after every check. */
export function run(
  name: string,
  op: ElementwiseOp,
  params: readonly number[],
  x: Elementwise,
  y: Elementwise | undefined,
  out: Elementwise | "fresh",
): Elementwise {
  if (op === ops.clamp) bounds(name, params[0], params[1]);
  else for (let i = 0; i < params.length; i++) scalar(name, params[i], op.params[i]);
  if (isStructured(x)) {
    // On a structured matrix only the stored entries change: a tr's zero triangle stays zero.
    if (y !== undefined && !isStructured(y)) {
      throw new TypeError(`${name}: x is a structured matrix and y is not`);
    }
    if (out !== "fresh" && !isStructured(out)) {
      throw new TypeError(`${name}: x is a structured matrix and the output is not`);
    }
    return mapStructured(name, op, params, x, y as StructuredMatrix | undefined, out);
  }
  if (y !== undefined && isStructured(y) || out !== "fresh" && isStructured(out)) {
    throw new TypeError(`${name}: x is not a structured matrix but another argument is`);
  }
  live(name, x, "x");
  numeric(name, x);
  if (y !== undefined) compatible(name, x, y, ["x", "y"]);
  if (out !== "fresh") compatible(name, x, out, ["x", "the output"]);
  if (out === "fresh") {
    const o = alike(x);
    x.factory.engine.math.map(op, params, o, x, y);
    return o;
  }
  // Entry by entry, an output that is exactly an input is safe; one that shares only some of
  // an input's memory would overwrite entries before they are read: read a copy instead.
  const xs = readable(out, x), ys = y === undefined ? undefined : readable(out, y);
  x.factory.engine.math.map(op, params, out, xs, ys);
  release(x, xs);
  if (y !== undefined) release(y, ys!);
  return out;
}

/** The allocating form of a unary op. */
export function pure(op: ElementwiseOp): Unary {
  return <S extends Elementwise>(x: S): S => run(op.name, op, [], x, undefined, "fresh") as S;
}

/** The destructive form of a unary op. */
export function destructive(op: ElementwiseOp): Unary_ {
  const name = `${op.name}_`;
  return <S extends Elementwise>(x: S, y?: S): S => run(name, op, [], x, undefined, y ?? x) as S;
}

/** The allocating form of a binary op. */
export function pureBinary(op: ElementwiseOp): Binary {
  return <S extends Elementwise>(x: S, y: S): S => run(op.name, op, [], x, y, "fresh") as S;
}

/** The destructive form of a binary op. */
export function destructiveBinary(op: ElementwiseOp): Binary_ {
  const name = `${op.name}_`;
  return <S extends Elementwise>(x: S, y: Elementwise, z?: S): S =>
    run(name, op, [], x, y, z ?? x) as S;
}

/** Throws unless lo ≤ hi, both numbers (clamp's bounds may be infinite). */
function bounds(op: string, lo: unknown, hi: unknown): void {
  value(op, lo, "lo");
  value(op, hi, "hi");
  if (!(lo <= hi)) throw new RangeError(`${op}: lo ${lo} must not be above hi ${hi}`);
}

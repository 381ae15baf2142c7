/**
 * The checks every public function makes once, before an engine sees its arguments:
 * liveness, kinds, factories, shapes. Messages name the operation and the shapes.
 *
 * @module
 */

import { KnapError } from "./errors.ts";
import { GEMatrix, type Structure, Vector } from "./structures.ts";
import { checkFactoryLive, type Factory } from "./factory.ts";

/** `vector(3)` or `matrix(4×2)`, for messages. */
export function shapeOf(s: Structure): string {
  return s instanceof Vector ? `vector(${s.dim})` : `matrix(${s.m}×${s.n})`;
}

/** Throws unless `s` is a live vector or matrix. */
export function live(op: string, s: unknown, name = "argument"): asserts s is Structure {
  if (!(s instanceof Vector) && !(s instanceof GEMatrix)) {
    throw new TypeError(`${op}: ${name} must be a vector or a matrix, got ${kindOf(s)}`);
  }
  if (s.storage.released) {
    throw new KnapError(
      s.owner
        ? `${op}: ${name} (${shapeOf(s)}) was released`
        : `${op}: ${name} (${shapeOf(s)}) is a view whose owner was released`,
      "released",
    );
  }
  checkFactoryLive(op, s.factory);
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "object") return v.constructor?.name ?? "object";
  return typeof v;
}

/** Throws unless `s` is a live vector. */
export function liveVector(op: string, s: unknown, name = "x"): asserts s is Vector {
  live(op, s, name);
  if (!(s instanceof Vector)) {
    throw new TypeError(`${op}: ${name} must be a vector, got ${shapeOf(s)}`);
  }
}

/** Throws unless `s` is a live GE matrix. */
export function liveMatrix(op: string, s: unknown, name = "a"): asserts s is GEMatrix {
  live(op, s, name);
  if (!(s instanceof GEMatrix)) {
    throw new TypeError(`${op}: ${name} must be a matrix, got ${shapeOf(s)}`);
  }
}

/**
 * Throws a KnapError naming `op` when s holds bfloat16 (nativeBfloat16): the host cannot read
 * those bits as numbers, so they take part only in transfers, copies, fills and as factors of
 * float32 products.
 */
export function numeric(op: string, s: { readonly factory: Factory }): void {
  if (s.factory.dtype === "bfloat16") {
    throw new KnapError(
      `${op}: bfloat16 structures (${s.factory.name}) take part only in transfers, copies, ` +
        "fills and as factors of mm_ into a nativeFloat output; transfer to nativeFloat first",
      "unsupported",
    );
  }
}

/** Throws a TypeError unless all structures share one factory. */
export function sameFactory(op: string, ...ss: { readonly factory: Factory }[]): void {
  const f = ss[0].factory;
  for (const s of ss) {
    if (s.factory !== f) {
      throw new TypeError(
        `${op}: arguments come from different factories (${f.name} and ${s.factory.name}); ` +
          "use transfer_ to move data between them",
      );
    }
  }
}

/**
 * Throws a TypeError unless every factor of a product into `out` is on out's factory, or on a
 * factory whose products out's factory computes (bfloat16 inputs to float32 products).
 */
export function productFactories(op: string, out: Structure, ...factors: Structure[]): void {
  const f = out.factory;
  for (const s of factors) {
    if (s.factory !== f && s.factory.productFactory !== f) sameFactory(op, out, s);
  }
}

/** Throws a RangeError unless x and y are both vectors of one dimension or matrices of one shape. */
export function sameShape(op: string, x: Structure, y: Structure, names = ["x", "y"]): void {
  const ok = x instanceof Vector
    ? y instanceof Vector && x.dim === y.dim
    : y instanceof GEMatrix && x.m === y.m && x.n === y.n;
  if (!ok) {
    throw new RangeError(
      `${op}: ${names[0]} is ${shapeOf(x)} but ${names[1]} is ${shapeOf(y)}; shapes must match`,
    );
  }
}

/** Checks a live structure of the same factory and shape as `x`: the usual destructive output. */
export function compatible(
  op: string,
  x: Structure,
  y: unknown,
  names = ["x", "y"],
): asserts y is Structure {
  live(op, y, names[1]);
  sameFactory(op, x, y);
  sameShape(op, x, y, names);
}

/**
 * Throws unless v is a number: a TypeError for anything else. NaN and ±∞ pass: for values a
 * user stores, such as `entry_`'s.
 */
export function value(op: string, v: unknown, name: string): asserts v is number {
  if (typeof v !== "number") {
    throw new TypeError(`${op}: ${name} must be a number, got ${kindOf(v)}`);
  }
}

/**
 * Throws unless v is a finite number, for scalar arguments such as alpha: a NaN or ∞ there
 * would poison every entry of the result without a word.
 */
export function scalar(op: string, v: unknown, name: string): asserts v is number {
  value(op, v, name);
  if (!Number.isFinite(v)) throw new RangeError(`${op}: ${name} must be finite, got ${v}`);
}

/** Throws unless v is a finite number in the interval [lo, hi). */
export function within(
  op: string,
  v: unknown,
  name: string,
  lo: number,
  hi: number,
): asserts v is number {
  scalar(op, v, name);
  if (!(v >= lo && v < hi)) {
    throw new RangeError(`${op}: ${name} must be in [${lo}, ${hi}), got ${v}`);
  }
}

/** Throws unless v is a finite number ≥ 0 (> 0 when `strict`). */
export function nonNegative(op: string, v: unknown, name: string, strict = false): void {
  scalar(op, v, name);
  if (strict ? !(v > 0) : !(v >= 0)) {
    throw new RangeError(`${op}: ${name} must be ${strict ? "positive" : "≥ 0"}, got ${v}`);
  }
}

/** Throws unless v is a seed Philox and the shuffles take: an integer in [0, 2⁵³). */
export function seed(op: string, v: unknown, name = "seed"): asserts v is number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) {
    throw new RangeError(`${op}: ${name} must be an integer in [0, 2^53), got ${String(v)}`);
  }
}

/** Throws unless `i` is an integer in [0, n). */
export function index(op: string, i: unknown, n: number, what: string): asserts i is number {
  if (!Number.isInteger(i) || (i as number) < 0 || (i as number) >= n) {
    throw new RangeError(`${op}: ${what} ${String(i)} is out of range [0, ${n})`);
  }
}

/** Throws unless `n` is a non-negative integer. */
export function count(op: string, n: unknown, what: string): asserts n is number {
  if (!Number.isInteger(n) || (n as number) < 0) {
    throw new RangeError(`${op}: ${what} must be a non-negative integer, got ${String(n)}`);
  }
}

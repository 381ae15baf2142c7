/**
 * Level 1 and the elementwise table on structured matrices, segment by segment through the
 * engine's own vector methods, so every engine runs them. Updates touch the stored entries only
 * (a unit diagonal and a symmetric kind's mirror are never written); reductions are of the matrix
 * a kind represents (mirrored entries count twice, a unit diagonal's ones count).
 *
 * @module
 */

import type { Deferred, Operand } from "../core/engine.ts";
import type { ElementwiseOp } from "../elementwise/table.ts";
import { isTriangular, segments } from "../core/kinds.ts";
import { alikeStructured, liveStructured, type StructuredMatrix } from "../core/structured.ts";
import { combine, densify, sameStructure, segmentOperand } from "./pieces.ts";
import { scalar, value } from "../core/checks.ts";

/** The operands of x's segments, and of y's along the same entries. */
function paired(op: string, x: StructuredMatrix, y: StructuredMatrix): [Operand, Operand][] {
  sameStructure(op, x, y);
  return segments(x).map((s) => [segmentOperand(op, x, s), segmentOperand(op, y, s)]);
}

/** The largest of the values and `floor`, NaN where any is NaN (no spread: runs may be many). */
export function largest(values: readonly number[], floor: number): number {
  let m = floor;
  for (const v of values) {
    if (Number.isNaN(v)) return NaN;
    if (v > m) m = v;
  }
  return m;
}

/** Whether two structured matrices are the very same entries. */
const same = (x: StructuredMatrix, y: StructuredMatrix) =>
  x.storage === y.storage && x.offset === y.offset && x.layout === y.layout &&
  x.ld === y.ld;

/**
 * x itself, or a copy where out shares its memory without being it: updates go segment by
 * segment, and a later segment must not read what an earlier one wrote.
 */
function readable(op: string, out: StructuredMatrix, x: StructuredMatrix): StructuredMatrix {
  if (out.storage !== x.storage || same(out, x)) return x;
  const copy = alikeStructured(x);
  for (const [src, dst] of paired(op, x, copy)) x.factory.engine.blas.copy(src, dst);
  return copy;
}

function done(x: StructuredMatrix, used: StructuredMatrix): void {
  if (used !== x) used[Symbol.dispose]();
}

/** y ← x over the stored entries. */
export function copyStructured(x: StructuredMatrix, y: StructuredMatrix): StructuredMatrix {
  liveStructured("copy_", x, "x");
  liveStructured("copy_", y, "y");
  const xs = readable("copy_", y, x);
  for (const [a, b] of paired("copy_", xs, y)) y.factory.engine.blas.copy(a, b);
  done(x, xs);
  return y;
}

/** x ↔ y over the stored entries; partly shared memory has no answer. */
export function swapStructured(x: StructuredMatrix, y: StructuredMatrix): StructuredMatrix {
  liveStructured("swp_", x, "x");
  liveStructured("swp_", y, "y");
  if (x.storage === y.storage && !same(x, y)) {
    throw new RangeError(
      "swp_: x and y share memory; a swap of overlapping matrices has no answer",
    );
  }
  if (same(x, y)) return x;
  for (const [a, b] of paired("swp_", x, y)) x.factory.engine.blas.swap(a, b);
  return x;
}

/** x ← αx over the stored entries. */
export function scalStructured(alpha: number, x: StructuredMatrix): StructuredMatrix {
  scalar("scal_", alpha, "alpha");
  liveStructured("scal_", x, "x");
  for (const s of segments(x)) x.factory.engine.blas.scal(alpha, segmentOperand("scal_", x, s));
  return x;
}

/** y ← αx + βy over the stored entries. */
export function axpbyStructured(
  op: string,
  alpha: number,
  x: StructuredMatrix,
  beta: number,
  y: StructuredMatrix,
): StructuredMatrix {
  scalar(op, alpha, "alpha");
  scalar(op, beta, "beta");
  liveStructured(op, x, "x");
  liveStructured(op, y, "y");
  const xs = readable(op, y, x);
  for (const [a, b] of paired(op, xs, y)) {
    if (alpha === 0) y.factory.engine.blas.scal(beta, b);
    else y.factory.engine.blas.axpby(alpha, a, beta, b);
  }
  done(x, xs);
  return y;
}

/** Every stored entry ← v. */
export function fillStructured(x: StructuredMatrix, v: number): StructuredMatrix {
  liveStructured("entry_", x, "x");
  value("entry_", v, "value");
  for (const s of segments(x)) x.factory.engine.blas.fill(segmentOperand("entry_", x, s), v);
  return x;
}

/** out ← f(x[, y]) over the stored entries: the elementwise table on a structure. */
export function mapStructured(
  op: string,
  f: ElementwiseOp,
  params: readonly number[],
  x: StructuredMatrix,
  y: StructuredMatrix | undefined,
  out: StructuredMatrix | "fresh",
): StructuredMatrix {
  liveStructured(op, x, "x");
  if (y !== undefined) {
    liveStructured(op, y, "y");
    sameStructure(op, x, y);
  }
  if (out !== "fresh") {
    liveStructured(op, out, "the output");
    sameStructure(op, x, out);
  }
  const o = out === "fresh" ? alikeStructured(x) : out;
  const xs = readable(op, o, x), ys = y === undefined ? undefined : readable(op, o, y);
  for (const s of segments(o)) {
    x.factory.engine.math.map(
      f,
      params,
      segmentOperand(op, o, s),
      segmentOperand(op, xs, s),
      ys === undefined ? undefined : segmentOperand(op, ys, s),
    );
  }
  done(x, xs);
  if (y !== undefined && ys !== undefined) done(y, ys);
  return o;
}

/** The unit diagonal's ones, which reductions count though no memory holds them. */
const unitOnes = (x: StructuredMatrix) =>
  isTriangular(x.kind) && x.diag === "unit" ? Math.min(x.m, x.n) : 0;

/** Σ over the matrix of f's per-segment values, mirrored segments twice. */
function total(
  op: string,
  x: StructuredMatrix,
  part: (o: Operand) => Deferred<number>,
  ones: number,
): Deferred<number> {
  const segs = segments(x);
  const parts = segs.map((s) => part(segmentOperand(op, x, s)));
  return combine(parts, (v) => v.reduce((acc, p, k) => acc + (segs[k].twice ? 2 : 1) * p, ones));
}

/** Σ xᵢⱼ yᵢⱼ over the matrices x and y represent. */
export function dotStructured(x: StructuredMatrix, y: StructuredMatrix): Deferred<number> {
  liveStructured("dot", x, "x");
  liveStructured("dot", y, "y");
  const pairs = paired("dot", x, y), segs = segments(x);
  const parts = pairs.map(([a, b]) => x.factory.engine.blas.dot(a, b));
  return combine(
    parts,
    (v) => v.reduce((acc, p, k) => acc + (segs[k].twice ? 2 : 1) * p, unitOnes(x)),
  );
}

/** Σ xᵢⱼ. */
export function sumStructured(x: StructuredMatrix): Deferred<number> {
  liveStructured("sum", x, "x");
  return total("sum", x, (o) => x.factory.engine.blas.sum(o), unitOnes(x));
}

/** Σ |xᵢⱼ|. */
export function asumStructured(x: StructuredMatrix): Deferred<number> {
  liveStructured("asum", x, "x");
  return total("asum", x, (o) => x.factory.engine.blas.asum(o), unitOnes(x));
}

/** The Frobenius norm, each segment's norm combined without overflow. */
export function nrm2Structured(x: StructuredMatrix): Deferred<number> {
  liveStructured("nrm2", x, "x");
  const segs = segments(x);
  const parts = segs.map((s) => x.factory.engine.blas.nrm2(segmentOperand("nrm2", x, s)));
  return combine(parts, (v) => {
    const ones = unitOnes(x);
    const big = largest(v, ones > 0 ? 1 : 0);
    if (big === 0 || !Number.isFinite(big)) return big;
    const ss = v.reduce((a, p, k) => a + (segs[k].twice ? 2 : 1) * (p / big) ** 2, 0);
    return big * Math.sqrt(ss + ones / (big * big));
  });
}

/** The largest |xᵢⱼ| (NaN where an entry is NaN). */
export function amaxStructured(x: StructuredMatrix): Deferred<number> {
  liveStructured("amax", x, "x");
  const parts = segments(x).map((s) => x.factory.engine.blas.nrmi(segmentOperand("amax", x, s)));
  return combine(parts, (v) => largest(v, unitOnes(x) > 0 ? 1 : 0));
}

/** The 1-norm (largest column sum of |x|) or the ∞-norm (row), of a dense copy. */
export function lineNormStructured(op: "nrm1" | "nrmi", x: StructuredMatrix): Deferred<number> {
  liveStructured(op, x, "x");
  const g = densify(x);
  const r = op === "nrm1" ? x.factory.engine.blas.nrm1(g) : x.factory.engine.blas.nrmi(g);
  // The copy's memory goes back once the engine has read it.
  if (r instanceof Promise) return r.finally(() => g[Symbol.dispose]());
  g[Symbol.dispose]();
  return r;
}

/** A new structured matrix of x's kind holding x's stored entries. */
export function cloneStructured(x: StructuredMatrix): StructuredMatrix {
  liveStructured("copy", x, "x");
  return copyStructured(x, alikeStructured(x));
}

/**
 * Where LAPACK's routines run: a device's matrices on the best host engine of their dtype —
 * native where it loads (OpenBLAS's LAPACK), else js — and every operand column-major.
 *
 * @module
 */

import type { Operand } from "../core/engine.ts";
import type { Factory } from "../core/factory.ts";
import type { GEMatrix, Vector } from "../core/structures.ts";
import { ge, vctr } from "../core/construct.ts";
import { overlap } from "../core/overlap.ts";
import type { DType } from "../core/types.ts";
import type { LinalgEngine } from "../core/linalg_engine.ts";
import type { StructuredMatrix } from "../core/structured.ts";
import { columnReading } from "../core/kinds.ts";
import { defaultDouble, defaultFloat } from "../engines/registry.ts";

/** The default host factory of a dtype (float32 for float32 and bfloat16). */
export function lapackHost(dtype: DType): Factory<"host", "float32" | "float64"> {
  return dtype === "float64" ? defaultDouble() : defaultFloat();
}

/** Whether an operand is column-major, as LAPACK reads it (a single row is, at any stride). */
export const isColumnMajor = (x: Operand): boolean => x.rowStride === 1 || x.rows <= 1;

/**
 * Runs `work` on x itself when it is column-major, else on a column-major copy that is written
 * back after.
 */
export function inColumnMajor<S extends Vector<"host"> | GEMatrix<"host">>(
  x: S,
  work: (cm: S) => void,
): void {
  if (isColumnMajor(x)) return work(x);
  const c = ("dim" in x ? vctr(x.factory, x.dim) : ge(x.factory, x.m, x.n)) as S;
  try {
    x.factory.engine.blas.copy(x, c);
    work(c);
    x.factory.engine.blas.copy(c, x);
  } finally {
    c[Symbol.dispose]();
  }
}

/** Throws unless x and y share no memory: a routine that reads one while writing the other. */
export function apart(op: string, x: Operand, y: Operand, names: string): void {
  if (x.storage === y.storage && overlap(x, y) !== "none") {
    throw new RangeError(`${op}: ${names} share memory`);
  }
}

/** The LAPACK of a host factory's engine, or a TypeError naming what lacks it. */
export function lapackOf(op: string, f: Factory): LinalgEngine {
  const l = f.engine.linalg;
  if (l === undefined) throw new TypeError(`${op}: the ${f.name} engine has no LAPACK`);
  return l;
}

/**
 * A host sy's dense storage as the column-major operand LAPACK reads, and whether it holds the
 * upper triangle (a row-layout sy is its transpose's column reading: the other triangle).
 */
export function symmetricOperand(a: StructuredMatrix<"host">): { op: Operand; upper: boolean } {
  const c = columnReading(a);
  const op: Operand = {
    storage: a.storage,
    offset: a.offset,
    rows: a.n,
    cols: a.n,
    rowStride: 1,
    colStride: Math.max(c.ld, 1),
  };
  return { op, upper: c.uplo === "upper" };
}

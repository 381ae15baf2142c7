/**
 * Symmetric rank updates, C ← αBBᵀ + βC on the stored triangle of a `sy` C (BLAS's syrk; syr
 * for a vector): the engine's own routine where it plans one, else B·Bᵀ into a dense scratch
 * through gemm and its triangle added as a `sy` view.
 *
 * @module
 */

import type { Operand, StructuredOperand } from "../core/engine.ts";
import type { GEMatrix, Vector } from "../core/structures.ts";
import { describe, liveStructured, type StructuredMatrix } from "../core/structured.ts";
import { live, sameFactory, scalar } from "../core/checks.ts";
import { overlap } from "../core/overlap.ts";
import { ge } from "../core/construct.ts";
import { trans } from "../core/views.ts";
import { viewSy } from "./views.ts";
import { axpbyStructured } from "./level1.ts";

/** C ← αBBᵀ + βC for a symmetric C; b a vector (syr) or an n×k GE matrix (syrk). Returns c. */
export function rkSymmetric(
  op: string,
  alpha: number,
  b: Vector | GEMatrix,
  beta: number,
  c: StructuredMatrix,
): StructuredMatrix {
  scalar(op, alpha, "alpha");
  scalar(op, beta, "beta");
  liveStructured(op, c, "c");
  live(op, b, "the factor");
  if (c.kind !== "sy") {
    throw new TypeError(
      `${op}: a rank update of a ${describe(c)}: BLAS defines it on a symmetric sy (syr, syrk)`,
    );
  }
  if (b.rows !== c.n) {
    throw new RangeError(
      `${op}: c is a ${c.n}×${c.n} ${describe(c)}, the factor has ${b.rows} rows`,
    );
  }
  sameFactory(op, b, c);
  const bo = b as Operand;
  if (b.storage === c.storage && overlap(bo, { ...bo, ...denseArea(c) }) !== "none") {
    throw new RangeError(`${op}: the factor shares memory with c`);
  }
  const engine = c.factory.engine;
  const plan = engine.structured?.rk?.(alpha, bo, beta, c as StructuredOperand);
  if (plan !== undefined) {
    plan();
    return c;
  }
  // B·Bᵀ in full, then its stored triangle into C.
  using t = ge(c.factory, c.n, c.n);
  const g = "dim" in b ? ge(c.factory, c.n, 1) : undefined;
  try {
    const factor: Operand = g ?? bo;
    if (g) engine.blas.copy(bo, g);
    engine.blas.gemm(alpha, factor, trans(factor as GEMatrix), 0, t);
  } finally {
    g?.[Symbol.dispose]();
  }
  using view = viewSy(t, { uplo: c.uplo });
  axpbyStructured(op, 1, view, beta, c);
  return c;
}

/** The memory a dense sy spans, as a column. */
function denseArea(c: StructuredMatrix) {
  const rows = Math.max((c.n - 1) * c.ld + c.n, 1);
  return { offset: c.offset, rows, cols: 1, rowStride: 1, colStride: rows };
}

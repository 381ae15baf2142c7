/**
 * Views of structured matrices, no copies: `viewTr` and `viewSy` read a triangle of a GE matrix
 * (or a submatrix), `viewGe` reads a dense `tr` or `sy`'s memory back as a GE matrix, and
 * `dia`/`trans` of structured kinds go through `diaStructured` and `transStructured`.
 *
 * @module
 */

import { GEMatrix } from "../core/structures.ts";
import { liveMatrix } from "../core/checks.ts";
import type { DType, Loc } from "../core/types.ts";
import { isDense } from "../core/kinds.ts";
import {
  describe,
  liveStructured,
  StructuredMatrix,
  type TriangularOptions,
  type UploOptions,
} from "../core/structured.ts";

/**
 * A triangular view of a square GE matrix's memory: the triangle `uplo` (`"upper"` by default),
 * its diagonal read as ones with `{ diag: "unit" }`. Writes through it change the GE matrix.
 *
 * @example
 * ```ts
 * import { dge, entry, viewTr } from "@knap/knap";
 * using a = dge(2, 2, [1, 2, 3, 4]);
 * const u = viewTr(a);
 * if (entry(u, 1, 0) !== 0 || entry(u, 0, 1) !== 3) throw new Error("unexpected");
 * ```
 */
export function viewTr<L extends Loc, D extends DType>(
  a: GEMatrix<L, D>,
  options: Omit<TriangularOptions, "layout"> = {},
): StructuredMatrix<L, D> {
  return viewOf("viewTr", "tr", a, options);
}

/**
 * A symmetric view of a square GE matrix's memory: the triangle `uplo` read, mirrored.
 *
 * @example
 * ```ts
 * import { dge, entry, viewSy } from "@knap/knap";
 * using a = dge(2, 2, [1, 2, 3, 4]);
 * const s = viewSy(a, { uplo: "lower" });
 * if (entry(s, 0, 1) !== 2) throw new Error("unexpected");
 * ```
 */
export function viewSy<L extends Loc, D extends DType>(
  a: GEMatrix<L, D>,
  options: Omit<UploOptions, "layout"> = {},
): StructuredMatrix<L, D> {
  return viewOf("viewSy", "sy", a, options);
}

function viewOf<L extends Loc, D extends DType>(
  op: string,
  kind: "tr" | "sy",
  a: GEMatrix<L, D>,
  o: Omit<TriangularOptions, "layout">,
): StructuredMatrix<L, D> {
  liveMatrix(op, a);
  if (a.m !== a.n) throw new RangeError(`${op}: a is ${a.m}×${a.n}; a ${kind} view is square`);
  const uplo = o.uplo ?? "upper", w = Math.max(a.n - 1, 0);
  return new StructuredMatrix(a.factory, a.storage, a.offset, {
    kind,
    m: a.n,
    n: a.n,
    ld: a.ld,
    layout: a.layout,
    uplo,
    diag: kind === "tr" ? o.diag ?? "non-unit" : "non-unit",
    kl: uplo === "upper" ? 0 : w,
    ku: uplo === "upper" ? w : 0,
  }, false);
}

/**
 * The GE matrix over a dense `tr` or `sy`'s memory (both triangles as stored there). Packed,
 * banded and diagonal kinds have no GE reading of their memory: copy them instead.
 *
 * @example
 * ```ts
 * import { entry, jsDouble, tr, viewGe } from "@knap/knap";
 * using u = tr(jsDouble, 2, [1, 2, 3]);
 * if (entry(viewGe(u), 0, 1) !== 2) throw new Error("unexpected");
 * ```
 */
export function viewGe<L extends Loc, D extends DType>(
  a: StructuredMatrix<L, D>,
): GEMatrix<L, D> {
  liveStructured("viewGe", a);
  if (!isDense(a.kind)) {
    throw new TypeError(`viewGe: a ${describe(a)} has no dense storage to view as GE`);
  }
  return new GEMatrix(a.factory, a.storage, a.offset, a.m, a.n, a.ld, a.layout, false);
}

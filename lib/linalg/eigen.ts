/**
 * The symmetric eigenproblem (`evd`, LAPACK's syevd) — eigenvalues alone or with their vectors.
 * It iterates, so a NaN or ∞ in the input is refused before they start (LAPACK could loop on one). A device's
 * matrices are decomposed on the host (one transfer each way): the calls return Promises.
 *
 * @module
 */

import type { GEMatrix, Vector } from "../core/structures.ts";
import type { Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import { KnapError } from "../core/errors.ts";
import { describe, liveStructured, type StructuredMatrix, sy } from "../core/structured.ts";
import { lapackHost } from "./host.ts";
import { type Later, transfer_ } from "../access.ts";
import { finite, result } from "./results.ts";
import { densify } from "../structured/pieces.ts";
import { lapackOf } from "./factor.ts";

/** Eigenvalues ascending, and their eigenvectors as columns when asked for. */
export interface Eigen<L extends Loc = Loc> extends Disposable {
  /** The eigenvalues, ascending. */
  readonly w: Vector<L>;
  /** Orthonormal eigenvectors, column j for w[j], when asked for. */
  readonly z?: GEMatrix<L>;
}

/** What to compute besides the values. */
export interface VectorsOption {
  /** Whether to compute the vectors too (default false). */
  readonly vectors?: boolean;
}

function evdHost<L extends Loc>(a: StructuredMatrix<"host">, home: Factory<L>, vectors: boolean) {
  const lapack = lapackOf("evd", a.factory);
  const work = densify(a) as GEMatrix<"host">;
  try {
    finite("evd", work);
    const w = new Float64Array(a.n);
    const info = lapack.syevd(work, false, w, vectors);
    if (info > 0) {
      throw new KnapError(
        `evd: the iteration did not converge (${info} off-diagonal entries left)`,
        "no-convergence",
      );
    }
    const r = result(home, [["w", w]], [["z", vectors ? work : undefined]]) as unknown as Eigen<L>;
    if (!vectors) work[Symbol.dispose]();
    return r;
  } catch (e) {
    work[Symbol.dispose]();
    throw e;
  }
}

/**
 * The eigenvalues of a symmetric `sy`, ascending, and with `{ vectors: true }` orthonormal
 * eigenvectors (LAPACK's syevd; Neanderthal's `ev!` on SY). a is untouched. A NaN or ∞ in a is a
 * RangeError naming the entry.
 *
 * @example
 * ```ts
 * import { jsDouble, sy, toArray } from "@knap/knap";
 * import { evd } from "@knap/knap/linalg";
 * using a = sy(jsDouble, 2, [2, 1, 2]); // [[2, 1], [1, 2]]: eigenvalues 1 and 3
 * using e = evd(a, { vectors: true });
 * const [l1, l2] = toArray(e.w);
 * if (Math.abs(l1 - 1) > 1e-15 || Math.abs(l2 - 3) > 1e-15 || e.z?.m !== 2) throw new Error("unexpected");
 * ```
 */
export function evd<L extends Loc>(
  a: StructuredMatrix<L>,
  options: VectorsOption = {},
): Later<L, Eigen<L>> {
  liveStructured("evd", a, "a");
  if (a.kind !== "sy") {
    throw new TypeError(`evd: the symmetric eigenproblem of a ${describe(a)}: it takes a sy`);
  }
  const vectors = options.vectors ?? false;
  if (a.factory.location === "host") {
    return evdHost(a as StructuredMatrix<"host">, a.factory, vectors) as Later<L, Eigen<L>>;
  }
  return (async () => {
    const h = sy(lapackHost(a.factory.dtype), a.n, undefined, { uplo: a.uplo, layout: a.layout });
    try {
      await transfer_(a as StructuredMatrix, h);
      return evdHost(h, a.factory, vectors);
    } finally {
      h[Symbol.dispose]();
    }
  })() as Later<L, Eigen<L>>;
}

/**
 * The symmetric eigenproblem (`evd`, LAPACK's syevd) and the singular value decomposition
 * (`svd`, gesdd) — eigenvalues or singular values alone, or with their vectors. Both iterate, so
 * a NaN or ∞ in the input is refused before they start (LAPACK could loop on one). A device's
 * matrices are decomposed on the host (one transfer each way): the calls return Promises.
 *
 * @module
 */

import type { GEMatrix, Vector } from "../core/structures.ts";
import type { Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import { live } from "../core/checks.ts";
import { ge } from "../core/construct.ts";
import { trans } from "../core/views.ts";
import { KnapError } from "../core/errors.ts";
import { describe, liveStructured, type StructuredMatrix, sy } from "../core/structured.ts";
import { lapackHost } from "./host.ts";
import { type Later, transfer, transfer_ } from "../access.ts";
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

/** Singular values descending, and the thin singular vectors when asked for. */
export interface SVD<L extends Loc = Loc> extends Disposable {
  /** The singular values, descending, min(m, n) of them. */
  readonly s: Vector<L>;
  /** The left singular vectors, m×min(m, n), when asked for. */
  readonly u?: GEMatrix<L>;
  /** The right singular vectors transposed, min(m, n)×n, when asked for. */
  readonly vt?: GEMatrix<L>;
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

function svdHost<L extends Loc>(a: GEMatrix<"host">, home: Factory<L>, vectors: boolean) {
  const lapack = lapackOf("svd", a.factory);
  // A wide matrix goes in as its transpose, Aᵀ = V·Σ·Uᵀ: OpenBLAS 0.3.21's dgesdd fails to
  // converge on some wide inputs with vectors (784×1000 centered MNIST digits) that it
  // decomposes as tall ones, as numpy's row-major call does.
  const wide = a.m < a.n, m = wide ? a.n : a.m, n = wide ? a.m : a.n, k = Math.min(m, n);
  using work = ge(a.factory, m, n) as GEMatrix<"host">;
  a.factory.engine.blas.copy(wide ? trans(a) : a, work);
  finite("svd", work);
  const s = new Float64Array(k);
  const u = vectors ? (ge(a.factory, m, k) as GEMatrix<"host">) : undefined;
  const vt = vectors ? (ge(a.factory, k, n) as GEMatrix<"host">) : undefined;
  const info = lapack.gesdd(work, s, u, vt);
  if (info > 0) {
    u?.[Symbol.dispose]();
    vt?.[Symbol.dispose]();
    throw new KnapError(`svd: the iteration did not converge (info ${info})`, "no-convergence");
  }
  if (!wide || !vectors) {
    return result(home, [["s", s]], [["u", u], ["vt", vt]]) as unknown as SVD<L>;
  }
  // A's U is (Aᵀ's Vᵀ)ᵀ and A's Vᵀ is (Aᵀ's U)ᵀ.
  const ua = ge(a.factory, a.m, k) as GEMatrix<"host">,
    vta = ge(a.factory, k, a.n) as GEMatrix<"host">;
  a.factory.engine.blas.copy(trans(vt!), ua);
  a.factory.engine.blas.copy(trans(u!), vta);
  u![Symbol.dispose]();
  vt![Symbol.dispose]();
  return result(home, [["s", s]], [["u", ua], ["vt", vta]]) as unknown as SVD<L>;
}

/**
 * The singular values of a, descending, and with `{ vectors: true }` the thin singular vectors
 * U (m×k) and Vᵀ (k×n), k = min(m, n), so that a = U·diag(s)·Vᵀ (LAPACK's gesdd, divide and
 * conquer; numpy's `svd(full_matrices=False)`). a is untouched. A NaN or ∞ in a is a RangeError
 * naming the entry.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { svd } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [3, 0, 0, -4]);
 * using r = svd(a);
 * if (toArray(r.s).join() !== "4,3") throw new Error("unexpected");
 * ```
 */
export function svd<L extends Loc>(a: GEMatrix<L>, options: VectorsOption = {}): Later<L, SVD<L>> {
  live("svd", a, "a");
  const vectors = options.vectors ?? false;
  if (a.factory.location === "host") {
    return svdHost(a as GEMatrix<"host">, a.factory, vectors) as Later<L, SVD<L>>;
  }
  return (async () => {
    using h = await transfer(lapackHost(a.factory.dtype), a as GEMatrix);
    return svdHost(h, a.factory, vectors);
  })() as Later<L, SVD<L>>;
}

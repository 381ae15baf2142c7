/**
 * The singular value decomposition A = U·Σ·Vᵀ: `svd` and `sdd_` by divide and conquer (LAPACK's
 * gesdd), `svd_` by the QR iteration (gesvd); the values alone, or with the thin or full singular
 * vectors. It iterates, so a NaN or ∞ is refused before it starts. A device's matrix is decomposed
 * on the host (one transfer each way): the calls return Promises.
 *
 * @module
 */

import type { GEMatrix, Vector } from "../core/structures.ts";
import type { HostArray, Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import type { LinalgEngine } from "../core/linalg_engine.ts";
import { live, numeric } from "../core/checks.ts";
import { ge } from "../core/construct.ts";
import { submatrix, trans } from "../core/views.ts";
import { KnapError } from "../core/errors.ts";
import { type Later, transfer } from "../access.ts";
import { isColumnMajor, lapackHost, lapackOf } from "./host.ts";
import { finite, result } from "./results.ts";

/** Singular values descending, and the singular vectors when asked for. */
export interface SVD<L extends Loc = Loc> extends Disposable {
  /** The singular values, descending, min(m, n) of them. */
  readonly s: Vector<L>;
  /** The left singular vectors: m×min(m, n), or m×m when `full`. */
  readonly u?: GEMatrix<L>;
  /** The right singular vectors transposed: min(m, n)×n, or n×n when `full`. */
  readonly vt?: GEMatrix<L>;
}

/** What an SVD computes besides the values. */
export interface SVDOptions {
  /** Whether to compute U and Vᵀ too (default false). */
  readonly vectors?: boolean;
  /** Square U (m×m) and Vᵀ (n×n), numpy's `full_matrices=True` (default false: the thin ones). */
  readonly full?: boolean;
}

type Routine = "gesdd" | "gesvd";

/**
 * The m×m orthogonal matrix whose first k columns are q's (orthonormal, m×k): the rest are the
 * trailing columns of the Q of q's QR, which span the complement of q's columns.
 */
function complete(q: GEMatrix<"host">, lapack: LinalgEngine): GEMatrix<"host"> {
  const m = q.m, k = q.n, blas = q.factory.engine.blas;
  const out = ge(q.factory, m, m) as GEMatrix<"host">;
  if (k < m) {
    using f = ge(q.factory, m, k) as GEMatrix<"host">;
    blas.copy(q, f);
    const tau = new Float64Array(k);
    lapack.geqrf(f, tau);
    blas.fill(out, 0);
    const buf = out.storage.buffer as HostArray;
    for (let i = 0; i < m; i++) buf[out.offset + i + i * out.colStride] = 1;
    lapack.ormqr("left", false, f, tau, out);
  }
  blas.copy(q, submatrix(out, 0, 0, m, k));
  return out;
}

/** The SVD on the host; `work` may be a itself when it may be destroyed. */
function svdHost<L extends Loc>(
  op: string,
  a: GEMatrix<"host">,
  home: Factory<L>,
  options: SVDOptions,
  routine: Routine,
  destroy: boolean,
) {
  const lapack = lapackOf(op, a.factory), f = a.factory, blas = f.engine.blas;
  const vectors = options.vectors ?? false, full = vectors && (options.full ?? false);
  // A wide matrix goes in as its transpose, Aᵀ = V·Σ·Uᵀ: OpenBLAS 0.3.21's dgesdd fails to
  // converge on some wide inputs with vectors (784×1000 centered MNIST digits) that it
  // decomposes as tall ones, as numpy's row-major call does.
  const wide = a.m < a.n, m = wide ? a.n : a.m, n = wide ? a.m : a.n, k = Math.min(m, n);
  const inPlace = destroy && !wide && isColumnMajor(a);
  const work = inPlace ? a : (ge(f, m, n) as GEMatrix<"host">);
  const owned: Disposable[] = [];
  try {
    if (!inPlace) {
      owned.push(work);
      blas.copy(wide ? trans(a) : a, work);
    }
    finite(op, work);
    const s = new Float64Array(k);
    let u = vectors ? (ge(f, m, k) as GEMatrix<"host">) : undefined;
    let vt = vectors ? (ge(f, k, n) as GEMatrix<"host">) : undefined;
    if (u) owned.push(u);
    if (vt) owned.push(vt);
    const info = lapack[routine](work, s, u, vt);
    if (info > 0) {
      throw new KnapError(`${op}: the iteration did not converge (info ${info})`, "no-convergence");
    }
    if (wide && u && vt) {
      // A's U is (Aᵀ's Vᵀ)ᵀ and A's Vᵀ is (Aᵀ's U)ᵀ.
      const ua = ge(f, a.m, k) as GEMatrix<"host">, vta = ge(f, k, a.n) as GEMatrix<"host">;
      owned.push(ua, vta);
      blas.copy(trans(vt), ua);
      blas.copy(trans(u), vta);
      [u, vt] = [ua, vta];
    }
    if (full && u && vt) {
      const uf = complete(u, lapack);
      owned.push(uf);
      using v = ge(f, vt.n, vt.m) as GEMatrix<"host">;
      blas.copy(trans(vt), v);
      using vf = complete(v, lapack);
      const vtf = ge(f, vt.n, vt.n) as GEMatrix<"host">;
      owned.push(vtf);
      blas.copy(trans(vf), vtf);
      [u, vt] = [uf, vtf];
    }
    const out = result(home, [["s", s]], [["u", u], ["vt", vt]]) as unknown as SVD<L>;
    // What went into the result is the caller's now (moved to home, or handed over as is).
    for (const x of owned) if (x !== u && x !== vt) x[Symbol.dispose]();
    return out;
  } catch (e) {
    for (const x of owned) x[Symbol.dispose]();
    throw e;
  }
}

function run<L extends Loc>(
  op: string,
  a: GEMatrix<L>,
  options: SVDOptions,
  routine: Routine,
  destroy: boolean,
): Later<L, SVD<L>> {
  live(op, a, "a");
  numeric(op, a);
  if (a.factory.location === "host") {
    return svdHost(op, a as GEMatrix<"host">, a.factory, options, routine, destroy) as Later<
      L,
      SVD<L>
    >;
  }
  return (async () => {
    using h = await transfer(lapackHost(a.factory.dtype), a as GEMatrix);
    return svdHost(op, h, a.factory, options, routine, true);
  })() as Later<L, SVD<L>>;
}

/**
 * The singular values of a, descending, and with `{ vectors: true }` the singular vectors U and Vᵀ
 * with a = U·diag(s)·Vᵀ — thin (m×k and k×n, k = min(m, n)) or with `{ full: true }` square
 * (LAPACK's gesdd, divide and conquer; numpy's `svd`). a is untouched. A NaN or ∞ in a is a
 * RangeError naming the entry. The js engine runs one-sided Jacobi rotations.
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
export function svd<L extends Loc>(a: GEMatrix<L>, options: SVDOptions = {}): Later<L, SVD<L>> {
  return run("svd", a, options, "gesdd", false);
}

/**
 * `svd` by divide and conquer with a itself as the workspace (LAPACK's gesdd, Neanderthal's
 * `sdd!`): a's contents are destroyed, and a column-major tall or square host a is not copied.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { sdd_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 3, 2, [0, 0, 2, 1, 0, 0]);
 * using r = sdd_(a, { vectors: true, full: true });
 * if (toArray(r.s).join() !== "2,1" || r.u?.n !== 3) throw new Error("unexpected");
 * ```
 */
export function sdd_<L extends Loc>(a: GEMatrix<L>, options: SVDOptions = {}): Later<L, SVD<L>> {
  return run("sdd_", a, options, "gesdd", true);
}

/**
 * The SVD by the QR iteration (LAPACK's gesvd, Neanderthal's `svd!`), a's contents destroyed as
 * the workspace: slower than divide and conquer on large matrices with vectors, and the routine
 * LAPACK keeps for when gesdd's memory or behaviour does not suit. The js engine's one-sided
 * Jacobi serves both.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { svd_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 1, 2, [3, 4]);
 * using r = svd_(a, { vectors: true });
 * if (Math.abs(toArray(r.s)[0] - 5) > 1e-15 || r.vt?.n !== 2) throw new Error("unexpected");
 * ```
 */
export function svd_<L extends Loc>(a: GEMatrix<L>, options: SVDOptions = {}): Later<L, SVD<L>> {
  return run("svd_", a, options, "gesvd", true);
}

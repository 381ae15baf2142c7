/**
 * The symmetric eigenproblem (`evd`, LAPACK's syevd) and the singular value decomposition
 * (`svd`, gesdd) — eigenvalues or singular values alone, or with their vectors. Both iterate, so
 * a NaN or ∞ in the input is refused before they start (LAPACK could loop on one). A device's
 * matrices are decomposed on the host (one transfer each way): the calls return Promises.
 *
 * @module
 */

import type { GEMatrix, Vector } from "../core/structures.ts";
import type { HostArray, Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import { live } from "../core/checks.ts";
import { ge, vctr } from "../core/construct.ts";
import { trans } from "../core/views.ts";
import { KnapError } from "../core/errors.ts";
import { describe, liveStructured, type StructuredMatrix, sy } from "../core/structured.ts";
import { lapackHost } from "./host.ts";
import { type Later, transfer, transfer_ } from "../access.ts";
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

/** Throws unless every entry of a host GE matrix is finite, naming the first that is not. */
function finite(op: string, a: GEMatrix<"host">): void {
  const buf = a.storage.buffer as HostArray;
  for (let j = 0; j < a.n; j++) {
    for (let i = 0; i < a.m; i++) {
      const v = buf[a.offset + i * a.rowStride + j * a.colStride];
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `${op}: a(${i}, ${j}) is ${v}; the iteration would not end meaningfully, so it does not start`,
        );
      }
    }
  }
}

/** A host matrix moved to home (itself where it already is there). */
function toHome<L extends Loc>(home: Factory<L>, m: GEMatrix<"host">): GEMatrix<L> {
  if (m.factory === (home as Factory)) return m as unknown as GEMatrix<L>;
  const out = ge(home, m.m, m.n);
  transfer_(m, out);
  m[Symbol.dispose]();
  return out;
}

/** Values and vectors as a disposable result on home. */
function result<L extends Loc, K extends string>(
  home: Factory<L>,
  values: [K, Float64Array],
  vectors: [string, GEMatrix<"host"> | undefined][],
) {
  const out: Record<string, Vector<L> | GEMatrix<L> | undefined> = {
    [values[0]]: vctr(home, Array.from(values[1])),
  };
  for (const [name, m] of vectors) out[name] = m && toHome(home, m);
  return Object.assign(out, {
    [Symbol.dispose]() {
      for (const v of Object.values(out)) v?.[Symbol.dispose]();
    },
  });
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
    const r = result(home, ["w", w], [["z", vectors ? work : undefined]]) as unknown as Eigen<L>;
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
  if (!wide || !vectors) return result(home, ["s", s], [["u", u], ["vt", vt]]) as unknown as SVD<L>;
  // A's U is (Aᵀ's Vᵀ)ᵀ and A's Vᵀ is (Aᵀ's U)ᵀ.
  const ua = ge(a.factory, a.m, k) as GEMatrix<"host">,
    vta = ge(a.factory, k, a.n) as GEMatrix<"host">;
  a.factory.engine.blas.copy(trans(vt!), ua);
  a.factory.engine.blas.copy(trans(u!), vta);
  u![Symbol.dispose]();
  vt![Symbol.dispose]();
  return result(home, ["s", s], [["u", ua], ["vt", vta]]) as unknown as SVD<L>;
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

/** A general matrix's eigenvalues wr + i·wi, and its right eigenvectors when asked for. */
export interface GeneralEigen<L extends Loc = Loc> extends Disposable {
  /** The eigenvalues' real parts, in LAPACK's order (a complex pair next to each other). */
  readonly wr: Vector<L>;
  /** Their imaginary parts: a pair as +β then −β. */
  readonly wi: Vector<L>;
  /**
   * The right eigenvectors, n×n: column j for a real eigenvalue; for a pair at j, j + 1 the
   * vector is column j + i·column (j + 1), and its conjugate belongs to the second.
   */
  readonly vr?: GEMatrix<L>;
}

function evHost<L extends Loc>(a: GEMatrix<"host">, home: Factory<L>, vectors: boolean) {
  let lapack = lapackOf("ev", a.factory);
  let f = a.factory;
  if (vectors && !lapack.geevVectors) {
    // The js engine computes values only: the vectors come from the native engine where it loads.
    const native = lapackHost(a.factory.dtype);
    if (native.engine.linalg?.geevVectors !== true) {
      throw new TypeError(
        "ev: a general matrix's eigenvectors need the native engine (LAPACK's geev); the js " +
          "engine computes its eigenvalues",
      );
    }
    lapack = native.engine.linalg;
    f = native;
  }
  const n = a.m;
  using work = ge(f, n, n) as GEMatrix<"host">;
  a.factory.engine.blas.copy(a, work);
  finite("ev", work);
  const wr = new Float64Array(n), wi = new Float64Array(n);
  const vr = vectors ? (ge(f, n, n) as GEMatrix<"host">) : undefined;
  const info = lapack.geev(work, wr, wi, vr);
  if (info > 0) {
    vr?.[Symbol.dispose]();
    throw new KnapError(
      `ev: the QR iteration did not converge (${info} eigenvalues left)`,
      "no-convergence",
    );
  }
  const out = result(home, ["wr", wr], [["vr", vr]]);
  return Object.assign(out, { wi: vctr(home, Array.from(wi)) }, {
    [Symbol.dispose]() {
      for (const v of [out.wr, out.vr, (out as { wi?: Vector }).wi]) v?.[Symbol.dispose]();
    },
  }) as unknown as GeneralEigen<L>;
}

/**
 * The eigenvalues of a general square matrix (LAPACK's geev; Neanderthal's `ev!`, numpy's `eig`),
 * as real and imaginary parts, and with `{ vectors: true }` the right eigenvectors in LAPACK's
 * real layout. a is untouched; NaN or ∞ is refused before the iteration. The js engine computes
 * the values (Hessenberg reduction and Francis's double-shift QR); the vectors come from the
 * native engine, and without it asking for them is a TypeError.
 *
 * @example A rotation by 90° has eigenvalues ±i
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { ev } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [0, 1, -1, 0]);
 * using e = ev(a);
 * const im = Array.from(toArray(e.wi)).sort();
 * if (toArray(e.wr).some((v) => Math.abs(v) > 1e-15) || im[0] !== -1 || im[1] !== 1) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function ev<L extends Loc>(
  a: GEMatrix<L>,
  options: VectorsOption = {},
): Later<L, GeneralEigen<L>> {
  live("ev", a, "a");
  if (a.m !== a.n) throw new RangeError(`ev: a is ${a.m}×${a.n}, not square`);
  const vectors = options.vectors ?? false;
  if (a.factory.location === "host") {
    return evHost(a as GEMatrix<"host">, a.factory, vectors) as Later<L, GeneralEigen<L>>;
  }
  return (async () => {
    using h = await transfer(lapackHost(a.factory.dtype), a as GEMatrix);
    return evHost(h, a.factory, vectors);
  })() as Later<L, GeneralEigen<L>>;
}

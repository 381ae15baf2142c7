/**
 * The eigenproblem of a general square matrix: its eigenvalues with left and right eigenvectors
 * (`ev`, `ev_`: LAPACK's geev) and its real Schur form (`es`, `es_`: gees). Both iterate, so a NaN
 * or ∞ is refused before they start. A device's matrix is decomposed on the host (one transfer
 * each way): the calls return Promises.
 *
 * @module
 */

import type { GEMatrix, Vector } from "../core/structures.ts";
import type { Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import { live, numeric } from "../core/checks.ts";
import { ge } from "../core/construct.ts";
import { KnapError } from "../core/errors.ts";
import { type Later, transfer, transfer_ } from "../access.ts";
import { inColumnMajor, lapackHost, lapackOf } from "./host.ts";
import { finite, result } from "./results.ts";
import type { VectorsOption } from "./eigen.ts";

/** A general matrix's eigenvalues wr + i·wi, and its eigenvectors when asked for. */
export interface GeneralEigen<L extends Loc = Loc> extends Disposable {
  /** The eigenvalues' real parts, in LAPACK's order (a complex pair next to each other). */
  readonly wr: Vector<L>;
  /** Their imaginary parts: a pair as +β then −β. */
  readonly wi: Vector<L>;
  /**
   * The left eigenvectors u (uᴴ·A = λ·uᴴ), n×n, laid out as `vr`: for a pair at j, j + 1,
   * u = column j + i·column (j + 1) belongs to the first eigenvalue.
   */
  readonly vl?: GEMatrix<L>;
  /**
   * The right eigenvectors (A·v = λ·v), n×n: column j for a real eigenvalue; for a pair at
   * j, j + 1 the vector is column j + i·column (j + 1), and its conjugate belongs to the second.
   * Each has length 1 and its largest component real, as LAPACK normalizes them.
   */
  readonly vr?: GEMatrix<L>;
}

/** Which eigenvectors `ev` computes besides the values. */
export interface EigenvectorsOption {
  /** The right eigenvectors (default false). */
  readonly right?: boolean;
  /** The left eigenvectors (default false). */
  readonly left?: boolean;
  /** The right eigenvectors, as `right` (kept for `evd`'s spelling). */
  readonly vectors?: boolean;
}

/** The real Schur form's eigenvalues, and its Schur vectors when asked for. */
export interface Schur<L extends Loc = Loc> extends Disposable {
  /** The eigenvalues' real parts in T's diagonal order. */
  readonly wr: Vector<L>;
  /** Their imaginary parts: a pair, a 2×2 block of T, as +β then −β. */
  readonly wi: Vector<L>;
  /** The orthogonal Z with A = Z·T·Zᵀ, when asked for. */
  readonly z?: GEMatrix<L>;
}

/** `es`'s result: the Schur form T besides what `es_` returns. */
export interface SchurForm<L extends Loc = Loc> extends Schur<L> {
  /** T: upper quasi-triangular, its 2×2 blocks with equal diagonal and off-diagonals of opposite sign. */
  readonly t: GEMatrix<L>;
}

function square(op: string, a: GEMatrix): void {
  live(op, a, "a");
  numeric(op, a);
  if (a.m !== a.n) throw new RangeError(`${op}: a is ${a.m}×${a.n}, not square`);
}

const noConvergence = (op: string, info: number) =>
  new KnapError(
    `${op}: the QR iteration did not converge (${info} eigenvalues left)`,
    "no-convergence",
  );

/** geev on a host matrix used as the workspace (its contents destroyed). */
function evHost<L extends Loc>(
  op: string,
  work: GEMatrix<"host">,
  home: Factory<L>,
  options: EigenvectorsOption,
): GeneralEigen<L> {
  const lapack = lapackOf(op, work.factory), f = work.factory, n = work.m;
  const right = options.right ?? options.vectors ?? false, left = options.left ?? false;
  finite(op, work);
  const wr = new Float64Array(n), wi = new Float64Array(n);
  const vl = left ? (ge(f, n, n) as GEMatrix<"host">) : undefined;
  const vr = right ? (ge(f, n, n) as GEMatrix<"host">) : undefined;
  let info = 0;
  inColumnMajor(work, (cm) => (info = lapack.geev(cm, wr, wi, vl, vr)));
  if (info > 0) {
    vl?.[Symbol.dispose]();
    vr?.[Symbol.dispose]();
    throw noConvergence(op, info);
  }
  return result(home, [["wr", wr], ["wi", wi]], [["vl", vl], [
    "vr",
    vr,
  ]]) as unknown as GeneralEigen<L>;
}

/**
 * The eigenvalues of a general square matrix (LAPACK's geev; numpy's `eig`), as real and
 * imaginary parts, and with `{ right: true }` / `{ left: true }` the right and left eigenvectors
 * in LAPACK's real layout. a is untouched; NaN or ∞ is refused before the iteration. On the js
 * engine: Hessenberg reduction, Francis's double-shift QR to the real Schur form, and back
 * substitution for the vectors.
 *
 * @example A rotation by 90° has eigenvalues ±i
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { ev } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [0, 1, -1, 0]);
 * using e = ev(a, { right: true });
 * const im = Array.from(toArray(e.wi)).sort();
 * if (toArray(e.wr).some((v) => Math.abs(v) > 1e-15) || im[0] !== -1 || im[1] !== 1) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function ev<L extends Loc>(
  a: GEMatrix<L>,
  options: EigenvectorsOption = {},
): Later<L, GeneralEigen<L>> {
  square("ev", a);
  if (a.factory.location === "host") {
    using work = ge(a.factory, a.m, a.n) as GEMatrix<"host">;
    a.factory.engine.blas.copy(a, work);
    return evHost("ev", work, a.factory, options) as Later<L, GeneralEigen<L>>;
  }
  return (async () => {
    using h = await transfer(lapackHost(a.factory.dtype), a as GEMatrix);
    return evHost("ev", h, a.factory, options);
  })() as Later<L, GeneralEigen<L>>;
}

/**
 * `ev` with a itself as the workspace (LAPACK's geev, Neanderthal's `ev!`): its contents are
 * destroyed, no copy of it is made on the host.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { ev_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [2, 0, 0, 3]);
 * using e = ev_(a);
 * if (toArray(e.wr).slice().sort().join() !== "2,3") throw new Error("unexpected");
 * ```
 */
export function ev_<L extends Loc>(
  a: GEMatrix<L>,
  options: EigenvectorsOption = {},
): Later<L, GeneralEigen<L>> {
  square("ev_", a);
  if (a.factory.location === "host") {
    return evHost("ev_", a as GEMatrix<"host">, a.factory, options) as Later<L, GeneralEigen<L>>;
  }
  return (async () => {
    using h = await transfer(lapackHost(a.factory.dtype), a as GEMatrix);
    return evHost("ev_", h, a.factory, options);
  })() as Later<L, GeneralEigen<L>>;
}

/** gees on a host matrix, which ends holding T. */
function esHost<L extends Loc>(a: GEMatrix<"host">, home: Factory<L>, vectors: boolean) {
  const lapack = lapackOf("es_", a.factory), n = a.m;
  finite("es_", a);
  const wr = new Float64Array(n), wi = new Float64Array(n);
  const z = vectors ? (ge(a.factory, n, n) as GEMatrix<"host">) : undefined;
  let info = 0;
  inColumnMajor(a, (cm) => (info = lapack.gees(cm, wr, wi, z)));
  if (info > 0) {
    z?.[Symbol.dispose]();
    throw noConvergence("es_", info);
  }
  return result(home, [["wr", wr], ["wi", wi]], [["z", z]]) as unknown as Schur<L>;
}

/**
 * Overwrites a with its real Schur form T = ZᵀAZ (LAPACK's gees, unsorted; Neanderthal's `es!`):
 * upper quasi-triangular, a complex pair of eigenvalues α ± iβ as a 2×2 block with equal diagonal
 * α and off-diagonals whose product is −β². Returns the eigenvalues in T's order and, with
 * `{ vectors: true }`, the orthogonal Z. A device a is decomposed on the host: a Promise.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { es_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [1, 0, 2, 3]); // upper triangular already
 * using s = es_(a, { vectors: true });
 * if (toArray(s.wr).join() !== "1,3") throw new Error("unexpected");
 * ```
 */
export function es_<L extends Loc>(
  a: GEMatrix<L>,
  options: VectorsOption = {},
): Later<L, Schur<L>> {
  square("es_", a);
  const vectors = options.vectors ?? false;
  if (a.factory.location === "host") {
    return esHost(a as GEMatrix<"host">, a.factory, vectors) as Later<L, Schur<L>>;
  }
  return (async () => {
    using h = await transfer(lapackHost(a.factory.dtype), a as GEMatrix);
    const s = esHost(h, a.factory, vectors);
    transfer_(h, a as GEMatrix);
    return s;
  })() as Later<L, Schur<L>>;
}

/**
 * The real Schur form of a as a new matrix `t` beside `es_`'s eigenvalues and Z; a untouched.
 *
 * @example Reading a complex pair off a 2×2 block
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { es } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [1, -2, 2, 1]); // 1 ± 2i
 * using s = es(a);
 * const [t00, t10, t01, t11] = toArray(s.t);
 * if (Math.abs(t00 - t11) > 1e-15 || Math.abs(Math.sqrt(-t10 * t01) - 2) > 1e-14) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function es<L extends Loc>(
  a: GEMatrix<L>,
  options: VectorsOption = {},
): Later<L, SchurForm<L>> {
  square("es", a);
  const t = ge(a.factory, a.m, a.n);
  a.factory.engine.blas.copy(a, t);
  const done = (s: Schur<L>) =>
    Object.assign(s, {
      t,
      [Symbol.dispose]() {
        for (const v of [s.wr, s.wi, s.z, t]) v?.[Symbol.dispose]();
      },
    }) as SchurForm<L>;
  try {
    const s = es_(t, options);
    if (s instanceof Promise) {
      return s.then(done, (e) => {
        t[Symbol.dispose]();
        throw e;
      }) as Later<L, SchurForm<L>>;
    }
    return done(s as Schur<L>) as Later<L, SchurForm<L>>;
  } catch (e) {
    t[Symbol.dispose]();
    throw e;
  }
}

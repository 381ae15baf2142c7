/**
 * Householder factorizations: QR (`qrf_`, `qrf`), QR with column pivoting (`qpf_`, `qpf`), and the
 * RQ, LQ and QL forms (`rqf_`, `lqf_`, `qlf_` and their pure twins) — LAPACK's geqrf, geqp3,
 * gerqf, gelqf and geqlf. Their Q is formed (`org`, `org_`: orgqr and friends) or applied without
 * forming it (`qmm_`: ormqr and friends).
 *
 * @module
 */

import type { LinalgEngine, OrthogonalForm } from "../core/linalg_engine.ts";
import type { GEMatrix } from "../core/structures.ts";
import type { HostArray, Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import { live, numeric } from "../core/checks.ts";
import { ge } from "../core/construct.ts";
import { submatrix } from "../core/views.ts";
import { apart, inColumnMajor, isColumnMajor, lapackHost, lapackOf } from "./host.ts";
import { type Later, transfer, transfer_ } from "../access.ts";
import { Factors } from "./factors.ts";
import type { Home } from "./solve.ts";

/** How an orthogonal factorization came about, besides its factors. */
interface Made {
  /** Which of A = Q·R, L·Q, Q·L, R·Q. */
  readonly form: OrthogonalForm;
  /** For QR with column pivoting: the original column now at each place. */
  readonly jpvt?: Int32Array;
  /** The caller's matrix when it was factored in place (`qrf_` and friends), where `org_` writes. */
  readonly origin?: GEMatrix;
}

/**
 * An orthogonal factorization by Householder reflections: A = Q·R (LAPACK's geqrf), A·P = Q·R
 * (geqp3, `jpvt` holding P), A = L·Q (gelqf), Q·L (geqlf) or R·Q (gerqf) — the `form`.
 */
export class QR<L extends Loc = Loc> extends Factors<L> {
  /** The kind of factorization. */
  readonly kind = "qr" as const;
  /** Which of A = Q·R, L·Q, Q·L, R·Q. */
  readonly form: OrthogonalForm;
  /** With column pivoting: jpvt[j] is the 0-based column of A at column j of Q·R. */
  readonly jpvt?: Int32Array;
  /** The reflectors' scalars, min(m, n) of them. */
  readonly tau: Float64Array;
  /** The column-major host matrix holding the triangle and the reflectors, as LAPACK lays them. */
  readonly matrix: GEMatrix<"host">;
  /** The caller's matrix when it was factored in place. */
  readonly origin?: GEMatrix;

  /** Wraps what `qrf_` and its siblings made. */
  constructor(
    matrix: GEMatrix<"host">,
    tau: Float64Array,
    lapack: LinalgEngine,
    home: Factory,
    owned?: Disposable,
    made: Made = { form: "qr" },
  ) {
    super({ factors: matrix, transposed: false, lapack, home, owned });
    this.matrix = matrix;
    this.tau = tau;
    this.form = made.form;
    this.jpvt = made.jpvt;
    this.origin = made.origin;
  }

  /** The order of Q: the factored rows for QR and QL, its columns for LQ and RQ. */
  get order(): number {
    return this.form === "qr" || this.form === "ql" ? this.matrix.m : this.matrix.n;
  }
}

/**
 * An orthogonal factorization of a host matrix: in its memory when column-major, else of a copy
 * written back.
 */
export function qrHost(
  a: GEMatrix<"host">,
  home: Factory,
  owned: boolean,
  form: OrthogonalForm = "qr",
  pivoted = false,
  origin?: GEMatrix,
): QR {
  const lapack = lapackOf(`${form}f_`, a.factory);
  const m = isColumnMajor(a) ? a : (ge(a.factory, a.m, a.n) as GEMatrix<"host">);
  if (m !== a) a.factory.engine.blas.copy(a, m);
  const tau = new Float64Array(Math.min(a.m, a.n));
  const jpvt = pivoted ? new Int32Array(a.n) : undefined;
  if (jpvt) lapack.geqp3(m, jpvt, tau);
  else lapack.geqrf(m, tau, form);
  if (m !== a) a.factory.engine.blas.copy(m, a);
  return new QR(m, tau, lapack, home, m !== a ? m : owned ? a : undefined, { form, jpvt, origin });
}

/** The destructive factoring function of a form. */
function inPlace(op: string, form: OrthogonalForm, pivoted: boolean) {
  return <L extends Loc>(a: GEMatrix<L>): Later<L, QR<L>> => {
    live(op, a, "a");
    numeric(op, a);
    if (a.factory.location === "host") {
      return qrHost(a as GEMatrix<"host">, a.factory, false, form, pivoted, a) as Later<L, QR<L>>;
    }
    return (async () => {
      const h = await transfer(lapackHost(a.factory.dtype), a as GEMatrix);
      const qr = qrHost(h, a.factory, true, form, pivoted, a);
      transfer_(h, a as GEMatrix);
      return qr;
    })() as Later<L, QR<L>>;
  };
}

/** The pure factoring function of a form: a untouched. */
function pure(op: string, form: OrthogonalForm, pivoted: boolean) {
  return <L extends Loc>(a: GEMatrix<L>): Later<L, QR<L>> => {
    live(op, a, "a");
    numeric(op, a);
    if (a.factory.location === "host") {
      const c = ge(a.factory, a.m, a.n) as GEMatrix<"host">;
      a.factory.engine.blas.copy(a, c);
      return qrHost(c, a.factory, true, form, pivoted) as Later<L, QR<L>>;
    }
    return (async () => {
      const h = await transfer(lapackHost(a.factory.dtype), a as GEMatrix);
      return qrHost(h, a.factory, true, form, pivoted);
    })() as Later<L, QR<L>>;
  };
}

/**
 * Factors a in place as Q·R by Householder reflections (LAPACK's geqrf, Neanderthal's `qrf!`):
 * a then holds R on and above its diagonal and the reflectors below. A device matrix is factored
 * on the host and written back: a Promise.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { org, qrf_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [3, 4, 0, 5]); // columns (3, 4) and (0, 5)
 * using qr = qrf_(a);
 * using q = org(qr);
 * // |R(0, 0)| is the first column's length.
 * if (Math.abs(Math.abs(toArray(a)[0]) - 5) > 1e-15 || q.n !== 2) throw new Error("unexpected");
 * ```
 */
export const qrf_: <L extends Loc>(a: GEMatrix<L>) => Later<L, QR<L>> = inPlace(
  "qrf_",
  "qr",
  false,
);

/**
 * A new QR factorization of a, a untouched.
 *
 * @example
 * ```ts
 * import { ge, jsDouble } from "@knap/knap";
 * import { qrf } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 3, 2, [1, 0, 0, 0, 1, 0]);
 * using qr = qrf(a);
 * if (qr.tau.length !== 2) throw new Error("unexpected");
 * ```
 */
export const qrf: <L extends Loc>(a: GEMatrix<L>) => Later<L, QR<L>> = pure("qrf", "qr", false);

/**
 * Factors a in place as Q·R with column pivoting, A·P = Q·R (LAPACK's geqp3, Neanderthal's
 * `qpf!`): each step takes the remaining column of largest norm, so |R(k, k)| decreases and a
 * small one reveals the numerical rank. `jpvt[j]` is the 0-based column of a now at j.
 *
 * @example The larger column comes first
 * ```ts
 * import { ge, jsDouble } from "@knap/knap";
 * import { qpf_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [1, 0, 0, 3]);
 * using qr = qpf_(a);
 * if (qr.jpvt?.join() !== "1,0") throw new Error("unexpected");
 * ```
 */
export const qpf_: <L extends Loc>(a: GEMatrix<L>) => Later<L, QR<L>> = inPlace("qpf_", "qr", true);

/**
 * A new QR factorization with column pivoting of a, a untouched.
 *
 * @example Rank 1: R(1, 1) vanishes
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { qpf } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [1, 2, 2, 4]);
 * using qr = qpf(a);
 * if (Math.abs(toArray(qr.matrix)[3]) > 1e-15) throw new Error("unexpected");
 * ```
 */
export const qpf: <L extends Loc>(a: GEMatrix<L>) => Later<L, QR<L>> = pure("qpf", "qr", true);

/**
 * Factors a in place as L·Q (LAPACK's gelqf, Neanderthal's `lqf!`): L on and below the diagonal,
 * the reflectors to its right, row by row. A wide a's LQ is its transpose's QR turned over: the
 * least-norm solution of a wide system lives in Q's first rows.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { lqf_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 1, 2, [3, 4]);
 * using lq = lqf_(a);
 * if (Math.abs(Math.abs(toArray(a)[0]) - 5) > 1e-15 || lq.form !== "lq") throw new Error();
 * ```
 */
export const lqf_: <L extends Loc>(a: GEMatrix<L>) => Later<L, QR<L>> = inPlace(
  "lqf_",
  "lq",
  false,
);

/**
 * A new LQ factorization of a, a untouched.
 *
 * @example
 * ```ts
 * import { ge, jsDouble } from "@knap/knap";
 * import { lqf } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 3, [1, 0, 0, 1, 0, 0]);
 * using lq = lqf(a);
 * if (lq.order !== 3) throw new Error("unexpected"); // Q is 3×3
 * ```
 */
export const lqf: <L extends Loc>(a: GEMatrix<L>) => Later<L, QR<L>> = pure("lqf", "lq", false);

/**
 * Factors a in place as Q·L (LAPACK's geqlf, Neanderthal's `qlf!`): for a tall a, L fills the
 * last n rows on and below the diagonal of that square, the reflectors above it.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { qlf_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 1, [3, 4]);
 * using ql = qlf_(a);
 * if (Math.abs(Math.abs(toArray(a)[1]) - 5) > 1e-15 || ql.form !== "ql") throw new Error();
 * ```
 */
export const qlf_: <L extends Loc>(a: GEMatrix<L>) => Later<L, QR<L>> = inPlace(
  "qlf_",
  "ql",
  false,
);

/**
 * A new QL factorization of a, a untouched.
 *
 * @example
 * ```ts
 * import { ge, jsDouble } from "@knap/knap";
 * import { qlf } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 3, 2, [1, 2, 3, 4, 5, 7]);
 * using ql = qlf(a);
 * if (ql.tau.length !== 2) throw new Error("unexpected");
 * ```
 */
export const qlf: <L extends Loc>(a: GEMatrix<L>) => Later<L, QR<L>> = pure("qlf", "ql", false);

/**
 * Factors a in place as R·Q (LAPACK's gerqf, Neanderthal's `rqf!`): for a wide a, R fills the
 * last m columns on and above the diagonal of that square, the reflectors to its left.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { rqf_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 1, 2, [3, 4]);
 * using rq = rqf_(a);
 * if (Math.abs(Math.abs(toArray(a)[1]) - 5) > 1e-15 || rq.form !== "rq") throw new Error();
 * ```
 */
export const rqf_: <L extends Loc>(a: GEMatrix<L>) => Later<L, QR<L>> = inPlace(
  "rqf_",
  "rq",
  false,
);

/**
 * A new RQ factorization of a, a untouched.
 *
 * @example
 * ```ts
 * import { ge, jsDouble } from "@knap/knap";
 * import { rqf } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 3, [1, 4, 2, 5, 3, 7]);
 * using rq = rqf(a);
 * if (rq.order !== 3) throw new Error("unexpected");
 * ```
 */
export const rqf: <L extends Loc>(a: GEMatrix<L>) => Later<L, QR<L>> = pure("rqf", "rq", false);

/** The thin Q on the host: Q applied to the block of the identity that keeps its thin part. */
function thinQ(f: QR): GEMatrix<"host"> {
  const m = f.matrix.m, n = f.matrix.n, k = f.tau.length;
  const left = f.form === "qr" || f.form === "ql";
  const q = ge(f.matrix.factory, left ? m : k, left ? k : n) as GEMatrix<"host">;
  q.factory.engine.blas.fill(q, 0);
  const buf = q.storage.buffer as HostArray;
  // Q·[I; 0] keeps Q's first k columns, Q·[0; I] its last; [I 0]·Q its first k rows, [0 I]·Q
  // its last.
  for (let d = 0; d < k; d++) {
    const i = f.form === "ql" ? m - k + d : d, j = f.form === "rq" ? n - k + d : d;
    buf[q.offset + i + j * q.colStride] = 1;
  }
  f.lapack.ormqr(left ? "left" : "right", false, f.matrix, f.tau, q, f.form);
  return q;
}

/** A host matrix on the factory of f's factors, moved to f's home at the end. */
function home<L extends Loc>(f: QR<L>, m: GEMatrix<"host">): Later<L, GEMatrix<L>> {
  if (f.home.location === "host") return m as Later<L, GEMatrix<L>>;
  const out = ge(f.home, m.m, m.n);
  transfer_(m, out);
  m[Symbol.dispose]();
  return Promise.resolve(out) as Later<L, GEMatrix<L>>;
}

/**
 * A new matrix of the thin Q (LAPACK's orgqr, orglq, orgql, orgrq; Neanderthal's `org`), k =
 * min(m, n): Q's first k columns for QR (numpy's "reduced"), its last k columns for QL, its first
 * k rows for LQ, its last k rows for RQ — so that A = Q·R, L·Q, Q·L or R·Q with the thin factors.
 * On the factory of the matrix that was factored.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, mm, trans, nrm2, axpy_ } from "@knap/knap";
 * import { org, qrf } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 3, 2, [1, 2, 2, 0, 1, 1]);
 * using q = org(qrf(a));
 * using qtq = mm(trans(q), q); // the 2×2 identity
 * using eye = ge(jsDouble, 2, 2, [1, 0, 0, 1]);
 * axpy_(-1, eye, qtq);
 * if (nrm2(qtq) > 1e-15) throw new Error("unexpected");
 * ```
 */
export function org<L extends Loc>(f: QR<L>): Later<L, GEMatrix<L>> {
  f.check("org");
  return home(f, thinQ(f));
}

/**
 * Forms the thin Q in the matrix that was factored in place (LAPACK's orgqr and friends,
 * Neanderthal's `org!`): where the reflectors lay — its first k columns (QR), last k columns (QL),
 * first k rows (LQ) or last k rows (RQ), k = min(m, n) — it holds the thin Q; the rest is left as
 * it was. The factorization is used up.
 * Returns that matrix; a device one is written on the host and copied back: a Promise.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { org_, qrf_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [0, 2, 3, 0]);
 * org_(qrf_(a)); // a is now Q: a signed permutation
 * if (toArray(a).map(Math.abs).join() !== "0,1,1,0") throw new Error("unexpected");
 * ```
 */
export function org_<L extends Loc>(f: QR<L>): Later<L, GEMatrix<L>> {
  f.check("org_");
  const a = f.origin as GEMatrix<L> | undefined;
  if (a === undefined) {
    throw new TypeError(
      "org_: the factorization was not made in a matrix of yours (qrf, not qrf_): use org",
    );
  }
  live("org_", a, "the factored matrix");
  const q = thinQ(f), m = f.matrix.m, n = f.matrix.n;
  f.consume();
  // Where LAPACK's org routines leave it: the first or last columns (QR, QL), rows (LQ, RQ).
  const i = f.form === "rq" ? m - q.m : 0, j = f.form === "ql" ? n - q.n : 0;
  const write = (h: GEMatrix<"host">) =>
    h.factory.engine.blas.copy(q, submatrix(h, i, j, q.m, q.n));
  if (a.factory.location === "host") {
    write(a as GEMatrix<"host">);
    q[Symbol.dispose]();
    return a as Later<L, GEMatrix<L>>;
  }
  return (async () => {
    try {
      using h = await transfer(q.factory, a as GEMatrix);
      write(h);
      await transfer_(h, a as GEMatrix);
      return a;
    } finally {
      q[Symbol.dispose]();
    }
  })() as Later<L, GEMatrix<L>>;
}

/** Where and how `qmm_` applies Q. */
export interface QOptions {
  /** Q·C (`"left"`, the default) or C·Q. */
  readonly side?: "left" | "right";
  /** Qᵀ instead of Q. */
  readonly transpose?: boolean;
}

/**
 * C ← Q·C, Qᵀ·C, C·Q or C·Qᵀ with the full orthogonal Q of a QR, LQ, QL or RQ factorization,
 * without forming Q (LAPACK's ormqr, ormlq, ormql, ormrq; Neanderthal's `mm!` with a
 * factorization). Q is m×m for QR and QL, n×n for LQ and RQ. Returns c. A device c is multiplied
 * on the host: a Promise.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, nrm2, vctr } from "@knap/knap";
 * import { qmm_, qrf } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 3, 3, [2, 1, 0, 1, 3, 1, 0, 1, 4]);
 * using qr = qrf(a);
 * using c = ge(jsDouble, 3, 1, [1, 2, 2]);
 * qmm_(qr, c, { transpose: true }); // Qᵀ keeps lengths
 * if (Math.abs(nrm2(c) - 3) > 1e-14) throw new Error("unexpected");
 * ```
 */
export function qmm_<M extends GEMatrix>(f: QR, c: M, options: QOptions = {}): Later<Home<M>, M> {
  f.check("qmm_");
  live("qmm_", c, "c");
  const side = options.side ?? "left", t = options.transpose ?? false;
  const order = side === "left" ? c.m : c.n;
  if (order !== f.order) {
    throw new RangeError(
      `qmm_: Q is ${f.order}×${f.order}, c is ${c.m}×${c.n} (${side} product)`,
    );
  }
  if (c.factory.dtype !== f.dtype) {
    throw new TypeError(`qmm_: the factors are ${f.dtype}, c is ${c.factory.dtype}`);
  }
  apart("qmm_", c, f.matrix, "c and the factors");
  const run = (x: GEMatrix<"host">) =>
    inColumnMajor(x, (cm) => f.lapack.ormqr(side, t, f.matrix, f.tau, cm, f.form));
  if (c.factory.location === "host") {
    run(c as GEMatrix<"host">);
    return c as Later<Home<M>, M>;
  }
  return (async () => {
    const h = await transfer(lapackHost(c.factory.dtype), c as GEMatrix);
    run(h);
    transfer_(h, c as GEMatrix);
    h[Symbol.dispose]();
    return c;
  })() as Later<Home<M>, M>;
}

/**
 * Householder QR (`qrf_`, `qrf`), Q formed (`org`) or applied without forming it (`qmm_`), and
 * linear least squares through it (`ls_`, `ls`): LAPACK's geqrf, ormqr and gels.
 *
 * @module
 */

import type { LinalgEngine } from "../core/linalg_engine.ts";
import type { GEMatrix } from "../core/structures.ts";
import type { HostArray, Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import { live, numeric } from "../core/checks.ts";
import { ge } from "../core/construct.ts";
import { KnapError } from "../core/errors.ts";
import { submatrix, trans } from "../core/views.ts";
import { apart, inColumnMajor, isColumnMajor, lapackHost } from "./host.ts";
import { type Later, transfer, transfer_ } from "../access.ts";
import { viewTr } from "../structured/views.ts";
import { svStructured } from "../structured/products.ts";
import { Factors } from "./factors.ts";
import { lapackOf } from "./factor.ts";
import type { Home } from "./solve.ts";

/** A QR factorization A = Q·R by Householder reflections (LAPACK's geqrf). */
export class QR<L extends Loc = Loc> extends Factors<L> {
  /** The kind of factorization. */
  readonly kind = "qr" as const;
  /** The reflectors' scalars, min(m, n) of them. */
  readonly tau: Float64Array;
  /** The column-major host matrix holding R and the reflectors. */
  readonly matrix: GEMatrix<"host">;

  /** Wraps what `qrf_` made. */
  constructor(
    matrix: GEMatrix<"host">,
    tau: Float64Array,
    lapack: LinalgEngine,
    home: Factory,
    owned?: Disposable,
  ) {
    super({ factors: matrix, transposed: false, lapack, home, owned });
    this.matrix = matrix;
    this.tau = tau;
  }
}

/** QR of a host matrix: in its memory when column-major, else of a copy written back. */
export function qrHost(a: GEMatrix<"host">, home: Factory, owned: boolean): QR {
  const lapack = lapackOf("qrf_", a.factory);
  const m = isColumnMajor(a) ? a : (ge(a.factory, a.m, a.n) as GEMatrix<"host">);
  if (m !== a) a.factory.engine.blas.copy(a, m);
  const tau = new Float64Array(Math.min(a.m, a.n));
  lapack.geqrf(m, tau);
  if (m !== a) a.factory.engine.blas.copy(m, a);
  return new QR(m, tau, lapack, home, m !== a ? m : owned ? a : undefined);
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
export function qrf_<L extends Loc>(a: GEMatrix<L>): Later<L, QR<L>> {
  live("qrf_", a, "a");
  numeric("qrf_", a);
  if (a.factory.location === "host") {
    return qrHost(a as GEMatrix<"host">, a.factory, false) as Later<L, QR<L>>;
  }
  return (async () => {
    const h = await transfer(lapackHost(a.factory.dtype), a as GEMatrix);
    const qr = qrHost(h, a.factory, true);
    transfer_(h, a as GEMatrix);
    return qr;
  })() as Later<L, QR<L>>;
}

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
export function qrf<L extends Loc>(a: GEMatrix<L>): Later<L, QR<L>> {
  live("qrf", a, "a");
  numeric("qrf", a);
  if (a.factory.location === "host") {
    const c = ge(a.factory, a.m, a.n) as GEMatrix<"host">;
    a.factory.engine.blas.copy(a, c);
    return qrHost(c, a.factory, true) as Later<L, QR<L>>;
  }
  return (async () => {
    const h = await transfer(lapackHost(a.factory.dtype), a as GEMatrix);
    return qrHost(h, a.factory, true);
  })() as Later<L, QR<L>>;
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
 * A new matrix of Q's first min(m, n) columns (the thin Q, numpy's "reduced"; LAPACK's orgqr,
 * Neanderthal's `org`), on the factory of the matrix that was factored.
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
  const m = f.matrix.m, k = f.tau.length;
  const q = ge(f.matrix.factory, m, k) as GEMatrix<"host">;
  const buf = q.storage.buffer as HostArray;
  for (let i = 0; i < k; i++) buf[q.offset + i + i * m] = 1;
  f.lapack.ormqr("left", false, f.matrix, f.tau, q);
  return home(f, q);
}

/** Where and how `qmm_` applies Q. */
export interface QOptions {
  /** Q·C (`"left"`, the default) or C·Q. */
  readonly side?: "left" | "right";
  /** Qᵀ instead of Q. */
  readonly transpose?: boolean;
}

/**
 * C ← Q·C, Qᵀ·C, C·Q or C·Qᵀ with the full orthogonal Q of a QR factorization, without forming
 * Q (LAPACK's ormqr). Returns c. A device c is multiplied on the host: a Promise.
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
  if (order !== f.matrix.m) {
    throw new RangeError(
      `qmm_: Q is ${f.matrix.m}×${f.matrix.m}, c is ${c.m}×${c.n} (${side} product)`,
    );
  }
  if (c.factory.dtype !== f.dtype) {
    throw new TypeError(`qmm_: the factors are ${f.dtype}, c is ${c.factory.dtype}`);
  }
  apart("qmm_", c, f.matrix, "c and the factors");
  const run = (x: GEMatrix<"host">) =>
    inColumnMajor(x, (cm) => f.lapack.ormqr(side, t, f.matrix, f.tau, cm));
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

/**
 * x ← R⁻¹x (or R⁻ᵀx) with the n×n upper triangle R of a QR's matrix; a zero on R's diagonal is a
 * KnapError naming the matrix that was factored (`name`).
 */
export function solveR(f: QR, x: GEMatrix, transpose: boolean, op: string, name = "A"): void {
  const n = f.matrix.n;
  const buf = f.matrix.storage.buffer as HostArray;
  for (let i = 0; i < n; i++) {
    if (buf[f.matrix.offset + i + i * f.matrix.colStride] === 0) {
      throw new KnapError(
        `${op}: ${name} is rank-deficient: R(${i}, ${i}) is exactly zero`,
        "singular",
      );
    }
  }
  using r = viewTr(submatrix(f.matrix, 0, 0, n, n), { uplo: "upper" });
  if (transpose) {
    using rt = trans(r);
    svStructured(rt, x);
  } else svStructured(r, x);
}

/** The least-squares solution on the host, a and b host and column-major where needed. */
export function lsHost(a: GEMatrix<"host">, b: GEMatrix<"host">, op: string): void {
  const m = a.m, n = a.n;
  if (m >= n) {
    // min ‖Ax − b‖: A = QR, x = R⁻¹·(Qᵀb)[0, n).
    using qr = qrHost(a, a.factory, false);
    qmm_(qr, b, { transpose: true });
    solveR(qr, submatrix(b, 0, 0, n, b.n), false, op);
    return;
  }
  // The minimum-norm solution: Aᵀ = QR, so A = RᵀQᵀ; y = R⁻ᵀ·b[0, m), x = Q·[y; 0].
  using at = ge(a.factory, n, m) as GEMatrix<"host">;
  a.factory.engine.blas.copy(trans(a), at);
  using qr = qrHost(at, a.factory, false);
  solveR(qr, submatrix(b, 0, 0, m, b.n), true, op);
  a.factory.engine.blas.fill(submatrix(b, m, 0, n - m, b.n), 0);
  qmm_(qr, b);
}

/**
 * Solves the linear least-squares problem in place (LAPACK's gels, Neanderthal's `ls!`): for a
 * tall or square a, the x minimizing ‖Ax − b‖; for a wide one, the x of least norm with Ax = b.
 * b holds max(m, n) rows: on return its first n rows are x (and, for a tall a, the rest the
 * residual's coordinates in Q's basis). A tall a is overwritten by its QR factors. A
 * rank-deficient a is a KnapError. Device arguments are solved on the host: a Promise.
 *
 * @example Fitting a line through three points
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { ls_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 3, 2, [1, 1, 1, 0, 1, 2]); // rows (1, t) at t = 0, 1, 2
 * using b = ge(jsDouble, 3, 1, [1, 3, 5]); // y = 1 + 2t exactly
 * ls_(a, b);
 * const [c0, c1] = toArray(b);
 * if (Math.abs(c0 - 1) > 1e-14 || Math.abs(c1 - 2) > 1e-14) throw new Error("unexpected");
 * ```
 */
export function ls_<L extends Loc>(a: GEMatrix<L>, b: GEMatrix<L>): Later<L, GEMatrix<L>> {
  live("ls_", a, "a");
  live("ls_", b, "b");
  numeric("ls_", a);
  numeric("ls_", b);
  if (b.m !== Math.max(a.m, a.n)) {
    throw new RangeError(
      `ls_: a is ${a.m}×${a.n}, so b needs max(m, n) = ${Math.max(a.m, a.n)} rows, not ${b.m}`,
    );
  }
  if (a.factory !== b.factory) {
    throw new TypeError(`ls_: a is on ${a.factory.name}, b on ${b.factory.name}`);
  }
  apart("ls_", a, b, "a and b");
  if (a.factory.location === "host") {
    inColumnMajor(b as GEMatrix<"host">, (bb) => lsHost(a as GEMatrix<"host">, bb, "ls_"));
    return b as Later<L, GEMatrix<L>>;
  }
  return (async () => {
    const host = lapackHost(a.factory.dtype);
    const ha = await transfer(host, a as GEMatrix), hb = await transfer(host, b as GEMatrix);
    try {
      lsHost(ha, hb, "ls_");
      transfer_(ha, a as GEMatrix);
      transfer_(hb, b as GEMatrix);
    } finally {
      ha[Symbol.dispose]();
      hb[Symbol.dispose]();
    }
    return b;
  })() as Later<L, GEMatrix<L>>;
}

/**
 * A new least-squares solution x (n×k for a b of m rows and k columns), a and b untouched.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { ls } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 1, 2, [3, 4]); // one equation, two unknowns: 3x + 4y = 25
 * using b = ge(jsDouble, 1, 1, [25]);
 * using x = ls(a, b); // the least-norm solution lies along (3, 4)
 * const [u, v] = toArray(x);
 * if (Math.abs(u - 3) > 1e-14 || Math.abs(v - 4) > 1e-14) throw new Error("unexpected");
 * ```
 */
export function ls<L extends Loc>(a: GEMatrix<L>, b: GEMatrix<L>): Later<L, GEMatrix<L>> {
  live("ls", a, "a");
  live("ls", b, "b");
  if (b.m !== a.m) throw new RangeError(`ls: a is ${a.m}×${a.n}, b has ${b.m} rows, not ${a.m}`);
  const m = a.m, n = a.n, rows = Math.max(m, n);
  const ac = ge(a.factory, m, n), bc = ge(b.factory, rows, b.n);
  a.factory.engine.blas.copy(a, ac);
  b.factory.engine.blas.copy(b, submatrix(bc, 0, 0, m, b.n));
  const done = () => {
    const x = ge(b.factory, n, b.n);
    b.factory.engine.blas.copy(submatrix(bc, 0, 0, n, b.n), x);
    ac[Symbol.dispose]();
    bc[Symbol.dispose]();
    return x as GEMatrix<L>;
  };
  const r = ls_(ac as GEMatrix<L>, bc as GEMatrix<L>);
  if (r instanceof Promise) {
    return r.then(done, (e) => {
      ac[Symbol.dispose]();
      bc[Symbol.dispose]();
      throw e;
    }) as Later<L, GEMatrix<L>>;
  }
  return done() as Later<L, GEMatrix<L>>;
}

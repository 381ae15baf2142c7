/**
 * Linear least squares through Householder QR (`ls_`, `ls`: LAPACK's gels): the normal
 * equations' solution for a tall A, the least-norm one for a wide A.
 *
 * @module
 */

import type { GEMatrix } from "../core/structures.ts";
import type { HostArray, Loc } from "../core/types.ts";
import { live, numeric } from "../core/checks.ts";
import { ge } from "../core/construct.ts";
import { KnapError } from "../core/errors.ts";
import { submatrix, trans } from "../core/views.ts";
import { apart, inColumnMajor, lapackHost } from "./host.ts";
import { type Later, transfer, transfer_ } from "../access.ts";
import { viewTr } from "../structured/views.ts";
import { svStructured } from "../structured/products.ts";
import { qmm_, type QR, qrHost } from "./qr.ts";

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

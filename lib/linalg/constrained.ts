/**
 * Least squares with constraints, by the null-space method over Householder QR — the problems
 * LAPACK's gglse and ggglm solve through a generalized RQ:
 *
 * - `lse`: min ‖c − A·x‖ subject to B·x = d (A m×n, B p×n, p ≤ n ≤ m + p). With Bᵀ = Q·[R; 0]
 *   and x = Q·[y₁; y₂]: Rᵀ·y₁ = d fixes y₁, and y₂ is the least-squares solution of
 *   (A·Q)₂·y₂ = c − (A·Q)₁·y₁.
 * - `gls`: min ‖y‖ subject to d = A·x + B·y (A n×m, B n×p, m ≤ n ≤ m + p), the general
 *   Gauss–Markov linear model. With A = Q·[R; 0]: y is the least-norm solution of
 *   (QᵀB)₂·y = (Qᵀd)₂, then R·x = (Qᵀd)₁ − (QᵀB)₁·y.
 *
 * Both run on the host (a device's arguments are copied there and the answers back: Promises),
 * on the native engine's LAPACK where it loads.
 *
 * @module
 */

import type { GEMatrix, Vector } from "../core/structures.ts";
import type { Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import { live, numeric } from "../core/checks.ts";
import { ge, vctr } from "../core/construct.ts";
import { submatrix, trans } from "../core/views.ts";
import { type Later, transfer, transfer_ } from "../access.ts";
import { lapackHost } from "./host.ts";
import { qmm_, qrHost } from "./qr.ts";
import { lsHost, solveR } from "./least_squares.ts";

type Host = Factory<"host">;

/** A column of a host GE matrix as the m×1 matrix it is. */
const column = (x: GEMatrix<"host">, i: number, rows: number) => submatrix(x, i, 0, rows, 1);

/** x (n×1) minimizing ‖c − A·x‖ with B·x = d, all on one host factory. */
function lseHost(
  op: string,
  a: GEMatrix<"host">,
  b: GEMatrix<"host">,
  c: Vector<"host">,
  d: Vector<"host">,
  f: Host,
): GEMatrix<"host"> {
  const m = a.m, n = a.n, p = b.m, blas = f.engine.blas;
  using bt = ge(f, n, p) as GEMatrix<"host">;
  blas.copy(trans(b), bt);
  using q = qrHost(bt, f, false);
  const x = ge(f, n, 1) as GEMatrix<"host">;
  try {
    blas.copy(d, column(x, 0, p));
    solveR(q, column(x, 0, p), true, op, "b");
    if (n > p) {
      using aq = ge(f, m, n) as GEMatrix<"host">;
      blas.copy(a, aq);
      qmm_(q, aq, { side: "right" });
      using r = ge(f, Math.max(m, n - p), 1) as GEMatrix<"host">;
      blas.copy(c, column(r, 0, m));
      if (p > 0) blas.gemv(-1, submatrix(aq, 0, 0, m, p), column(x, 0, p), 1, column(r, 0, m));
      lsHost(submatrix(aq, 0, p, m, n - p), r, op);
      blas.copy(column(r, 0, n - p), column(x, p, n - p));
    }
    qmm_(q, x);
    return x;
  } catch (e) {
    x[Symbol.dispose]();
    throw e;
  }
}

/** [x (m×1), y (p×1)] with d = A·x + B·y and ‖y‖ least, all on one host factory. */
function glsHost(
  op: string,
  a: GEMatrix<"host">,
  b: GEMatrix<"host">,
  d: Vector<"host">,
  f: Host,
): [GEMatrix<"host">, GEMatrix<"host">] {
  const n = a.m, m = a.n, p = b.n, blas = f.engine.blas;
  using qa = ge(f, n, m) as GEMatrix<"host">;
  blas.copy(a, qa);
  using q = qrHost(qa, f, false);
  using qb = ge(f, n, p) as GEMatrix<"host">;
  blas.copy(b, qb);
  qmm_(q, qb, { transpose: true });
  using dd = ge(f, n, 1) as GEMatrix<"host">;
  blas.copy(d, dd);
  qmm_(q, dd, { transpose: true });
  const x = ge(f, m, 1) as GEMatrix<"host">, y = ge(f, p, 1) as GEMatrix<"host">;
  try {
    blas.fill(y, 0);
    if (n > m) {
      using b2 = ge(f, n - m, p) as GEMatrix<"host">;
      blas.copy(submatrix(qb, m, 0, n - m, p), b2);
      using yy = ge(f, Math.max(n - m, p), 1) as GEMatrix<"host">;
      blas.copy(column(dd, m, n - m), column(yy, 0, n - m));
      lsHost(b2, yy, op);
      blas.copy(column(yy, 0, p), y);
    }
    blas.copy(column(dd, 0, m), x);
    if (p > 0 && m > 0) blas.gemv(-1, submatrix(qb, 0, 0, m, p), y, 1, x);
    solveR(q, x, false, op, "a");
    return [x, y];
  } catch (e) {
    x[Symbol.dispose]();
    y[Symbol.dispose]();
    throw e;
  }
}

/** Checks that every argument is live, numeric, and on a's factory. */
function together(op: string, args: [GEMatrix | Vector, string][]): void {
  const f = args[0][0].factory;
  for (const [x, name] of args) {
    live(op, x, name);
    numeric(op, x);
    if (x.factory !== f) {
      throw new TypeError(`${op}: ${args[0][1]} is on ${f.name}, ${name} on ${x.factory.name}`);
    }
  }
}

const dims = (x: GEMatrix | Vector) => ("dim" in x ? `${x.dim}` : `${x.m}×${x.n}`);

/** Runs host work on the arguments, copying device ones to the host and back. */
async function onHost<T>(
  args: (GEMatrix | Vector)[],
  work: (host: (GEMatrix<"host"> | Vector<"host">)[], f: Host) => T,
): Promise<T> {
  const f = lapackHost(args[0].factory.dtype);
  const host: (GEMatrix<"host"> | Vector<"host">)[] = [];
  try {
    for (const x of args) host.push(await transfer(f, x as GEMatrix) as GEMatrix<"host">);
    return work(host, f);
  } finally {
    for (const h of host) h[Symbol.dispose]();
  }
}

/** A host n×1 result as a vector on home, written into `into` when given. */
function vectorOn<L extends Loc>(
  home: Factory<L>,
  x: GEMatrix<"host">,
  into?: Vector<L>,
): Later<L, Vector<L>> {
  const out = into ?? vctr(home, x.m);
  if (x.factory === (home as Factory)) {
    home.engine.blas.copy(x, out);
    x[Symbol.dispose]();
    return out as Later<L, Vector<L>>;
  }
  const col = vctr(x.factory, x.m);
  x.factory.engine.blas.copy(x, col);
  x[Symbol.dispose]();
  const done = () => {
    col[Symbol.dispose]();
    return out;
  };
  const r = transfer_(col, out);
  return (r instanceof Promise ? r.then(done) : done()) as Later<L, Vector<L>>;
}

function checkLse(op: string, a: GEMatrix, b: GEMatrix, c: Vector, d: Vector): void {
  together(op, [[a, "a"], [b, "b"], [c, "c"], [d, "d"]]);
  const m = a.m, n = a.n, p = b.m;
  if (b.n !== n || c.dim !== m || d.dim !== p || p > n || n > m + p) {
    throw new RangeError(
      `${op}: a is ${dims(a)}, b ${dims(b)}, c ${dims(c)}, d ${dims(d)}; it needs b with a's ` +
        `${n} columns, c of a's ${m} rows, d of b's ${p} rows, and p ≤ n ≤ m + p`,
    );
  }
}

/**
 * The x minimizing ‖c − A·x‖ subject to B·x = d (LAPACK's gglse; Neanderthal's `lse`), for A
 * m×n and B p×n with p ≤ n ≤ m + p, B of full row rank and [A; B] of full column rank (else a
 * KnapError naming the deficient matrix). The arguments are untouched. A device's arguments are
 * solved on the host: a Promise.
 *
 * @example A line through three points that must pass through the origin
 * ```ts
 * import { ge, jsDouble, toArray, vctr } from "@knap/knap";
 * import { lse } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 3, 2, [1, 1, 1, 1, 2, 3]); // rows (1, t): y ≈ x₀ + x₁·t
 * using c = vctr(jsDouble, [2, 4, 6]);
 * using b = ge(jsDouble, 1, 2, [1, 0]); // x₀ = 0
 * using d = vctr(jsDouble, [0]);
 * using x = lse(a, b, c, d);
 * const [x0, x1] = toArray(x);
 * if (Math.abs(x0) > 1e-15 || Math.abs(x1 - 2) > 1e-14) throw new Error("unexpected");
 * ```
 */
export function lse<L extends Loc>(
  a: GEMatrix<L>,
  b: GEMatrix<L>,
  c: Vector<L>,
  d: Vector<L>,
): Later<L, Vector<L>> {
  checkLse("lse", a, b, c, d);
  return solveLse("lse", a, b, c, d);
}

/**
 * `lse` writing the solution into x (of a's n columns); a, b, c and d untouched. Returns x.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray, vctr } from "@knap/knap";
 * import { lse_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [1, 0, 0, 1]);
 * using b = ge(jsDouble, 1, 2, [1, 1]); // x₀ + x₁ = 1
 * using c = vctr(jsDouble, [1, 1]), d = vctr(jsDouble, [1]), x = vctr(jsDouble, 2);
 * lse_(a, b, c, d, x); // the point of the line nearest (1, 1)
 * if (toArray(x).some((v) => Math.abs(v - 0.5) > 1e-15)) throw new Error("unexpected");
 * ```
 */
export function lse_<L extends Loc>(
  a: GEMatrix<L>,
  b: GEMatrix<L>,
  c: Vector<L>,
  d: Vector<L>,
  x: Vector<L>,
): Later<L, Vector<L>> {
  checkLse("lse_", a, b, c, d);
  together("lse_", [[a, "a"], [x, "x"]]);
  if (x.dim !== a.n) throw new RangeError(`lse_: x has ${x.dim} entries, a ${a.n} columns`);
  return solveLse("lse_", a, b, c, d, x);
}

function solveLse<L extends Loc>(
  op: string,
  a: GEMatrix<L>,
  b: GEMatrix<L>,
  c: Vector<L>,
  d: Vector<L>,
  into?: Vector<L>,
): Later<L, Vector<L>> {
  if (a.factory.location === "host") {
    const f = a.factory as Host;
    const x = lseHost(
      op,
      a as GEMatrix<"host">,
      b as GEMatrix<"host">,
      c as Vector<"host">,
      d as Vector<"host">,
      f,
    );
    return vectorOn(a.factory, x, into);
  }
  return onHost([a, b, c, d], ([ha, hb, hc, hd], f) =>
    lseHost(
      op,
      ha as GEMatrix<"host">,
      hb as GEMatrix<"host">,
      hc as Vector<"host">,
      hd as Vector<"host">,
      f,
    )).then((x) => vectorOn(a.factory, x, into)) as Later<L, Vector<L>>;
}

/** The general Gauss–Markov model's solution: x, and y of least norm. */
export interface GaussMarkov<L extends Loc = Loc> extends Disposable {
  /** The coefficients, m of them. */
  readonly x: Vector<L>;
  /** The least-norm noise, p entries. */
  readonly y: Vector<L>;
}

function checkGls(op: string, a: GEMatrix, b: GEMatrix, d: Vector): void {
  together(op, [[a, "a"], [b, "b"], [d, "d"]]);
  const n = a.m, m = a.n, p = b.n;
  if (b.m !== n || d.dim !== n || m > n || n > m + p) {
    throw new RangeError(
      `${op}: a is ${dims(a)}, b ${dims(b)}, d ${dims(d)}; it needs b and d with a's ${n} ` +
        `rows, and m ≤ n ≤ m + p`,
    );
  }
}

function solveGls<L extends Loc>(
  op: string,
  a: GEMatrix<L>,
  b: GEMatrix<L>,
  d: Vector<L>,
  into?: [Vector<L>, Vector<L>],
): Later<L, GaussMarkov<L>> {
  const finish = ([x, y]: [GEMatrix<"host">, GEMatrix<"host">]) => {
    const vx = vectorOn(a.factory, x, into?.[0]), vy = vectorOn(a.factory, y, into?.[1]);
    const make = (rx: Vector<L>, ry: Vector<L>): GaussMarkov<L> => ({
      x: rx,
      y: ry,
      [Symbol.dispose]() {
        rx[Symbol.dispose]();
        ry[Symbol.dispose]();
      },
    });
    if (vx instanceof Promise || vy instanceof Promise) {
      return Promise.all([vx, vy]).then(([rx, ry]) => make(rx, ry));
    }
    return make(vx as Vector<L>, vy as Vector<L>);
  };
  if (a.factory.location === "host") {
    const f = a.factory as Host;
    return finish(
      glsHost(op, a as GEMatrix<"host">, b as GEMatrix<"host">, d as Vector<"host">, f),
    ) as Later<L, GaussMarkov<L>>;
  }
  return onHost(
    [a, b, d],
    ([ha, hb, hd], f) =>
      glsHost(op, ha as GEMatrix<"host">, hb as GEMatrix<"host">, hd as Vector<"host">, f),
  ).then(
    finish,
  ) as Later<L, GaussMarkov<L>>;
}

/**
 * The general Gauss–Markov linear model (LAPACK's ggglm; Neanderthal's `gls`): x and the y of
 * least norm with d = A·x + B·y, for A n×m and B n×p with m ≤ n ≤ m + p, A of full column rank
 * and [A B] of full row rank (else a KnapError naming the deficient matrix). With B = I it is
 * ordinary least squares, y the residual; a general B weighs correlated errors. The arguments are
 * untouched. A device's arguments are solved on the host: a Promise.
 *
 * @example With B = I, x is the least-squares fit and y its residual
 * ```ts
 * import { ge, jsDouble, toArray, vctr } from "@knap/knap";
 * import { gls } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 3, 1, [1, 1, 1]); // a constant
 * using b = ge(jsDouble, 3, 3, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
 * using d = vctr(jsDouble, [1, 2, 6]);
 * using r = gls(a, b, d);
 * if (Math.abs(toArray(r.x)[0] - 3) > 1e-14) throw new Error("unexpected"); // the mean
 * ```
 */
export function gls<L extends Loc>(
  a: GEMatrix<L>,
  b: GEMatrix<L>,
  d: Vector<L>,
): Later<L, GaussMarkov<L>> {
  checkGls("gls", a, b, d);
  return solveGls("gls", a, b, d);
}

/**
 * `gls` writing x (a's m columns) and y (b's p columns) into the given vectors; a, b and d
 * untouched. Returns them.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray, vctr } from "@knap/knap";
 * import { gls_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 1, [1, 1]);
 * using b = ge(jsDouble, 2, 2, [1, 0, 0, 1]);
 * using d = vctr(jsDouble, [0, 2]), x = vctr(jsDouble, 1), y = vctr(jsDouble, 2);
 * gls_(a, b, d, x, y);
 * if (Math.abs(toArray(x)[0] - 1) > 1e-15 || Math.abs(toArray(y)[0] + 1) > 1e-15) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function gls_<L extends Loc>(
  a: GEMatrix<L>,
  b: GEMatrix<L>,
  d: Vector<L>,
  x: Vector<L>,
  y: Vector<L>,
): Later<L, GaussMarkov<L>> {
  checkGls("gls_", a, b, d);
  together("gls_", [[a, "a"], [x, "x"], [y, "y"]]);
  if (x.dim !== a.n || y.dim !== b.n) {
    throw new RangeError(
      `gls_: x has ${x.dim} entries and y ${y.dim}; a has ${a.n} columns and b ${b.n}`,
    );
  }
  return solveGls("gls_", a, b, d, [x, y]);
}

/**
 * Structured matrices on every engine against a dense reference: each kind (in both layouts,
 * both triangles, unit diagonals, bands) built from the same data, then level 1, the elementwise
 * table, the products and the solves, each compared with the same arithmetic on the dense matrix
 * the kind represents. The dense reference is read entry by entry from the js engine.
 */
import {
  amax,
  asum,
  axpy_,
  copy,
  dot,
  dt,
  entry,
  entry_,
  type Factory,
  gb,
  gd,
  ge,
  gt,
  jsDouble,
  jsFloat,
  mm_,
  mv_,
  nrm1,
  nrm2,
  nrmi,
  sb,
  scal_,
  sp,
  st,
  type StructuredMatrix,
  sum,
  sy,
  tb,
  toArray,
  tp,
  tr,
  trans,
  transfer,
  transfer_,
  vctr,
} from "../../mod.ts";
import { sv_ } from "../../lib/linalg/mod.ts";
import { tanh_ } from "../../lib/vect_math/mod.ts";
import { dataOrder } from "../../lib/core/structured.ts";
import { entryIndex, ZERO } from "../../lib/core/kinds.ts";
import { densify } from "../../lib/structured/pieces.ts";
import { allFactories } from "../_factories.ts";
import { assert, assertEquals } from "../conformance/assert.ts";

type Make = (f: Factory, data?: number[]) => StructuredMatrix;

/** Each kind in the shapes and options worth telling apart. */
const cases: [string, Make][] = [
  ["tr upper", (f, d) => tr(f, 5, d)],
  ["tr lower unit row", (f, d) => tr(f, 5, d, { uplo: "lower", diag: "unit", layout: "row" })],
  ["sy upper", (f, d) => sy(f, 5, d)],
  ["sy lower row", (f, d) => sy(f, 4, d, { uplo: "lower", layout: "row" })],
  ["gb 5×4 kl=1 ku=2", (f, d) => gb(f, 5, 4, 1, 2, d)],
  ["gb 4×5 kl=2 ku=0 row", (f, d) => gb(f, 4, 5, 2, 0, d, { layout: "row" })],
  ["sb lower k=2", (f, d) => sb(f, 5, 2, d, { uplo: "lower" })],
  ["tb upper unit k=1", (f, d) => tb(f, 5, 1, d, { diag: "unit" })],
  ["tb lower k=2 row", (f, d) => tb(f, 5, 2, d, { uplo: "lower", layout: "row" })],
  ["tp lower", (f, d) => tp(f, 4, d, { uplo: "lower" })],
  ["tp upper row", (f, d) => tp(f, 4, d, { layout: "row" })],
  ["sp upper row", (f, d) => sp(f, 4, d, { layout: "row" })],
  ["gd", (f, d) => gd(f, 4, d)],
  ["gt", (f, d) => gt(f, 5, d)],
  ["dt", (f, d) => dt(f, 4, d)],
  ["st", (f, d) => st(f, 5, d)],
];

/** Data for a kind: stored entries in (−1, 1), and a dominant diagonal for the solves. */
function dataFor(make: Make, seed: number): number[] {
  const probe = make(jsDouble);
  const order = dataOrder(probe);
  let s = seed;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const out = order.map(() => rand());
  // Entries on the diagonal are made large, so triangular solves stay well conditioned.
  for (let i = 0; i < Math.min(probe.m, probe.n); i++) {
    const k = order.indexOf(entryIndex(probe, i, i));
    if (k >= 0) out[k] = 4 + out[k];
  }
  probe[Symbol.dispose]();
  return out;
}

/** The dense matrix a represents, as rows of numbers. */
async function dense(a: StructuredMatrix): Promise<number[][]> {
  const g = densify(a);
  const flat = toArray(await transfer(g));
  g[Symbol.dispose]();
  return Array.from(
    { length: a.m },
    (_, i) => Array.from({ length: a.n }, (_, j) => flat[i + j * a.m]),
  );
}

function close(got: number, want: number, tol: number, what: string): void {
  assert(
    Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)),
    `${what}: got ${got}, want ${want}`,
  );
}

function closeAll(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string) {
  assertEquals(got.length, want.length, what);
  for (let k = 0; k < want.length; k++) close(got[k], want[k], tol, `${what} [${k}]`);
}

const factories = await allFactories();
for (const f of factories) {
  if (f.dtype === "bfloat16") continue;
  const tol = f.dtype === "float32" ? 2e-5 : 1e-12;
  Deno.test(`[${f.name}] every structured kind agrees with its dense matrix: level 1, elementwise, products, solves`, async () => {
    for (const [name, make] of cases) {
      const data = dataFor(make, 7);
      using ref = make(jsDouble, data);
      using a = make(f, data);
      const R = await dense(ref);
      const m = a.m, n = a.n;
      // The entries every engine stores.
      const A = await dense(a);
      for (let i = 0; i < m; i++) closeAll(A[i], R[i], tol, `${name} row ${i}`);
      // transfer_ to the host: the whole stored span, and run by run into the other layout.
      using back = make(jsDouble) as StructuredMatrix<"host">;
      await transfer_(a, back);
      using other = tr(jsDouble, 5, undefined, { layout: "row" });
      if (name === "tr upper") await transfer_(a, other);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          close(entry(back, i, j), R[i][j], tol, `${name} transfer_ (${i}, ${j})`);
          if (name === "tr upper") close(entry(other, i, j), R[i][j], tol, `tr row transfer_`);
        }
      }
      // Reductions of the matrix the kind represents.
      const all = R.flat();
      close(await sum(a), all.reduce((s, v) => s + v, 0), tol * 10, `${name} sum`);
      close(await asum(a), all.reduce((s, v) => s + Math.abs(v), 0), tol * 10, `${name} asum`);
      close(await dot(a, a), all.reduce((s, v) => s + v * v, 0), tol * 10, `${name} dot`);
      close(await nrm2(a), Math.sqrt(all.reduce((s, v) => s + v * v, 0)), tol * 10, `${name} nrm2`);
      close(await amax(a), Math.max(...all.map(Math.abs)), tol, `${name} amax`);
      const colSums = Array.from(
        { length: n },
        (_, j) => R.reduce((s, r) => s + Math.abs(r[j]), 0),
      );
      close(await nrm1(a), Math.max(...colSums), tol * 10, `${name} nrm1`);
      close(
        await nrmi(a),
        Math.max(...R.map((r) => r.reduce((s, v) => s + Math.abs(v), 0))),
        tol * 10,
        `${name} nrmi`,
      );
      // Products: y ← 2Ax + 0.5y, and C ← AB, C ← BA.
      const x = Array.from({ length: n }, (_, j) => (j % 3) - 1 + 0.25 * j);
      const y0 = Array.from({ length: m }, (_, i) => 1 - 0.5 * i);
      using xs = vctr(f, x);
      using ys = vctr(f, y0);
      mv_(2, a, xs, 0.5, ys);
      const want = R.map((r, i) => 2 * r.reduce((s, v, j) => s + v * x[j], 0) + 0.5 * y0[i]);
      closeAll(toArray(await transfer(ys)), want, tol * 10, `${name} mv_`);
      // A NaN in x is multiplied in only where the structure stores an entry, as BLAS does.
      for (const j of [0, n - 1]) {
        using xn = vctr(f, x.map((v, q) => (q === j ? NaN : v)));
        using yn = vctr(f, m);
        mv_(1, a, xn, 0, yn);
        const got = toArray(await transfer(yn));
        for (let i = 0; i < m; i++) {
          const touches = entryIndex(a, i, j) !== ZERO;
          assert(
            Number.isNaN(got[i]) === touches,
            `${name} mv_ with NaN at x[${j}]: y[${i}] is ${got[i]}`,
          );
        }
      }
      using b = ge(f, n, 2, Array.from({ length: 2 * n }, (_, k) => Math.sin(k + 1)));
      using c = ge(f, m, 2);
      mm_(a, b, c);
      const B = toArray(await transfer(b));
      const left = toArray(await transfer(c));
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < 2; j++) {
          const w = R[i].reduce((s, v, k) => s + v * B[k + j * n], 0);
          close(left[i + j * m], w, tol * 10, `${name} mm_ left (${i}, ${j})`);
        }
      }
      using b2 = ge(f, 2, m, Array.from({ length: 2 * m }, (_, k) => Math.cos(k)));
      using c2 = ge(f, 2, n);
      mm_(1, b2, a, 0, c2);
      const B2 = toArray(await transfer(b2)), right = toArray(await transfer(c2));
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < n; j++) {
          const w = R.reduce((s, r, k) => s + B2[i + k * 2] * r[j], 0);
          close(right[i + j * 2], w, tol * 10, `${name} mm_ right (${i}, ${j})`);
        }
      }
      // Row-major operands and β ≠ 0: C ← 2AB + 0.5C on the left, C ← 2BA + 0.5C on the right.
      for (const side of ["left", "right"] as const) {
        const [p, q] = side === "left" ? [n, 3] : [3, m];
        const [cm, cn] = side === "left" ? [m, 3] : [3, n];
        const bData = Array.from({ length: p * q }, (_, k) => Math.sin(2 * k + 1));
        const c0 = Array.from({ length: cm * cn }, (_, k) => 0.1 * k - 1);
        using br = ge(f, p, q, bData, { layout: "row" });
        using cr = ge(f, cm, cn, c0, { layout: "row" });
        if (side === "left") mm_(2, a, br, 0.5, cr);
        else mm_(2, br, a, 0.5, cr);
        const got = toArray(await transfer(cr));
        for (let i = 0; i < cm; i++) {
          for (let j = 0; j < cn; j++) {
            let acc = 0;
            for (let k = 0; k < (side === "left" ? n : m); k++) {
              acc += side === "left" ? R[i][k] * bData[k * q + j] : bData[i * q + k] * R[k][j];
            }
            const w = 2 * acc + 0.5 * c0[i * cn + j];
            close(got[i * cn + j], w, tol * 10, `${name} mm_ ${side} row-major β (${i}, ${j})`);
          }
        }
      }
      // Solves with triangular and diagonal kinds: A x = b gives back b.
      if (/^(tr|tb|tp|gd)/.test(name)) {
        const rhsRows = Array.from({ length: 3 * n }, (_, k) => Math.cos(k) + 1);
        using br = ge(f, n, 3, rhsRows, { layout: "row" });
        sv_(a, br);
        const solR = toArray(await transfer(br));
        for (let j = 0; j < 3; j++) {
          for (let i = 0; i < n; i++) {
            const back = R[i].reduce((s, v, k) => s + v * solR[k * 3 + j], 0);
            close(back, rhsRows[i * 3 + j], tol * 100, `${name} sv_ row-major (${i}, ${j})`);
          }
        }
        using bs = ge(f, n, 2, Array.from({ length: 2 * n }, (_, k) => k - 2));
        const rhs = toArray(await transfer(bs));
        sv_(a, bs);
        const sol = toArray(await transfer(bs));
        for (let j = 0; j < 2; j++) {
          for (let i = 0; i < n; i++) {
            const back = R[i].reduce((s, v, k) => s + v * sol[k + j * n], 0);
            close(back, rhs[i + j * n], tol * 100, `${name} sv_ (${i}, ${j})`);
          }
        }
      }
      // Updates touch the stored entries only; the transpose is a view.
      using t = copy(a);
      scal_(2, t);
      axpy_(-1, a, t);
      tanh_(t);
      const T = await dense(t);
      const unit = /unit/.test(name);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const wantT = unit && i === j ? 1 : Math.tanh(R[i][j]);
          close(T[i][j], wantT, tol * 10, `${name} scal_/axpy_/tanh_ (${i}, ${j})`);
        }
      }
      const At = await dense(trans(a));
      for (let i = 0; i < n; i++) {
        closeAll(
          At[i],
          R.map((r) => r[i]),
          tol,
          `${name} trans row ${i}`,
        );
      }
    }
  });
}

Deno.test("structured matrices refuse what their structure does not hold, naming op and shape", () => {
  using l = tr(jsDouble, 3, undefined, { uplo: "lower" });
  let msg = "";
  try {
    entry_(l, 0, 2, 1);
  } catch (e) {
    msg = String(e);
  }
  assert(/entry_: a 3×3 tr lower non-unit does not store entry \(0, 2\)/.test(msg), msg);
  const throws = (f: () => unknown, re: RegExp) => {
    let m = "";
    try {
      f();
    } catch (e) {
      m = String(e);
    }
    assert(re.test(m), `expected ${re}, got ${m || "no error"}`);
  };
  throws(() => gb(jsDouble, 3, 3, 5, 0), /gb: band widths kl=5, ku=0 do not fit a 3×3 matrix/);
  throws(
    () => tp(jsDouble, 3, [1, 2]),
    /tp: a 3×3 tp upper non-unit matrix stores 6 entries, got 2/,
  );
  throws(() => tr(jsDouble, 2, [1, 2, 3], { diag: "unit" }), /stores 1 entries, got 3/);
  using s = sy(jsDouble, 3);
  throws(
    () => axpy_(1, l, s),
    /axpy_: x is a 3×3 tr lower non-unit, y a 3×3 sy upper: axpy_ needs matrices of one structure/,
  );
  using g = ge(jsDouble, 3, 3);
  throws(() => axpy_(1, l, g as never), /structured matrix and y is not/);
  throws(
    () => mv_(l, vctr(jsDouble, 2), vctr(jsDouble, 3)),
    /mv_: a is a 3×3 tr lower non-unit, x has 2 entries, y 3/,
  );
  // A symmetric a has no triangular solve; sv_ of @knap/knap/linalg factors it (Bunch–Kaufman), and
  // a singular one (all zeros here) is refused rather than solved into infinities.
  throws(() => sv_(s, vctr(jsDouble, 3)), /singular/);
  using lf = tr(jsFloat, 3, undefined, { uplo: "lower" });
  throws(
    () => mv_(lf, vctr(jsDouble, 3), vctr(jsDouble, 3)),
    /different factories \(jsFloat and jsDouble\)/,
  );
  throws(() => axpy_(1, lf, l), /different factories/);
  using u = tr(jsDouble, 2, [2], { diag: "unit" });
  throws(() => entry_(u, 1, 1, 3), /unit diagonal reads 1/);
  assertEquals(entry(u, 1, 1), 1);
});

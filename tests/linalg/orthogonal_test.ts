/**
 * The Householder factorizations in all their forms on every engine: QR, LQ, QL, RQ and QR with
 * column pivoting give back A from their thin Q and their triangle, laid out as LAPACK lays it;
 * the thin Q is orthonormal, `org_` writes it in place, and Q applied unformed (`qmm_`, on either
 * side, transposed or not) is the product with the full Q; js lays out the same numbers as
 * OpenBLAS's LAPACK.
 */
import {
  ge,
  type GEMatrix,
  jsDouble,
  nativeAvailability,
  nativeDouble,
  toArray,
  transfer,
} from "../../mod.ts";
import {
  lqf,
  lqf_,
  org,
  org_,
  type OrthogonalForm,
  qlf,
  qlf_,
  qmm_,
  qpf,
  qpf_,
  type QR,
  qrf,
  qrf_,
  rqf,
  rqf_,
} from "../../lib/linalg/mod.ts";
import { close, product, random, rows, transpose } from "./_helpers.ts";
import { allFactories } from "../_factories.ts";
import { assert } from "../conformance/assert.ts";

const pure = { qr: qrf, lq: lqf, ql: qlf, rq: rqf, qp: qpf } as const;
const inPlace = { qr: qrf_, lq: lqf_, ql: qlf_, rq: rqf_, qp: qpf_ } as const;
type Name = keyof typeof pure;

async function entries(x: GEMatrix): Promise<number[][]> {
  return rows(toArray(await transfer(jsDouble, x)), x.m, x.n);
}

/** The triangle of a factored m×n matrix F, as the factor it is (k = min(m, n)). */
function triangle(F: number[][], form: OrthogonalForm, m: number, n: number): number[][] {
  const k = Math.min(m, n);
  const make = (r: number, c: number, at: (i: number, j: number) => number) =>
    Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => at(i, j)));
  switch (form) {
    case "qr": // R: k×n, upper
      return make(k, n, (i, j) => (j >= i ? F[i][j] : 0));
    case "lq": // L: m×k, lower
      return make(m, k, (i, j) => (j <= i ? F[i][j] : 0));
    case "ql": // L: k×n, lower from the bottom-right corner
      return make(k, n, (i, j) => (j - (n - k) <= i ? F[m - k + i][j] : 0));
    case "rq": // R: m×k, upper to the bottom-right corner
      return make(m, k, (i, j) => (j >= i - (m - k) ? F[i][n - k + j] : 0));
  }
}

for (const f of await allFactories()) {
  if (f.dtype === "bfloat16") continue;
  const tol = f.dtype === "float32" ? 2e-5 : 1e-13;

  Deno.test(`[${f.name}] qrf, lqf, qlf, rqf, qpf: A from the thin Q and the triangle, Q orthonormal`, async () => {
    for (const name of Object.keys(pure) as Name[]) {
      for (const [m, n] of [[0, 0], [1, 1], [5, 3], [3, 5], [4, 4]]) {
        const data = random(m * n, 11 * m + n + name.length);
        using a = ge(f, m, n, data);
        using fac = await pure[name](a) as QR;
        const form = fac.form, k = Math.min(m, n);
        using q = await org(fac);
        const Q = await entries(q), F = rows(toArray(fac.matrix), m, n);
        const T = triangle(F, form, m, n);
        const left = form === "qr" || form === "ql";
        assert(
          q.m === (left ? m : k) && q.n === (left ? k : n),
          `${name} ${m}×${n}: thin Q's shape`,
        );
        if (m === 0 || n === 0) continue;
        const back = left ? product(Q, T) : product(T, Q);
        const A = rows(data, m, n);
        const col = (j: number) => (fac.jpvt ? fac.jpvt[j] : j);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            close(back[i][j], A[i][col(j)], tol * 10, `${name} ${m}×${n}: (${i}, ${j})`);
          }
        }
        const QQ = left ? product(transpose(Q), Q) : product(Q, transpose(Q));
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            close(QQ[i][j], i === j ? 1 : 0, tol * 10, `${name} ${m}×${n}: Q orthonormal`);
          }
        }
        if (fac.jpvt) {
          const d = Array.from({ length: k }, (_, i) => Math.abs(F[i][i]));
          for (let i = 1; i < k; i++) {
            assert(d[i] <= d[i - 1] * (1 + tol), `qpf ${m}×${n}: |R(k, k)| decreasing`);
          }
          assert(
            [...fac.jpvt].sort().join() === [...Array(n).keys()].join(),
            "qpf: jpvt a permutation",
          );
        }
      }
    }
  });

  Deno.test(`[${f.name}] qmm_ is the product with the full Q; org_ writes the thin Q in place`, async () => {
    for (const name of ["qr", "lq", "ql", "rq"] as const) {
      const [m, n] = name === "qr" || name === "ql" ? [5, 3] : [3, 5];
      const data = random(m * n, 3 + name.length);
      using a = ge(f, m, n, data);
      using fac = await pure[name](a) as QR;
      const p = fac.order;
      // The full Q, as Q·I.
      using eye = ge(f, p, p, Array.from({ length: p * p }, (_, i) => (i % (p + 1) === 0 ? 1 : 0)));
      await qmm_(fac, eye);
      const Q = await entries(eye);
      const c = random(p * 2, 9), C = rows(c, p, 2);
      for (const transposed of [false, true]) {
        const Qt = transposed ? transpose(Q) : Q;
        using l = ge(f, p, 2, c);
        await qmm_(fac, l, { transpose: transposed });
        const want = product(Qt, C), got = await entries(l);
        want.forEach((r, i) =>
          r.forEach((v, j) => close(got[i][j], v, tol * 10, `${name}: Q·C (${i}, ${j})`))
        );
        using r = ge(f, 2, p, c);
        await qmm_(fac, r, { side: "right", transpose: transposed });
        const wantR = product(rows(c, 2, p), Qt), gotR = await entries(r);
        wantR.forEach((row, i) =>
          row.forEach((v, j) => close(gotR[i][j], v, tol * 10, `${name}: C·Q (${i}, ${j})`))
        );
      }
      using thin = await org(fac);
      const Thin = await entries(thin);
      using b = ge(f, m, n, data);
      await org_(await inPlace[name](b) as QR);
      const B = await entries(b), k = Math.min(m, n);
      const [i0, j0] = name === "ql" ? [0, n - k] : name === "rq" ? [m - k, 0] : [0, 0];
      Thin.forEach((row, i) =>
        row.forEach((v, j) => close(B[i0 + i][j0 + j], v, tol, `${name}: org_ (${i}, ${j})`))
      );
    }
    using a = ge(f, 2, 2, [1, 2, 3, 4]);
    using fac = await qrf(a) as QR;
    let error: unknown;
    try {
      await org_(fac);
    } catch (e) {
      error = e;
    }
    assert(error instanceof TypeError && /use org/.test(error.message), String(error));
  });
}

if (nativeAvailability().available) {
  Deno.test("the js engine lays out every form's factors and scalars as OpenBLAS's LAPACK does", () => {
    for (const name of Object.keys(pure) as Name[]) {
      for (const [m, n] of [[6, 4], [4, 6]]) {
        const data = random(m * n, 21 + m);
        using a = ge(jsDouble, m, n, data), b = ge(nativeDouble, m, n, data);
        using x = pure[name](a) as QR, y = pure[name](b) as QR;
        const X = toArray(x.matrix), Y = toArray(y.matrix as never);
        X.forEach((v, i) => close(v, Y[i], 1e-12, `${name} ${m}×${n}: factors[${i}]`));
        x.tau.forEach((v, i) => close(v, y.tau[i], 1e-12, `${name} ${m}×${n}: tau[${i}]`));
        if (x.jpvt) {
          assert(x.jpvt.join() === y.jpvt!.join(), `qpf ${m}×${n}: jpvt ${x.jpvt} vs ${y.jpvt}`);
        }
      }
    }
  });
}

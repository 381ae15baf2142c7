/**
 * Tridiagonal solves (gt, dt, st) on every engine: A·x = b for several right-hand sides, with
 * subdiagonal entries larger than the diagonal's so rows change places, the transposed view,
 * the matrix left as it was, and a singular one named.
 */
import {
  dt,
  ge,
  gt,
  jsDouble,
  KnapError,
  mm_,
  st,
  toArray,
  trans,
  transfer,
  vctr,
} from "../../mod.ts";
import { sv, sv_ } from "../../lib/linalg/mod.ts";
import { close } from "./_helpers.ts";
import { allFactories } from "../_factories.ts";
import { assert } from "../conformance/assert.ts";

for (const f of await allFactories()) {
  if (f.dtype === "bfloat16") continue;
  const tol = f.dtype === "float32" ? 1e-5 : 1e-13;
  Deno.test(`[${f.name}] sv_ solves gt, dt and st systems, pivoting where it must`, async () => {
    const n = 7;
    // [sub | main | super]: subdiagonal 3, diagonal 1, superdiagonal 2 — rows must swap.
    const sub = Array.from({ length: n - 1 }, (_, i) => 3 + 0.1 * i);
    const main = Array.from({ length: n }, (_, i) => 1 + 0.05 * i);
    const sup = Array.from({ length: n - 1 }, (_, i) => 2 - 0.1 * i);
    const cases = [
      ["gt", gt(f, n, [...sub, ...main, ...sup])],
      [
        "dt",
        dt(f, n, [...sub.map((v) => v / 10), ...main.map((v) => v + 4), ...sup.map((v) => v / 10)]),
      ],
      ["st", st(f, n, [...main.map((v) => v + 4), ...sup])],
    ] as const;
    for (const [name, a] of cases) {
      for (const view of [a, trans(a)]) {
        using b = ge(f, n, 2, Array.from({ length: 2 * n }, (_, k) => Math.sin(k + 1)));
        using x = await sv(view, b);
        // A·x through the structure's own product.
        using ax = ge(f, n, 2);
        mm_(1, view, x, 0, ax);
        const got = toArray(await transfer(jsDouble, ax)),
          want = toArray(await transfer(jsDouble, b));
        want.forEach((v, k) =>
          close(got[k], v, tol * 50, `${name}${view === a ? "" : "ᵀ"} A·x [${k}]`)
        );
      }
      using v = vctr(f, Array.from({ length: n }, (_, k) => k + 1));
      await sv_(a, v);
      a[Symbol.dispose]();
    }
    using singular = gt(f, 3, [1, 0, 1, 1, 1, 1, 0]); // rows (1, 1, 0), (1, 1, 0), (0, 0, 1)
    let error: unknown;
    try {
      await sv_(singular, vctr(f, [1, 2, 3]) as never);
    } catch (e) {
      error = e;
    }
    assert(
      error instanceof KnapError && /is singular \(pivot \d is zero\)/.test(error.message),
      String(error),
    );
  });
}

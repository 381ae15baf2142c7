/**
 * LU and Cholesky on every engine, checked by identities on random shapes (0×0, 1×1, tall, wide,
 * past the js engine's panel width, row-major and strided): P·L·U = A, L·Lᵀ = A, A·X = B, A·A⁻¹ =
 * I, the determinant and the condition estimate against explicit ones; native against js; and
 * the errors: singular, not positive definite, overwritten, released.
 */
import {
  col,
  entry_,
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  KnapError,
  nativeAvailability,
  nativeDouble,
  submatrix,
  sy,
  toArray,
  transfer,
  transfer_,
  vctr,
} from "../../mod.ts";
import { con, det, ls_, ptrf, ptrf_, sv, trf, trf_, tri, trs_ } from "../../lib/linalg/mod.ts";
import type { LU } from "../../lib/linalg/mod.ts";
import { close, random, rows } from "./_helpers.ts";
import { allFactories } from "../_factories.ts";
import { assert } from "../conformance/assert.ts";

/** The factors' entries as a column-major host array (the transpose where they are of Aᵀ). */
function factorsOf(f: LU | { factors: LU["factors"] }): number[][] {
  const x = f.factors, buf = x.storage.buffer as Float64Array;
  return Array.from(
    { length: x.rows },
    (_, i) =>
      Array.from({ length: x.cols }, (_, j) => buf[x.offset + i * x.rowStride + j * x.colStride]),
  );
}

/** P·L·U from an LU's factors and pivots, as rows. */
function reassemble(f: LU): number[][] {
  const F = factorsOf(f), m = F.length, n = F[0]?.length ?? 0, k = Math.min(m, n);
  const out = Array.from({ length: m }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let q = 0; q <= Math.min(i, j, k - 1); q++) {
        s += (q === i ? 1 : F[i][q]) * (q <= j ? F[q][j] : 0);
      }
      return s;
    }));
  // The row swaps undone in reverse: P·(L·U).
  for (let i = k - 1; i >= 0; i--) {
    const p = f.ipiv[i];
    if (p !== i) [out[i], out[p]] = [out[p], out[i]];
  }
  return out;
}

const tolOf = (f: Factory) => (f.dtype === "float32" ? 2e-4 : 1e-11);

for (const f of await allFactories()) {
  if (f.dtype === "bfloat16") continue;
  const tol = tolOf(f);
  Deno.test(`[${f.name}] LU: P·L·U = A on every shape, solves, inverse, det, con`, async () => {
    for (const [m, n] of [[0, 0], [1, 1], [2, 2], [5, 5], [17, 17], [70, 70], [40, 70], [70, 40]]) {
      const data = random(m * n, m * 31 + n);
      using a = ge(f, m, n, data);
      using lu = await trf(a);
      if (m === 0) continue;
      const got = reassemble(lu), want = rows(data, m, n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          close(got[i][j], want[i][j], tol * n, `${m}×${n} PLU(${i}, ${j})`);
        }
      }
      if (m !== n) continue;
      // A·X = B for three right-hand sides, and A·A⁻¹ = I.
      const bData = random(n * 3, n + 7);
      using b = ge(f, n, 3, bData);
      using x = await sv(a, b);
      const X = rows(toArray(await transfer(x)), n, 3);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < 3; j++) {
          const ax = want[i].reduce((s, v, q) => s + v * X[q][j], 0);
          close(ax, bData[i + j * n], tol * n * 10, `${n}×${n} A·X (${i}, ${j})`);
        }
      }
      using inv = await tri(lu);
      const I = rows(toArray(await transfer(inv)), n, n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const v = want[i].reduce((s, e, q) => s + e * I[q][j], 0);
          close(v, i === j ? 1 : 0, tol * n * 10, `${n}×${n} A·A⁻¹ (${i}, ${j})`);
        }
      }
      // det against the product of U's diagonal, con against the explicit inverse's norm.
      const norm1 = (M: number[][]) =>
        Math.max(...M[0].map((_, j) => M.reduce((s, r) => s + Math.abs(r[j]), 0)));
      const exact = 1 / (norm1(want) * norm1(I));
      const est = con(lu, norm1(want));
      assert(est >= exact * (1 - 1e-3) && est <= exact * 10, `${n}×${n} con ${est} vs ${exact}`);
      if (n <= 5) {
        const d = det(lu);
        // Laplace expansion is exact enough at these orders.
        const laplace = (M: number[][]): number =>
          M.length === 0 ? 1 : M[0].reduce(
            (s, v, j) =>
              s +
              (j % 2 ? -1 : 1) * v * laplace(M.slice(1).map((r) => r.filter((_, q) => q !== j))),
            0,
          );
        close(d, laplace(want), tol * 10, `${n}×${n} det`);
      }
    }
  });

  Deno.test(`[${f.name}] trf_ factors in place, a row-major matrix as its transpose`, async () => {
    const n = 6, data = random(n * n, 99);
    for (const layout of ["column", "row"] as const) {
      using a = ge(f, n, n, data, { layout });
      const want = layout === "column"
        ? rows(data, n, n)
        : rows(data, n, n).map((_, i) => data.slice(i * n, i * n + n));
      using lu = await trf_(a);
      using b = vctr(f, [1, 2, 3, 4, 5, 6]);
      await trs_(lu, b);
      const x = toArray(await transfer(b));
      for (let i = 0; i < n; i++) {
        close(
          want[i].reduce((s, v, q) => s + v * x[q], 0),
          i + 1,
          tol * 100,
          `${layout} A·x [${i}]`,
        );
      }
    }
  });

  Deno.test(`[${f.name}] Cholesky: L·Lᵀ = A, both triangles and layouts; solves`, async () => {
    const n = 70, g = random(n * n, 5);
    // A = GᵀG + n·I is positive definite.
    const A = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => {
        let s = i === j ? n : 0;
        for (let q = 0; q < n; q++) s += g[q + i * n] * g[q + j * n];
        return s;
      }));
    for (const opts of [{ uplo: "lower" }, { uplo: "upper", layout: "row" }] as const) {
      using h = sy(jsDouble, n, undefined, opts);
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          if (opts.uplo === "lower" ? i >= j : i <= j) entry_(h, i, j, A[i][j]);
        }
      }
      using a = sy(f, n, undefined, opts);
      await transfer_(h, a);
      // The lower one factored into a copy, the upper one in place.
      using c = opts.uplo === "lower" ? await ptrf(a) : await ptrf_(a);
      using b = vctr(f, A.map((r) => r.reduce((s, v) => s + v, 0)));
      await trs_(c, b);
      const x = toArray(await transfer(b));
      x.forEach((v, i) => close(v, 1, tol * 10, `${opts.uplo} Cholesky solve [${i}]`));
      assert(det(c) > 0, "a positive definite matrix has a positive determinant");
    }
  });

  Deno.test(`[${f.name}] linalg errors: singular, not positive definite, overwritten, released`, async () => {
    // Column 2 is twice column 1, and every multiplier a power of 2: singular in float32 too.
    using s = ge(f, 3, 3, [4, 2, 1, 8, 4, 2, 0, 1, 1]);
    using lu = await trf(s);
    assert(lu.singular >= 0, "a singular matrix factors, its zero pivot named");
    assert(det(lu) === 0 && con(lu, 14) === 0, "det and con of a singular matrix are 0");
    using b = vctr(f, [1, 1, 1]);
    let error: unknown;
    try {
      await trs_(lu, b);
    } catch (e) {
      error = e;
    }
    assert(
      error instanceof KnapError && /singular: U\(\d, \d\) is exactly zero/.test(error.message),
      String(error),
    );
    let bad: unknown;
    try {
      con(lu, -1);
    } catch (e) {
      bad = e;
    }
    assert(bad instanceof RangeError && /anorm must be/.test(bad.message), String(bad));
    using npd = sy(f, 3, [1, 0, 0, -1, 0, 1], { uplo: "lower" }); // diag(1, −1, 1) stored lower
    error = undefined;
    try {
      await ptrf(npd);
    } catch (e) {
      error = e;
    }
    assert(
      error instanceof KnapError &&
        /not positive definite \(its leading minor of order 2/.test(error.message),
      String(error),
    );
    if (f.location === "host") {
      using a = ge(f, 2, 2, [4, 2, 3, 1]);
      using lu2 = trf_(a) as LU;
      entry_(a as GEMatrix<"host">, 0, 0, 9);
      error = undefined;
      try {
        trs_(lu2, vctr(f, [1, 1]) as never);
      } catch (e) {
        error = e;
      }
      assert(error instanceof KnapError && /overwritten/.test(error.message), String(error));
      // A right-hand side inside the factored matrix, or a least-squares b inside a: refused.
      using m = ge(f, 3, 3, [4, 1, 0, 1, 4, 1, 0, 1, 4]);
      using mlu = trf_(m) as LU;
      for (const run of [() => trs_(mlu, col(m, 1)), () => ls_(m, submatrix(m, 0, 2, 3, 1))]) {
        error = undefined;
        try {
          run();
        } catch (e) {
          error = e;
        }
        assert(error instanceof RangeError && /share memory/.test(error.message), String(error));
      }
      const c = ge(f, 2, 2, [4, 2, 3, 1]);
      const lu3 = trf_(c) as LU;
      c[Symbol.dispose]();
      error = undefined;
      try {
        det(lu3);
      } catch (e) {
        error = e;
      }
      assert(error instanceof KnapError && /released/.test(error.message), String(error));
    }
  });
}

if (nativeAvailability().available) {
  Deno.test("native LU and Cholesky agree with the js engine's", () => {
    const n = 90, data = random(n * n, 3);
    using a = ge(jsDouble, n, n, data), b = ge(nativeDouble, n, n, data);
    using x = trf(a) as LU, y = trf(b) as LU;
    assert(Array.from(x.ipiv).join() === Array.from(y.ipiv).join(), "the same pivots");
    const fx = factorsOf(x), fy = factorsOf(y);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) close(fy[i][j], fx[i][j], 1e-11, `factor (${i}, ${j})`);
    }
    using s = sy(jsDouble, 3, [4, 2, 1, 5, 0, 6], { uplo: "lower" });
    using t = sy(nativeDouble, 3, [4, 2, 1, 5, 0, 6], { uplo: "lower" });
    using cx = ptrf(s), cy = ptrf(t);
    close(det(cy), det(cx), 1e-13, "Cholesky det");
  });
}

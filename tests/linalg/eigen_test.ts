/**
 * The symmetric eigenproblem and the SVD on every engine: A·Z = Z·diag(w) with ZᵀZ = I and w
 * ascending; U·diag(s)·Vᵀ = A with orthonormal U and V and s descending, on tall, wide and square
 * shapes, thin and full, by gesdd and gesvd; native values against js; NaN refused before any iteration.
 */
import {
  entry_,
  ge,
  type GEMatrix,
  jsDouble,
  nativeAvailability,
  nativeDouble,
  sy,
  toArray,
  transfer,
  transfer_,
} from "../../mod.ts";
import {
  type Eigen,
  type EigenOptions,
  evd,
  evd_,
  evr,
  evr_,
  sdd_,
  svd,
  svd_,
} from "../../lib/linalg/mod.ts";
import { close, product, random, rows, transpose } from "./_helpers.ts";
import { allFactories } from "../_factories.ts";
import { assert } from "../conformance/assert.ts";

async function entries(x: GEMatrix): Promise<number[][]> {
  return rows(toArray(await transfer(jsDouble, x)), x.m, x.n);
}

/** A symmetric n×n matrix (as rows) and a sy holding its lower triangle on f. */
async function symmetric(f: Parameters<typeof sy>[0], n: number, seed: number) {
  const r = random(n * n, seed);
  const A = Array.from(
    { length: n },
    (_, i) => Array.from({ length: n }, (_, j) => r[Math.max(i, j) + Math.min(i, j) * n]),
  );
  const h = sy(jsDouble, n, undefined, { uplo: "lower" });
  for (let j = 0; j < n; j++) for (let i = j; i < n; i++) entry_(h, i, j, A[i][j]);
  const a = sy(f, n, undefined, { uplo: "lower" });
  await transfer_(h, a);
  h[Symbol.dispose]();
  return { A, a };
}

for (const f of await allFactories()) {
  if (f.dtype === "bfloat16") continue;
  const tol = f.dtype === "float32" ? 1e-4 : 1e-12;
  Deno.test(`[${f.name}] evd: A·Z = Z·diag(w), ZᵀZ = I, w ascending`, async () => {
    for (const n of [1, 5, 40]) {
      const { A, a } = await symmetric(f, n, n + 1);
      using e = await evd(a, { vectors: true });
      a[Symbol.dispose]();
      const w = Array.from(toArray(await transfer(jsDouble, e.w)));
      const Z = await entries(e.z!);
      for (let i = 1; i < n; i++) assert(w[i - 1] <= w[i], `${n}: w ascending`);
      const AZ = product(A, Z);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          close(AZ[i][j], Z[i][j] * w[j], tol * n, `${n}: (AZ − Zw)(${i}, ${j})`);
        }
      }
      const ZtZ = product(transpose(Z), Z);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          close(ZtZ[i][j], i === j ? 1 : 0, tol * n, `${n}: ZᵀZ(${i}, ${j})`);
        }
      }
    }
  });

  Deno.test(`[${f.name}] evr by index and by value, evd_ and evr_ in a's memory`, async () => {
    const n = 9;
    const { A, a } = await symmetric(f, n, 77);
    using all = await evd(a);
    const w = Array.from(toArray(await transfer(jsDouble, all.w)));
    const check = async (e: Eigen, want: number[], what: string) => {
      const got = Array.from(toArray(await transfer(jsDouble, e.w)));
      assert(got.length === want.length, `${what}: ${got.length} eigenvalues, not ${want.length}`);
      got.forEach((v, i) => close(v, want[i], tol * n, `${what}: λ ${i}`));
      if (!e.z) return;
      assert(e.z.m === n && e.z.n === want.length, `${what}: z is ${e.z.m}×${e.z.n}`);
      const Z = await entries(e.z), AZ = product(A, Z);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < want.length; j++) {
          close(AZ[i][j], Z[i][j] * got[j], tol * n, `${what}: (AZ − Zw)(${i}, ${j})`);
        }
      }
    };
    {
      using e = await evr(a, { index: [2, 5], vectors: true });
      await check(e, w.slice(2, 6), "index [2, 5]");
    }
    {
      // Between eigenvalues, so that rounding cannot move one across an end.
      const lo = (w[0] + w[1]) / 2, hi = (w[6] + w[7]) / 2;
      using e = await evr(a, { value: [lo, hi], vectors: true });
      await check(e, w.slice(1, 7), "value range");
      using none = await evr(a, { value: [w[n - 1] + 1, w[n - 1] + 2] });
      await check(none, [], "an empty value range");
    }
    for (
      const [bad, pattern] of [[{ index: [3, 2] }, /0 ≤ lo ≤ hi < n/], [{ index: [0, n] }, /< n/], [
        { value: [1, 1] },
        /is empty/,
      ]] as const
    ) {
      let error: unknown;
      try {
        await evr(a, bad as EigenOptions);
      } catch (e) {
        error = e;
      }
      assert(error instanceof RangeError && pattern.test(error.message), String(error));
    }
    {
      using e = await evr_(a, { index: [0, 0], vectors: true });
      await check(e, w.slice(0, 1), "evr_");
    }
    a[Symbol.dispose]();
    const again = await symmetric(f, n, 77);
    using e = await evd_(again.a, { vectors: true });
    again.a[Symbol.dispose]();
    await check(e, w, "evd_");
  });

  Deno.test(`[${f.name}] svd: U·diag(s)·Vᵀ = A, orthonormal U and V, s descending`, async () => {
    for (const [m, n] of [[1, 1], [7, 4], [4, 7], [30, 30]]) {
      const data = random(m * n, m * 5 + n);
      using a = ge(f, m, n, data);
      using r = await svd(a, { vectors: true });
      const k = Math.min(m, n);
      const s = Array.from(toArray(await transfer(jsDouble, r.s)));
      for (let i = 1; i < k; i++) assert(s[i - 1] >= s[i] && s[i] >= 0, `${m}×${n}: s descending`);
      const U = await entries(r.u!), Vt = await entries(r.vt!);
      const USVt = product(U.map((row) => row.map((v, j) => v * s[j])), Vt);
      const A = rows(data, m, n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          close(USVt[i][j], A[i][j], tol * 10, `${m}×${n}: UΣVᵀ(${i}, ${j})`);
        }
      }
      const UtU = product(transpose(U), U), VVt = product(Vt, transpose(Vt));
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          close(UtU[i][j], i === j ? 1 : 0, tol * 10, `${m}×${n}: UᵀU(${i}, ${j})`);
          close(VVt[i][j], i === j ? 1 : 0, tol * 10, `${m}×${n}: VᵀV(${i}, ${j})`);
        }
      }
      // The values alone agree with the values beside their vectors.
      using v = await svd(a);
      const s2 = toArray(await transfer(jsDouble, v.s));
      s.forEach((x, i) => close(s2[i], x, tol * 10, `${m}×${n}: values alone [${i}]`));
    }
  });

  Deno.test(`[${f.name}] svd, sdd_ and svd_ with full U and Vᵀ: square, orthogonal, U·Σ·Vᵀ = A`, async () => {
    for (const [op, name] of [[svd, "svd"], [sdd_, "sdd_"], [svd_, "svd_"]] as const) {
      for (const [m, n] of [[0, 3], [1, 1], [6, 3], [3, 6], [5, 5]]) {
        const data = random(m * n, m * 3 + n + name.length);
        using a = ge(f, m, n, data);
        using r = await op(a, { vectors: true, full: true });
        const k = Math.min(m, n);
        assert(
          r.u!.m === m && r.u!.n === m && r.vt!.m === n && r.vt!.n === n,
          `${name} ${m}×${n}: shapes`,
        );
        if (m === 0) continue;
        const s = Array.from(toArray(await transfer(jsDouble, r.s)));
        const U = await entries(r.u!), Vt = await entries(r.vt!);
        const USVt = product(
          U.map((row) => row.slice(0, k).map((v, j) => v * s[j])),
          Vt.slice(0, k),
        );
        const A = rows(data, m, n);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            close(USVt[i][j], A[i][j], tol * 10, `${name} ${m}×${n}: UΣVᵀ(${i}, ${j})`);
          }
        }
        for (const [Q, d] of [[U, m], [Vt, n]] as const) {
          const QtQ = product(transpose(Q), Q);
          for (let i = 0; i < d; i++) {
            for (let j = 0; j < d; j++) {
              close(QtQ[i][j], i === j ? 1 : 0, tol * 10, `${name} ${m}×${n}: orthogonal`);
            }
          }
        }
      }
    }
  });

  Deno.test(`[${f.name}] evd and svd refuse NaN and ∞ before iterating`, async () => {
    using a = ge(f, 2, 2, [1, NaN, 0, 1]);
    let error: unknown;
    try {
      await svd(a);
    } catch (e) {
      error = e;
    }
    assert(error instanceof RangeError && /a\(1, 0\) is NaN/.test(error.message), String(error));
    using s = sy(f, 2, [1, Infinity, 1], { uplo: "lower" });
    error = undefined;
    try {
      await evd(s);
    } catch (e) {
      error = e;
    }
    assert(error instanceof RangeError && /is Infinity/.test(error.message), String(error));
  });
}

if (nativeAvailability().available) {
  Deno.test("native eigenvalues and singular values agree with the js engine's", async () => {
    const n = 60;
    const { a: x } = await symmetric(jsDouble, n, 9);
    const { a: y } = await symmetric(nativeDouble, n, 9);
    using ex = evd(x) as Awaited<ReturnType<typeof evd>>,
      ey = evd(y) as Awaited<ReturnType<typeof evd>>;
    const wx = toArray(ex.w as never), wy = toArray(ey.w as never);
    for (let i = 0; i < n; i++) close(wy[i], wx[i], 1e-12, `eigenvalue ${i}`);
    x[Symbol.dispose]();
    y[Symbol.dispose]();
    const data = random(50 * 20, 4);
    using a = ge(jsDouble, 50, 20, data), b = ge(nativeDouble, 50, 20, data);
    using sx = svd(a) as Awaited<ReturnType<typeof svd>>,
      sy2 = svd(b) as Awaited<ReturnType<typeof svd>>;
    const px = toArray(sx.s as never), py = toArray(sy2.s as never);
    for (let i = 0; i < 20; i++) close(py[i], px[i], 1e-12, `singular value ${i}`);
  });
}

/**
 * Symmetric rank updates (syr, syrk through rk_) on every engine against the dense product:
 * both triangles and layouts, strided and row-major factors, β = 0 over NaN and β ≠ 0, and the
 * unstored triangle's memory left as it was.
 */
import { col, entry, ge, jsDouble, rk_, sy, tr, transfer_, vctr } from "../../mod.ts";
import { allFactories } from "../_factories.ts";
import { assert } from "../conformance/assert.ts";

const close = (got: number, want: number, tol: number, what: string) =>
  assert(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);

const n = 4;
for (const f of await allFactories()) {
  if (f.dtype === "bfloat16") continue;
  const tol = f.dtype === "float32" ? 1e-5 : 1e-13;
  Deno.test(`[${f.name}] rk_ updates a symmetric matrix's stored triangle`, async () => {
    for (const opts of [{ uplo: "upper" }, { uplo: "lower", layout: "row" }] as const) {
      // Storage is a dense n×n block: the stored triangle from the data, NaN in the other.
      const c0 = Array.from({ length: n * n }, (_, k) => 0.1 * k - 0.5);
      const stored = (i: number, j: number) =>
        (opts.uplo === "upper") === (opts.layout !== "row") ? i <= j : i >= j;
      const data = c0.map((v, k) => stored(k % n, Math.floor(k / n)) ? v : NaN);
      const C0 = (i: number, j: number) => {
        const [r, s] = stored(i, j) ? [i, j] : [j, i];
        return c0[r + s * n];
      };
      const factor = Array.from({ length: n * 3 }, (_, k) => Math.sin(k + 1));
      const cases = [
        { what: "syrk column B, β 0.5", k: 3, layout: "column" as const, beta: 0.5 },
        { what: "syrk row B, β 0", k: 3, layout: "row" as const, beta: 0 },
        { what: "syr strided x", k: 1, layout: "row" as const, beta: 1 },
      ];
      for (const { what, k, layout, beta } of cases) {
        // The memory, NaN in the unstored triangle, comes from a host copy of the same layout.
        using c = sy(f, n, undefined, opts);
        using h0 = sy(jsDouble, n, undefined, opts);
        (h0.storage.buffer as Float64Array).set(data, h0.offset);
        transfer_(h0, c);
        const B = (i: number, q: number) =>
          k === 1 ? factor[i * 3] : layout === "column" ? factor[i + q * n] : factor[i * k + q];
        if (k === 1) {
          // x is the first column of a row-major n×3 matrix: stride 3.
          using m = ge(f, n, 3, factor, { layout: "row" });
          rk_(2, col(m, 0), c);
        } else {
          using b = ge(f, n, k, factor.slice(0, n * k), { layout });
          rk_(2, b, beta, c);
        }
        using h = sy(jsDouble, n, undefined, opts);
        await transfer_(c, h);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let acc = 0;
            for (let q = 0; q < k; q++) acc += B(i, q) * B(j, q);
            const want = 2 * acc + (beta === 0 ? 0 : beta * C0(i, j));
            close(entry(h, i, j), want, tol * 10, `${opts.uplo} ${what} (${i}, ${j})`);
          }
        }
        const raw = h.storage.buffer as Float64Array;
        for (let q = 0; q < n * n; q++) {
          if (!stored(q % n, Math.floor(q / n))) {
            assert(Number.isNaN(raw[h.offset + q]), `${what}: the unstored entry ${q} changed`);
          }
        }
      }
    }
  });
}

Deno.test("rk_ refuses what syr and syrk do not define", () => {
  using t = tr(jsDouble, 2);
  using s = sy(jsDouble, 3);
  using x = vctr(jsDouble, [1, 2]);
  for (
    const [f, pattern] of [
      [() => rk_(x, t), /rk_: a rank update of a tr upper/],
      [() => rk_(x, s), /rk_: c is a 3×3 .* the factor has 2 rows/],
    ] as const
  ) {
    let ok = false;
    try {
      f();
    } catch (e) {
      ok = pattern.test((e as Error).message);
      if (!ok) console.error((e as Error).message);
    }
    assert(ok, `expected ${pattern}`);
  }
});

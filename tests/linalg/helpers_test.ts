/**
 * LAPACK's helpers on every engine: laswp_ applies an LU's row swaps so that P·A = L·U, srt_
 * sorts with NaN last either way, and tri_ leaves the inverse in the factored matrix (both
 * layouts), using up its factorization.
 */
import { entry, ge, jsDouble, KnapError, toArray, transfer, vctr } from "../../mod.ts";
import { laswp_, srt_, trf, trf_, tri, tri_ } from "../../lib/linalg/mod.ts";
import type { LU } from "../../lib/linalg/mod.ts";
import { close } from "./_helpers.ts";
import { allFactories } from "../_factories.ts";
import { assert } from "../conformance/assert.ts";

for (const f of await allFactories()) {
  if (f.dtype === "bfloat16") continue;
  const tol = f.dtype === "float32" ? 1e-5 : 1e-13;
  Deno.test(`[${f.name}] laswp_ permutes rows as an LU's pivots say; srt_ sorts, NaN last`, async () => {
    const data = [1, 4, 7, 2, 5, 8, 3, 6, 10]; // rows (1, 2, 3), (4, 5, 6), (7, 8, 10)
    using a = ge(f, 3, 3, data);
    using lu = await trf(a);
    using pa = ge(f, 3, 3, data);
    laswp_(pa, lu.ipiv);
    // P·A = L·U: L and U from the factors.
    const F = lu.factors, buf = F.storage.buffer as Float64Array;
    const at = (i: number, j: number) => buf[F.offset + i * F.rowStride + j * F.colStride];
    const got = toArray(await transfer(jsDouble, pa));
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let q = 0; q <= Math.min(i, j); q++) s += (q === i ? 1 : at(i, q)) * at(q, j);
        close(got[i + 3 * j], s, tol * 10, `P·A = L·U (${i}, ${j})`);
      }
    }
    using x = vctr(f, [3, NaN, -1, 2, -7]);
    await srt_(x);
    const up = Array.from(toArray(await transfer(jsDouble, x)));
    assert(up.slice(0, 4).join() === "-7,-1,2,3" && Number.isNaN(up[4]), `increasing: ${up}`);
    await srt_(x, false);
    const down = Array.from(toArray(await transfer(jsDouble, x)));
    assert(down.slice(0, 4).join() === "3,2,-1,-7" && Number.isNaN(down[4]), `decreasing: ${down}`);
  });

  if (f.location === "host") {
    Deno.test(`[${f.name}] tri_ leaves the inverse in the factored matrix, in either layout`, async () => {
      const data = [4, 2, 1, 3, 5, 2, 1, 1, 6];
      for (const layout of ["column", "row"] as const) {
        using a = ge(f, 3, 3, data, { layout });
        using b = ge(f, 3, 3, data, { layout });
        using want = (await tri(trf(b) as LU)) as typeof b;
        const lu = trf_(a) as LU;
        tri_(lu);
        using w = await transfer(jsDouble, want), g = await transfer(jsDouble, a);
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) {
            close(entry(g, i, j), entry(w, i, j), tol * 10, `${layout} A⁻¹ (${i}, ${j})`);
          }
        }
        let error: unknown;
        try {
          tri(lu);
        } catch (e) {
          error = e;
        }
        assert(error instanceof KnapError, "a used-up factorization refuses");
      }
    });
  }
}

Deno.test("laswp_ refuses pivots that are not rows", () => {
  using a = ge(jsDouble, 2, 2);
  let error: unknown;
  try {
    laswp_(a, [5]);
  } catch (e) {
    error = e;
  }
  assert(
    error instanceof RangeError && /ipiv\[0\] = 5 is not a row/.test(error.message),
    String(error),
  );
});

/**
 * LAPACK's helpers on every engine: laswp_ applies an LU's row swaps so that P·A = L·U, srt_
 * sorts a vector or each column of a matrix with NaN last either way, and tri_ leaves the inverse
 * in the factored matrix (an LU in both layouts, a Cholesky factor's sy in both triangles), using
 * up its factorization, and refuses a structured storage.
 */
import {
  entry,
  ge,
  jsDouble,
  KnapError,
  st,
  type StructuredMatrix,
  sy,
  toArray,
  transfer,
  transfer_,
  vctr,
} from "../../mod.ts";
import { laswp_, ptrf_, srt_, trf, trf_, tri, tri_ } from "../../lib/linalg/mod.ts";
import type { Cholesky, LU, StructuredFactors } from "../../lib/linalg/mod.ts";
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
    // A matrix's columns, each on its own, row-major too.
    for (const layout of ["column", "row"] as const) {
      using m = ge(f, 3, 2, [5, NaN, 1, 0, -2, 4], { layout });
      await srt_(m);
      using c = ge(jsDouble, 3, 2);
      await transfer_(m, c);
      const cols = [0, 1].map((j) => [0, 1, 2].map((i) => entry(c, i, j)));
      const want = layout === "column" ? [[1, 5, NaN], [-2, 0, 4]] : [[-2, 1, 5], [0, 4, NaN]];
      assert(
        cols.every((col, j) => col.every((v, i) => Object.is(v, want[j][i]))),
        `${layout} columns sorted: ${JSON.stringify(cols)}`,
      );
    }
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
      // A Cholesky factor's sy gets the whole inverse; a structured storage cannot hold it.
      for (const uplo of ["lower", "upper"] as const) {
        using s = sy(f, 2, [4, 2, 5], { uplo }); // [[4, 2], [2, 5]]: inverse [[5, −2], [−2, 4]]/16
        tri_(ptrf_(s) as Cholesky);
        const want = [[5 / 16, -2 / 16], [-2 / 16, 4 / 16]];
        for (let i = 0; i < 2; i++) {
          for (let j = 0; j < 2; j++) {
            close(
              entry(s as StructuredMatrix<"host">, i, j),
              want[i][j],
              tol,
              `${uplo} (${i}, ${j})`,
            );
          }
        }
      }
      using t = st(f, 2, [2, 2, 1]);
      let error: unknown;
      try {
        tri_(trf(t) as StructuredFactors);
      } catch (e) {
        error = e;
      }
      assert(error instanceof TypeError && /use tri/.test(error.message), String(error));
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

/**
 * Random fills: the range and the moments, reproducibility from a seed, and the same numbers
 * as the js reference engine for the same seed.
 */
import { test } from "./register.ts";
import { assert, assertEquals } from "./assert.ts";
import * as k from "../../mod.ts";
import type { Factory } from "../../mod.ts";
import { assertAllClose, makeMatrix, readMatrix, readVector, sentinels } from "./fixtures.ts";

/** Registers the random-number conformance tests for a factory. */
export function randomConformance(f: Factory): void {
  const t = (name: string, fn: () => Promise<void>) => test(`[${f.name}] ${name}`, fn);
  const reference = f.dtype === "float32" ? k.jsFloat : k.jsDouble;

  t(
    "randUniform_ never reaches hi in the structure's own precision; lo = hi fills lo",
    async () => {
      using x = k.vctr(f, 40000);
      k.randUniform_(x, { seed: 207 }); // float32 rounded entry 39758 up to 1
      assert((await readVector(x)).every((v) => v >= 0 && v < 1), "seed 207 within [0, 1)");
      for (const [lo, hi] of [[1, 1 + 2 ** -20], [-3, -3 + 1e-6], [0.1, 0.1000001]]) {
        k.randUniform_(x, { lo, hi, seed: 3 });
        const xs = await readVector(x);
        assert(xs.every((v) => v >= lo && v < hi), `within [${lo}, ${hi})`);
      }
      k.randUniform_(x, { lo: 2.5, hi: 2.5 });
      assert((await readVector(x)).every((v) => v === 2.5), "lo = hi");
    },
  );

  t("randUniform_ fills [lo, hi) with the right moments, and a seed repeats the fill", async () => {
    using x = k.vctr(f, 20000);
    assert(k.randUniform_(x, { lo: -2, hi: 3, seed: 11 }) === x, "returns x");
    const xs = await readVector(x);
    assert(xs.every((v) => v >= -2 && v <= 3), "in range");
    const mean = xs.reduce((a, v) => a + v, 0) / xs.length;
    const variance = xs.reduce((a, v) => a + (v - mean) ** 2, 0) / xs.length;
    assert(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
    assert(Math.abs(variance - 25 / 12) < 0.1, `variance ${variance}`);
    k.randUniform_(x, { lo: -2, hi: 3, seed: 11 });
    assertEquals(await readVector(x), xs, "same seed, same numbers");
    k.randUniform_(x, { lo: -2, hi: 3 });
    const unseeded = await readVector(x);
    k.randUniform_(x, { lo: -2, hi: 3 });
    assert((await readVector(x)).some((v, i) => v !== unseeded[i]), "unseeded fills differ");
  });

  t("randNormal_ has the requested mean and deviation", async () => {
    using x = k.vctr(f, 40000);
    k.randNormal_(x, { mu: -1, sigma: 2, seed: 5 });
    const xs = await readVector(x);
    const mean = xs.reduce((a, v) => a + v, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, v) => a + (v - mean) ** 2, 0) / xs.length);
    assert(Math.abs(mean + 1) < 0.05 && Math.abs(sd - 2) < 0.05, `mean ${mean}, sd ${sd}`);
    assert(xs.every(Number.isFinite), "finite");
  });

  t("seeded fills equal the js engine's, on strided views of either layout", async () => {
    for (const layout of ["column", "row"] as const) {
      const spec = { m: 5, n: 7, layout, padRows: 1, padCols: 2, r0: 1, c0: 1, transposed: false };
      const zeros = Array.from({ length: 5 }, () => Array(7).fill(0));
      const mine = makeMatrix(f, spec, zeros), ref = makeMatrix(reference, spec, zeros);
      const before = await sentinels(mine.parent);
      k.randNormal_(mine.a, { seed: 99 });
      k.randNormal_(ref.a, { seed: 99 });
      // Host engines run the same code as the reference; a device's float32 transcendentals differ
      // from it in the last bits.
      const tol = f.location === "host" ? 0 : 1e-5;
      assertAllClose(
        (await readMatrix(mine.a)).flat(),
        (await readMatrix(ref.a)).flat(),
        tol,
        "fill",
      );
      assertEquals(await sentinels(mine.parent), before, "stays inside the view");
      mine.parent[Symbol.dispose]();
      ref.parent[Symbol.dispose]();
    }
  });
}

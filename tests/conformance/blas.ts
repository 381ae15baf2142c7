/**
 * The BLAS conformance suite: every BLAS function on one factory against naive references on
 * random shapes, layouts, strides and offsets. Each engine's test file calls it.
 */
import { test } from "./register.ts";
import fc from "npm:fast-check@^4.3.0";
import { assert, assertEquals } from "./assert.ts";
import * as k from "../../mod.ts";
import type { Factory } from "../../mod.ts";
import {
  assertAllClose,
  assertClose,
  makeMatrix,
  makeVector,
  matSpec,
  readMatrix,
  readVector,
  representable,
  RUNS,
  sentinels,
  tolerance,
  toRows,
  values,
  vecSpec,
} from "./fixtures.ts";

const seed = fc.integer({ min: 0, max: 2 ** 31 });
const dims = fc.integer({ min: 0, max: 40 });

/** Registers the BLAS conformance tests for a factory. */
export function blasConformance(f: Factory): void {
  const tol = tolerance(f);
  const t = (name: string, fn: () => Promise<void>) => test(`[${f.name}] ${name}`, fn);
  const vec = (
    spec: ReturnType<typeof vecSpec> extends fc.Arbitrary<infer S> ? S : never,
    s: number,
  ) => {
    const xs = representable(f, values(s, spec.dim));
    return { ...makeVector(f, spec, xs), xs };
  };

  t("dot, sum, asum, nrm2, nrm1, nrmi, iamax, iamin of vectors match the reference", async () => {
    await fc.assert(
      fc.asyncProperty(
        dims.chain((d) => fc.tuple(vecSpec(fc.constant(d)), vecSpec(fc.constant(d)))),
        seed,
        async ([sx, sy], s) => {
          const x = vec(sx, s), y = vec(sy, s + 1);
          const scale = 1 +
            x.xs.reduce((acc, v, i) => acc + Math.abs(v * y.xs[i]) + Math.abs(v), 0);
          assertClose(
            await k.dot(x.v, y.v),
            x.xs.reduce((a, v, i) => a + v * y.xs[i], 0),
            tol,
            "dot",
            scale,
          );
          assertClose(await k.sum(x.v), x.xs.reduce((a, v) => a + v, 0), tol, "sum", scale);
          const abs = x.xs.reduce((a, v) => a + Math.abs(v), 0);
          assertClose(await k.asum(x.v), abs, tol, "asum", scale);
          assertClose(await k.nrm1(x.v), abs, tol, "nrm1", scale);
          assertClose(await k.nrm2(x.v), Math.hypot(...x.xs), tol, "nrm2");
          assertClose(await k.nrmi(x.v), Math.max(0, ...x.xs.map(Math.abs)), tol, "nrmi");
          if (sx.dim > 0) {
            const mags = x.xs.map(Math.abs);
            assertEquals(await k.iamax(x.v), mags.indexOf(Math.max(...mags)), "iamax");
            assertEquals(await k.iamin(x.v), mags.indexOf(Math.min(...mags)), "iamin");
          }
          x.parent[Symbol.dispose]();
          y.parent[Symbol.dispose]();
        },
      ),
      { numRuns: RUNS },
    );
  });

  t("matrix reductions: dot, sum, nrm2 (Frobenius), nrm1 (columns), nrmi (rows)", async () => {
    await fc.assert(
      fc.asyncProperty(
        matSpec(),
        fc.boolean(),
        fc.constantFrom<k.Layout>("column", "row"),
        seed,
        async (sa, tr, lb, s) => {
          const rowsA = toRows(representable(f, values(s, sa.m * sa.n)), sa.m, sa.n);
          const rowsB = toRows(representable(f, values(s + 7, sa.m * sa.n)), sa.m, sa.n);
          const { a, parent } = makeMatrix(f, sa, rowsA);
          const b = makeMatrix(f, { ...sa, layout: lb, transposed: tr }, rowsB);
          const flat = rowsA.flat();
          const scale = 1 + flat.reduce((acc, v) => acc + Math.abs(v), 0) * 2;
          assertClose(
            await k.dot(a, b.a),
            flat.reduce((acc, v, i) => acc + v * rowsB.flat()[i], 0),
            tol,
            "dot",
            scale,
          );
          assertClose(await k.sum(a), flat.reduce((acc, v) => acc + v, 0), tol, "sum", scale);
          assertClose(await k.nrm2(a), Math.hypot(...flat), tol, "nrm2");
          const colSums = Array.from(
            { length: sa.n },
            (_, j) => rowsA.reduce((acc, r) => acc + Math.abs(r[j]), 0),
          );
          const rowSums = rowsA.map((r) => r.reduce((acc, v) => acc + Math.abs(v), 0));
          assertClose(await k.nrm1(a), Math.max(0, ...colSums), tol, "nrm1", scale);
          assertClose(await k.nrmi(a), Math.max(0, ...rowSums), tol, "nrmi", scale);
          parent[Symbol.dispose]();
          b.parent[Symbol.dispose]();
        },
      ),
      { numRuns: RUNS },
    );
  });

  t("nrm2 neither overflows nor underflows", async () => {
    if (f.dtype === "float32") {
      using x = k.vctr(f, [3e30, 4e30]);
      assertClose(await k.nrm2(x), 5e30, 1e-6, "large");
    } else {
      using x = k.vctr(f, [3e200, 4e200]);
      using y = k.vctr(f, [3e-200, 4e-200]);
      assertClose(await k.nrm2(x), 5e200, 1e-12, "large");
      assertClose(await k.nrm2(y), 5e-200, 1e-12, "small");
    }
  });

  t(
    "copy_, swp_, scal_, axpy_, axpby_, entry_ overwrite their output, return it, touch nothing else",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          dims.chain((d) => fc.tuple(vecSpec(fc.constant(d)), vecSpec(fc.constant(d)))),
          seed,
          fc.double({ min: -3, max: 3, noNaN: true }),
          fc.double({ min: -3, max: 3, noNaN: true }),
          async ([sx, sy], s, alphaRaw, betaRaw) => {
            const [alpha, beta] = representable(f, [alphaRaw, betaRaw]);
            const cases: [
              string,
              (x: k.Vector, y: k.Vector) => k.Vector,
              (x: number[], y: number[]) => number[],
              "x" | "y",
            ][] = [
              ["copy_", (x, y) => k.copy_(x, y), (x) => x, "y"],
              ["scal_", (x) => k.scal_(alpha, x), (x) => x.map((v) => alpha * v), "x"],
              [
                "axpy_",
                (x, y) => k.axpy_(alpha, x, y),
                (x, y) => y.map((v, i) => alpha * x[i] + v),
                "y",
              ],
              ["axpy_ (short)", (x, y) => k.axpy_(x, y), (x, y) => y.map((v, i) => x[i] + v), "y"],
              [
                "axpby_",
                (x, y) => k.axpby_(alpha, x, beta, y),
                (x, y) => y.map((v, i) => alpha * x[i] + beta * v),
                "y",
              ],
              ["entry_ (fill)", (x) => k.entry_(x, alpha), (x) => x.map(() => alpha), "x"],
            ];
            for (const [name, run, ref, out] of cases) {
              const x = vec(sx, s), y = vec(sy, s + 1);
              const before = [await sentinels(x.parent), await sentinels(y.parent)];
              const result = run(x.v, y.v);
              assert(result === (out === "x" ? x.v : y.v), `${name} returns its output`);
              assertAllClose(await readVector(result), ref(x.xs, y.xs), tol * 4, name);
              if (out === "y") assertAllClose(await readVector(x.v), x.xs, 0, `${name} leaves x`);
              assertEquals(
                [await sentinels(x.parent), await sentinels(y.parent)],
                before,
                `${name} stays inside its views`,
              );
              x.parent[Symbol.dispose]();
              y.parent[Symbol.dispose]();
            }
            const x = vec(sx, s), y = vec(sy, s + 1);
            assert(k.swp_(x.v, y.v) === x.v, "swp_ returns x");
            assertAllClose(await readVector(x.v), y.xs, 0, "swp_ x");
            assertAllClose(await readVector(y.v), x.xs, 0, "swp_ y");
            x.parent[Symbol.dispose]();
            y.parent[Symbol.dispose]();
          },
        ),
        { numRuns: RUNS },
      );
    },
  );

  t("axpy_, axpby_, copy_ and swp_ with the output aliasing the input", async () => {
    const xs = representable(f, values(3, 9));
    const { v, parent } = makeVector(f, { dim: 9, stride: 2, offset: 1 }, xs);
    assert(k.axpy_(2, v, v) === v, "returns y");
    assertAllClose(await readVector(v), xs.map((x) => 3 * x), tol, "axpy_(2, x, x)");
    assert(k.copy_(v, v) === v, "copy_ onto itself");
    assertAllClose(await readVector(v), xs.map((x) => 3 * x), tol, "copy_(x, x)");
    assert(k.axpby_(2, v, -1, v) === v, "axpby_ returns y");
    assertAllClose(await readVector(v), xs.map((x) => 3 * x), tol * 4, "axpby_(2, x, -1, x)");
    assert(k.swp_(v, v) === v, "swp_ with itself");
    assertAllClose(await readVector(v), xs.map((x) => 3 * x), tol * 4, "swp_(x, x)");
    parent[Symbol.dispose]();
  });

  t("matrix copy_, scal_, axpy_ across layouts and transposed views", async () => {
    await fc.assert(
      fc.asyncProperty(
        matSpec(),
        fc.constantFrom<k.Layout>("column", "row"),
        fc.boolean(),
        seed,
        async (sa, lb, tb, s) => {
          const ra = toRows(representable(f, values(s, sa.m * sa.n)), sa.m, sa.n);
          const rb = toRows(representable(f, values(s + 3, sa.m * sa.n)), sa.m, sa.n);
          const a = makeMatrix(f, sa, ra),
            b = makeMatrix(f, { ...sa, layout: lb, transposed: tb }, rb);
          const before = await sentinels(b.parent);
          assert(k.axpy_(-0.5, a.a, b.a) === b.a, "axpy_ returns b");
          const got = await readMatrix(b.a);
          assertAllClose(
            got.flat(),
            rb.flat().map((v, i) => -0.5 * ra.flat()[i] + v),
            tol * 4,
            "axpy_",
          );
          k.copy_(a.a, b.a);
          assertAllClose((await readMatrix(b.a)).flat(), ra.flat(), 0, "copy_");
          k.scal_(2, b.a);
          assertAllClose((await readMatrix(b.a)).flat(), ra.flat().map((v) => 2 * v), tol, "scal_");
          assertEquals(await sentinels(b.parent), before, "stays inside the view");
          a.parent[Symbol.dispose]();
          b.parent[Symbol.dispose]();
        },
      ),
      { numRuns: RUNS },
    );
  });

  t("allocating copy, zero, scal and axpy leave their inputs alone", async () => {
    using x = k.vctr(f, [1, 2, 3]);
    using y = k.vctr(f, [10, 20, 30]);
    using c = k.copy(x);
    using z = k.zero(x);
    using s = k.scal(2, x);
    using p = k.axpy(2, x, y);
    assertEquals(await readVector(c), [1, 2, 3]);
    assertEquals(await readVector(z), [0, 0, 0]);
    assertEquals(await readVector(s), [2, 4, 6]);
    assertEquals(await readVector(p), [12, 24, 36]);
    assertEquals(await readVector(x), [1, 2, 3]);
    assertEquals(await readVector(y), [10, 20, 30]);
    assert(c.factory === f && z.factory === f, "results stay on the factory");
  });

  t("mv_ and mv over every layout, transposition, stride and offset", async () => {
    await fc.assert(
      fc.asyncProperty(
        matSpec(),
        vecSpec(fc.constant(0)),
        vecSpec(fc.constant(0)),
        seed,
        fc.constantFrom(0, 1, -0.5),
        async (sa, sx0, sy0, s, beta) => {
          const ra = toRows(representable(f, values(s, sa.m * sa.n)), sa.m, sa.n);
          const a = makeMatrix(f, sa, ra);
          const x = vec({ ...sx0, dim: sa.n }, s + 1), y = vec({ ...sy0, dim: sa.m }, s + 2);
          const before = await sentinels(y.parent);
          const ref = ra.map((r, i) =>
            1.5 * r.reduce((acc, v, j) => acc + v * x.xs[j], 0) + beta * y.xs[i]
          );
          assert(k.mv_(1.5, a.a, x.v, beta, y.v) === y.v, "mv_ returns y");
          const scale = 1 + sa.n * 4 * 3;
          for (const [i, got] of (await readVector(y.v)).entries()) {
            assertClose(got, ref[i], tol, `mv_[${i}]`, scale);
          }
          assertEquals(await sentinels(y.parent), before, "mv_ stays inside y");
          using fresh = k.mv(a.a, x.v);
          const plain = ra.map((r) => r.reduce((acc, v, j) => acc + v * x.xs[j], 0));
          for (const [i, got] of (await readVector(fresh)).entries()) {
            assertClose(got, plain[i], tol, `mv[${i}]`, scale);
          }
          k.mv_(a.a, x.v, y.v);
          for (const [i, got] of (await readVector(y.v)).entries()) {
            assertClose(got, plain[i], tol, `mv_ short[${i}]`, scale);
          }
          for (const p of [a.parent, x.parent, y.parent]) {
            p[Symbol.dispose]();
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  t("rk_ and rk over every layout and stride", async () => {
    await fc.assert(
      fc.asyncProperty(
        matSpec(),
        vecSpec(fc.constant(0)),
        vecSpec(fc.constant(0)),
        seed,
        async (sa, sx0, sy0, s) => {
          const ra = toRows(representable(f, values(s, sa.m * sa.n)), sa.m, sa.n);
          const a = makeMatrix(f, sa, ra);
          const x = vec({ ...sx0, dim: sa.m }, s + 1), y = vec({ ...sy0, dim: sa.n }, s + 2);
          const before = await sentinels(a.parent);
          assert(k.rk_(-2, x.v, y.v, a.a) === a.a, "rk_ returns a");
          const ref = ra.map((r, i) => r.map((v, j) => v - 2 * x.xs[i] * y.xs[j]));
          assertAllClose((await readMatrix(a.a)).flat(), ref.flat(), tol * 8, "rk_");
          assertEquals(await sentinels(a.parent), before, "rk_ stays inside a");
          using o = k.rk(x.v, y.v);
          assertAllClose(
            (await readMatrix(o)).flat(),
            ra.flatMap((r, i) => r.map((_, j) => x.xs[i] * y.xs[j])),
            tol,
            "rk",
          );
          for (const p of [a.parent, x.parent, y.parent]) p[Symbol.dispose]();
        },
      ),
      { numRuns: RUNS },
    );
  });

  t(
    "mm_ and mm over every layout, transposition and submatrix, small and blocked sizes",
    async () => {
      const size = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 30, max: 70 }));
      await fc.assert(
        fc.asyncProperty(
          fc.tuple(size, size, size).chain(([m, n, kk]) =>
            fc.tuple(
              matSpec(fc.constant(m), fc.constant(kk)),
              matSpec(fc.constant(kk), fc.constant(n)),
              matSpec(fc.constant(m), fc.constant(n)),
            )
          ),
          seed,
          fc.constantFrom(0, 1, 0.5),
          async ([sa, sb, sc], s, beta) => {
            const { m, n: kk } = sa;
            const n = sb.n;
            const ra = toRows(representable(f, values(s, m * kk)), m, kk);
            const rb = toRows(representable(f, values(s + 1, kk * n)), kk, n);
            const rc = toRows(representable(f, values(s + 2, m * n)), m, n);
            const a = makeMatrix(f, sa, ra), b = makeMatrix(f, sb, rb), c = makeMatrix(f, sc, rc);
            const before = await sentinels(c.parent);
            const prod = ra.map((r) =>
              Array.from({ length: n }, (_, j) => r.reduce((acc, v, p) => acc + v * rb[p][j], 0))
            );
            assert(k.mm_(2, a.a, b.a, beta, c.a) === c.a, "mm_ returns c");
            const got = (await readMatrix(c.a)).flat();
            const ref = prod.flatMap((r, i) => r.map((v, j) => 2 * v + beta * rc[i][j]));
            const scale = 1 + kk * 4 * 2 + 2;
            got.forEach((v, i) => assertClose(v, ref[i], tol, `mm_[${i}]`, scale));
            assertEquals(await sentinels(c.parent), before, "mm_ stays inside c");
            using fresh = k.mm(a.a, b.a);
            (await readMatrix(fresh)).flat().forEach((v, i) =>
              assertClose(v, prod.flat()[i], tol, `mm[${i}]`, scale)
            );
            for (const p of [a.parent, b.parent, c.parent]) p[Symbol.dispose]();
          },
        ),
        { numRuns: RUNS },
      );
    },
  );

  t("mm_ on products large enough for every routing, in every layout combination", async () => {
    const [m, n, kk] = [70, 66, 81];
    const ra = toRows(representable(f, values(1, m * kk)), m, kk);
    const rb = toRows(representable(f, values(2, kk * n)), kk, n);
    const prod = ra.map((r) =>
      Array.from({ length: n }, (_, j) => r.reduce((acc, v, p) => acc + v * rb[p][j], 0))
    );
    const layouts = ["column", "row"] as const;
    for (const la of layouts) {
      for (const lb of layouts) {
        for (const lc of layouts) {
          const spec = (mm: number, nn: number, layout: k.Layout, transposed: boolean) => ({
            m: mm,
            n: nn,
            layout,
            padRows: 1,
            padCols: 2,
            r0: 1,
            c0: 0,
            transposed,
          });
          const a = makeMatrix(f, spec(m, kk, la, la === lb), ra);
          const b = makeMatrix(f, spec(kk, n, lb, la !== lc), rb);
          const c = makeMatrix(f, spec(m, n, lc, false), toRows(Array(m * n).fill(0), m, n));
          k.mm_(a.a, b.a, c.a);
          const got = (await readMatrix(c.a)).flat();
          got.forEach((v, i) =>
            assertClose(v, prod.flat()[i], tol, `mm_ ${la}/${lb}/${lc}[${i}]`, 1 + kk * 4)
          );
          for (const p of [a.parent, b.parent, c.parent]) p[Symbol.dispose]();
        }
      }
    }
  });

  t("mm_ and mv_ give the right answer when the output aliases an input", async () => {
    using a = k.ge(f, 3, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    using ref = k.mm(a, a);
    const want = (await readMatrix(ref)).flat();
    assert(k.mm_(a, a, a) === a, "mm_ returns c");
    assertAllClose((await readMatrix(a)).flat(), want, tol, "mm_(a, a, a)");
    using v = k.vctr(f, [1, 1, 1]);
    using m = k.ge(f, 3, 3, [1, 0, 0, 0, 2, 0, 0, 0, 3]);
    k.mv_(m, v, v);
    assertEquals(await readVector(v), [1, 2, 3]);
  });

  t("mm_ with β = 0 ignores NaN in c, as BLAS does", async () => {
    using a = k.ge(f, 2, 2, [1, 2, 3, 4]);
    using c = k.ge(f, 2, 2, [NaN, NaN, NaN, NaN]);
    k.mm_(a, a, c);
    assertEquals((await readMatrix(c)).flat(), [7, 15, 10, 22]);
    // Products large enough for each engine's other routes (native: sgemm, oneDNN matmul), and
    // matrix times vector, in either layout of the output.
    for (const [m, n, kk] of [[70, 70, 70], [40, 300, 400]]) {
      for (const layout of ["column", "row"] as k.Layout[]) {
        using p = k.ge(f, m, kk, new Array(m * kk).fill(1));
        using q = k.ge(f, kk, n, new Array(kk * n).fill(0.5));
        using r = k.ge(f, m, n, new Array(m * n).fill(NaN), { layout });
        k.mm_(p, q, r);
        const got = (await readMatrix(r)).flat();
        assert(got.every((v) => v === kk / 2), `${m}×${kk}×${n} into ${layout}: ${got[0]}`);
      }
    }
    using v = k.vctr(f, [1, 2]);
    using y = k.vctr(f, [NaN, NaN]);
    k.mv_(a, v, y);
    assertEquals(await readVector(y), [7, 10]);
  });

  t(
    "Neanderthal's arities: the four-argument products accumulate; chains, sums, subcopies",
    async () => {
      using a = k.ge(f, 2, 2, [1, 2, 3, 4]), b = k.ge(f, 2, 2, [1, 0, 0, 1]);
      using c = k.ge(f, 2, 2, [10, 10, 10, 10]);
      k.mm_(2, a, b, c); // C ← 2AB + C, as (mm! 2 a b c)
      assertEquals((await readMatrix(c)).flat(), [12, 16, 14, 18]);
      using x = k.vctr(f, [1, 1]), y = k.vctr(f, [5, 5]);
      k.mv_(2, a, x, y); // y ← 2Ax + y
      assertEquals(await readVector(y), [13, 17]);
      using fresh = k.mv(1, a, x, y), scaled = k.mv(1, a, x, 0.5, y);
      assertEquals(await readVector(fresh), [17, 23]);
      assertEquals(await readVector(scaled), [10.5, 14.5]);
      assertEquals(await readVector(y), [13, 17], "y untouched");
      using r = k.rk(2, x, x, b);
      assertEquals((await readMatrix(r)).flat(), [3, 2, 2, 3]);
      using p = k.ge(f, 2, 3, [1, 2, 3, 4, 5, 6]), q = k.ge(f, 3, 1, [1, 1, 1]);
      using chained = k.mm(a, p, q), ap = k.mm(a, p), stepwise = k.mm(ap, q);
      assertEquals((await readMatrix(chained)).flat(), (await readMatrix(stepwise)).flat());
      using s = k.axpy(x, y, x);
      assertEquals(await readVector(s), [15, 19]);
      k.axpby_(x, 0.5, y);
      assertEquals(await readVector(y), [7.5, 9.5]);
      k.axpby_(x, y);
      assertEquals(await readVector(y), [8.5, 10.5]);
      using z = k.vctr(f, [0, 0, 0]);
      k.copy_(y, z, 1, 1, 0);
      assertEquals(await readVector(z), [10.5, 0, 0]);
    },
  );
}

/**
 * Factorizations of the structured kinds on every engine, against the dense matrix they stand
 * for: banded LU (gb, both layouts, rows that must swap), tridiagonal LU (gt, dt), Bunch–Kaufman
 * of indefinite sy (both triangles and layouts, 2×2 pivots forced), and Cholesky of sp, sb and st
 * (both triangles). Each solves A·x = b, gives det and an inverse with A·A⁻¹ = I; sv_ routes each
 * kind; a singular one names its pivot, one that is not positive definite its minor; in-place
 * factors land in the matrix.
 */
import {
  dt,
  entry,
  entry_,
  type Factory,
  gb,
  gt,
  jsDouble,
  KnapError,
  sb,
  sp,
  st,
  type StructuredMatrix,
  sy,
  toArray,
  transfer,
  transfer_,
  vctr,
} from "../../mod.ts";
import { con, det, ptrf, ptrf_, sv, trf, trf_, tri, trs } from "../../lib/linalg/mod.ts";
import type { Factorization } from "../../lib/linalg/mod.ts";
import { close, random } from "./_helpers.ts";
import { allFactories } from "../_factories.ts";
import { assert } from "../conformance/assert.ts";

type Dense = number[][];
type Layout = "column" | "row";
type Uplo = "upper" | "lower";

/** A structured matrix on f holding the dense A's structure, built on js and copied over. */
async function build(
  f: Factory,
  make: (g: Factory) => StructuredMatrix,
  A: Dense,
  inside: (i: number, j: number) => boolean,
): Promise<StructuredMatrix> {
  const h = make(jsDouble);
  for (let i = 0; i < A.length; i++) {
    for (let j = 0; j < A.length; j++) {
      if (inside(i, j)) entry_(h as StructuredMatrix<"host">, i, j, A[i][j]);
    }
  }
  const a = make(f);
  await transfer_(h, a);
  h[Symbol.dispose]();
  return a;
}

/** The determinant of a dense matrix by elimination with partial pivoting. */
function denseDet(M: Dense): number {
  const a = M.map((r) => [...r]), n = a.length;
  let d = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i][k]) > Math.abs(a[p][k])) p = i;
    if (p !== k) [a[k], a[p], d] = [a[p], a[k], -d];
    d *= a[k][k];
    for (let i = k + 1; i < n; i++) {
      const l = a[i][k] / a[k][k];
      for (let j = k; j < n; j++) a[i][j] -= l * a[k][j];
    }
  }
  return d;
}

const times = (A: Dense, x: number[]) => A.map((r) => r.reduce((s, v, j) => s + v * x[j], 0));

/** Random dense n×n entries within |i − j| ≤ band (below: kl, above: ku). */
function banded(n: number, kl: number, ku: number, seed: number, diagonal = 0): Dense {
  const r = random(n * n, seed);
  return Array.from(
    { length: n },
    (_, i) =>
      Array.from(
        { length: n },
        (_, j) => i - j > kl || j - i > ku ? 0 : r[i * n + j] + (i === j ? diagonal : 0),
      ),
  );
}

/** Its symmetric part: the lower triangle mirrored. */
const symmetric = (A: Dense): Dense =>
  A.map((r, i) => r.map((_, j) => A[Math.max(i, j)][Math.min(i, j)]));

for (const f of await allFactories()) {
  if (f.dtype === "bfloat16") continue;
  const tol = f.dtype === "float32" ? 5e-4 : 1e-11;

  /** Solve, det, inverse and con of a factorization against the dense A. */
  const check = async (what: string, fac: Factorization, A: Dense) => {
    const n = A.length, b = random(n, n + 3);
    using vb = vctr(f, b);
    using x = await trs(fac, vb);
    const got = Array.from(toArray(await transfer(jsDouble, x)));
    times(A, got).forEach((v, i) => close(v, b[i], tol * 10, `${what}: (Ax)[${i}]`));
    close(det(fac), denseDet(A), tol * 10 * Math.abs(denseDet(A)), `${what}: det`);
    using inv = await tri(fac);
    const I = toArray(await transfer(jsDouble, inv));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += A[i][k] * I[k + j * n];
        close(s, i === j ? 1 : 0, tol * 10, `${what}: (A·A⁻¹)[${i}, ${j}]`);
      }
    }
    const rc = con(fac, Math.max(...A[0].map((_, j) => A.reduce((s, r) => s + Math.abs(r[j]), 0))));
    assert(rc > 0 && rc <= 1, `${what}: con ${rc} in (0, 1]`);
  };

  Deno.test(`[${f.name}] trf of gb: banded LU with row interchanges, either layout`, async () => {
    const n = 8, kl = 2, ku = 1;
    for (const layout of ["column", "row"] as Layout[]) {
      // A small diagonal makes rows swap.
      const A = banded(n, kl, ku, 5, 0);
      for (let i = 0; i < n; i++) A[i][i] *= 0.01;
      using a = await build(
        f,
        (g) => gb(g, n, n, kl, ku, undefined, { layout }),
        A,
        (i, j) => i - j <= kl && j - i <= ku,
      );
      using fac = await trf(a);
      assert(fac.routine === "gbtrf", "gbtrf");
      await check(`gb ${layout}`, fac, A);
    }
    // A zero column is singular: it factors, and solving names the pivot.
    const Z = banded(n, kl, ku, 6, 3);
    for (let i = 0; i < n; i++) Z[i][4] = 0;
    using z = await build(f, (g) => gb(g, n, n, kl, ku), Z, (i, j) => i - j <= kl && j - i <= ku);
    using fz = await trf(z);
    using b = vctr(f, n);
    let error: unknown;
    try {
      await trs(fz, b);
    } catch (e) {
      error = e;
    }
    assert(
      error instanceof KnapError && /gbtrf's pivot 4 is exactly zero/.test(error.message),
      String(error),
    );
  });

  Deno.test(`[${f.name}] trf of gt and dt: tridiagonal LU with interchanges, in place`, async () => {
    const n = 7;
    for (const [kind, make] of [["gt", gt], ["dt", dt]] as const) {
      const A = banded(n, 1, 1, 9, kind === "dt" ? 4 : 0);
      using a = await build(f, (g) => make(g, n), A, (i, j) => Math.abs(i - j) <= 1);
      using fac = await trf_(a);
      assert(fac.routine === "gttrf", "gttrf");
      await check(kind, fac, A);
      // In place: the factors are in a, so its diagonal now holds U's.
      using h = make(jsDouble, n);
      await transfer_(a, h);
      assert(
        A.some((r, i) => entry(h as StructuredMatrix<"host">, i, i) !== r[i]),
        `${kind}: a holds the factors`,
      );
    }
  });

  Deno.test(`[${f.name}] trf of an indefinite sy: Bunch–Kaufman, 2×2 pivots, every triangle and layout`, async () => {
    const n = 9;
    for (const uplo of ["lower", "upper"] as Uplo[]) {
      for (const layout of ["column", "row"] as Layout[]) {
        // A zero diagonal forces 2×2 pivots; the matrix is indefinite.
        const A = symmetric(banded(n, n, n, 13 + uplo.length + layout.length, 0));
        for (let i = 0; i < n; i++) A[i][i] = i % 3 === 0 ? 0 : A[i][i];
        using a = await build(f, (g) => sy(g, n, undefined, { uplo, layout }), A, () => true);
        using fac = await trf(a);
        assert(fac.routine === "sytrf", "sytrf");
        await check(`sy ${uplo} ${layout}`, fac, A);
      }
    }
    // [[0, 1], [1, 0]] is one 2×2 pivot.
    using s = await build(f, (g) => sy(g, 2), [[0, 1], [1, 0]], () => true);
    using fs = await trf(s);
    close(det(fs), -1, tol, "det [[0, 1], [1, 0]]");
  });

  Deno.test(`[${f.name}] ptrf of sp, sb and st: Cholesky in their storage, minors named`, async () => {
    const n = 8;
    for (const uplo of ["lower", "upper"] as Uplo[]) {
      const P = symmetric(banded(n, n, n, 21, 0)).map((r, i) => r.map((v, j) => (i === j ? n : v)));
      using p = await build(f, (g) => sp(g, n, undefined, { uplo }), P, () => true);
      using fp = await ptrf_(p);
      assert(fp.kind === "structured" && fp.routine === "pptrf", "pptrf");
      await check(`sp ${uplo}`, fp, P);
      const k = 2,
        Bd = symmetric(banded(n, k, k, 23, 0)).map((r, i) => r.map((v, j) => (i === j ? 5 : v)));
      using b = await build(
        f,
        (g) => sb(g, n, k, undefined, { uplo }),
        Bd,
        (i, j) => Math.abs(i - j) <= k,
      );
      using fb = await ptrf(b);
      await check(`sb ${uplo}`, fb, Bd);
    }
    const T = symmetric(banded(n, 1, 1, 29, 0)).map((r, i) => r.map((v, j) => (i === j ? 3 : v)));
    using t = await build(f, (g) => st(g, n), T, (i, j) => Math.abs(i - j) <= 1);
    using ft = await trf(t);
    assert(ft.routine === "pttrf", "trf of an st is its Cholesky");
    await check("st", ft, T);
    // Not positive definite: the leading minor of order 2 fails.
    const N = [[1, 2, 0], [2, 1, 0], [0, 0, 1]];
    using bad = await build(f, (g) => sp(g, 3), N, () => true);
    let error: unknown;
    try {
      await ptrf(bad);
    } catch (e) {
      error = e;
    }
    assert(
      error instanceof KnapError && /leading minor of order 2/.test(error.message),
      String(error),
    );
  });

  Deno.test(`[${f.name}] sv of sy, gb, sp and sb: each by its own factorization`, async () => {
    const n = 6;
    const S = symmetric(banded(n, n, n, 31, 0));
    const G = banded(n, 1, 2, 33, 2);
    const P = symmetric(banded(n, 1, 1, 35, 0)).map((r, i) => r.map((v, j) => (i === j ? 4 : v)));
    const cases: [
      string,
      (g: Factory) => StructuredMatrix,
      Dense,
      (i: number, j: number) => boolean,
    ][] = [
      ["sy", (g) => sy(g, n), S, () => true],
      ["gb", (g) => gb(g, n, n, 1, 2), G, (i, j) => i - j <= 1 && j - i <= 2],
      ["sp", (g) => sp(g, n), P, () => true],
      ["sb", (g) => sb(g, n, 1), P, (i, j) => Math.abs(i - j) <= 1],
    ];
    for (const [name, make, A, inside] of cases) {
      using a = await build(f, make, A, inside);
      const b = random(n, 41);
      using vb = vctr(f, b);
      using x = await sv(a, vb);
      const got = Array.from(toArray(await transfer(jsDouble, x)));
      times(A, got).forEach((v, i) => close(v, b[i], tol * 10, `sv ${name}: (Ax)[${i}]`));
    }
  });
}

/**
 * Constrained least squares on every engine against the optimality (KKT) systems solved densely
 * in float64 here: lse's x satisfies B·x = d and minimizes ‖c − A·x‖ on that plane; gls's x and
 * least-norm y satisfy d = A·x + B·y. Shapes at the ends of what each allows; mismatched shapes
 * and a rank-deficient constraint refused with their names.
 */
import { ge, jsDouble, KnapError, toArray, transfer, vctr, type Vector } from "../../mod.ts";
import { gls, gls_, lse, lse_ } from "../../lib/linalg/mod.ts";
import { close, product, random, rows, transpose } from "./_helpers.ts";
import { allFactories } from "../_factories.ts";
import { assert } from "../conformance/assert.ts";

/** The solution of the square system M·z = r by Gaussian elimination with partial pivoting. */
function solveDense(M: number[][], r: number[]): number[] {
  const n = r.length, a = M.map((row, i) => [...row, r[i]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i][k]) > Math.abs(a[p][k])) p = i;
    [a[k], a[p]] = [a[p], a[k]];
    for (let i = k + 1; i < n; i++) {
      const l = a[i][k] / a[k][k];
      for (let j = k; j <= n; j++) a[i][j] -= l * a[k][j];
    }
  }
  const z = new Array(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = a[i][n];
    for (let j = i + 1; j < n; j++) s -= a[i][j] * z[j];
    z[i] = s / a[i][i];
  }
  return z;
}

/** [[P, Q], [R, S]] as one matrix of rows. */
const blocks = (P: number[][], Q: number[][], R: number[][], S: number[][]) => [
  ...P.map((row, i) => [...row, ...Q[i]]),
  ...R.map((row, i) => [...row, ...S[i]]),
];
const zeros = (m: number, n: number) => Array.from({ length: m }, () => new Array(n).fill(0));
const times = (A: number[][], x: number[]) => A.map((r) => r.reduce((s, v, j) => s + v * x[j], 0));

for (const f of await allFactories()) {
  if (f.dtype === "bfloat16") continue;
  const tol = f.dtype === "float32" ? 2e-3 : 1e-10;
  const read = async (x: Vector) => Array.from(toArray(await transfer(jsDouble, x)));

  Deno.test(`[${f.name}] lse: B·x = d and the KKT system's x`, async () => {
    for (const [m, n, p] of [[6, 4, 2], [3, 4, 2], [5, 3, 0], [2, 3, 3], [4, 4, 1]]) {
      const da = random(m * n, m + 10 * n + p), db = random(p * n, p + 7);
      const c = random(m, 3), d = random(p, 4);
      using a = ge(f, m, n, da), b = ge(f, p, n, db), vc = vctr(f, c), vd = vctr(f, d);
      using x = await lse(a, b, vc, vd);
      const got = await read(x);
      const A = rows(da, m, n), B = rows(db, p, n);
      // [[AᵀA, Bᵀ], [B, 0]]·[x; λ] = [Aᵀc; d].
      const want = solveDense(
        blocks(
          product(transpose(A), A),
          Array.from({ length: n }, (_, j) => B.map((r) => r[j])),
          B,
          zeros(p, p),
        ),
        [...times(transpose(A), c), ...d],
      ).slice(0, n);
      got.forEach((v, i) => close(v, want[i], tol, `${m}×${n}, p ${p}: x[${i}]`));
      times(B, got).forEach((v, i) => close(v, d[i], tol, `${m}×${n}, p ${p}: (Bx)[${i}]`));
      using into = vctr(f, n);
      await lse_(a, b, vc, vd, into);
      (await read(into)).forEach((v, i) => close(v, got[i], tol, `lse_ x[${i}]`));
    }
  });

  Deno.test(`[${f.name}] gls: d = A·x + B·y with the least-norm y`, async () => {
    for (const [n, m, p] of [[5, 2, 4], [4, 4, 2], [3, 1, 2], [4, 2, 4]]) {
      const da = random(n * m, n + 10 * m), db = random(n * p, p + 9), d = random(n, 5);
      using a = ge(f, n, m, da), b = ge(f, n, p, db), vd = vctr(f, d);
      using r = await gls(a, b, vd);
      const x = await read(r.x), y = await read(r.y);
      const A = rows(da, n, m), B = rows(db, n, p);
      // y = Bᵀμ with [[BBᵀ, A], [Aᵀ, 0]]·[μ; x] = [d; 0].
      const z = solveDense(
        blocks(product(B, transpose(B)), A, transpose(A), zeros(m, m)),
        [...d, ...new Array(m).fill(0)],
      );
      const wantY = times(transpose(B), z.slice(0, n)), wantX = z.slice(n);
      x.forEach((v, i) => close(v, wantX[i], tol, `${n}×${m}, p ${p}: x[${i}]`));
      y.forEach((v, i) => close(v, wantY[i], tol, `${n}×${m}, p ${p}: y[${i}]`));
      using ix = vctr(f, m), iy = vctr(f, p);
      await gls_(a, b, vd, ix, iy);
      (await read(iy)).forEach((v, i) => close(v, y[i], tol, `gls_ y[${i}]`));
    }
  });

  Deno.test(`[${f.name}] lse and gls refuse mismatched shapes and a deficient constraint`, async () => {
    using a = ge(f, 3, 2, random(6, 1)), c = vctr(f, 3), d = vctr(f, 1);
    using b = ge(f, 1, 3, [1, 0, 0]);
    let error: unknown;
    try {
      await lse(a, b, c, d);
    } catch (e) {
      error = e;
    }
    assert(
      error instanceof RangeError && /lse: a is 3×2, b 1×3/.test(error.message),
      String(error),
    );
    using flat = ge(f, 1, 2, [0, 0]);
    error = undefined;
    try {
      await lse(a, flat, c, d);
    } catch (e) {
      error = e;
    }
    assert(error instanceof KnapError && /b is rank-deficient/.test(error.message), String(error));
    using wide = ge(f, 2, 3, random(6, 2)), i2 = ge(f, 2, 2, [1, 0, 0, 1]), d2 = vctr(f, 2);
    error = undefined;
    try {
      await gls(wide, i2, d2);
    } catch (e) {
      error = e;
    }
    assert(error instanceof RangeError && /m ≤ n ≤ m \+ p/.test(error.message), String(error));
  });
}

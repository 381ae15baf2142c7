/**
 * Householder QR and least squares on every engine: Q·R = A and QᵀQ = I on tall, wide and square
 * shapes; Q applied without forming it (both sides, both ways) against the formed Q; ls's normal
 * equations for a tall A and the least-norm solution for a wide one; the errors.
 */
import { type Factory, ge, type GEMatrix, KnapError, toArray, transfer } from "../../mod.ts";
import { ls, ls_, org, qmm_, qrf } from "../../lib/linalg/mod.ts";
import { close, product, random, rows, transpose } from "./_helpers.ts";
import { allFactories } from "../_factories.ts";
import { assert } from "../conformance/assert.ts";

async function entries(x: GEMatrix): Promise<number[][]> {
  return rows(toArray(await transfer(x)), x.m, x.n);
}

/** Solves a small square system by Gaussian elimination with pivoting (the test's own). */
function solveSmall(A: number[][], b: number[]): number[] {
  const n = A.length, M = A.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let q = c; q <= n; q++) M[r][q] -= f * M[c][q];
    }
  }
  const x = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    x[r] = (M[r][n] - M[r].slice(r + 1, n).reduce((s, v, q) => s + v * x[r + 1 + q], 0)) / M[r][r];
  }
  return x;
}

for (const f of await allFactories()) {
  if (f.dtype === "bfloat16") continue;
  const tol = (f as Factory).dtype === "float32" ? 5e-5 : 1e-12;
  Deno.test(`[${f.name}] QR: Q·R = A, QᵀQ = I, Q applied without forming it`, async () => {
    for (const [m, n] of [[1, 1], [5, 3], [70, 40], [40, 70], [70, 70]]) {
      const data = random(m * n, m * 13 + n);
      using a = ge(f, m, n, data);
      using qr = await qrf(a);
      const k = Math.min(m, n);
      using q = await org(qr);
      const Q = await entries(q);
      const F = rows(toArray(await transfer(qr.matrix)), m, n);
      const R = Array.from({ length: k }, (_, i) => F[i].map((v, j) => (j >= i ? v : 0)));
      const A = rows(data, m, n), QR = product(Q, R);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) close(QR[i][j], A[i][j], tol * m, `${m}×${n} QR(${i}, ${j})`);
      }
      const QtQ = product(transpose(Q), Q);
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          close(QtQ[i][j], i === j ? 1 : 0, tol * m, `${m}×${n} QᵀQ(${i}, ${j})`);
        }
      }
      // Qᵀ·(Q·C) = C on the left, (C·Q)·Qᵀ = C on the right.
      const cData = random(m * 3, 7);
      using c = ge(f, m, 3, cData);
      await qmm_(qr, c);
      await qmm_(qr, c, { transpose: true });
      const back = toArray(await transfer(c));
      cData.forEach((v, i) => close(back[i], v, tol * m, `${m}×${n} QᵀQC [${i}]`));
      using r = ge(f, 3, m, cData, { layout: "row" });
      await qmm_(qr, r, { side: "right" });
      await qmm_(qr, r, { side: "right", transpose: true });
      // toArray reads a row-layout matrix row by row, as its data was given.
      const backR = toArray(await transfer(r));
      cData.forEach((v, i) => close(backR[i], v, tol * m, `${m}×${n} CQQᵀ [${i}]`));
    }
  });

  Deno.test(`[${f.name}] ls: normal equations when tall, least norm when wide`, async () => {
    for (const [m, n] of [[30, 5], [5, 30], [6, 6]]) {
      const aData = random(m * n, m + 3 * n), bData = random(m * 2, 11);
      using a = ge(f, m, n, aData);
      using b = ge(f, m, 2, bData);
      using x = await ls(a, b);
      const A = rows(aData, m, n), B = rows(bData, m, 2), X = await entries(x);
      const AX = product(A, X);
      if (m >= n) {
        // Aᵀ(AX − B) = 0.
        const res = AX.map((r, i) => r.map((v, j) => v - B[i][j]));
        const g = product(transpose(A), res);
        g.flat().forEach((v, i) => close(v, 0, tol * 100, `${m}×${n} normal equations [${i}]`));
      } else {
        AX.flat().forEach((v, i) =>
          close(v, B[Math.floor(i / 2)][i % 2], tol * 100, `${m}×${n} AX = B [${i}]`)
        );
        // The least-norm solution is Aᵀ(AAᵀ)⁻¹B.
        const AAt = product(A, transpose(A));
        for (let j = 0; j < 2; j++) {
          const w = solveSmall(AAt, B.map((r) => r[j]));
          const want = transpose(A).map((r) => r.reduce((s, v, q) => s + v * w[q], 0));
          want.forEach((v, i) => close(X[i][j], v, tol * 100, `${m}×${n} least norm (${i}, ${j})`));
        }
      }
    }
    // ls_ wants max(m, n) rows of b; a rank-deficient a is an error.
    using a = ge(f, 3, 2, [1, 2, 3, 0, 0, 0]);
    using b = ge(f, 3, 1, [1, 1, 1]);
    let error: unknown;
    try {
      await ls_(a, b);
    } catch (e) {
      error = e;
    }
    assert(
      error instanceof KnapError && /rank-deficient: R\(1, 1\)/.test(error.message),
      String(error),
    );
    using short = ge(f, 2, 1);
    error = undefined;
    try {
      await ls_(ge(f, 2, 3), short);
    } catch (e) {
      error = e;
    }
    assert(
      error instanceof RangeError && /b needs max\(m, n\) = 3 rows/.test(error.message),
      String(error),
    );
  });
}

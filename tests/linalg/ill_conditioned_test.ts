/**
 * An ill-conditioned matrix on every float64 engine: the Hilbert matrix of order 8, κ₂ ≈ 1.5·10¹⁰.
 * What backward-stable routines promise still holds — LU's solve leaves a residual of order ε·‖A‖·‖x‖,
 * Q·R and U·Σ·Vᵀ give A back to ε·‖A‖, the symmetric eigenvectors satisfy A·z = λz to ε·‖A‖ — and
 * the condition shows where it should: con's estimate and σ₁/σₙ match the known κ.
 */
import {
  entry_,
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  nrm1,
  sy,
  toArray,
  transfer,
  transfer_,
  vctr,
  type Vector,
} from "../../mod.ts";
import { con, evd, org, qrf, svd, trf, trs_ } from "../../lib/linalg/mod.ts";
import { close, product, rows } from "./_helpers.ts";
import { allFactories } from "../_factories.ts";
import { assert } from "../conformance/assert.ts";

const n = 8, eps = 2 ** -52;
const H = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => 1 / (i + j + 1)));
const data = Array.from({ length: n * n }, (_, k) => H[k % n][Math.floor(k / n)]);
const read = async (x: GEMatrix | Vector) =>
  Array.from(toArray(await transfer(jsDouble, x as GEMatrix)));

for (const f of await allFactories()) {
  if (f.dtype !== "float64") continue;
  Deno.test(`[${f.name}] Hilbert(8): backward stable where κ is 10¹⁰, and κ seen`, async () => {
    using a = ge(f as Factory, n, n, data);
    const norm = await nrm1(a);
    // LU: the residual is small though x itself is accurate to only ~6 digits.
    using lu = await trf(a);
    const b = Array.from({ length: n }, (_, i) => i + 1);
    using x = vctr(f, b);
    await trs_(lu, x);
    const X = await read(x);
    const xnorm = X.reduce((s, v) => s + Math.abs(v), 0);
    H.forEach((r, i) => {
      const res = Math.abs(r.reduce((s, v, j) => s + v * X[j], 0) - b[i]);
      assert(res <= 100 * n * eps * norm * xnorm, `LU residual ${i}: ${res}`);
    });
    // κ₁(H₈) ≈ 3.39·10¹⁰: the estimate is within a small factor of it.
    const rc = con(lu, norm);
    assert(rc > 1 / 3.4e11 && rc < 1 / 3.3e9, `con: ${rc}`);
    // QR gives A back.
    using qr = await qrf(a);
    using q = await org(qr);
    const Q = rows(await read(q), n, n), F = rows(Array.from(toArray(qr.matrix)), n, n);
    const R = F.map((r, i) => r.map((v, j) => (j >= i ? v : 0)));
    product(Q, R).forEach((r, i) =>
      r.forEach((v, j) => close(v, H[i][j], 100 * eps, `QR (${i}, ${j})`))
    );
    // σ₁/σ₈ = κ₂ ≈ 1.5258·10¹⁰, to the digits the smallest σ keeps (ε·σ₁/σ₈ ≈ 3·10⁻⁶ relative).
    using s = await svd(a, { vectors: true });
    const S = await read(s.s);
    close(S[0] / S[n - 1] / 1.5258e10, 1, 1e-3, "κ₂ from the singular values");
    const U = rows(await read(s.u!), n, n), Vt = rows(await read(s.vt!), n, n);
    product(U.map((r) => r.map((v, j) => v * S[j])), Vt).forEach((r, i) =>
      r.forEach((v, j) => close(v, H[i][j], 100 * eps, `UΣVᵀ (${i}, ${j})`))
    );
    // The symmetric eigenproblem: A·z = λz to ε·‖A‖ for the tiny eigenvalues too.
    using h = sy(f, n, undefined, { uplo: "lower" });
    {
      using hs = sy(jsDouble, n, undefined, { uplo: "lower" });
      for (let j = 0; j < n; j++) for (let i = j; i < n; i++) entry_(hs, i, j, H[i][j]);
      await transfer_(hs, h);
    }
    using e = await evd(h, { vectors: true });
    const w = await read(e.w), Z = rows(await read(e.z!), n, n);
    assert(w[0] > 0 && w[0] < 2e-10, `the smallest eigenvalue ${w[0]} is about 1.1·10⁻¹⁰`);
    product(H, Z).forEach((r, i) =>
      r.forEach((v, j) => close(v, Z[i][j] * w[j], 100 * eps, `A·z − λz (${i}, ${j})`))
    );
  });
}

// A rank-deficient matrix: 60 columns that repeat 6 patterns, centred — rank 5, and 55 singular
// values that are rounding noise. Jacobi's sweeps on the js engine once turned the noise columns
// against each other for ever ("did not converge"); every engine must give the 5 values and
// U·Σ·Vᵀ = A.
const [rm, rn] = [40, 60];
const pattern = (i: number, j: number) => Math.sin(1.7 * i * (j % 6 + 1)) + (i % (j % 6 + 2));
const raw = Array.from(
  { length: rm },
  (_, i) => Array.from({ length: rn }, (_, j) => pattern(i, j)),
);
const centred = raw.map((r) => {
  const mean = r.reduce((s, v) => s + v, 0) / rn;
  return r.map((v) => v - mean);
});
for (const f of await allFactories()) {
  if (f.dtype !== "float64") continue;
  Deno.test(`[${f.name}] svd of a rank-deficient matrix: rank 5 seen, A given back`, async () => {
    using a = ge(f as Factory, rm, rn, centred.flat(), { layout: "row" });
    using s = await svd(a, { vectors: true });
    const S = await read(s.s);
    const rank = S.filter((v) => v > 1e-10 * S[0]).length;
    assert(rank === 5, `rank ${rank}: ${S.slice(0, 8).join(" ")}`);
    const k = S.length, U = rows(await read(s.u!), rm, k), Vt = rows(await read(s.vt!), k, rn);
    product(U.map((r) => r.map((v, j) => v * S[j])), Vt).forEach((r, i) =>
      r.forEach((v, j) => close(v, centred[i][j], 1e-12, `UΣVᵀ (${i}, ${j})`))
    );
  });
}

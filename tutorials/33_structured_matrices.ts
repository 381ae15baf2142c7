/**
 * Chapter 33 (beyond the book) — Structured matrices and the rest of vect-math.
 *
 * Neanderthal knows more than the general dense matrix, and so does knap: triangular (`tr`),
 * symmetric (`sy`), banded (`gb`, `sb`, `tb`), packed (`tp`, `sp`), diagonal (`gd`) and
 * tridiagonal (`gt`, `dt`, `st`) matrices store only what their structure holds, and BLAS has a
 * routine for each that reads only that. Three small problems whose answers you can check by
 * hand: a triangular system solved by substitution, a symmetric product that never reads the
 * unstored triangle, and a step of the heat equation through a symmetric tridiagonal matrix;
 * then the normal distribution from `@knap/knap/math`.
 * Run: `deno run -A tutorials/33_structured_matrices.ts [--backend=js|native|webgpu|opencl|cuda]`.
 */
import {
  dot,
  entry,
  jsDouble,
  mv,
  mv_,
  rk_,
  st,
  type StructuredMatrix,
  sy,
  tr,
  transfer_,
  vctr,
} from "../mod.ts";
import { sv } from "../lib/linalg/mod.ts";
import type { Factory } from "../mod.ts";
import { cdfNorm, cdfNormInv } from "../lib/vect_math/mod.ts";
import { backend, entries, show } from "./_backend.ts";

const { name, double: f } = await backend();
console.log(`Chapter 33 on the ${name} engine\n`);

/** Made once on the host to print it, then copied to the engine that computes. */
function onEngine(make: (f: Factory) => StructuredMatrix): StructuredMatrix {
  using host = make(jsDouble);
  console.log(host);
  const here = make(f);
  transfer_(host, here);
  return here;
}

// 1. A lower triangular system L·x = b, by forward substitution (BLAS's trsv):
//    x₁ = 2/2 = 1, x₂ = (7 − 1·1)/3 = 2, x₃ = (9 − 4·1 + 1·2)/5 = 1.4.
//    The data lists the stored triangle column by column: (2, 1, 4), (3, −1), (5).
{
  console.log("L, lower triangular:");
  using l = onEngine((g) => tr(g, 3, [2, 1, 4, 3, -1, 5], { uplo: "lower" }));
  using b = vctr(f, [2, 7, 9]);
  using x = await sv(l, b);
  console.log("x solving L·x = [2 7 9]:");
  await show(x);
  using back = mv(l, x);
  console.log("L·x, back again:");
  await show(back);
}

// 2. A symmetric product (BLAS's symv): only the upper triangle is stored and read.
//    S·[1 1 1] = [4+1+2, 1+3+0, 2+0+5] = [7 4 7].
{
  console.log("\nS, symmetric, upper triangle stored:");
  using s = onEngine((g) => sy(g, 3, [4, 1, 3, 2, 0, 5]));
  using ones = vctr(f, [1, 1, 1]);
  using y = mv(s, ones);
  console.log("S·[1 1 1]:");
  await show(y);
  // A rank-one update writes the stored triangle only: S + 2·[1 0 1][1 0 1]ᵀ.
  using e = vctr(f, [1, 0, 1]);
  rk_(2, e, s);
  using s2 = sy(jsDouble, 3);
  await transfer_(s, s2);
  console.log(
    `after rk_(2, [1 0 1], S): S(0, 2) = ${entry(s2, 0, 2)}, S(2, 2) = ${entry(s2, 2, 2)}`,
  );
}

// 3. The heat equation u_t = u_xx on five points, one explicit step u ← A·u with
//    A = tridiag(r, 1 − 2r, r) and r = Δt/Δx² = 1/4: heat spreads from the middle and
//    its total stays 1 until it reaches the ends.
{
  const r = 0.25;
  console.log("\nA, symmetric tridiagonal (main diagonal, then the off one):");
  using a = onEngine((g) => st(g, 5, [...Array(5).fill(1 - 2 * r), ...Array(4).fill(r)]));
  using u = vctr(f, [0, 0, 1, 0, 0]);
  using next = vctr(f, 5);
  using ones = vctr(f, [1, 1, 1, 1, 1]);
  for (let step = 1; step <= 2; step++) {
    mv_(a, u, next);
    transfer_(next, u);
    console.log(`u after step ${step} (total ${(await dot(u, ones)).toFixed(2)}):`);
    await show(u);
  }
}

// 4. Vect-math beyond the book: the standard normal distribution and its inverse.
//    Φ(−1.96) ≈ 0.025, Φ(0) = 0.5, Φ(1.96) ≈ 0.975 — the 95% interval — and back.
{
  using z = vctr(f, [-1.96, 0, 1.96]);
  using p = cdfNorm(z);
  const three = async (v: typeof z) => (await entries(v)).map((e) => e.toFixed(3)).join(" ");
  console.log(`\nΦ at [-1.96 0 1.96]: ${await three(p)}`);
  using q = cdfNormInv(p);
  console.log(`Φ⁻¹ of those, back again: ${await three(q)}`);
}

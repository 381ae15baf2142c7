/**
 * The general eigenproblem on every engine: the eigenvalues' sum is the trace and their product
 * the determinant, complex ones come in conjugate pairs, a symmetric matrix gives evd's values,
 * js agrees with native; native's right eigenvectors satisfy A·v = λ·v, complex pairs included;
 * NaN is refused; the js engine asked for vectors without the native one says so.
 */
import {
  type Factory,
  ge,
  jsDouble,
  nativeAvailability,
  nativeDouble,
  toArray,
  transfer,
} from "../../mod.ts";
import { det, ev, trf } from "../../lib/linalg/mod.ts";
import type { GeneralEigen } from "../../lib/linalg/mod.ts";
import { close, random } from "./_helpers.ts";
import { allFactories } from "../_factories.ts";
import { assert } from "../conformance/assert.ts";

/** Eigenvalues as [re, im] pairs, sorted. */
async function values(e: GeneralEigen): Promise<[number, number][]> {
  const wr = toArray(await transfer(jsDouble, e.wr)), wi = toArray(await transfer(jsDouble, e.wi));
  return Array.from(wr, (r, i) => [r, wi[i]] as [number, number]).sort((x, y) =>
    x[0] - y[0] || x[1] - y[1]
  );
}

for (const f of await allFactories()) {
  if (f.dtype === "bfloat16") continue;
  const tol = (f as Factory).dtype === "float32" ? 2e-4 : 1e-11;
  Deno.test(`[${f.name}] ev: trace, determinant, conjugate pairs, a symmetric matrix's values`, async () => {
    for (const n of [1, 2, 6, 30]) {
      const data = random(n * n, n + 17);
      using a = ge(f, n, n, data);
      using e = await ev(a);
      const w = await values(e);
      const trace = Array.from({ length: n }, (_, i) => data[i + i * n]).reduce((s, v) => s + v, 0);
      close(w.reduce((s, [r]) => s + r, 0), trace, tol * n, `${n}: Σλ = trace`);
      close(w.reduce((s, [, i]) => s + i, 0), 0, tol * n, `${n}: Σ Im λ = 0`);
      // Π λ = det A, as complex numbers.
      let [pr, pi] = [1, 0];
      for (const [r, i] of w) [pr, pi] = [pr * r - pi * i, pr * i + pi * r];
      using lu = await trf(a);
      close(pr, det(lu), tol * 100, `${n}: Πλ = det`);
      close(pi, 0, tol * 100 * Math.max(1, Math.abs(pr)), `${n}: Im Πλ = 0`);
    }
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
    using s = ge(f, 2, 2, [2, 1, 1, 2]);
    using es = await ev(s);
    const w = await values(es);
    close(w[0][0], 1, tol, "symmetric λ₁");
    close(w[1][0], 3, tol, "symmetric λ₂");
    using bad = ge(f, 2, 2, [1, NaN, 0, 1]);
    let error: unknown;
    try {
      await ev(bad);
    } catch (e) {
      error = e;
    }
    assert(error instanceof RangeError && /is NaN/.test(error.message), String(error));
  });
}

if (nativeAvailability().available) {
  Deno.test("ev: native right eigenvectors satisfy A·v = λ·v; js values agree with native", () => {
    const n = 12, data = random(n * n, 5);
    using a = ge(nativeDouble, n, n, data), b = ge(jsDouble, n, n, data);
    using e = ev(a, { vectors: true }) as GeneralEigen, j = ev(b) as GeneralEigen;
    const wr = toArray(e.wr as never), wi = toArray(e.wi as never), V = toArray(e.vr as never);
    const A = (r: number, c: number) => data[r + c * n], v = (r: number, c: number) => V[r + c * n];
    for (let c = 0; c < n; c++) {
      if (wi[c] === 0) {
        for (let r = 0; r < n; r++) {
          let av = 0;
          for (let q = 0; q < n; q++) av += A(r, q) * v(q, c);
          close(av, wr[c] * v(r, c), 1e-10, `real λ ${c}: (Av)[${r}]`);
        }
      } else if (wi[c] > 0) {
        // A(x + iy) = (α + iβ)(x + iy): Ax = αx − βy, Ay = βx + αy.
        for (let r = 0; r < n; r++) {
          let ax = 0, ay = 0;
          for (let q = 0; q < n; q++) {
            ax += A(r, q) * v(q, c);
            ay += A(r, q) * v(q, c + 1);
          }
          close(ax, wr[c] * v(r, c) - wi[c] * v(r, c + 1), 1e-10, `pair ${c}: (Ax)[${r}]`);
          close(ay, wi[c] * v(r, c) + wr[c] * v(r, c + 1), 1e-10, `pair ${c}: (Ay)[${r}]`);
        }
        close(wi[c + 1], -wi[c], 1e-12, `pair ${c}: conjugates`);
      }
    }
    const sorted = (r: ArrayLike<number>, i: ArrayLike<number>) =>
      Array.from(r, (x, k) => [x, i[k]]).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    const x = sorted(wr, wi), y = sorted(toArray(j.wr as never), toArray(j.wi as never));
    x.forEach(([r, i], k) => {
      close(y[k][0], r, 1e-10, `js vs native Re λ ${k}`);
      close(y[k][1], i, 1e-10, `js vs native Im λ ${k}`);
    });
  });
}

Deno.test("ev on the js engine: vectors from the native engine where it loads, else a TypeError", () => {
  using a = ge(jsDouble, 2, 2, [2, 0, 1, 3]); // upper triangular: eigenvalues 2 and 3
  if (nativeAvailability().available) {
    using e = ev(a, { vectors: true }) as GeneralEigen;
    assert(e.vr !== undefined && e.vr.factory === jsDouble, "the vectors land on the js factory");
    return;
  }
  let error: unknown;
  try {
    ev(a, { vectors: true });
  } catch (e) {
    error = e;
  }
  assert(error instanceof TypeError && /need the native engine/.test(error.message), String(error));
});

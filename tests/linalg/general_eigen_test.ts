/**
 * The general eigenproblem on every engine: the eigenvalues' sum is the trace and their product
 * the determinant, complex ones come in conjugate pairs, a symmetric matrix gives evd's values;
 * the left and right eigenvectors satisfy their equations, normalized as LAPACK does; the Schur
 * form is orthogonally similar to A with its blocks in standard form; NaN is refused; js agrees
 * with native on the values and the vectors.
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
import { det, es, es_, ev, trf } from "../../lib/linalg/mod.ts";
import type { GeneralEigen } from "../../lib/linalg/mod.ts";
import { close, product, random, rows, transpose } from "./_helpers.ts";
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

/** The largest residual of A·v = λ·v over the right vectors and uᴴ·A = λ·uᴴ over the left ones. */
function residuals(
  data: ArrayLike<number>,
  n: number,
  wr: ArrayLike<number>,
  wi: ArrayLike<number>,
  VR: ArrayLike<number>,
  VL: ArrayLike<number>,
): [number, number] {
  const A = (r: number, c: number) => data[r + c * n];
  let right = 0, left = 0;
  for (let c = 0; c < n; c++) {
    if (wi[c] < 0) continue;
    const pair = wi[c] > 0;
    // v = x + iy; the left u = p + iq enters as Aᵀ·ū = λ·ū, ū = p − iq.
    const x = (r: number) => VR[r + c * n], y = (r: number) => pair ? VR[r + (c + 1) * n] : 0;
    const p = (r: number) => VL[r + c * n], q = (r: number) => pair ? -VL[r + (c + 1) * n] : 0;
    for (let r = 0; r < n; r++) {
      let axr = 0, axi = 0, apr = 0, api = 0;
      for (let k = 0; k < n; k++) {
        axr += A(r, k) * x(k);
        axi += A(r, k) * y(k);
        apr += A(k, r) * p(k);
        api += A(k, r) * q(k);
      }
      right = Math.max(
        right,
        Math.hypot(axr - (wr[c] * x(r) - wi[c] * y(r)), axi - (wr[c] * y(r) + wi[c] * x(r))),
      );
      left = Math.max(
        left,
        Math.hypot(apr - (wr[c] * p(r) - wi[c] * q(r)), api - (wr[c] * q(r) + wi[c] * p(r))),
      );
    }
  }
  return [right, left];
}

/** Throws unless every vector (a pair's two columns as one) has length 1 and a real largest entry. */
function normalized(V: ArrayLike<number>, wi: ArrayLike<number>, n: number, tol: number): void {
  for (let c = 0; c < n; c++) {
    if (wi[c] < 0) continue;
    const pair = wi[c] > 0;
    let len = 0, big = -1, at = 0;
    for (let r = 0; r < n; r++) {
      const m = V[r + c * n] ** 2 + (pair ? V[r + (c + 1) * n] ** 2 : 0);
      len += m;
      if (m > big) [big, at] = [m, r];
    }
    close(Math.sqrt(len), 1, tol, `vector ${c}: length`);
    if (pair) close(V[at + (c + 1) * n], 0, tol, `vector ${c}: largest entry real`);
  }
}

for (const f of await allFactories()) {
  if (f.dtype === "bfloat16") continue;
  const tol = (f as Factory).dtype === "float32" ? 3e-4 : 1e-12;
  Deno.test(`[${f.name}] ev: left and right eigenvectors, normalized as LAPACK's`, async () => {
    for (const n of [0, 1, 2, 5, 16]) {
      const data = random(n * n, 3 * n + 1);
      using a = ge(f, n, n, data);
      using e = await ev(a, { left: true, right: true });
      const got = await Promise.all(
        [e.wr, e.wi, e.vr!, e.vl!].map(async (x) => toArray(await transfer(jsDouble, x as never))),
      );
      const [wr, wi, VR, VL] = got;
      const [right, left] = residuals(data, n, wr, wi, VR, VL);
      close(right, 0, tol * 10 * Math.max(1, n), `${n}: ‖Av − λv‖`);
      close(left, 0, tol * 10 * Math.max(1, n), `${n}: ‖uᴴA − λuᴴ‖`);
      normalized(VR, wi, n, tol * 10);
      normalized(VL, wi, n, tol * 10);
    }
    // A Jordan block is defective: its one eigenvector is e₁ on the right, e₃ on the left.
    using j = ge(f, 3, 3, [2, 0, 0, 1, 2, 0, 0, 1, 2]);
    using e = await ev(j, { left: true, right: true });
    const VR = toArray(await transfer(jsDouble, e.vr!)),
      VL = toArray(await transfer(jsDouble, e.vl!));
    close(Math.abs(VR[0]), 1, tol * 10, "Jordan block: right vector e₁");
    close(Math.abs(VL[2]), 1, tol * 10, "Jordan block: left vector e₃");
  });

  Deno.test(`[${f.name}] es: Z orthogonal, Z·T·Zᵀ = A, T quasi-triangular in standard form`, async () => {
    for (const n of [0, 1, 2, 6, 20]) {
      const data = random(n * n, 7 * n + 2);
      using a = ge(f, n, n, data);
      using s = await es(a, { vectors: true });
      const T = toArray(await transfer(jsDouble, s.t)), Z = toArray(await transfer(jsDouble, s.z!));
      const wr = toArray(await transfer(jsDouble, s.wr)),
        wi = toArray(await transfer(jsDouble, s.wi));
      if (n === 0) {
        assert(T.length === 0 && wr.length === 0, "0×0: nothing to decompose");
        continue;
      }
      const t = rows(T, n, n), z = rows(Z, n, n);
      const ztz = product(transpose(z), z), back = product(product(z, t), transpose(z));
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < n; k++) {
          close(ztz[i][k], i === k ? 1 : 0, tol * 10 * n, `${n}: (ZᵀZ)[${i}, ${k}]`);
          close(back[i][k], data[i + k * n], tol * 10 * n, `${n}: (ZTZᵀ)[${i}, ${k}]`);
          if (i > k + 1) assert(t[i][k] === 0, `${n}: T[${i}, ${k}] = ${t[i][k]} below the blocks`);
        }
      }
      for (let i = 0; i < n; i++) {
        if (wi[i] > 0) {
          // A block [[α, b], [c, α]] with b·c = −β².
          close(t[i][i], t[i + 1][i + 1], tol * 10, `${n}: block ${i} diagonal`);
          close(wr[i], t[i][i], tol * 10, `${n}: block ${i} real part`);
          close(-t[i][i + 1] * t[i + 1][i], wi[i] ** 2, tol * 10 * n, `${n}: block ${i} β²`);
          i++;
        } else {
          assert(
            i + 1 >= n || t[i + 1][i] === 0,
            `${n}: T[${i + 1}, ${i}] beside a real eigenvalue`,
          );
          close(wr[i], t[i][i], tol * 10, `${n}: λ ${i} on T's diagonal`);
        }
      }
    }
    using m = ge(f, 2, 2, [1, 2, 3, 4]);
    using s = await es_(m);
    assert(s.z === undefined, "no Z unless asked for");
    const T = toArray(await transfer(jsDouble, m));
    close(T[1], 0, tol, "es_ leaves the Schur form in a: real eigenvalues, upper triangular");
  });
}

if (nativeAvailability().available) {
  Deno.test("ev: js and native agree on the values and, up to sign, the vectors", () => {
    const n = 24, data = random(n * n, 5);
    using a = ge(nativeDouble, n, n, data), b = ge(jsDouble, n, n, data);
    using x = ev(a, { left: true, right: true }) as GeneralEigen;
    using y = ev(b, { left: true, right: true }) as GeneralEigen;
    const order = (e: GeneralEigen) => {
      const wr = toArray(e.wr as never), wi = toArray(e.wi as never);
      return Array.from(wr, (r, i) => [r, wi[i], i]).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    };
    const ox = order(x), oy = order(y);
    for (let k = 0; k < n; k++) {
      close(oy[k][0], ox[k][0], 1e-11, `Re λ ${k}`);
      close(oy[k][1], ox[k][1], 1e-11, `Im λ ${k}`);
      if (ox[k][1] < 0) continue;
      // Both are normalized alike, so a vector is the other one or its negative.
      for (const side of ["vr", "vl"] as const) {
        const X = toArray(x[side] as never), Y = toArray(y[side] as never);
        const i = ox[k][2], j = oy[k][2], cols = ox[k][1] > 0 ? 2 : 1;
        const sign = Math.sign(X[i * n] * Y[j * n] + X[i * n + 1] * Y[j * n + 1]) || 1;
        for (let c = 0; c < cols; c++) {
          for (let r = 0; r < n; r++) {
            close(sign * Y[r + (j + c) * n], X[r + (i + c) * n], 1e-9, `${side} ${k}[${r}]`);
          }
        }
      }
    }
  });
}

/**
 * LU and Cholesky at n = 1000, float64, side by side in one run: knap's native engine in place
 * (`trf_`, `ptrf_`), the raw LAPACK call — each refilling its matrix first, as a factorization of
 * a kept matrix must — then knap's allocating `trf`/`ptrf` (a fresh copy: page faults included),
 * SciPy's lu_factor/cho_factor on the same OpenBLAS, and the js engine's LU in GFLOPS
 * (⅔n³ flops). SciPy gets OpenBLAS's thread count of knap's.
 *
 * ```sh
 * deno run -A bench/linalg.ts [rounds]
 * KNAP_OPENBLAS_THREADS=2 deno run -A bench/linalg.ts [rounds]
 * ```
 */
import { ge, jsDouble, nativeDouble, sy } from "../mod.ts";
import { evd, ptrf, ptrf_, qrf_, svd, trf, trf_ } from "../lib/linalg/mod.ts";
import type { Cholesky, Eigen, LU, QR, SVD } from "../lib/linalg/mod.ts";
import { openLapack } from "../ffi/lapack.ts";
import { openOpenBLAS } from "../ffi/openblas.ts";

const n = 1000, rounds = Number(Deno.args[0] ?? 10);
const median = (t: number[]) => t.sort((a, b) => a - b)[t.length >> 1];
const data = Float64Array.from({ length: n * n }, (_, k) => ((k * 7919) % 1000) / 1000);
// A positive definite matrix: diagonally dominant and symmetric.
const spd = new Float64Array(n * n);
for (let j = 0; j < n; j++) {
  for (let i = 0; i < n; i++) spd[i + j * n] = i === j ? n : 1 / (1 + Math.abs(i - j));
}

using a = ge(nativeDouble, n, n, data);
using sm = sy(nativeDouble, n, undefined, { uplo: "lower" });
(sm.storage.buffer as Float64Array).set(spd);
const lapack = openLapack().symbols;
const threads = openOpenBLAS().symbols.openblas_get_num_threads();

const work = new Float64Array(n * n), ipiv = new Int32Array(n), info = Int32Array.of(0);
const N = Int32Array.of(n), L = Uint8Array.of(76);
const aMem = a.storage.buffer as Float64Array, sMem = sm.storage.buffer as Float64Array;
const rawLU = () => {
  work.set(data);
  lapack.dgetrf_(N, N, work, N, ipiv, info);
};
const rawChol = () => {
  work.set(spd);
  lapack.dpotrf_(L, N, work, N, info, 1n);
};
const tau = new Float64Array(n), s = new Float64Array(n), w = new Float64Array(n);
const u = new Float64Array(n * n), vt = new Float64Array(n * n), iwork = new Int32Array(8 * n);
/** A LAPACK routine's optimal workspace, asked for once (lwork = −1), as knap asks. */
const query = (call: (work: Float64Array, lwork: Int32Array) => void) => {
  const q = new Float64Array(1);
  call(q, Int32Array.of(-1));
  return new Float64Array(Math.max(1, q[0]));
};
const V = Uint8Array.of(86), S = Uint8Array.of(83);
const rawQR = () => {
  work.set(data);
  const ws = query((wk, lw) => lapack.dgeqrf_(N, N, work, N, tau, wk, lw, info));
  lapack.dgeqrf_(N, N, work, N, tau, ws, Int32Array.of(ws.length), info);
};
const rawSVD = () => {
  work.set(data);
  const ws = query((wk, lw) =>
    lapack.dgesdd_(S, N, N, work, N, s, u, N, vt, N, wk, lw, iwork, info, 1n)
  );
  lapack.dgesdd_(S, N, N, work, N, s, u, N, vt, N, ws, Int32Array.of(ws.length), iwork, info, 1n);
};
const rawEVD = () => {
  work.set(spd);
  const q = new Float64Array(1), qi = Int32Array.of(0);
  lapack.dsyevd_(V, L, N, work, N, w, q, Int32Array.of(-1), qi, Int32Array.of(-1), info, 1n, 1n);
  const ws = new Float64Array(q[0]), wi = new Int32Array(qi[0]);
  lapack.dsyevd_(
    V,
    L,
    N,
    work,
    N,
    w,
    ws,
    Int32Array.of(ws.length),
    wi,
    Int32Array.of(wi.length),
    info,
    1n,
    1n,
  );
};
const cases: [string, () => void, () => void][] = [
  ["trf_ (dgetrf)", () => {
    aMem.set(data);
    (trf_(a) as LU)[Symbol.dispose]();
  }, rawLU],
  ["ptrf_ (dpotrf)", () => {
    sMem.set(spd);
    (ptrf_(sm) as Cholesky)[Symbol.dispose]();
  }, rawChol],
  ["trf, a copy", () => (trf(a) as LU)[Symbol.dispose](), rawLU],
  ["ptrf, a copy", () => (ptrf(sm) as Cholesky)[Symbol.dispose](), rawChol],
  ["qrf_ (dgeqrf)", () => {
    aMem.set(data);
    (qrf_(a) as QR)[Symbol.dispose]();
  }, rawQR],
  ["svd (dgesdd)", () => (svd(a, { vectors: true }) as SVD)[Symbol.dispose](), rawSVD],
  ["evd (dsyevd)", () => (evd(sm, { vectors: true }) as Eigen)[Symbol.dispose](), rawEVD],
];

let scipy: Record<string, number> = {};
try {
  const py = new Deno.Command("/usr/bin/python3", {
    args: [new URL("./linalg_numpy.py", import.meta.url).pathname, String(rounds)],
    env: { OPENBLAS_NUM_THREADS: String(threads) },
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  if (py.success) scipy = JSON.parse(new TextDecoder().decode(py.stdout));
  else console.error(new TextDecoder().decode(py.stderr));
} catch (e) {
  console.error(`SciPy side not run: ${(e as Error).message}`);
}

console.log(`n = ${n}, float64, OpenBLAS threads: ${threads}`);
console.log("routine         |  raw ms | knap ms | knap/raw | SciPy ms | SciPy/knap");
for (const [name, knap, raw] of cases) {
  knap();
  raw();
  const tk: number[] = [], tr: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    raw();
    tr.push(performance.now() - t);
    t = performance.now();
    knap();
    tk.push(performance.now() - t);
  }
  const K = median(tk), R = median(tr);
  const key = name.startsWith("trf") ? "trf" : name.startsWith("ptrf") ? "potrf" : name.slice(0, 3);
  const S = scipy[key] * 1e3;
  aMem.set(data);
  sMem.set(spd);
  console.log(
    `${name.padEnd(15)} | ${R.toFixed(1).padStart(7)} | ${K.toFixed(1).padStart(7)} | ${
      (K / R).toFixed(2).padStart(8)
    } | ${Number.isFinite(S) ? S.toFixed(1).padStart(8) : "       —"} | ${
      Number.isFinite(S) ? (S / K).toFixed(2).padStart(10) : "—"
    }`,
  );
}

// The js engine's LU: the zero-install default.
using j = ge(jsDouble, n, n, data);
const tj: number[] = [];
for (let r = 0; r < Math.max(3, rounds >> 2); r++) {
  const t = performance.now();
  (trf(j) as LU)[Symbol.dispose]();
  tj.push(performance.now() - t);
}
const T = median(tj);
console.log(
  `js trf ${n}×${n}: ${T.toFixed(0)} ms, ${((2 / 3) * n ** 3 / (T / 1e3) / 1e9).toFixed(2)} GFLOPS`,
);

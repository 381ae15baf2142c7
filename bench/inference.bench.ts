/**
 * The book's micro benchmark, 10000 → 5000 → 1000 → 10 (tanh, sigmoid, sigmoid), on one
 * input and on a batch, on every engine present — beside the raw library calls for the same
 * shapes in the same run, so knap's overhead reads as a ratio:
 *
 *   deno bench -A bench/inference.bench.ts
 *
 * The js engine runs the one-input case only (a batch is 10¹² flops: minutes in TypeScript);
 * KNAP_BENCH_BATCH sets the batch size (default 10000).
 */
import {
  axpy_,
  type Factory,
  ge,
  type GEMatrix,
  jsFloat,
  mm_,
  mv_,
  nativeAvailability,
  nativeFloat,
  randUniform_,
  rk_,
  vctr,
  type Vector,
} from "../mod.ts";
import { sigmoid_, tanh_ } from "../lib/vect_math/mod.ts";
import { openOpenBLAS } from "../ffi/openblas.ts";
import { openDNNL } from "../ffi/dnnl.ts";

const widths = [10000, 5000, 1000, 10];
const batch = Number(Deno.env.get("KNAP_BENCH_BATCH") ?? 10000);
const activations = [tanh_, sigmoid_, sigmoid_];

function weights(f: Factory<"host">): GEMatrix<"host">[] {
  return widths.slice(1).map((out, i) =>
    randUniform_(ge(f, out, widths[i]), { lo: -0.01, hi: 0.01, seed: i })
  );
}

/** One input: h ← activation(w x − b), layer by layer, into preallocated vectors. */
function oneInput(f: Factory<"host">) {
  const w = weights(f);
  const b = widths.slice(1).map((n) => vctr(f, n));
  const h = widths.slice(1).map((n) => vctr(f, n));
  const x = randUniform_(vctr(f, widths[0]), { seed: 9 });
  return (): void => {
    let a: Vector = x;
    for (let i = 0; i < 3; i++) {
      // The bias enters as in the book's layers: subtract, then activate.
      a = activations[i](axpy_(-1, b[i], mv_(w[i], a, h[i])));
    }
  };
}

/** A batch: a ← activation(w x − b·onesᵀ), layer by layer, into preallocated matrices. */
function batched(f: Factory<"host">) {
  const w = weights(f);
  const b = widths.slice(1).map((n) => vctr(f, n));
  const a = widths.slice(1).map((n) => ge(f, n, batch));
  const x = randUniform_(ge(f, widths[0], batch), { seed: 9 });
  const ones = vctr(f, Array(batch).fill(1));
  return (): void => {
    let h: GEMatrix = x;
    for (let i = 0; i < 3; i++) h = activations[i](rk_(-1, b[i], ones, mm_(w[i], h, a[i])));
  };
}

const native = nativeAvailability();

Deno.bench("one input, knap js", { group: "one input", n: 10, warmup: 2 }, oneInput(jsFloat));

if (native.available) {
  const blas = openOpenBLAS().symbols;
  const dnnl = openDNNL().symbols;

  Deno.bench(
    "one input, knap native",
    { group: "one input", baseline: true, n: 50, warmup: 5 },
    oneInput(nativeFloat),
  );

  // Raw calls over the same shapes: three products, no bias, no activation.
  const raw = widths.slice(1).map((out, i) => ({
    m: out,
    k: widths[i],
    a: new Float32Array(out * widths[i]).fill(0.001),
  }));
  const xs = widths.map((n) => new Float32Array(n).fill(0.5));
  // knap keeps OpenBLAS on one thread (its float work runs in oneDNN's pool); the raw OpenBLAS
  // calls get every core, as a program using OpenBLAS alone would.
  const cores = navigator.hardwareConcurrency;
  const allCores = (f: () => void) => () => {
    blas.openblas_set_num_threads(cores);
    f();
    blas.openblas_set_num_threads(1);
  };
  Deno.bench(
    "one input, raw cblas_sgemv ×3",
    { group: "one input", n: 50, warmup: 5 },
    allCores(() => {
      raw.forEach(({ m, k, a }, i) =>
        blas.cblas_sgemv(102, 111, m, k, 1, a, m, xs[i], 1, 0, xs[i + 1], 1)
      );
    }),
  );
  Deno.bench(
    "one input, raw dnnl_sgemm (n = 1) ×3",
    { group: "one input", n: 50, warmup: 5 },
    () => {
      raw.forEach(({ m, k, a }, i) =>
        dnnl.dnnl_sgemm(
          84,
          78,
          BigInt(m),
          1n,
          BigInt(k),
          1,
          a,
          BigInt(m),
          xs[i],
          1n,
          0,
          xs[i + 1],
          1n,
        )
      );
    },
  );

  Deno.bench(
    `batch of ${batch}, knap native`,
    { group: "batch", baseline: true, n: 3, warmup: 1 },
    batched(nativeFloat),
  );
  const xb = widths.map((n) => new Float32Array(n * batch).fill(0.5));
  Deno.bench(`batch of ${batch}, raw dnnl_sgemm ×3`, { group: "batch", n: 3, warmup: 1 }, () => {
    raw.forEach(({ m, k, a }, i) =>
      dnnl.dnnl_sgemm(
        78,
        78,
        BigInt(batch),
        BigInt(m),
        BigInt(k),
        1,
        xb[i],
        BigInt(batch),
        a,
        BigInt(m),
        0,
        xb[i + 1],
        BigInt(m),
      )
    );
  });
  Deno.bench(
    `batch of ${batch}, raw cblas_sgemm ×3`,
    { group: "batch", n: 3, warmup: 1 },
    allCores(() => {
      raw.forEach(({ m, k, a }, i) =>
        blas.cblas_sgemm(102, 111, 111, m, batch, k, 1, a, m, xb[i], k, 0, xb[i + 1], m)
      );
    }),
  );
} else {
  console.log(`native engine skipped: ${native.reason}`);
}

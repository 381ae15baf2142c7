/**
 * The native engine's large plain products go to oneDNN's matmul primitive: knap's mm_ against
 * the raw dnnl_sgemm call it replaced, on IMDB's first layer (16×10000 weights times a batch of
 * 512 reviews, each batch a view of a 10000×25000 training matrix, so read from memory as in
 * training) and on a wider layer in cache. `deno bench -A bench/matmul.bench.ts`
 *
 * Measured here (2 cores, AVX-512, oneDNN 2.6): the IMDB batch 0.84 ms through mm_ against
 * 1.4 ms raw dnnl_sgemm (1.55×). In cache there is little to gain: 8×64×10000 takes 93 µs
 * through mm_ against 83 µs raw, mm_'s checks included. With the batch stored as bfloat16
 * (nativeBfloat16), one training step's two products take 1.5 ms against 2.6 ms (1.78×).
 */
import { ge, mm_, nativeAvailability, nativeBfloat16, nativeFloat, transfer } from "../mod.ts";
import { submatrix, trans } from "../lib/core/views.ts";
import { openDNNL } from "../ffi/dnnl.ts";

const native = nativeAvailability();
if (!native.available) {
  console.log(`skipped: ${native.reason}`);
} else {
  const dnnl = openDNNL().symbols;
  const N = 78; // 'N'

  const x = ge(nativeFloat, 10000, 25000).toArray().fill(0);
  for (let i = 0; i < x.length; i += 67) x[i] = 1;
  const xm = ge(nativeFloat, 10000, 25000, x);
  const w = ge(nativeFloat, 16, 10000, new Float32Array(160000).fill(0.01));
  const a = ge(nativeFloat, 16, 512);
  const batches = Array.from({ length: 48 }, (_, b) => submatrix(xm, 0, b * 512, 10000, 512));
  const wRaw = w.toArray(), aRaw = a.toArray();
  let next = 0;
  const group = "IMDB layer: 16×10000 weights × a 10000×512 batch";
  Deno.bench("mm_ (oneDNN matmul)", { group, baseline: true }, () => {
    mm_(w, batches[next++ % 48], a);
  });
  Deno.bench("raw dnnl_sgemm", { group }, () => {
    const b = next++ % 48;
    // Column-major A = W X is oneDNN's row-major Aᵀ = Xᵀ Wᵀ.
    dnnl.dnnl_sgemm(
      N,
      N,
      512n,
      16n,
      10000n,
      1,
      x.subarray(b * 512 * 10000),
      10000n,
      wRaw,
      16n,
      0,
      aRaw,
      16n,
    );
  });

  // A wider layer in cache: 10000 samples through 64 inputs to 8 outputs.
  const p = ge(nativeFloat, 8, 64, new Float32Array(8 * 64).fill(0.5));
  const q = ge(nativeFloat, 64, 10000, new Float32Array(64 * 10000).fill(0.25));
  const r = ge(nativeFloat, 8, 10000);
  const pRaw = p.toArray(), qRaw = q.toArray(), rRaw = r.toArray();
  const wide = "8×64 weights × a 64×10000 batch";
  Deno.bench("mm_ (oneDNN matmul) 8×64×10000", { group: wide, baseline: true }, () => {
    mm_(p, q, r);
  });
  Deno.bench("raw dnnl_sgemm 8×64×10000", { group: wide }, () => {
    dnnl.dnnl_sgemm(N, N, 10000n, 8n, 64n, 1, qRaw, 64n, pRaw, 8n, 0, rRaw, 8n);
  });

  // The same IMDB layer with the batch stored as bfloat16 (exact for 0/1), both products of a
  // training step: the forward pass and the weight gradient δ·Xᵀ, against float32 storage.
  const x16 = transfer(nativeBfloat16, xm);
  const batches16 = Array.from({ length: 48 }, (_, b) => submatrix(x16, 0, b * 512, 10000, 512));
  const g = ge(nativeFloat, 16, 10000, undefined, { layout: "row" });
  const step = "IMDB layer, forward and weight gradient of one batch";
  Deno.bench("mm_ twice, batch in bfloat16", { group: step, baseline: true }, () => {
    const x = batches16[next++ % 48];
    mm_(w, x, a);
    mm_(1 / 512, a, trans(x), 0, g);
  });
  Deno.bench("mm_ twice, batch in float32", { group: step }, () => {
    const x = batches[next++ % 48];
    mm_(w, x, a);
    mm_(1 / 512, a, trans(x), 0, g);
  });
}

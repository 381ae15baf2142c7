/**
 * The measurement behind the native engine's routing of float32 products: OpenBLAS's
 * cblas_sgemm against oneDNN's dnnl_sgemm on squares and on the skinny shapes of small
 * networks, each library alone (OpenBLAS with every core). `deno bench -A bench/gemm_route.bench.ts`
 *
 * Measured here (2 cores, AVX-512): OpenBLAS is faster up to 64³ (by microseconds), oneDNN from
 * 128³ and on skinny shapes (64×10000×16: about 300 against 60 GFLOPS).
 */
import { openOpenBLAS } from "../ffi/openblas.ts";
import { openDNNL } from "../ffi/dnnl.ts";

let libraries:
  | {
    blas: ReturnType<typeof openOpenBLAS>["symbols"];
    dnnl: ReturnType<typeof openDNNL>["symbols"];
  }
  | undefined;
try {
  libraries = { blas: openOpenBLAS().symbols, dnnl: openDNNL().symbols };
} catch (e) {
  console.log(`skipped: ${(e as Error).message}`);
}

if (libraries !== undefined) {
  const { blas, dnnl } = libraries;
  blas.openblas_set_num_threads(navigator.hardwareConcurrency);
  const shapes: [number, number, number][] = [
    [32, 32, 32],
    [64, 64, 64],
    [128, 128, 128],
    [256, 256, 256],
    [512, 512, 512],
    [64, 10000, 16],
    [16, 10000, 4],
    [8, 10000, 64],
  ];
  for (const [m, n, k] of shapes) {
    const a = new Float32Array(m * k).fill(0.5), b = new Float32Array(k * n).fill(0.25);
    const c = new Float32Array(m * n);
    const group = `${m}×${n}×${k}`;
    Deno.bench(`cblas_sgemm ${group}`, { group, baseline: true }, () => {
      blas.cblas_sgemm(102, 111, 111, m, n, k, 1, a, m, b, k, 0, c, m);
    });
    // The same column-major product as oneDNN's row-major Cᵀ = BᵀAᵀ.
    Deno.bench(`dnnl_sgemm ${group}`, { group }, () => {
      dnnl.dnnl_sgemm(
        78,
        78,
        BigInt(n),
        BigInt(m),
        BigInt(k),
        1,
        b,
        BigInt(k),
        a,
        BigInt(m),
        0,
        c,
        BigInt(m),
      );
    });
  }
}

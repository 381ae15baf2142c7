/**
 * WebGPU GEMM throughput: squares from 512 up to 4096 and the book's inference shapes, each
 * timed to completion (`synchronize`), beside the native engine's for the same shapes.
 *
 *   deno bench -A bench/webgpu.bench.ts     # GFLOPS = 2·m·n·k / time
 *
 * A software adapter (Mesa's llvmpipe) runs the squares up to 1024 only: it computes on the
 * CPU and its buffers are limited to 128 MB.
 */
import {
  type Factory,
  ge,
  mm_,
  nativeAvailability,
  nativeFloat,
  randUniform_,
  synchronize,
  webgpuAvailability,
  webgpuFloat,
} from "../mod.ts";

const gpu = await webgpuAvailability();
if (!gpu.available) {
  console.log(`webgpu skipped: ${gpu.reason}`);
} else {
  const f = await webgpuFloat();
  const squares = gpu.software ? [512, 1024] : [512, 1024, 2048, 4096];
  const shapes: [string, number, number, number][] = [
    ...squares.map((s): [string, number, number, number] => [`${s}²`, s, s, s]),
    ...(gpu.software ? [] : [
      ["layer 1 of the batch benchmark, 5000×10000 · 10000×10000", 5000, 10000, 10000],
      ["layer 2, 1000×5000 · 5000×10000", 1000, 10000, 5000],
    ] as [string, number, number, number][]),
  ];
  const factories: Factory[] = [f, ...(nativeAvailability().available ? [nativeFloat] : [])];
  for (const [name, m, n, k] of shapes) {
    for (const g of factories) {
      const a = randUniform_(ge(g, m, k), { seed: 1 });
      const b = randUniform_(ge(g, k, n), { seed: 2 });
      const c = ge(g, m, n);
      Deno.bench(`mm_ ${name}, ${g.engine.name}`, {
        group: name,
        baseline: g === f,
        n: m * n * k > 1e10 ? 3 : 10,
        warmup: 1,
      }, async () => {
        mm_(a, b, c);
        await synchronize(g);
      });
    }
  }
  console.log(`WebGPU adapter: ${gpu.adapter}${gpu.software ? " (software)" : ""}`);
}

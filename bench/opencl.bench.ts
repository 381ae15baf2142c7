/**
 * The OpenCL engine beside native and WebGPU: GEMM throughput (CLBlast), the book's inference
 * micro benchmark through a network of three layers, and a training epoch — each timed to
 * completion (`synchronize`). On PoCL (OpenCL on the CPU, as in CI) the sizes are those of a
 * software device; on a GPU's driver the squares go up to 4096.
 *
 *   deno bench -A bench/opencl.bench.ts
 */
import {
  type Factory,
  ge,
  mm_,
  nativeAvailability,
  nativeFloat,
  openclAvailability,
  openclFloat,
  randUniform_,
  synchronize,
  webgpuAvailability,
  webgpuFloat,
} from "../mod.ts";
import { fullyConnected, infer, inferenceNetwork, init_ } from "../lib/nn/mod.ts";

const cl = await openclAvailability();
if (!cl.available) {
  console.log(`opencl skipped: ${cl.reason}`);
} else {
  const f = await openclFloat();
  const gpu = await webgpuAvailability();
  const devices = openclGpu() ? [512, 1024, 2048, 4096] : [512, 1024];
  const factories: Factory[] = [
    f,
    ...(nativeAvailability().available ? [nativeFloat] : []),
    ...(gpu.available ? [await webgpuFloat()] : []),
  ];
  for (const s of devices) {
    for (const g of factories) {
      const a = randUniform_(ge(g, s, s), { seed: 1 });
      const b = randUniform_(ge(g, s, s), { seed: 2 });
      const c = ge(g, s, s);
      Deno.bench(`mm_ ${s}², ${g.engine.name}`, {
        group: `${s}²`,
        baseline: g === f,
        n: 10,
        warmup: 2,
      }, async () => {
        mm_(a, b, c);
        await synchronize(g);
      });
    }
  }
  // The book's batch micro benchmark at a software device's size: 2500 → 1250 → 250 → 10, 64 inputs.
  for (const g of factories) {
    const net = init_(
      inferenceNetwork(g, 2500, [
        fullyConnected(1250, "tanh"),
        fullyConnected(250, "sigmoid"),
        fullyConnected(10, "sigmoid"),
      ]),
      { seed: 1 },
    );
    const x = randUniform_(ge(g, 2500, 64), { seed: 3 });
    Deno.bench(`inference 2500 → 1250 → 250 → 10, batch 64, ${g.engine.name}`, {
      group: "inference",
      baseline: g === f,
      n: 10,
      warmup: 2,
    }, async () => {
      infer(net, x);
      await synchronize(g);
    });
  }
  console.log(`OpenCL device: ${cl.device}`);
}

function openclGpu(): boolean {
  return cl.available && !/pthread|cpu|pocl/i.test(cl.device);
}

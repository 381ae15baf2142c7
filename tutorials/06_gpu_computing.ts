/**
 * Chapter 6 — GPU computing.
 *
 * Nothing in the network code names an engine: every constructor takes a factory, and every
 * operation runs where its structures live. So one function builds and runs the book's network
 * on each factory present — the js engine, the native CPU engine, the GPU through WebGPU,
 * OpenCL (any OpenCL device: a GPU's driver, or PoCL on the CPU) and CUDA — and layers on
 * different engines work together, joined by `transfer_`. On a GPU, work is queued
 * and runs asynchronously: read results with `await transfer(x)`, and stop a benchmark's clock
 * only after `await synchronize(factory)`.
 * Run: `deno run -A tutorials/06_gpu_computing.ts [--no-bench] [--batch=N]`.
 */
import {
  cudaAvailability,
  cudaDouble,
  cudaFloat,
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  jsFloat,
  mm_,
  nativeAvailability,
  nativeDouble,
  nativeFloat,
  openclAvailability,
  openclDouble,
  openclFloat,
  randUniform_,
  rk_,
  synchronize,
  transfer_,
  vctr,
  type Vector,
  webgpuAvailability,
  webgpuFloat,
} from "../mod.ts";
import { sigmoid_, tanh_ } from "../lib/vect_math/mod.ts";
import { numberFlag, show } from "./_backend.ts";
import { booleanFlag, declareFlags } from "./_flags.ts";

declareFlags({
  "no-bench": { type: "boolean", help: "skip the micro benchmark" },
  "batch": { type: "string", help: "inputs in the benchmark's batch" },
});

/** A batch layer: a ← activation(w x − bias·onesᵀ). */
interface Layer extends Disposable {
  (x: GEMatrix, ones: Vector): GEMatrix;
  readonly weights: GEMatrix;
  readonly bias: Vector;
}

function fullyConnected(
  f: Factory,
  activation: (a: GEMatrix) => GEMatrix,
  inDim: number,
  outDim: number,
  batch: number,
): Layer {
  const weights = ge(f, outDim, inDim);
  const bias = vctr(f, outDim);
  const a = ge(f, outDim, batch);
  const layer = (x: GEMatrix, ones: Vector) => activation(rk_(-1, bias, ones, mm_(weights, x, a)));
  return Object.assign(layer, {
    weights,
    bias,
    [Symbol.dispose]() {
      for (const s of [weights, bias, a]) s[Symbol.dispose]();
    },
  });
}

/** The book's two layers with its weights, on factory f, for a batch of `batch` inputs. */
function thisParticularNetwork(f: Factory, batch: number): [Layer, Layer] {
  const layer1 = fullyConnected(f, tanh_, 2, 4, batch);
  const layer2 = fullyConnected(f, sigmoid_, 4, 1, batch);
  // The weights are given on the host and transferred to wherever the layers live.
  using w1 = ge(jsDouble, 4, 2, [0.3, 0.6, 0.1, 2.0, 0.9, 3.7, 0.0, 1.0], { layout: "row" });
  using b1 = vctr(jsDouble, [0.7, 0.2, 1.1, 2]);
  using w2 = ge(jsDouble, 1, 4, [0.75, 0.15, 0.22, 0.33]);
  using b2 = vctr(jsDouble, [0.3]);
  transfer_(w1, layer1.weights);
  transfer_(b1, layer1.bias);
  transfer_(w2, layer2.weights);
  transfer_(b2, layer2.bias);
  return [layer1, layer2];
}

const factories: Factory[] = [jsDouble, jsFloat];
if (nativeAvailability().available) factories.push(nativeDouble, nativeFloat);
const gpu = await webgpuAvailability();
let webgpu: Factory<"device"> | undefined;
if (gpu.available) {
  webgpu = await webgpuFloat();
  factories.push(webgpu);
  console.log(`WebGPU adapter: ${gpu.adapter}${gpu.software ? " (software)" : ""}`);
} else {
  console.log(`WebGPU: ${gpu.reason}`);
}
const cl = await openclAvailability();
let opencl: Factory<"device"> | undefined;
if (cl.available) {
  opencl = await openclFloat();
  if (cl.fp64) factories.push(await openclDouble());
  factories.push(opencl);
  console.log(`OpenCL device: ${cl.device}`);
} else {
  console.log(`OpenCL: ${cl.reason}`);
}
const cu = await cudaAvailability();
let cuda: Factory<"device"> | undefined;
if (cu.available) {
  cuda = await cudaFloat();
  factories.push(await cudaDouble(), cuda);
  console.log(`CUDA device: ${cu.device}`);
} else {
  console.log(`CUDA: ${cu.reason.split(" (tried")[0]}`);
}

for (const f of factories) {
  const [layer1, layer2] = thisParticularNetwork(f, 2);
  using _l1 = layer1, _l2 = layer2;
  using x = ge(f, 2, 2);
  using host = ge(jsDouble, 2, 2, [0.3, 0.9, 0.3, 0.9]);
  using ones = vctr(f, 2);
  using hostOnes = vctr(jsDouble, [1, 1]);
  transfer_(host, x);
  transfer_(hostOnes, ones);
  console.log(`\n${f.name} (${f.engine.name} engine):`);
  await show(layer2(layer1(x, ones), ones));
}

if (webgpu !== undefined) {
  // Two engines in one network: the first layer on the CPU, the second on the GPU.
  const cpu = factories.includes(nativeFloat) ? nativeFloat : jsFloat;
  const [layer1] = thisParticularNetwork(cpu, 2);
  const [, layer2] = thisParticularNetwork(webgpu, 2);
  using _l1 = layer1, _l2 = layer2;
  using x = ge(cpu, 2, 2, [0.3, 0.9, 0.3, 0.9]);
  using onesCpu = vctr(cpu, [1, 1]);
  using onesGpu = vctr(webgpu, 2);
  using hidden = ge(webgpu, 4, 2);
  transfer_(onesCpu, onesGpu);
  transfer_(layer1(x, onesCpu), hidden);
  console.log(`\nlayer 1 on ${cpu.name}, layer 2 on ${webgpu.name}, joined by transfer_:`);
  await show(layer2(hidden, onesGpu));
}

if (opencl !== undefined) {
  // The book's mix: the first layer on OpenCL, the second on CUDA (else WebGPU, else the host),
  // the hidden layer's output crossing devices by transfer_.
  const second = cuda ?? webgpu ?? jsFloat;
  const [layer1] = thisParticularNetwork(opencl, 2);
  const [, layer2] = thisParticularNetwork(second, 2);
  using _l1 = layer1, _l2 = layer2;
  using host = ge(jsFloat, 2, 2, [0.3, 0.9, 0.3, 0.9]);
  using x = ge(opencl, 2, 2);
  using ones = vctr(opencl, 2);
  using onesThere = vctr(second, 2);
  using hostOnes = vctr(jsFloat, [1, 1]);
  using hidden = ge(second, 4, 2);
  transfer_(host, x);
  transfer_(hostOnes, ones);
  transfer_(hostOnes, onesThere);
  await transfer_(layer1(x, ones), hidden);
  console.log(`\nlayer 1 on ${opencl.name}, layer 2 on ${second.name}, joined by transfer_:`);
  await show(layer2(hidden, onesThere));
}

if (webgpu !== undefined && !booleanFlag("no-bench")) {
  // The batch micro benchmark, 10000 → 5000 → 1000 → 10, on a batch of 10000. A software
  // adapter (Mesa's llvmpipe) gets a network a quarter as wide and a batch of 64: its buffers
  // are limited to 128 MB and it computes on the CPU.
  const software = gpu.available && gpu.software;
  const batch = numberFlag("batch", software ? 64 : 10000);
  const [w0, w1, w2, w3] = software ? [2500, 1250, 250, 10] : [10000, 5000, 1000, 10];
  const f = webgpu;
  using x = randUniform_(ge(f, w0, batch), { seed: 1 });
  using ones = vctr(f, batch);
  using hostOnes = vctr(jsFloat, Array(batch).fill(1));
  transfer_(hostOnes, ones);
  using l1 = fullyConnected(f, tanh_, w0, w1, batch);
  using l2 = fullyConnected(f, sigmoid_, w1, w2, batch);
  using l3 = fullyConnected(f, sigmoid_, w2, w3, batch);
  for (const l of [l1, l2, l3]) randUniform_(l.weights, { lo: -0.01, hi: 0.01, seed: 2 });
  l3(l2(l1(x, ones), ones), ones); // warm up: compiles the kernels
  await synchronize(f);
  const start = performance.now();
  l3(l2(l1(x, ones), ones), ones);
  await synchronize(f); // the GPU runs asynchronously: wait for it before stopping the clock
  const ms = performance.now() - start;
  const shape = [w0, w1, w2, w3].join(" → ");
  console.log(`\nmicro benchmark on WebGPU, ${shape}, a batch of ${batch}: ${ms.toFixed(1)} ms`);
  console.log("(the book: 122 ms on a GTX 1080Ti, 330 ms on an R9 290X, 6 s on the CPU)");
}

webgpu?.[Symbol.dispose]();
for (const f of factories) if (f.location === "device" && f !== webgpu) f[Symbol.dispose]();

/// <reference lib="dom" />
/**
 * Chapter 6 in a page: a network function that takes a factory, run on js and on WebGPU with
 * the same result, and the batch micro benchmark timed on each.
 */
import {
  type Factory,
  ge,
  type GEMatrix,
  jsFloat,
  type Loc,
  mm_,
  randUniform_,
  rk_,
  scal_,
  synchronize,
  vctr,
  type Vector,
  webgpuAvailability,
  webgpuFloat,
} from "../../mod.ts";
import { linearFrac_, tanh_ } from "../../lib/vect_math/mod.ts";
import { adapterLine, brackets, show, values } from "./page.ts";

/**
 * A batched layer: a ← activation(W x − b 1ᵀ), its memory allocated once; W (row by row) and b
 * given, or zero.
 */
function layer(
  f: Factory,
  inDim: number,
  outDim: number,
  batch: number,
  sigmoid: boolean,
  weights?: number[],
  bias?: number[],
) {
  const w = weights ? ge(f, outDim, inDim, weights, { layout: "row" }) : ge(f, outDim, inDim);
  const b = bias ? vctr(f, bias) : vctr(f, outDim), a = ge(f, outDim, batch);
  const ones = vctr(f, Array(batch).fill(1));
  const run = (x: GEMatrix<Loc>) => {
    mm_(1, w, x, 0, a);
    rk_(-1, b, ones, a);
    return sigmoid ? linearFrac_(0.5, tanh_(scal_(0.5, a)), 0.5) : tanh_(a);
  };
  return {
    w,
    b,
    run,
    [Symbol.dispose]() {
      for (const s of [w, b, a, ones] as (Vector<Loc> | GEMatrix<Loc>)[]) s[Symbol.dispose]();
    },
  };
}

/** The book's two-layer network with its weights, on the inputs as columns. */
async function thisParticularNetwork(f: Factory): Promise<number[]> {
  using l1 = layer(f, 2, 4, 2, false, [0.3, 0.6, 0.1, 2.0, 0.9, 3.7, 0.0, 1.0], [0.7, 0.2, 1.1, 2]);
  using l2 = layer(f, 4, 1, 2, true, [0.75, 0.15, 0.22, 0.33], [0.3]);
  using x = ge(f, 2, 2, [0.3, 0.9, 0.3, 0.9]);
  return await values(l2.run(l1.run(x)));
}

/** Milliseconds a run of the 1000 → 500 → 100 → 10 network takes on a batch, after a warm-up. */
async function bench(f: Factory, batch: number): Promise<number> {
  using l1 = layer(f, 1000, 500, batch, false);
  using l2 = layer(f, 500, 100, batch, true);
  using l3 = layer(f, 100, 10, batch, true);
  for (const [i, l] of [l1, l2, l3].entries()) randUniform_(l.w, { lo: -0.01, hi: 0.01, seed: i });
  using x = randUniform_(ge(f, 1000, batch), { seed: 9 });
  l3.run(l2.run(l1.run(x)));
  await synchronize(f);
  const t0 = performance.now();
  l3.run(l2.run(l1.run(x)));
  await synchronize(f);
  return performance.now() - t0;
}

show("engine", await adapterLine());
const gpu = await webgpuAvailability();
const device = gpu.available ? await webgpuFloat() : undefined;
const engines: [string, Factory | undefined][] = [["js", jsFloat], ["webgpu", device]];
for (const [name, f] of engines) {
  if (f === undefined) {
    show(`${name}-out`, `no WebGPU here: ${gpu.available ? "" : gpu.reason}`);
    continue;
  }
  const t0 = performance.now();
  show(`${name}-out`, brackets(await thisParticularNetwork(f)));
  show(`${name}-time`, `${(performance.now() - t0).toFixed(1)} ms`);
}

async function runBench(): Promise<void> {
  const batch = Number((document.getElementById("batch") as HTMLInputElement).value);
  for (const [name, f] of engines) {
    if (f === undefined) continue;
    show(`${name}-bench`, "running…");
    show(`${name}-bench`, `${(await bench(f, batch)).toFixed(1)} ms`);
  }
}
document.getElementById("bench")!.addEventListener("click", runBench);
(globalThis as unknown as { knapReady: boolean; knapBench: () => Promise<void> }).knapReady = true;
(globalThis as unknown as { knapBench: () => Promise<void> }).knapBench = runBench;

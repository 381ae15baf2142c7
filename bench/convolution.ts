/**
 * Convolutions of the book's Fashion-MNIST network (a batch of 128: 1→32 and 32→64 channels,
 * 3×3 kernels, 28×28 images, then 2×2 max pooling), each pass timed on the native engine, with
 * oneDNN's own account of the same runs beside it: a child process runs them with DNNL_VERBOSE,
 * whose exec times split each run into the convolution primitive and the reorders around it. On
 * WebGPU (where present) the same passes, against the WebGPU GEMM of the same multiply-adds.
 *
 * `deno run -A bench/convolution.ts [--webgpu]`
 */
import {
  type Factory,
  ge,
  mm_,
  nativeAvailability,
  nativeFloat,
  synchronize,
  tensor,
  webgpuAvailability,
  webgpuFloat,
} from "../mod.ts";
import {
  convolution,
  convolutionBackwardData,
  convolutionBackwardWeights,
  convolutionShape,
  poolingBackward,
  poolingForward,
  poolingShape,
  type TensorOp,
} from "../lib/ops/mod.ts";

const layers = [
  { name: "conv 1→32, 28×28", x: [128, 1, 28, 28], w: [32, 1, 3, 3] },
  { name: "conv 32→64, 26×26", x: [128, 32, 26, 26], w: [64, 32, 3, 3] },
];

/** The plans of every pass of both layers and the pooling, on f, in nhwc. */
function plans(f: Factory): { name: string; op: TensorOp; macs: number }[] {
  const out: { name: string; op: TensorOp; macs: number }[] = [];
  for (const l of layers) {
    const ys = convolutionShape(l.x, l.w);
    const x = tensor(f, l.x, "nhwc"), w = tensor(f, l.w, "ohwi"), b = tensor(f, [l.w[0]], "x");
    const y = tensor(f, ys, "nhwc");
    const macs = ys.reduce((a, e) => a * e, 1) * l.w.slice(1).reduce((a, e) => a * e, 1);
    out.push({ name: `${l.name} forward`, op: convolution(x, w, b, y), macs });
    out.push({ name: `${l.name} data gradient`, op: convolutionBackwardData(y, w, x), macs });
    out.push({
      name: `${l.name} weight gradient`,
      op: convolutionBackwardWeights(x, y, w, b),
      macs,
    });
  }
  const px = tensor(f, [128, 64, 24, 24], "nhwc"),
    py = tensor(f, poolingShape(px.shape, 2), "nhwc");
  out.push({ name: "max pool 2×2 forward", op: poolingForward(px, py, "max", 2), macs: 0 });
  const dx = tensor(f, px.shape, "nhwc");
  out.push({ name: "max pool 2×2 backward", op: poolingBackward(px, py, dx, "max", 2), macs: 0 });
  return out;
}

async function time(f: Factory, op: TensorOp, reps: number): Promise<number> {
  op.run();
  await synchronize(f);
  const start = performance.now();
  for (let i = 0; i < reps; i++) op.run();
  await synchronize(f);
  return (performance.now() - start) / reps;
}

if (Deno.args[0] === "--verbose-child") {
  for (const p of plans(nativeFloat)) {
    console.log(`@@ ${p.name}`);
    for (let i = 0; i < 6; i++) p.op.run();
  }
  Deno.exit(0);
}

if (!nativeAvailability().available) {
  console.log("native engine unavailable: nothing to measure");
} else {
  // oneDNN's own times, from a child process logging every execution.
  const child = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "--verbose-child"],
    env: { DNNL_VERBOSE: "1" },
    stdout: "piped",
  }).output();
  const own = new Map<string, { conv: number; reorder: number; runs: number }>();
  let current = "";
  for (const line of new TextDecoder().decode(child.stdout).split("\n")) {
    if (line.startsWith("@@ ")) {
      current = line.slice(3);
      own.set(current, { conv: 0, reorder: 0, runs: 0 });
      continue;
    }
    // 2.x logs "dnnl_verbose,exec,cpu,kind,…,ms", 3.x "onednn_verbose,v1,primitive,exec,cpu,kind,…".
    const f = line.split(","), at = f.indexOf("exec");
    if (at < 0 || current === "") continue;
    const entry = own.get(current)!;
    const ms = Number(f[f.length - 1]);
    if (f[at + 2] === "reorder") entry.reorder += ms;
    else {
      entry.conv += ms;
      entry.runs++;
    }
  }
  console.log(
    "native (nhwc)                            knap ms  primitive ms  reorders ms  knap/primitive",
  );
  for (const p of plans(nativeFloat)) {
    const ms = await time(nativeFloat, p.op, 10);
    const o = own.get(p.name);
    const prim = o && o.runs > 0 ? o.conv / o.runs : NaN;
    const reorder = o && o.runs > 0 ? o.reorder / o.runs : NaN;
    console.log(
      `${p.name.padEnd(40)} ${ms.toFixed(2).padStart(7)} ${prim.toFixed(2).padStart(13)} ` +
        `${reorder.toFixed(2).padStart(12)} ${(ms / prim).toFixed(2).padStart(15)}`,
    );
  }
}

if (Deno.args.includes("--webgpu") && (await webgpuAvailability()).available) {
  const f = await webgpuFloat();
  // The GEMM of the second layer's forward multiply-adds: 64 × 288 by 288 × (128·24·24).
  const a = ge(f, 64, 288), b = ge(f, 288, 128 * 24 * 24), c = ge(f, 64, 128 * 24 * 24);
  const gemm = await (async () => {
    mm_(1, a, b, 0, c);
    await synchronize(f);
    const start = performance.now();
    mm_(1, a, b, 0, c);
    await synchronize(f);
    return performance.now() - start;
  })();
  const macs = 64 * 288 * 128 * 24 * 24;
  console.log(`\nwebgpu GEMM, the second layer's multiply-adds: ${gemm.toFixed(0)} ms`);
  console.log("webgpu (nhwc)                            ms      GMAC/s  of the GEMM's rate");
  for (const p of plans(f)) {
    const ms = await time(f, p.op, 1);
    const rate = p.macs / ms / 1e6;
    const share = p.macs === 0 ? "" : ((rate / (macs / gemm / 1e6)) * 100).toFixed(0) + "%";
    console.log(
      `${p.name.padEnd(40)} ${ms.toFixed(0).padStart(6)} ${rate.toFixed(2).padStart(11)} ${
        share.padStart(8)
      }`,
    );
  }
}

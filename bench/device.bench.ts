/**
 * The device kernels written once for WebGPU, OpenCL and CUDA (lib/engines/kernels/), on every
 * device engine present: level 1 over 10⁶ floats (the folds, a map, the swap, the line sums of
 * the 1-norm), softmax over a 10×4096 minibatch's columns, and the convolution passes of a
 * 32→64-channel 3×3 layer on a batch of 16 with its 2×2 max pooling. Each bench ends by reading
 * a result back, so the device's queue is timed, not only the recording.
 *
 * `deno bench -A bench/device.bench.ts`
 */
import {
  asum,
  dot,
  type Factory,
  ge,
  iamax,
  nrm1,
  openclAvailability,
  openclFloat,
  randUniform_,
  softmax_,
  swp_,
  tensor,
  vctr,
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
} from "../lib/ops/mod.ts";
import { tanh_ } from "../lib/vect_math/mod.ts";

const factories: Factory[] = [
  ...((await webgpuAvailability()).available ? [await webgpuFloat()] : []),
  ...((await openclAvailability()).available ? [await openclFloat()] : []),
];
if (factories.length === 0) console.log("skipped: no device engine (WebGPU, OpenCL) here");

const n = 1_000_000;
const uniform = (shape: readonly number[]) =>
  Float32Array.from({ length: shape.reduce((a, e) => a * e, 1) }, (_, i) => Math.sin(i));
for (const f of factories) {
  const e = f.engine.name;
  const x = randUniform_(vctr(f, n), { lo: -3, hi: 3, seed: 1 });
  const y = randUniform_(vctr(f, n), { lo: -3, hi: 3, seed: 2 });
  const a = randUniform_(ge(f, 1000, 1000), { seed: 3 });
  Deno.bench(`dot 10⁶, ${e}`, { group: `level 1, ${e}` }, async () => {
    await dot(x, y);
  });
  Deno.bench(`asum 10⁶, ${e}`, { group: `level 1, ${e}` }, async () => {
    await asum(x);
  });
  Deno.bench(`iamax 10⁶, ${e}`, { group: `level 1, ${e}` }, async () => {
    await iamax(x);
  });
  Deno.bench(`nrm1 1000×1000, ${e}`, { group: `level 1, ${e}` }, async () => {
    await nrm1(a);
  });
  Deno.bench(`tanh_ 10⁶ then dot, ${e}`, { group: `level 1, ${e}` }, async () => {
    tanh_(x, y);
    await dot(y, y);
  });
  Deno.bench(`swp_ 10⁶ then dot, ${e}`, { group: `level 1, ${e}` }, async () => {
    swp_(x, y);
    await dot(x, x);
  });

  const logits = randUniform_(ge(f, 10, 4096), { seed: 4 });
  const probs = ge(f, 10, 4096);
  Deno.bench(`softmax_ 10×4096 then asum, ${e}`, { group: `nn, ${e}` }, async () => {
    softmax_(logits, probs);
    await asum(probs);
  });

  const xs = [16, 32, 26, 26], ws = [64, 32, 3, 3], ys = convolutionShape(xs, ws);
  const cx = tensor(f, xs, "nchw", uniform(xs));
  const cw = tensor(f, ws, "oihw", uniform(ws));
  const cb = tensor(f, [64], "x"), cy = tensor(f, ys, "nchw");
  const py = tensor(f, poolingShape(ys, 2), "nchw"), dy = tensor(f, ys, "nchw");
  const plans = [
    ["conv forward", convolution(cx, cw, cb, cy)],
    ["conv data gradient", convolutionBackwardData(cy, cw, cx)],
    ["conv weight gradient", convolutionBackwardWeights(cx, cy, cw, cb)],
    ["max pool forward", poolingForward(cy, py, "max", 2)],
    ["max pool backward", poolingBackward(cy, py, dy, "max", 2)],
  ] as const;
  // A one-entry read: the queue finishes before the bench does.
  const probe = vctr(f, 1);
  for (const [name, op] of plans) {
    Deno.bench(`${name}, 16×32×26×26 → 64, ${e}`, { group: `dnn, ${e}` }, async () => {
      op.run();
      await asum(probe);
    });
  }
}

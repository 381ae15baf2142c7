/**
 * Chapter 28 — The convolution operation.
 *
 * A convolutional layer slides a small kernel over an image: each output entry is the sum of a
 * window of the input times the kernel (a cross-correlation, as every deep-learning library
 * computes it). Here on small numbers: by hand with loops, then with knap's planned
 * `convolution` — with padding, a stride and dilation — then max pooling, which keeps each
 * window's largest entry, and the gradients a network learns from.
 * Run: `deno run -A tutorials/28_convolution.ts [--backend=native|js|webgpu]`
 */
import { jsDouble, synchronize, tensor, transformer } from "../mod.ts";
import {
  convolution,
  convolutionBackwardWeights,
  convolutionShape,
  poolingBackward,
  poolingForward,
} from "../lib/ops/mod.ts";
import { backend } from "./_backend.ts";
import { showTensor } from "./_tensors.ts";

const { name, float: f } = await backend();
console.log(`Chapter 28 on the ${name} engine\n`);

// One 5×5 image holding 0…24, and a 3×3 kernel that takes the right neighbour minus the left.
const image = Array.from({ length: 25 }, (_, i) => i);
const kernel = [0, 0, 0, -1, 0, 1, 0, 0, 0];

// By hand: each output entry is its window times the kernel, summed.
const byHand: number[] = [];
for (let i = 0; i < 3; i++) {
  for (let j = 0; j < 3; j++) {
    let s = 0;
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) s += image[(i + a) * 5 + j + b] * kernel[a * 3 + b];
    }
    byHand.push(s);
  }
}
console.log(`by hand, a 3×3 window over 5×5 gives 3×3: ${byHand.join(" ")}`);

const onto = async (values: number[], shape: number[], layout: "nchw" | "oihw") => {
  using host = tensor(jsDouble, shape, layout, values);
  const t = tensor(f, shape, layout);
  await transformer(host, t).run();
  return t;
};
using x = await onto(image, [1, 1, 5, 5], "nchw");
using w = await onto(kernel, [1, 1, 3, 3], "oihw");
using y = tensor(f, convolutionShape(x.shape, w.shape), "nchw");
convolution(x, w, undefined, y).run();
console.log("\nknap's convolution, the same numbers:");
await showTensor(y);

for (
  const options of [{ padding: 1 }, { strides: 2 }, { dilation: 2 }, { padding: 1, strides: 2 }]
) {
  const shape = convolutionShape(x.shape, w.shape, options);
  using out = tensor(f, shape, "nchw");
  convolution(x, w, undefined, out, options).run();
  using host = tensor(jsDouble, shape, "nchw");
  await transformer(out, host).run();
  console.log(
    `${JSON.stringify(options).padEnd(26)} → [${shape.join(" ")}]: ${
      Array.from(host.toArray()).join(" ")
    }`,
  );
}

// Max pooling: the largest entry of each 2×2 window, windows side by side.
using padded = tensor(f, convolutionShape(x.shape, w.shape, { padding: 1 }), "nchw");
convolution(x, w, undefined, padded, { padding: 1 }).run();
using pooled = tensor(f, [1, 1, 2, 2], "nchw");
poolingForward(padded, pooled, "max", 2).run();
console.log("\n2×2 max pooling of the padded output (5×5 → 2×2, the last row and column dropped):");
await showTensor(pooled);

// What a network learns from: the error after pooling goes back to each window's largest entry,
// and from there to the kernel's gradient.
using dPooled = tensor(f, [1, 1, 2, 2], "nchw");
using onesHost = tensor(jsDouble, [1, 1, 2, 2], "nchw", [1, 1, 1, 1]);
await transformer(onesHost, dPooled).run();
using dPadded = tensor(f, padded.shape, "nchw");
poolingBackward(padded, dPooled, dPadded, "max", 2).run();
using dw = tensor(f, [1, 1, 3, 3], "oihw");
convolutionBackwardWeights(x, dPadded, dw, undefined, { padding: 1 }).run();
await synchronize(f);
console.log("\nthe kernel's gradient when each pooled output's error is 1:");
await showTensor(dw);

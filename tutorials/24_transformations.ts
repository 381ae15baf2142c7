/**
 * Chapter 24 — Tensor transformations.
 *
 * Changing a tensor's layout, dtype or device is a copy planned once and run many times: a
 * transformer. A batcher copies runs of samples into a minibatch, shuffle_ copies chosen
 * samples, and a connector hands a consumer its layout — the tensor itself when they agree.
 * Run: `deno run -A tutorials/24_transformations.ts [--backend=native|js|webgpu]`
 */
import {
  batcher,
  connector,
  desc,
  jsDouble,
  shuffle_,
  tensor,
  toArray,
  transfer,
  transformer,
  viewVctr,
} from "../mod.ts";
import { backend } from "./_backend.ts";
import { showTensor } from "./_tensors.ts";

const { name, float: f } = await backend();
console.log(`Chapter 24 on the ${name} engine\n`);

/** The entries in memory order, through a vector view. */
async function memory(t: Parameters<typeof viewVctr>[0]): Promise<string> {
  using h = await transfer(jsDouble, viewVctr(t));
  return Array.from(toArray(h)).join(" ");
}

// One 3-channel 2×2 image: channel c holds 10c + 1 … 10c + 4.
const pixels = [1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24];
using x = tensor(f, [1, 3, 2, 2], "nchw", pixels);
using y = tensor(f, [1, 3, 2, 2], "nhwc");
const toNhwc = transformer(x, y);
await toNhwc.run();
console.log(`nchw in memory: ${await memory(x)}`);
console.log(`nhwc in memory: ${await memory(y)}`);
console.log(
  `the plan: ${
    toNhwc.primitive ? "the engine's reorder primitive" : `${toNhwc.pieces} matrix copies`
  }`,
);

// Six samples of 2 features; minibatches of 2 in the transposed layout.
using data = tensor(f, [6, 2], "nc", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
using mini = tensor(f, [2, 2], "cn");
const next = batcher(data, mini);
await next.run(2);
console.log(`\nsamples 2 and 3 as a minibatch:`);
await showTensor(mini);
await shuffle_(data, [5, 0], mini);
console.log(`samples 5 and 0, shuffled in:`);
await showTensor(mini);

using same = connector(x, x.desc);
using other = connector(x, desc([1, 3, 2, 2], f.dtype, "nhwc"));
await other.run();
console.log(
  `\na consumer of nchw gets x itself: ${same.output === x}; one of nhwc a copy: ${other.copies}`,
);

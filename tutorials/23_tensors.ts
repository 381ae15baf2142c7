/**
 * Chapter 23 — Tensors and ND-arrays.
 *
 * A tensor is a shape in logical order — n, c, h, w: samples, channels, rows, columns — over
 * memory laid out as its layout says. `nchw` keeps each channel's plane together, `nhwc` each
 * pixel's channels. Views share memory: a slice of the batch, another shape of the same
 * entries, the whole tensor as a vector or as a features × batch matrix for the BLAS.
 * Run: `deno run -A tutorials/23_tensors.ts [--backend=native|js|webgpu]`
 */
import { asum, batchOf, desc, scal_, tensor, viewGe, viewTz, viewVctr } from "../mod.ts";
import { backend } from "./_backend.ts";
import { showTensor } from "./_tensors.ts";

const { name, float: f } = await backend();
console.log(`Chapter 23 on the ${name} engine\n`);

// Two samples of a 3-channel 2×2 image, entries 1…24 in logical order.
const entries = Array.from({ length: 24 }, (_, i) => i + 1);
using x = tensor(f, [2, 3, 2, 2], "nchw", entries);
console.log(`shape [${x.shape}], layout ${x.layout}, strides [${x.strides}], ${x.dtype}`);
await showTensor(x);

using y = tensor(f, [2, 3, 2, 2], "nhwc", entries);
console.log(`\nthe same entries in nhwc: strides [${y.strides}]`);
console.log(`a descriptor alone: ${JSON.stringify(desc([128, 1, 28, 28], "float32"))}`);

const second = batchOf(x, 1, 1);
console.log(`\nsample 1 is a view: shape [${second.shape}], offset ${second.offset}`);
const flat = viewTz(x, [2, 12]);
console.log(`viewed as [${flat.shape}] (${flat.layout}): the same memory`);

const m = viewGe(x);
console.log(`as a matrix: ${m.m}×${m.n}, one column per sample`);
scal_(2, viewVctr(x));
console.log(`after scal_(2) through a vector view, the sum of |x| is ${await asum(viewVctr(x))}`);

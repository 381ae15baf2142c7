/**
 * Tensors with an empty dimension on every engine, as PyTorch takes them: built from no data,
 * copied between layouts and factories, read back from a device; a batch of no samples through
 * convolutions, pooling, batch normalization and a whole network's inference is nothing to
 * compute, and the gradients of weights, biases, γ and β over it are 0; a sum of nothing is 0
 * and a mean NaN; a largest of nothing, and convolutions without channels, are refused.
 */
import { type Factory, jsDouble, tensor, type TensorLayout, transformer } from "../../mod.ts";
import {
  batchNormBackward,
  batchNormForward,
  convolution,
  convolutionBackwardData,
  convolutionBackwardWeights,
  poolingBackward,
  poolingForward,
  reduction,
} from "../../lib/ops/mod.ts";
import { convo, dense, infer, init_, network, pooling as poolingLayer } from "../../lib/dnn/mod.ts";
import { batchNorm as batchNormLayer } from "../../lib/dnn/mod.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import { allFactories } from "../_factories.ts";
import { valuesOf } from "./_values.ts";

const rowMajor: Record<number, TensorLayout> = { 1: "x", 2: "nc", 4: "nchw" };

/** A tensor on f holding `v` everywhere. */
async function filled(f: Factory, shape: number[], v: number) {
  const n = shape.reduce((a, b) => a * b, 1);
  using host = tensor(jsDouble, shape, rowMajor[shape.length], new Array(n).fill(v));
  const t = tensor(f, shape, rowMajor[shape.length]);
  await transformer(host, t).run();
  return t;
}

for (const f of await allFactories()) {
  Deno.test(`[${f.name}] empty tensors: made, transformed, read back`, async () => {
    using a = tensor(f, [0, 4], "nc", []);
    using b = tensor(f, [0, 4], "cn");
    await transformer(a, b).run();
    assertEquals(await valuesOf(b), []);
    using c = tensor(f, [3, 0, 2], "ncw"), d = tensor(jsDouble, [3, 0, 2], "nwc");
    await transformer(c, d).run();
    assertEquals(await valuesOf(c), []);
  });

  Deno.test(`[${f.name}] a batch of no samples is nothing to compute; its gradients are 0`, async () => {
    using x = tensor(f, [0, 3, 4, 4], "nchw"), y = tensor(f, [0, 2, 2, 2], "nchw");
    using w = await filled(f, [2, 3, 3, 3], 1), b = await filled(f, [2], 1);
    convolution(x, w, b, y).run();
    convolutionBackwardData(y, w, x).run();
    using dw = await filled(f, [2, 3, 3, 3], 5), db = await filled(f, [2], 5);
    convolutionBackwardWeights(x, y, dw, db).run();
    assert((await valuesOf(dw)).every((v) => v === 0), "the weights' gradient over nothing");
    assertEquals(await valuesOf(db), [0, 0], "the bias's");
    using p = tensor(f, [0, 3, 2, 2], "nchw");
    for (const kind of ["max", "avg", "avg-exclude-padding"] as const) {
      poolingForward(x, p, kind, 2).run();
      poolingBackward(x, p, x, kind, 2).run();
    }
    using scale = await filled(f, [3], 1), shift = await filled(f, [3], 0);
    using mean = await filled(f, [3], 7), variance = await filled(f, [3], 7);
    batchNormForward(x, x, { scale, shift, mean, variance }).run();
    assertEquals(await valuesOf(mean), [7, 7, 7], "no statistics from no samples");
    batchNormForward(x, x, { scale, shift, mean, variance }, { training: false }).run();
    using dScale = await filled(f, [3], 5), dShift = await filled(f, [3], 5);
    batchNormBackward(x, x, x, { scale, mean, variance, dScale, dShift }).run();
    assertEquals([await valuesOf(dScale), await valuesOf(dShift)], [[0, 0, 0], [0, 0, 0]]);
    // A whole network's inference over no samples.
    using net = init_(
      network(f, [4, 1, 8, 8], [
        convo(4, 3, "relu"),
        batchNormLayer(),
        poolingLayer(2, "max"),
        dense(10, "softmax"),
      ]),
      { seed: 1 },
    );
    using none = tensor(f, [0, 1, 8, 8], "nchw");
    const out = await infer(net, none);
    assertEquals([...out.shape], [0, 10]);
  });

  Deno.test(`[${f.name}] reductions of nothing: a sum 0, a mean NaN, a largest refused`, async () => {
    using e = tensor(f, [3, 0], "nc");
    using s = await filled(f, [3, 1], 5), m = await filled(f, [3, 1], 5);
    reduction("sum", e, s).run();
    reduction("mean", e, m).run();
    assertEquals(await valuesOf(s), [0, 0, 0]);
    assert((await valuesOf(m)).every(Number.isNaN), "a mean of nothing is NaN");
    assertThrows(() => reduction("max", e, s), RangeError, "no entries to take the max of");
    // Convolutions without channels or outputs are mistakes, as in PyTorch.
    using x = tensor(f, [2, 0, 4, 4], "nchw"), w = tensor(f, [2, 0, 3, 3], "oihw");
    using y = tensor(f, [2, 2, 2, 2], "nchw");
    assertThrows(() => convolution(x, w, undefined, y), RangeError, "besides the batch");
  });
}

/**
 * A data set in host memory for a network on a device — the way a data set larger than the
 * device's buffers trains: each minibatch is gathered on the host and moved over. The weights
 * equal those of the same training from device data, bit for bit, in both shuffle modes, for
 * dense networks (train) and convolutional ones (train), on every device engine; inference
 * of host data in pieces gives the outputs of the whole on the device (to float32's rounding:
 * a product over fewer columns may sum in another order).
 */
import {
  copy,
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  jsFloat,
  tensor,
  toArray,
  transfer,
  transformer,
} from "../../mod.ts";
import {
  adam,
  categoricalCrossentropyCost_,
  fullyConnected,
  infer,
  inferenceNetwork,
  init_,
  train,
} from "../../lib/nn/mod.ts";
import { convo, dense, init_ as initTensor, network, pooling } from "../../lib/dnn/mod.ts";
import { assert, assertEquals } from "../conformance/assert.ts";
import { assertAllClose } from "../conformance/fixtures.ts";
import { allFactories } from "../_factories.ts";
import { valuesOf } from "../tensor/_values.ts";

const devices = (await allFactories()).filter((f) => f.location === "device");
const hostOf = (f: Factory) => f.dtype === "float64" ? jsDouble : jsFloat;
const wave = (n: number, phase: number) => Array.from({ length: n }, (_, k) => Math.sin(phase + k));
/** One-hot columns for n samples of 3 classes. */
const classes = (n: number) =>
  Array.from({ length: 3 * n }, (_, k) => k % 3 === (k / 3 | 0) % 3 ? 1 : 0);

/** Every layer's weights, read back. */
async function weightsOf(layers: readonly { weights: GEMatrix }[]) {
  const out: number[] = [];
  for (const l of layers) {
    using w = await transfer(jsDouble, l.weights);
    out.push(...toArray(w));
  }
  return out;
}

for (const f of devices) {
  Deno.test(`[${f.name}] train from host data moves each batch: the weights of device data`, async () => {
    const n = 48;
    for (const shuffle of ["samples", "batches"] as const) {
      const run = async (where: Factory) => {
        using net = init_(
          inferenceNetwork(f, 5, [fullyConnected(7, "tanh"), fullyConnected(3, "softmax")]),
          { seed: 4 },
        );
        using x = ge(where, 5, n, wave(5 * n, 0.3));
        using y = ge(where, 3, n, classes(n));
        await train(net, x, y, categoricalCrossentropyCost_, 3, {
          batch: 16,
          eta: 0.01,
          optimizer: adam(),
          shuffle,
          seed: 5,
          quiet: true,
        });
        return await weightsOf(net.layers);
      };
      assertEquals(await run(hostOf(f)), await run(f), `${shuffle}`);
    }
  });

  Deno.test(`[${f.name}] train of a convolutional network from host data: the weights of device data`, async () => {
    const n = 24;
    const run = async (where: Factory) => {
      using net = initTensor(
        network(f, [8, 1, 6, 6], [
          convo(2, [3, 3], "relu", { padding: 1 }),
          pooling([2, 2], "max"),
          dense(3, "softmax"),
        ]),
        { seed: 6 },
      );
      using host = tensor(jsDouble, [n, 1, 6, 6], "nchw", wave(n * 36, 1.1));
      using x = tensor(where, [n, 1, 6, 6], "nchw");
      await transformer(host, x).run();
      using yh = tensor(jsDouble, [n, 3], "nc", classes(n));
      using y = tensor(where, [n, 3], "nc");
      await transformer(yh, y).run();
      await train(net, x, y, categoricalCrossentropyCost_, 2, {
        batch: 8,
        eta: 0.01,
        optimizer: adam(),
        seed: 7,
        quiet: true,
      });
      const params: number[] = [];
      for (const l of net.features.layers) {
        for (const p of l.parameters) params.push(...await valuesOf(p.tensor));
      }
      return [...params, ...await weightsOf(net.layers.layers)];
    };
    assertEquals(await run(hostOf(f)), await run(f));
  });

  Deno.test(`[${f.name}] infer of host data in pieces gives the outputs of the whole`, async () => {
    // 2,048 × 3,000 entries: more than one piece moves.
    const m = 2048, n = 3000;
    using net = init_(inferenceNetwork(f, m, [fullyConnected(4, "sigmoid")]), { seed: 8 });
    using hx = ge(hostOf(f), m, n, Float64Array.from({ length: m * n }, (_, k) => Math.sin(k)));
    const fromHost = await transfer(jsDouble, copy(infer(net, hx)));
    using dx = await transfer(f, hx);
    const fromDevice = await transfer(jsDouble, copy(infer(net, dx as GEMatrix)));
    // The same products over other column counts may sum k in another order (WebGPU's split-k).
    assertAllClose(Array.from(toArray(fromHost)), Array.from(toArray(fromDevice)), 1e-5, "outputs");
  });
}

const webgpu = devices.find((f) => f.name === "webgpuFloat");
Deno.test({
  name: webgpu === undefined
    ? "[webgpuFloat] a data set past the device's largest buffer: skipped, no WebGPU adapter"
    : "[webgpuFloat] a data set past the device's largest buffer trains from host memory",
  ignore: webgpu === undefined,
  async fn() {
    const f = webgpu!;
    // More entries than one device buffer holds (llvmpipe: 2²⁵; at most 2²⁶ asked of any GPU).
    const m = 784, n = Math.ceil(Math.min(f.engine.maxEntries + m, 2 ** 26) / m);
    let refused: unknown;
    try {
      ge(f, m, n);
    } catch (e) {
      refused = e;
    }
    if (m * n > f.engine.maxEntries) {
      assert(
        refused instanceof RangeError && String(refused).includes("can address"),
        String(refused),
      );
    }
    using net = init_(inferenceNetwork(f, m, [fullyConnected(10, "softmax")]), { seed: 9 });
    using x = ge(jsFloat, m, n, Float32Array.from({ length: m * n }, (_, k) => (k % 7) / 7));
    using y = ge(
      jsFloat,
      10,
      n,
      Float32Array.from({ length: 10 * n }, (_, k) => k % 10 === (k / 10 | 0) % 10 ? 1 : 0),
    );
    const cost = await train(net, x, y, categoricalCrossentropyCost_, 1, {
      batch: 2048,
      eta: 0.01,
      optimizer: adam(),
      seed: 3,
      quiet: true,
    });
    assert(Number.isFinite(cost) && cost > 0, `cost ${cost}`);
  },
});

/**
 * Convolutional networks: every layer's gradients against finite differences of the cost in
 * float64 on js; the same training on every engine against js; PyTorch's CNN file loaded and
 * its logits reproduced; saving and loading with batch normalization's running statistics; a
 * small image task learned; and the errors a user meets.
 */
import {
  type Factory,
  ge,
  jsDouble,
  jsFloat,
  KnapError,
  type Tensor,
  tensor,
  transfer,
  transfer_,
  transformer,
} from "../../mod.ts";
import {
  batchNorm,
  convo,
  dense,
  dropout,
  flatten,
  infer,
  init_,
  load,
  network,
  type NetworkLayerSpec,
  pooling,
  save,
  type TensorNetwork,
  train,
} from "../../lib/dnn/mod.ts";
import { adam, categoricalCrossentropyCost_ } from "../../lib/nn/mod.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import { expectations, fixtures, fixturesPresent } from "../data/_fixtures.ts";
import { learningFactories } from "../nn/_factories.ts";
import { valuesOf } from "../tensor/_values.ts";

const wave = (n: number, phase: number, scale = 1) =>
  Array.from({ length: n }, (_, k) => scale * Math.sin(phase + 0.7 * k + 0.013 * k * k));

async function onto(f: Factory, values: number[], shape: number[]): Promise<Tensor> {
  const layout = ({ 2: "nc", 3: "ncw", 4: "nchw", 5: "ncdhw" } as const)[shape.length]!;
  using host = tensor(jsDouble, shape, layout, values);
  const t = tensor(f, shape, layout);
  await transformer(host, t).run();
  return t;
}

/** Sets every parameter of `net` from fixed waves, so two engines start from the same weights. */
async function fixedWeights(net: TensorNetwork): Promise<void> {
  let phase = 0.1;
  const fill = async (t: Tensor, scale: number) => {
    using host = tensor(jsDouble, t.shape, t.layout, wave(t.size, phase += 0.9, scale));
    await transformer(host, t).run();
  };
  for (const layer of net.features.layers) {
    for (const p of layer.parameters) {
      if (p.name === "weight" && p.decay) await fill(p.tensor, 0.4);
      else if (p.name === "bias") await fill(p.tensor, 0.1);
    }
  }
  for (const l of net.layers.layers) {
    using host = ge(jsDouble, l.outDim, l.inDim, wave(l.outDim * l.inDim, phase += 0.9, 0.3));
    await transfer_(host, l.weights);
  }
}

/** Networks over one, two and three spatial dimensions, each layer kind in them. */
const gradientCases: [string, number[], () => NetworkLayerSpec[]][] = [
  ["2-D", [2, 6, 6], () => [
    convo(3, [3, 3], "tanh", { padding: 1 }),
    batchNorm({ activation: "sigmoid" }),
    pooling([2, 2], "max"),
    convo(4, [2, 2], "elu", { strides: 1 }),
    pooling([2, 2], "avg", { strides: 1 }),
    flatten(),
    dense(3, "softmax"),
  ]],
  ["1-D", [2, 9], () => [
    convo(3, [3], "tanh", { padding: 1, dilation: 2 }),
    batchNorm(),
    pooling([2], "max"),
    convo(2, [2], "sigmoid", { strides: 2 }),
    dense(3, "softmax"),
  ]],
  ["3-D", [1, 4, 4, 4], () => [
    convo(2, [2, 2, 2], "elu"),
    batchNorm({ activation: "tanh" }),
    pooling([2, 2, 2], "avg-exclude-padding", { strides: 1, padding: 1 }),
    flatten(),
    dense(3, "softmax"),
  ]],
];

/** The cost of one training-mode pass (eta 0 moves nothing), as `train` reports it. */
function costOf(net: TensorNetwork, x: Tensor, y: Tensor): number {
  return train(net, x, y, categoricalCrossentropyCost_, 1, {
    batch: x.shape[0],
    eta: 0,
    seed: 1,
    quiet: true,
  }) as number;
}

for (const [dims, sample, specs] of gradientCases) {
  Deno.test(`cnn ${dims}: every layer's gradients agree with finite differences of the cost (float64)`, async () => {
    const n = 5, size = sample.reduce((a, b) => a * b);
    using net = network(jsDouble, [n, ...sample], specs());
    await fixedWeights(net);
    using x = await onto(jsDouble, wave(n * size, 0.2, 1.5), [n, ...sample]);
    using y = await onto(
      jsDouble,
      Array.from({ length: n * 3 }, (_, i) => i % 3 === (i / 3 | 0) % 3 ? 1 : 0),
      [n, 3],
    );
    const params = net.features.layers.flatMap((l, i) =>
      l.parameters.filter((p) => p.trained).map((p) => ({ p, at: `layer ${i + 1} ${p.name}` }))
    );
    const before = params.map(({ p }) => Array.from(p.tensor.toArray()));
    const set = (t: Tensor, values: number[]) => {
      using h = tensor(jsDouble, t.shape, t.layout, values);
      transformer(h, t).run();
    };
    // Central differences of the cost at three entries of every trained parameter.
    const h = 1e-6;
    const numeric = params.map(({ p }, k) =>
      [0, Math.floor(before[k].length / 2), before[k].length - 1].map((i) => {
        const w = before[k].slice();
        w[i] += h;
        set(p.tensor, w);
        const up = costOf(net, x, y);
        w[i] -= 2 * h;
        set(p.tensor, w);
        const down = costOf(net, x, y);
        set(p.tensor, before[k]);
        return { i, slope: (up - down) / (2 * h) };
      })
    );
    // Then one step of plain gradient descent over the whole batch: w ← w − η ∂C/∂w.
    const eta = 1e-3;
    train(net, x, y, categoricalCrossentropyCost_, 1, { batch: n, eta, seed: 1, quiet: true });
    let checked = 0;
    params.forEach(({ p, at }, k) => {
      const after = p.tensor.toArray();
      for (const { i, slope } of numeric[k]) {
        const backprop = (before[k][i] - after[i]) / eta;
        assert(
          Math.abs(slope - backprop) < 1e-6 + 1e-5 * Math.abs(slope),
          `${at}[${i}]: backpropagation ${backprop}, finite differences ${slope}`,
        );
        checked++;
      }
    });
    const trained = net.features.layers.reduce(
      (k, l) => k + l.parameters.filter((p) => p.trained).length,
      0,
    );
    assertEquals(checked, 3 * trained, "three entries of every trained parameter");
  });
}

const engineLayers = (): NetworkLayerSpec[] => [
  convo(4, [3, 3], "relu", { padding: 1 }),
  batchNorm(),
  pooling([2, 2], "max"),
  convo(6, [3, 3], "tanh"),
  dropout(0.3),
  flatten(),
  dense(8, "relu"),
  dropout(0.2),
  dense(3, "softmax"),
];

async function trainedOn(
  f: Factory,
  sample: number[] = [1, 8, 8],
  specs: () => NetworkLayerSpec[] = engineLayers,
) {
  const n = 12, size = sample.reduce((a, b) => a * b);
  using net = network(f, [n, ...sample], specs());
  await fixedWeights(net);
  using x = await onto(f, wave(n * size, 0.5), [n, ...sample]);
  using y = await onto(
    f,
    Array.from({ length: n * 3 }, (_, i) => i % 3 === (i / 3 | 0) % 3 ? 1 : 0),
    [n, 3],
  );
  const cost = await train(net, x, y, categoricalCrossentropyCost_, 3, {
    batch: 4,
    eta: 0.01,
    optimizer: adam(),
    seed: 9,
    quiet: true,
  });
  const out = await valuesOf(infer(net, x));
  const weights = await valuesOf(net.features.layers[0].parameters[0].tensor);
  const running = await valuesOf(net.features.layers[1].parameters[3].tensor);
  return { cost, out, weights, running };
}

const cases: [string, number[] | undefined, (() => NetworkLayerSpec[]) | undefined][] = [
  ["2-D with dropout", undefined, undefined],
  ...gradientCases.filter(([d]) => d !== "2-D"),
];
for (const [what, sample, specs] of cases) {
  const reference = await trainedOn(jsFloat, sample, specs);
  for (const make of learningFactories()) {
    Deno.test(`cnn ${what}: three epochs of Adam with batch norm give js's numbers (${(await make()).name})`, async () => {
      const f = await make();
      const got = await trainedOn(f, sample, specs);
      // Masks are drawn from one seeded stream on every engine, so dropout drops the same entries.
      const close = (a: number[], b: number[], what: string, tol: number) =>
        a.forEach((v, i) =>
          assert(Math.abs(v - b[i]) < tol * (1 + Math.abs(b[i])), `${what}[${i}]: ${v}, js ${b[i]}`)
        );
      const tol = f.dtype === "float64" ? 1e-4 : 2e-3;
      assert(Math.abs(got.cost - reference.cost) < tol, `cost ${got.cost}, js ${reference.cost}`);
      close(got.out, reference.out, "output", tol);
      close(got.weights, reference.weights, "first conv weights", tol);
      close(got.running, reference.running, "running variance", tol);
    });
  }
}

Deno.test("cnn: a network learns which quadrant of an 8×8 image is bright", () => {
  const n = 96, pixels: number[] = [], labels: number[] = [];
  for (let s = 0; s < n; s++) {
    const q = s % 4;
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 8; c++) {
        const inside = (r < 4 ? 0 : 2) + (c < 4 ? 0 : 1) === q;
        pixels.push((inside ? 0.8 : 0.1) + 0.2 * Math.sin(7 * s + 3 * r + c));
      }
    }
    for (let k = 0; k < 4; k++) labels.push(k === q ? 1 : 0);
  }
  using x = tensor(jsFloat, [n, 1, 8, 8], "nchw", pixels);
  using y = tensor(jsFloat, [n, 4], "nc", labels);
  using net = init_(
    network(jsFloat, [n, 1, 8, 8], [
      convo(4, 3, "relu", { padding: 1 }),
      pooling(2, "max"),
      dense(4, "softmax"),
    ]),
    { seed: 4, method: "he" },
  );
  const cost = train(net, x, y, categoricalCrossentropyCost_, 40, {
    batch: 16,
    eta: 0.01,
    optimizer: adam(),
    seed: 2,
    quiet: true,
  });
  assert(cost < 0.1, `cost ${cost}`);
  const p = infer(net, x).toArray();
  let right = 0;
  for (let s = 0; s < n; s++) {
    const row = Array.from(p.slice(4 * s, 4 * s + 4));
    if (row.indexOf(Math.max(...row)) === s % 4) right++;
  }
  assertEquals(right, n, "every image classified");
});

if (fixturesPresent) {
  Deno.test("cnn: PyTorch's CNN file loads into the same layers and gives PyTorch's logits", async () => {
    const file = "cnn_14x14_f32.safetensors";
    const { inputs, outputs } = (await expectations())[file].inference;
    for (const make of learningFactories(jsFloat)) {
      const f = await make();
      if (f.dtype !== "float32") continue;
      using net = await load(
        network(f, [2, 1, 14, 14], [
          convo(4, [3, 3], "relu", { padding: 1 }),
          pooling([2, 2], "max"),
          convo(8, [3, 3], "relu"),
          flatten(),
          dense(10, "linear"),
        ]),
        new URL(file, fixtures),
      );
      using x = await onto(f, inputs.flat(Infinity) as number[], [2, 1, 14, 14]);
      const got = await valuesOf(infer(net, x));
      got.forEach((v, i) =>
        assert(
          Math.abs(v - outputs[i]) < 2e-5 * (1 + Math.abs(outputs[i])),
          `${f.name} logit ${i}: ${v}, PyTorch ${outputs[i]}`,
        )
      );
    }
  });
}

Deno.test("cnn: save and load keep the weights, the running statistics and the batch count", async () => {
  const path = await Deno.makeTempFile({ suffix: ".safetensors" });
  try {
    const layers = () => [convo(2, 3, "relu"), batchNorm(), flatten(), dense(2, "softmax")];
    using a = init_(network(jsFloat, [4, 1, 5, 5], layers()), { seed: 3 });
    using x = tensor(jsFloat, [4, 1, 5, 5], "nchw", wave(100, 0.4));
    using y = tensor(jsFloat, [4, 2], "nc", [1, 0, 0, 1, 1, 0, 0, 1]);
    train(a, x, y, categoricalCrossentropyCost_, 2, { batch: 2, eta: 0.1, seed: 1, quiet: true });
    await save(a, path);
    using b = await load(network(jsFloat, [4, 1, 5, 5], layers()), path);
    assertEquals(Array.from(infer(b, x).toArray()), Array.from(infer(a, x).toArray()), "outputs");
    const { readSafetensors, tensorValues } = await import("../../lib/data/mod.ts");
    const names = (await readSafetensors(path)).tensors.map((t) => t.name).sort();
    assertEquals(names, [
      "0.bias",
      "0.weight",
      "2.bias",
      "2.num_batches_tracked",
      "2.running_mean",
      "2.running_var",
      "2.weight",
      "4.bias",
      "4.weight",
    ], "PyTorch's names: conv 0, ReLU 1, batch norm 2, flatten 3, linear 4");
    const count = (await readSafetensors(path)).tensors.find((t) =>
      t.name === "2.num_batches_tracked"
    )!;
    assertEquals(tensorValues(count)[0], 4, "two epochs of two batches");
    using c = network(jsFloat, [4, 1, 5, 5], [
      convo(3, 3, "relu"),
      batchNorm(),
      flatten(),
      dense(2, "softmax"),
    ]);
    const e = await load(c, path).catch((e) => e);
    assert(e instanceof KnapError && String(e).includes("0.weight"), String(e));
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("cnn: descriptions and shapes that do not fit are refused, naming them", () => {
  assertThrows(() => convo(0, 3, "relu"), RangeError, "filter");
  assertThrows(() => convo(4, [3, 3], "softmax" as "relu"), TypeError, "softmax belongs");
  assertThrows(() => pooling(2, "median" as "max"), TypeError, "median");
  assertThrows(() => dropout(1), RangeError, "[0, 1)");
  assertThrows(() => batchNorm({ momentum: 2 }), RangeError, "momentum");
  assertThrows(
    () =>
      network(jsFloat, [1, 1, 4, 4], [dense(4, "relu"), convo(2, 3, "relu"), dense(2, "softmax")]),
    RangeError,
    "tensor layers come first",
  );
  assertThrows(
    () => network(jsFloat, [1, 1, 4, 4], [convo(2, 3, "relu")]),
    RangeError,
    "ends in dense",
  );
  assertThrows(
    () => network(jsFloat, [1, 1, 4, 4], [convo(2, 5, "relu"), dense(2, "softmax")]),
    RangeError,
    "does not fit",
  );
  assertThrows(
    () => network(jsFloat, [1, 1, 4, 4], [convo(2, [3, 3, 3], "relu"), dense(2, "softmax")]),
    RangeError,
    "3 spatial",
  );
  assertThrows(
    () => network(jsFloat, [2, 1, 4.5, 4], [convo(2, 3, "relu"), dense(2, "softmax")]),
    RangeError,
    "whole numbers",
  );
  assertThrows(
    () => network(jsFloat, [2, 0, 4, 4], [convo(2, 3, "relu"), dense(2, "softmax")]),
    RangeError,
    "empty dimension",
  );
  assertThrows(
    () => network(jsFloat, [1, 4, 4], [pooling([2, 2], "max"), dense(2, "softmax")]),
    RangeError,
    "pooling",
  );
  using net = network(jsFloat, [2, 1, 4, 4], [convo(2, 3, "relu"), dense(2, "softmax")]);
  using wrong = tensor(jsFloat, [2, 1, 5, 5]);
  assertThrows(() => infer(net, wrong), RangeError, "[1, 4, 4]");
  using other = tensor(jsDouble, [2, 1, 4, 4]);
  assertThrows(() => infer(net, other as unknown as Tensor<"host">), TypeError, "jsDouble");
  using x = tensor(jsFloat, [2, 1, 4, 4]);
  using y = tensor(jsFloat, [2, 3]);
  assertThrows(
    () => train(net, x, y, categoricalCrossentropyCost_, 1, { batch: 2, eta: 0.1, quiet: true }),
    RangeError,
    "[2, 2]",
  );
  using y2 = tensor(jsFloat, [2, 2]);
  using normalized = network(jsFloat, [2, 1, 4, 4], [
    convo(2, 3, "linear"),
    batchNorm({ activation: "relu" }),
    dense(2, "softmax"),
  ]);
  assertThrows(
    () =>
      train(normalized, x, y2, categoricalCrossentropyCost_, 1, {
        batch: 2,
        eta: 0.1,
        shards: 2,
        quiet: true,
      }),
    TypeError,
    "running statistics of its own",
  );
  net[Symbol.dispose]();
  assertThrows(() => infer(net, x), KnapError, "released");
});

for (const make of learningFactories()) {
  const label = (await make()).name;
  Deno.test(`[${label}] train in shards takes each batch's mean gradient as one batch does`, async () => {
    const f = await make();
    const n = 24;
    using x = await onto(f, wave(n * 36, 0.3), [n, 1, 6, 6]);
    using y = await onto(
      f,
      Array.from({ length: 2 * n }, (_, i) => (i % 2 === (i >> 2) % 2 ? 1 : 0)),
      [n, 2],
    );
    const weights = async (shards: number, epochs = 3) => {
      using net = network(f, [n, 1, 6, 6], [
        convo(2, [3, 3], "tanh", { padding: 1 }),
        pooling([2, 2], "max"),
        dense(3, "relu"),
        dense(2, "softmax"),
      ]);
      await fixedWeights(net);
      const cost = await train(net, x, y, categoricalCrossentropyCost_, epochs, {
        batch: 12,
        eta: 0.05,
        optimizer: adam(),
        seed: 5,
        shards,
        quiet: true,
      });
      const w: number[] = [];
      for (const l of net.features.layers) {
        for (const p of l.parameters) w.push(...await valuesOf(p.tensor));
      }
      for (const l of net.layers.layers) {
        using hw = await transfer(jsDouble, l.weights);
        using hb = await transfer(jsDouble, l.bias);
        w.push(...hw.toArray(), ...hb.toArray());
      }
      return { cost, w };
    };
    const one = await weights(1);
    const start = await weights(1, 0);
    assert(one.w.some((w, i) => Math.abs(w - start.w[i]) > 1e-3), "training moved the weights");
    const tolerance = f.dtype === "float64" ? 1e-12 : 2e-5;
    for (const shards of [2, 3]) {
      const split = await weights(shards);
      assert(
        Math.abs(split.cost - one.cost) < tolerance * 10,
        `${shards} shards: cost ${split.cost} against ${one.cost}`,
      );
      split.w.forEach((w, i) =>
        assert(
          Math.abs(w - one.w[i]) < tolerance * 10 * (1 + Math.abs(w)),
          `${shards} shards: weight ${i} ${w} against ${one.w[i]}`,
        )
      );
    }
  });
}

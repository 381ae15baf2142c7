/** Minibatch SGD and accuracy, on every engine present. */
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import {
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  randUniform_,
  transfer,
  transfer_,
} from "../../mod.ts";
import type { Engine } from "../../lib/engine/mod.ts";
import { EngineFactory } from "../../lib/core/factory.ts";
import { learningFactories } from "./_factories.ts";
import {
  adam,
  binaryAccuracy,
  fullyConnected,
  inferenceNetwork,
  init_,
  quadraticCost_,
  train,
} from "../../lib/nn/mod.ts";

const factories = learningFactories();

function task(f: Factory, n: number): { x: GEMatrix; y: GEMatrix } {
  using hx = randUniform_(ge(jsDouble, 2, n), { lo: -1, hi: 1, seed: 4 });
  const xs = hx.toArray();
  using hy = ge(jsDouble, 1, n, Array.from({ length: n }, (_, j) => xs[2 * j] - 2 * xs[2 * j + 1]));
  const x = ge(f, 2, n), y = ge(f, 1, n);
  transfer_(hx, x);
  transfer_(hy, y);
  return { x, y };
}

for (const make of factories) {
  const label = (await make()).name;
  Deno.test(`[${label}] train learns with shuffled samples and with shuffled batch views, a partial batch included`, async () => {
    const base = await make();
    let allocs = 0;
    const e: Engine = base.engine;
    const f = new EngineFactory(`counting ${base.name}`, base.dtype, base.location, {
      ...e,
      alloc: (d, n) => {
        allocs++;
        return e.alloc(d, n);
      },
    });
    const { x, y } = task(f, 103); // 103 = 6 batches of 16 and a partial one
    const perRun: number[] = [];
    for (
      const [shuffle, epochs] of [["samples", 1], ["samples", 30], ["batches", 1], [
        "batches",
        30,
      ]] as const
    ) {
      using net = init_(inferenceNetwork(f, 2, [fullyConnected(1, "linear")]), { seed: 1 });
      const before = allocs;
      const cost = await train(net, x, y, quadraticCost_, epochs, {
        batch: 16,
        eta: 0.05,
        optimizer: adam(),
        shuffle,
        seed: 3,
      });
      perRun.push(allocs - before);
      if (epochs === 30) assert(cost < 0.01, `${shuffle}: cost ${cost}`);
    }
    assertEquals(perRun[0], perRun[1], "allocations do not grow with epochs (samples)");
    assertEquals(perRun[2], perRun[3], "allocations do not grow with epochs (batches)");
    x[Symbol.dispose]();
    y[Symbol.dispose]();
  });

  Deno.test(`[${label}] binaryAccuracy rounds outputs and compares with the targets`, async () => {
    const f = await make();
    using y = ge(f, 2, 3);
    using a = ge(f, 2, 3);
    using hy = ge(jsDouble, 2, 3, [1, 0, 1, 1, 0, 0]);
    using ha = ge(jsDouble, 2, 3, [0.7, 0.4, 0.2, 0.9, 0.51, 0.49]);
    transfer_(hy, y);
    transfer_(ha, a);
    assertEquals(await binaryAccuracy(y, a), 1 - 2 / 6);
  });
}

Deno.test("train with one seed repeats itself; another seed shuffles differently", () => {
  const { x, y } = task(jsDouble, 50);
  const run = (seed: number) => {
    using net = init_(
      inferenceNetwork(jsDouble, 2, [fullyConnected(3, "tanh"), fullyConnected(1, "linear")]),
      { seed: 1 },
    );
    return train(net, x, y, quadraticCost_, 3, { batch: 8, eta: 0.1, seed });
  };
  assertEquals(run(5), run(5));
  assert(run(5) !== run(6), "different orders give different costs");
});

for (const make of factories) {
  const label = (await make()).name;
  Deno.test(`[${label}] train in shards takes each batch's mean gradient as one batch does`, async () => {
    const f = await make();
    const { x, y } = task(f, 96);
    const weights = async (options: { shards?: number; shuffle?: "samples" | "batches" }) => {
      using net = init_(
        inferenceNetwork(f, 2, [fullyConnected(6, "tanh"), fullyConnected(1, "linear")]),
        { seed: 3 },
      );
      const cost = await train(net, x, y, quadraticCost_, 4, {
        batch: 24,
        eta: 0.02,
        optimizer: adam(),
        seed: 5,
        quiet: true,
        ...options,
      });
      const w: number[] = [];
      for (const l of net.layers) {
        using hw = await transfer(jsDouble, l.weights);
        using hb = await transfer(jsDouble, l.bias);
        w.push(...hw.toArray(), ...hb.toArray());
      }
      return { cost, w };
    };
    const tolerance = f.dtype === "float64" ? 1e-12 : 2e-5;
    for (const shuffle of ["samples", "batches"] as const) {
      const one = await weights({ shuffle });
      for (const shards of [2, 3]) {
        const split = await weights({ shards, shuffle });
        assert(
          Math.abs(split.cost - one.cost) < tolerance * 10,
          `${shuffle}, ${shards} shards: cost ${split.cost} against ${one.cost}`,
        );
        split.w.forEach((w, i) =>
          assert(
            Math.abs(w - one.w[i]) < tolerance * 10 * (1 + Math.abs(w)),
            `${shuffle}, ${shards} shards: weight ${i} ${w} against ${one.w[i]}`,
          )
        );
      }
    }
    x[Symbol.dispose]();
    y[Symbol.dispose]();
  });
}

Deno.test("train refuses shards that do not split the batch, or fewer than one", () => {
  const { x, y } = task(jsDouble, 20);
  using net = inferenceNetwork(jsDouble, 2, [fullyConnected(1, "linear")]);
  const trainIn = (shards: number) =>
    train(net, x, y, quadraticCost_, 1, { batch: 10, eta: 0.1, shards, quiet: true });
  assertThrows(() => trainIn(3), RangeError, "a batch of 10 does not split evenly into 3 shards");
  assertThrows(() => trainIn(0), RangeError, "shards must be at least 1");
  assertThrows(() => trainIn(1.5), RangeError, "shards must be a non-negative integer");
  x[Symbol.dispose]();
  y[Symbol.dispose]();
});

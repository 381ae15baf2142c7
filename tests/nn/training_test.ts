/**
 * Training: epochs allocate nothing, the cost is read only when asked for, schedules and
 * progress report, bad input is refused — on every engine present, the GPU included (small
 * shapes, for the software adapter).
 */
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import {
  entry_,
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  jsFloat,
  KnapError,
  randUniform_,
  transfer,
  transfer_,
} from "../../mod.ts";
import type { Engine } from "../../lib/engine/mod.ts";
import { EngineFactory } from "../../lib/core/factory.ts";
import { learningFactories } from "./_factories.ts";
import {
  fullyConnected,
  infer,
  inferenceNetwork,
  init_,
  quadraticCost_,
  sgd,
  trainingCurveSvg,
  trainingNetwork,
} from "../../lib/nn/mod.ts";

/** A factory over `base`'s engine that counts allocations and cost readings. */
function counting(base: Factory) {
  const counts = { allocs: 0, norms: 0 };
  const e = base.engine;
  const engine: Engine = {
    ...e,
    alloc: (dtype, n) => {
      counts.allocs++;
      return e.alloc(dtype, n);
    },
    blas: {
      ...e.blas,
      nrm2: (x) => {
        counts.norms++;
        return e.blas.nrm2(x);
      },
    },
  };
  const f = new EngineFactory(`counting ${base.name}`, base.dtype, base.location, engine);
  return { f, counts };
}

/** y = 2x₀ − x₁ + 0.5 on n samples in [−1, 1)². */
function linearTask(f: Factory, n: number): { x: GEMatrix; y: GEMatrix } {
  using hx = randUniform_(ge(jsDouble, 2, n), { lo: -1, hi: 1, seed: 4 });
  const xs = hx.toArray();
  using hy = ge(
    jsDouble,
    1,
    n,
    Array.from({ length: n }, (_, j) => 2 * xs[2 * j] - xs[2 * j + 1] + 0.5),
  );
  const x = ge(f, 2, n), y = ge(f, 1, n);
  transfer_(hx, x);
  transfer_(hy, y);
  return { x, y };
}

const bases = learningFactories(jsFloat);

for (const make of bases) {
  const label = (await make()).name;
  Deno.test(`[${label}] epochs allocate nothing; unwatched, the cost is read once`, async () => {
    const { f, counts } = counting(await make());
    const { x, y } = linearTask(f, 64);
    using net = init_(
      inferenceNetwork(f, 2, [fullyConnected(8, "tanh"), fullyConnected(1, "linear")]),
      { seed: 2 },
    );
    using t = trainingNetwork(net, x);
    await sgd(t, y, quadraticCost_, 2, 0.1); // the first epochs compile kernels and cache primitives
    const [allocs, norms] = [counts.allocs, counts.norms];
    const cost = await sgd(t, y, quadraticCost_, 300, 0.1, { checkFinite: false });
    assertEquals(counts.allocs - allocs, 0, "allocations during 300 epochs");
    assertEquals(counts.norms - norms, 1, "cost readings during 300 epochs");
    // Watched for NaN (the default), the host reads every epoch's cost; a device, each second.
    await sgd(t, y, quadraticCost_, 20, 0.1);
    const watched = counts.norms - norms - 1;
    assert(f.location === "host" ? watched === 20 : watched <= 20, `${watched} readings`);
    assertEquals(counts.allocs - allocs, 0, "allocations while watched");
    assert(cost < 0.01, `learned y = 2x₀ − x₁ + ½: cost ${cost}`);
    x[Symbol.dispose]();
    y[Symbol.dispose]();
  });

  Deno.test(`[${label}] schedules return a cost per stretch; progress reports every N epochs`, async () => {
    const f = await make();
    const { x, y } = linearTask(f, 32);
    using net = init_(inferenceNetwork(f, 2, [fullyConnected(1, "linear")]), { seed: 3 });
    using t = trainingNetwork(net, x);
    const seen: [number, number][] = [];
    const costs = await sgd(t, y, quadraticCost_, [[10, 0.1], [0, 0.1], [30, 0.05]], {
      progress: 10,
      onProgress: (e, c) => seen.push([e, c]),
    });
    assertEquals(costs.length, 3);
    assert(Number.isNaN(costs[1]), "an empty stretch has no cost");
    assert(costs[2] < costs[0], `the cost falls: ${costs}`);
    assertEquals(seen.map(([e]) => e), [10, 20, 30, 40]);
    assert(Math.abs(seen[3][1] - costs[2]) < 1e-6, "the last report is the final cost");
    using probe = ge(f, 2, 32);
    transfer_(x, probe);
    using out = await transfer(infer(net, probe));
    assertEquals([out.m, out.n], [1, 32]);
    x[Symbol.dispose]();
    y[Symbol.dispose]();
  });
}

Deno.test("sgd and trainingNetwork refuse bad shapes and released networks", () => {
  using net = inferenceNetwork(jsDouble, 2, [
    fullyConnected(3, "tanh"),
    fullyConnected(1, "linear"),
  ]);
  using x = ge(jsDouble, 2, 5),
    bad = ge(jsDouble, 3, 5),
    y = ge(jsDouble, 1, 5),
    y2 = ge(jsDouble, 2, 5);
  assertThrows(
    () => trainingNetwork(net, bad),
    RangeError,
    "trainingNetwork",
    "2 inputs",
    "matrix(3×5)",
  );
  using t = trainingNetwork(net, x);
  assertThrows(() => sgd(t, y2, quadraticCost_, 1, 0.1), RangeError, "sgd", "1×5", "matrix(2×5)");
  assertThrows(() => sgd(t, y, quadraticCost_, -1, 0.1), RangeError, "epochs");
  assertThrows(() => fullyConnected(3, "swish" as "tanh"), TypeError, "unknown activation");
  assertThrows(() => inferenceNetwork(jsDouble, 2, []), RangeError, "at least one layer");
  using xf = ge(jsFloat, 2, 5);
  assertThrows(() => trainingNetwork(net, xf), TypeError, "different factories");
  const gone = inferenceNetwork(jsDouble, 2, [fullyConnected(1, "linear")]);
  const tg = trainingNetwork(gone, x);
  gone[Symbol.dispose]();
  assertThrows(() => sgd(tg, y, quadraticCost_, 1, 0.1), KnapError, "released");
  assertThrows(() => infer(gone, x), KnapError, "infer", "released");
});

Deno.test("init_ methods scale the weights as documented", () => {
  for (
    const [method, sigma] of [["small", 1 / 20], ["xavier", Math.sqrt(2 / 800)], [
      "he",
      Math.sqrt(2 / 400),
    ]] as const
  ) {
    using net = init_(inferenceNetwork(jsDouble, 400, [fullyConnected(400, "relu")]), {
      method,
      seed: 1,
    });
    const w = Array.from(net.layers[0].weights.toArray());
    const sd = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
    assert(Math.abs(sd / sigma - 1) < 0.02, `${method}: deviation ${sd}, expected ${sigma}`);
    entry_(net.layers[0].bias, 0);
  }
});

Deno.test("trainingCurveSvg draws a polyline through the points on a log axis", () => {
  const svg = trainingCurveSvg([[1, 1], [10, 0.1], [100, 0.01]], { title: "a <test>" });
  assert(svg.startsWith("<svg") && svg.trimEnd().endsWith("</svg>"), "an SVG document");
  assert(svg.includes("a &#60;test&#62;"), "the title is escaped");
  const points = svg.match(/points="([^"]+)"/)![1].split(" ");
  assertEquals(points.length, 3);
  const ys = points.map((p) => Number(p.split(",")[1]));
  assert(ys[0] < ys[1] && ys[1] < ys[2], "lower cost draws lower");
});

Deno.test("computeGradients then update is backward's step, bit for bit; both need an optimizer", async () => {
  const { adam, gradientDescent, momentum } = await import("../../lib/nn/mod.ts");
  for (const optimizer of [adam(), momentum()]) {
    using x = randUniform_(ge(jsDouble, 3, 10), { seed: 2 });
    using y = randUniform_(ge(jsDouble, 2, 10), { seed: 3 });
    const run = (split: boolean) => {
      using net = init_(
        inferenceNetwork(jsDouble, 3, [
          fullyConnected(5, "sigmoid", { dropout: 0.3 }),
          fullyConnected(2, "linear"),
        ]),
        { seed: 1 },
      );
      using t = trainingNetwork(net, x, optimizer, { seed: 4 });
      for (let step = 0; step < 3; step++) {
        if (!split) {
          t.step(quadraticCost_, y, 0.05, false);
          continue;
        }
        t.forward();
        t.outputError(quadraticCost_, y);
        t.computeGradients();
        t.update(0.05);
      }
      assertEquals(t.gradients.length, 4);
      return net.layers.flatMap((l) => [...l.weights.toArray(), ...l.bias.toArray()]);
    };
    assertEquals(run(true), run(false));
  }
  using net = inferenceNetwork(jsDouble, 1, [fullyConnected(1, "linear")]);
  using x = ge(jsDouble, 1, 2);
  using plain = trainingNetwork(net, x);
  assertEquals(plain.gradients.length, 0);
  assertThrows(() => plain.computeGradients(), TypeError, "computeGradients: gradients are kept");
  assertThrows(() => plain.update(0.1), TypeError, "update: gradients are kept only with");
  using kept = trainingNetwork(net, x, gradientDescent());
  assertThrows(() => kept.update(NaN), RangeError, "update: eta must be finite, got NaN");
});

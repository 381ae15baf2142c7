/**
 * Tensor networks: on chapter 14's regression a tensor network computes exactly the matrix
 * network's numbers from the same initial weights, on every engine; inputs in any layout whose
 * samples are contiguous work; shapes that do not fit are refused naming both.
 */
import {
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  jsFloat,
  randUniform_,
  type Tensor,
  tensor,
  toArray,
  transfer,
  transformer,
} from "../../mod.ts";
import { dense, infer, init_, load, network, save, train } from "../../lib/dnn/mod.ts";
import { expectations, fixtures, fixturesPresent } from "../data/_fixtures.ts";
import {
  adam,
  categoricalCrossentropyCost_,
  fullyConnected,
  infer as inferMatrix,
  inferenceNetwork,
  init_ as initMatrix,
  quadraticCost_,
} from "../../lib/nn/mod.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import { learningFactories } from "../nn/_factories.ts";

/** n samples of chapter 14's function of four inputs in [0, 1), as host arrays (sample-major). */
function regression(n: number): { x: number[]; y: number[] } {
  using h = randUniform_(ge(jsDouble, 4, n), { seed: 5 });
  const x = Array.from(toArray(h));
  const y = Array.from(
    { length: n },
    (_, j) =>
      Math.sin(x[4 * j]) + Math.cos(x[4 * j + 1]) + Math.tanh(x[4 * j + 2]) + x[4 * j + 3] ** 2,
  );
  return { x, y };
}

async function hostValues(t: Tensor | GEMatrix): Promise<number[]> {
  if ("shape" in t) {
    using h = tensor(jsDouble, t.shape);
    await transformer(t, h).run();
    return Array.from(h.toArray());
  }
  using h = await transfer(jsDouble, t);
  return Array.from(toArray(h));
}

for (const make of learningFactories()) {
  const f: Factory = await make();
  Deno.test(`tensor network: chapter 14 gives the matrix network's numbers (${f.name})`, async () => {
    const { x, y } = regression(256);
    const specs = [dense(8, "sigmoid"), dense(8, "tanh"), dense(1, "linear")];
    const options = { batch: 32, eta: 0.03, optimizer: adam(), seed: 4, quiet: true };
    using tnet = init_(network(f, [256, 4], specs), { seed: 3 });
    using tx = tensor(f, [256, 4], "nc", x);
    using ty = tensor(f, [256, 1], "nc", y);
    const tcost = await train(tnet, tx, ty, quadraticCost_, 20, options);
    using mnet = initMatrix(
      inferenceNetwork(f, 4, [
        fullyConnected(8, "sigmoid"),
        fullyConnected(8, "tanh"),
        fullyConnected(1, "linear"),
      ]),
      { seed: 3 },
    );
    using mx = transfer(f, ge(jsDouble, 4, 256, x));
    using my = transfer(f, ge(jsDouble, 1, 256, y));
    const mcost = await train(mnet, mx as GEMatrix, my as GEMatrix, quadraticCost_, 20, options);
    assertEquals(tcost, mcost, "cost");
    assert(tcost < 0.05, `it learns: cost ${tcost}`);
    const tout = await hostValues(infer(tnet, tx));
    const mout = await hostValues(inferMatrix(mnet, mx as GEMatrix));
    assertEquals(tout, mout, "outputs");
  });
}

Deno.test("tensor network: images in nchw, targets with samples innermost, and refusals", () => {
  using net = init_(network(jsDouble, [3, 1, 2, 2], [dense(2, "softmax")]), { seed: 1 });
  using x = tensor(jsDouble, [3, 1, 2, 2], "nchw", Array.from({ length: 12 }, (_, i) => i / 12));
  using y = tensor(jsDouble, [3, 2], "cn", [1, 0, 1, 0, 1, 0]);
  const out = infer(net, x);
  assertEquals(out.shape, [3, 2]);
  assertEquals(out.layout, "nc");
  const p = Array.from(out.toArray());
  for (let j = 0; j < 3; j++) assert(Math.abs(p[2 * j] + p[2 * j + 1] - 1) < 1e-12, `sample ${j}`);
  using wrong = tensor(jsDouble, [3, 4]);
  assertThrows(() => infer(net, wrong), RangeError, "samples [1, 2, 2]", "[3, 4]");
  using nhwc = tensor(jsDouble, [3, 2, 2, 1], "nhwc");
  assertThrows(() => infer(net, nhwc), RangeError, "samples [1, 2, 2]");
  using y3 = tensor(jsDouble, [2, 2]);
  assertThrows(
    () => train(net, x, y3, quadraticCost_, 1, { batch: 3, eta: 0.1 }),
    RangeError,
    "y must be [3, 2]",
  );
  assertThrows(() => network(jsDouble, [4], [dense(1, "linear")]), RangeError, "batch dimension");
  const c = train(net, x, y, categoricalCrossentropyCost_, 3, { batch: 3, eta: 0.5, quiet: true });
  assert(Number.isFinite(c) && c < Math.LN2, `targets with samples innermost train: ${c}`);
});

Deno.test({
  name: fixturesPresent
    ? "tensor network: PyTorch's 4-8-1 file loads and computes PyTorch's outputs; save round-trips"
    : "tensor network safetensors skipped: ../shared/fixtures is absent",
  ignore: !fixturesPresent,
  async fn() {
    const { inputs, outputs } = (await expectations())["mlp_4_8_1_f32.safetensors"].inference;
    const specs = [dense(8, "tanh"), dense(1, "linear")];
    using net = await load(
      network(jsFloat, [3, 4], specs),
      new URL("mlp_4_8_1_f32.safetensors", fixtures),
    );
    using x = tensor(jsFloat, [3, 4], "nc", inputs.flat());
    const y = Array.from(infer(net, x).toArray());
    y.forEach((v, i) => assert(Math.abs(v - outputs[i]) < 2e-6, `output ${i}: ${v}`));
    const path = await Deno.makeTempFile({ suffix: ".safetensors" });
    try {
      await save(net, path, { metadata: { architecture: "4-8-1 tanh linear", format: "pt" } });
      const mine = await Deno.readFile(path);
      const theirs = await Deno.readFile(new URL("mlp_4_8_1_f32.safetensors", fixtures));
      assert(mine.length === theirs.length && mine.every((b, i) => b === theirs[i]), "bytes");
    } finally {
      await Deno.remove(path);
    }
  },
});

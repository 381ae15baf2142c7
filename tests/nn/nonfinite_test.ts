/**
 * Training that turns to NaN or ∞ stops with an error naming the epoch, on every engine, and
 * a NaN cost is reported as NaN — never as 0 — when the check is turned off.
 */
import { assert } from "../conformance/assert.ts";
import {
  entry_,
  type Factory,
  ge,
  jsDouble,
  KnapError,
  randUniform_,
  transfer,
} from "../../mod.ts";
import { learningFactories } from "./_factories.ts";
import {
  fullyConnected,
  inferenceNetwork,
  init_,
  quadraticCost_,
  sgd,
  sigmoidCrossentropyCost_,
  train,
  trainingNetwork,
} from "../../lib/nn/mod.ts";

async function rejects(run: () => unknown, ...fragments: string[]): Promise<void> {
  try {
    await run();
  } catch (e) {
    assert(e instanceof KnapError && e.code === "non-finite-cost", `got ${String(e)}`);
    for (const f of fragments) assert(e.message.includes(f), `"${e.message}" lacks "${f}"`);
    return;
  }
  throw new Error("training went on");
}

/** 2 inputs × 16 samples on f, one of them NaN when `poison`. */
async function data(f: Factory, poison: boolean) {
  using hx = randUniform_(ge(jsDouble, 2, 16), { lo: -1, hi: 1, seed: 5 });
  if (poison) entry_(hx, 1, 7, NaN);
  const x = await transfer(f, hx), y = ge(f, 1, 16);
  entry_(y, 0.5);
  return { x, y };
}

for (const make of learningFactories()) {
  const label = (await make()).name;
  Deno.test(`[${label}] a NaN in the data stops sgd at epoch 1; unchecked, the cost is NaN`, async () => {
    const f = await make();
    const { x, y } = await data(f, true);
    using net = init_(
      inferenceNetwork(f, 2, [fullyConnected(4, "relu"), fullyConnected(1, "sigmoid")]),
      { seed: 1 },
    );
    using t = trainingNetwork(net, x);
    await rejects(() => sgd(t, y, quadraticCost_, 50, 0.1), "sgd", "NaN", "epoch 1 of 50");
    const cost = await sgd(t, y, quadraticCost_, 3, 0.1, { checkFinite: false });
    assert(Number.isNaN(cost), `a NaN-poisoned cost reads ${cost}, not NaN`);
    const ce = await sgd(t, y, sigmoidCrossentropyCost_, 1, 0.1, { checkFinite: false });
    assert(Number.isNaN(ce), `cross-entropy of a NaN output reads ${ce}`);
    await rejects(
      () => train(net, x, y, quadraticCost_, 5, { batch: 16, eta: 0.1 }),
      "train",
      "epoch 1",
    );
    x[Symbol.dispose]();
    y[Symbol.dispose]();
  });

  Deno.test(`[${label}] a learning rate that blows up stops training at the epoch it does`, async () => {
    const f = await make();
    const { x, y } = await data(f, false);
    using net = init_(inferenceNetwork(f, 2, [fullyConnected(1, "linear")]), { seed: 1 });
    using t = trainingNetwork(net, x);
    await rejects(() => sgd(t, y, quadraticCost_, 400, 1e6), "sgd", "epoch", "η = 1000000");
    x[Symbol.dispose]();
    y[Symbol.dispose]();
  });
}

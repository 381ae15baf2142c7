/**
 * Hyperparameters that cannot train are refused when given, naming the function and the value —
 * not discovered as NaN epochs later — and every seed in [0, 2⁵³) trains.
 */
import { assert, assertThrows } from "../conformance/assert.ts";
import { dge } from "../../mod.ts";
import {
  adam,
  fullyConnected,
  gradientDescent,
  inferenceNetwork,
  init_,
  momentum,
  quadraticCost_,
  rmsprop,
  sgd,
  train,
  trainingNetwork,
} from "../../lib/nn/mod.ts";
import { defaultDouble } from "../../mod.ts";
import { loadImdb } from "../../lib/data/mod.ts";
import { derivedSeed } from "../../lib/core/seeded.ts";

Deno.test("optimizers refuse hyperparameters that cannot train", () => {
  assertThrows(() => adam({ beta1: 1 }), RangeError, "adam", "beta1", "[0, 1)", "1");
  assertThrows(() => adam({ beta2: -0.1 }), RangeError, "adam", "beta2");
  assertThrows(() => adam({ epsilon: 0 }), RangeError, "adam", "epsilon", "0");
  assertThrows(() => adam({ weightDecay: NaN }), RangeError, "adam", "weightDecay");
  assertThrows(() => rmsprop({ epsilon: 0 }), RangeError, "rmsprop", "epsilon");
  assertThrows(() => rmsprop({ rho: 1.5 }), RangeError, "rmsprop", "rho");
  assertThrows(() => momentum({ mu: 1 }), RangeError, "momentum", "mu");
  assertThrows(() => gradientDescent({ weightDecay: -1 }), RangeError, "weightDecay", "-1");
  assertThrows(() => adam({ beta1: Infinity }), RangeError, "adam", "beta1", "finite");
});

Deno.test("learning rates and seeds outside what training takes are refused up front", async () => {
  using net = init_(inferenceNetwork(defaultDouble(), 1, [fullyConnected(1, "linear")]), {
    seed: 1,
  });
  using x = dge(1, 4, [0, 1, 2, 3]), y = dge(1, 4, [1, 3, 5, 7]);
  using t = trainingNetwork(net, x);
  for (const eta of [NaN, Infinity, -0.1]) {
    assertThrows(() => sgd(t, y, quadraticCost_, 1, eta), RangeError, "sgd", "eta");
    assertThrows(
      () => train(net, x, y, quadraticCost_, 1, { batch: 2, eta }),
      RangeError,
      "train",
      "eta",
    );
  }
  assertThrows(() => sgd(t, y, quadraticCost_, [[1, 0.1], [1, NaN]]), RangeError, "sgd", "eta");
  for (const seed of [-1, 1.5, 2 ** 53]) {
    assertThrows(() => init_(net, { seed }), RangeError, "init_", "seed");
    assertThrows(() => trainingNetwork(net, x, undefined, { seed }), RangeError, "trainingNetwork");
    assertThrows(
      () => train(net, x, y, quadraticCost_, 1, { batch: 2, eta: 0.1, seed }),
      RangeError,
      "train",
      "seed",
    );
    let caught: unknown;
    await loadImdb("unused.csv", { seed }).catch((e) => (caught = e));
    assert(caught instanceof RangeError && caught.message.includes("loadImdb"), String(caught));
  }
});

Deno.test("any seed in [0, 2⁵³) trains with dropout: Date.now() no longer fails mid-training", () => {
  for (const seed of [Date.now(), 2 ** 53 - 1]) {
    using net = init_(
      inferenceNetwork(defaultDouble(), 2, [
        fullyConnected(8, "relu", { dropout: 0.5 }),
        fullyConnected(1, "linear"),
      ]),
      { seed },
    );
    using x = dge(2, 6, [0, 1, 1, 0, 1, 1, 0, 0, 2, 1, 1, 2]), y = dge(1, 6, [1, 1, 2, 0, 3, 3]);
    const cost = train(net, x, y, quadraticCost_, 50, { batch: 3, eta: 0.01, seed });
    assert(Number.isFinite(cost), `seed ${seed}: cost ${cost}`);
  }
});

Deno.test("derived seeds equal seed · multiplier + k while that fits, and wrap exactly after", () => {
  assert(derivedSeed(3, 1000, 2) === 3002, "init_'s layer seeds are unchanged");
  assert(derivedSeed(7, 1_000_003, 5) === 7_000_026, "dropout's mask seeds are unchanged");
  const big = derivedSeed(2 ** 53 - 1, 1_000_003, 0);
  assert(Number.isSafeInteger(big) && big >= 0, `wraps into [0, 2^53): ${big}`);
  assert(derivedSeed(0, 5, 2 ** 53 - 1) === 2 ** 53 - 1, "the top of the range");
});

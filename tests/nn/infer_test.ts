/** infer keeps the buffers of a few batch sizes, not one set per size ever used. */
import { assert, assertThrows } from "../conformance/assert.ts";
import { entry_, ge, KnapError, transfer } from "../../mod.ts";
import { deferredFloat, deviceStats } from "../engines/deferred_engine.ts";
import { fullyConnected, infer, inferenceNetwork, init_ } from "../../lib/nn/mod.ts";

Deno.test("infer over 1000 batch sizes holds the buffers of four", async () => {
  using net = init_(
    inferenceNetwork(deferredFloat, 3, [fullyConnected(8, "tanh"), fullyConnected(2, "linear")]),
    { seed: 1 },
  );
  const live = () => deviceStats.allocs - deviceStats.frees;
  const before = live();
  let first;
  for (let n = 1; n <= 1000; n++) {
    using x = entry_(ge(deferredFloat, 3, n), 0.5);
    const y = infer(net, x);
    if (n === 1) first = y;
    else if (n === 2) {
      using back = await transfer(first!);
      assert(back.n === 1, "a recent size's output is still there");
    }
    // Four sizes of ones and two outputs each, and x itself.
    assert(live() - before <= 4 * 3 + 1, `${live() - before} buffers live after ${n} sizes`);
  }
  assertThrows(() => transfer(first!), KnapError, "owner was released");
});

/** Batchers, shuffles and connectors on every engine, against the samples they should copy. */
import { batcher, connector, desc, jsDouble, jsFloat, shuffle_, tensor } from "../../mod.ts";
import { iota, valuesOf } from "./_values.ts";
import { assertEquals, assertThrows } from "../conformance/assert.ts";
import { allFactories } from "../_factories.ts";

for (const f of await allFactories()) {
  Deno.test(`batcher, shuffle_ and connector move whole samples (${f.name})`, async () => {
    // Ten samples of 2×3 images in nchw; batches of 4 in nhwc on the same factory and on js.
    const data = iota(10 * 6);
    using x = tensor(f, [10, 1, 2, 3], "nchw", data);
    using y = tensor(f, [4, 1, 2, 3], "nhwc");
    const b = batcher(x, y);
    await b.run(6);
    assertEquals(await valuesOf(y), data.slice(36, 60));
    await b.run(0);
    assertEquals(await valuesOf(y), data.slice(0, 24));
    using h = tensor(jsDouble, [4, 1, 2, 3]);
    await batcher(x, h, 2).run(3, 1);
    assertEquals(Array.from(h.toArray()).slice(6, 18), data.slice(18, 30));
    assertThrows(() => b.run(7), RangeError, "do not fit");
    await shuffle_(x, [9, 0, 4], y);
    assertEquals((await valuesOf(y)).slice(0, 18), [
      ...data.slice(54, 60),
      ...data.slice(0, 6),
      ...data.slice(24, 30),
    ]);
    // The same layout on the same factory: one gather of whole samples.
    using z = tensor(f, [4, 1, 2, 3], "nchw");
    await shuffle_(x, [9, 0, 4], z);
    assertEquals(await valuesOf(z), [
      ...data.slice(54, 60),
      ...data.slice(0, 6),
      ...data.slice(24, 30),
      ...new Array(6).fill(0),
    ]);
    using c = connector(x, desc([10, 1, 2, 3], f.dtype, "nhwc"));
    await c.run();
    assertEquals(await valuesOf(c.output), data);
    using same = connector(x, x.desc);
    assertEquals(same.output === x && !same.copies, true);
  });
}

Deno.test("batching refuses samples that do not match", async () => {
  using x = tensor(jsFloat, [4, 3]);
  using y = tensor(jsFloat, [2, 4]);
  assertThrows(() => batcher(x, y), RangeError, "samples of x are [3]", "[4]");
  using z = tensor(jsFloat, [2, 3]);
  assertThrows(() => batcher(x, z, 3), RangeError, "a batch of 3");
  let refused = "";
  try {
    await shuffle_(x, [0, 4], z);
  } catch (e) {
    refused = String(e);
  }
  assertEquals(refused.includes("index 1 is 4"), true);
  assertThrows(() => connector(x, desc([4, 3], "float64")), RangeError, "float64");
});

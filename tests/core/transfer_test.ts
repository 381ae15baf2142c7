import { assert, assertEquals } from "../conformance/assert.ts";
import * as k from "../../mod.ts";

Deno.test("transfer_ copies between factories and dtypes, into strided views, and returns dst", () => {
  using x = k.dge(2, 3, [1, 2, 3, 4, 5, 6]);
  using y = k.ge(k.jsFloat, 3, 2, undefined, { layout: "row" });
  const t = k.trans(y);
  assert(k.transfer_(x, t) === t, "returns dst");
  assertEquals([...k.toArray(y)], [1, 2, 3, 4, 5, 6]);
  using z = k.transfer(k.jsDouble, k.row(x, 1));
  assertEquals([...z], [2, 4, 6]);
  assert(z.factory === k.jsDouble, "on the requested factory");
  using w = k.transfer(y);
  assert(w.factory === k.defaultFloat() && w.layout === "row", "default target, same layout");
});

Deno.test("synchronize resolves on host engines", async () => {
  await k.synchronize(k.nativeDouble);
});

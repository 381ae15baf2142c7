import { deferredDouble, deferredFloat, deviceStats } from "./deferred_engine.ts";
import { blasConformance } from "../conformance/blas.ts";
import { mathConformance } from "../conformance/math.ts";
import { errorConformance } from "../conformance/errors.ts";
import { randomConformance } from "../conformance/random.ts";
import { aliasingConformance } from "../conformance/aliasing.ts";
import { nanConformance } from "../conformance/nan.ts";
import { assert, assertThrows } from "../conformance/assert.ts";
import * as k from "../../mod.ts";

for (const [f, other] of [[deferredFloat, deferredDouble], [deferredDouble, deferredFloat]]) {
  blasConformance(f);
  mathConformance(f);
  errorConformance(f, other);
  randomConformance(f);
  aliasingConformance(f);
  nanConformance(f);
}

Deno.test("[deferred] host access to device memory is a TypeError pointing at transfer", async () => {
  using x = k.vctr(deferredFloat, [1, 2]);
  using a = k.ge(deferredFloat, 2, 2);
  const host = x as unknown as k.Vector<"host">;
  assertThrows(() => k.entry(host, 0), TypeError, "entry", "transfer");
  assertThrows(() => k.entry_(host, 0, 1), TypeError, "entry_", "transfer");
  assertThrows(() => host.toArray(), TypeError, "toArray", "transfer");
  assertThrows(() => [...host], TypeError, "transfer");
  assert(Deno.inspect(a).includes("await transfer"), "printing says how to read it");
  k.entry_(x, 5); // filling is a device op, so it works
  assert((await k.transfer(x)).toArray().join() === "5,5", "filled");
  assert((await k.dot(x, x)) === 50, "scalars arrive as promises");
});

Deno.test("[deferred] every owner is freed once; views and double releases free nothing", () => {
  const before = { ...deviceStats };
  {
    using x = k.vctr(deferredDouble, 10);
    using _v = k.subvector(x, 0, 3);
    using a = k.ge(deferredDouble, 3, 3);
    using _t = k.trans(a);
    x[Symbol.dispose]();
  }
  assert(deviceStats.allocs - before.allocs === 2, "two owners allocated");
  assert(
    deviceStats.frees - before.frees === 2,
    `two frees, got ${deviceStats.frees - before.frees}`,
  );
});

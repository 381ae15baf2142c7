/** The host engine registry: the defaults are the best-ranked engine that runs here. */
import {
  defaultDouble,
  defaultFloat,
  jsDouble,
  jsFloat,
  nativeAvailability,
  nativeDouble,
  nativeFloat,
} from "../../mod.ts";
import { hostEngines, registerHostEngine } from "../../lib/engine/mod.ts";
import { EngineFactory } from "../../lib/core/factory.ts";
import { jsEngine } from "../../lib/engines/js/engine.ts";
import { assertEquals, assertThrows } from "../conformance/assert.ts";

Deno.test("the defaults follow the registry's ranks and each engine's availability", () => {
  const native = nativeAvailability().available;
  assertEquals(hostEngines().map((e) => e.name), ["native", "js"]);
  assertEquals(defaultFloat(), native ? nativeFloat : jsFloat);
  assertEquals(defaultDouble(), native ? nativeDouble : jsDouble);
  const float = new EngineFactory("mineFloat", "float32", "host", jsEngine);
  const double = new EngineFactory("mineDouble", "float64", "host", jsEngine);
  let runs = true;
  const remove = registerHostEngine({
    name: "mine",
    rank: 20,
    float,
    double,
    availability: () => runs ? { available: true } : { available: false, reason: "off" },
  });
  assertEquals([defaultFloat().name, defaultDouble().name], ["mineFloat", "mineDouble"]);
  runs = false;
  assertEquals(defaultFloat(), native ? nativeFloat : jsFloat);
  remove();
  assertEquals(hostEngines().map((e) => e.name), ["native", "js"]);
  // Replacing an engine by name, then removing the replacement, brings the first back.
  const back = registerHostEngine({
    name: "native",
    rank: -1,
    float,
    double,
    availability: () => ({ available: true }),
  });
  assertEquals(defaultFloat(), jsFloat);
  back();
  assertEquals(defaultFloat(), native ? nativeFloat : jsFloat);
  assertThrows(
    () =>
      registerHostEngine({
        name: "js",
        rank: 1,
        float,
        double,
        availability: () => ({ available: true }),
      }),
    TypeError,
    "built in",
  );
  assertThrows(
    () =>
      registerHostEngine({
        name: "x",
        rank: NaN,
        float,
        double,
        availability: () => ({ available: true }),
      }),
    RangeError,
    "rank",
  );
});

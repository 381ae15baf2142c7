/**
 * What every engine's test file runs: all the conformance suites on a factory, and — where the
 * engine is missing — a failing test when CI requires it (`KNAP_REQUIRE_ENGINES`), else a skipped
 * one that says why.
 */
import type { Factory } from "../../mod.ts";
import { blasConformance } from "./blas.ts";
import { mathConformance } from "./math.ts";
import { errorConformance } from "./errors.ts";
import { randomConformance } from "./random.ts";
import { aliasingConformance } from "./aliasing.ts";
import { nanConformance } from "./nan.ts";

/** Every conformance suite on f; `other` is a factory of another engine for the mixing errors. */
export function allConformance(f: Factory, other: Factory): void {
  blasConformance(f);
  mathConformance(f);
  errorConformance(f, other);
  randomConformance(f);
  aliasingConformance(f);
  nanConformance(f);
}

/** For an engine that is not here: a failure when CI requires it, else a skip naming the reason. */
export function missingEngine(engine: string, reason: string): void {
  if ((Deno.env.get("KNAP_REQUIRE_ENGINES") ?? "").split(",").includes(engine)) {
    Deno.test(`[${engine}] required by KNAP_REQUIRE_ENGINES but unavailable`, () => {
      throw new Error(reason);
    });
  } else {
    Deno.test({ name: `[${engine}] skipped: ${reason}`, ignore: true, fn() {} });
  }
}

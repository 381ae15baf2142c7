/**
 * The registry of host engines: each registers its shared float32 and float64 factories with
 * a rank and a test of whether it runs here, and the defaults are the best-ranked that does.
 * The js engine is always present at rank 0; the native engine registers itself above it. An
 * engine added later (a faster CPU library, one of a user's own) registers the same way, and
 * `defaultFloat()`, `defaultDouble()` and the shortcuts `dv`, `fv`, `dge`, `fge` pick it up.
 *
 * @module
 */

import type { Factory } from "../core/factory.ts";
import type { DType } from "../core/types.ts";
import { jsDouble, jsFloat } from "./js/mod.ts";
import { envReadable, envVar } from "../core/env.ts";
import { deno } from "../core/runtime.ts";

/** One library an engine loads: whether it did, and its version or why not. */
export interface LibraryState {
  /** The library: "OpenBLAS", "oneDNN". */
  readonly name: string;
  /** Whether it loaded. */
  readonly loaded: boolean;
  /** Its version or build where it loaded, why not where it did not. */
  readonly detail: string;
}

/** Whether an engine runs on this machine, and if not, why; with its libraries, each apart. */
export type Availability =
  | { readonly available: true; readonly libraries?: readonly LibraryState[] }
  | {
    readonly available: false;
    readonly reason: string;
    readonly libraries?: readonly LibraryState[];
  };

/** A host engine's entry in the registry. */
export interface HostEngine {
  /** Its name, as its factories' engine reports it. */
  readonly name: string;
  /** Higher ranks are preferred as the default. */
  readonly rank: number;
  /** Its shared float32 factory. */
  readonly float: Factory<"host", "float32">;
  /** Its shared float64 factory. */
  readonly double: Factory<"host", "float64">;
  /** Whether it runs here; asked when a default is wanted, so loading stays lazy. */
  availability(): Availability;
}

const engines: HostEngine[] = [{
  name: "js",
  rank: 0,
  float: jsFloat,
  double: jsDouble,
  availability: () => ({ available: true }),
}];

/**
 * Registers a host engine (replacing one of the same name until it is removed); the defaults
 * then prefer it over lower-ranked engines wherever it runs. Returns a function that removes it.
 *
 * @example
 * ```ts
 * import { defaultFloat, jsDouble, jsFloat } from "@knap/knap";
 * import { registerHostEngine } from "@knap/knap/engine";
 * const remove = registerHostEngine({
 *   name: "mine", rank: 100, float: jsFloat, double: jsDouble,
 *   availability: () => ({ available: false, reason: "not on this machine" }),
 * });
 * if (defaultFloat().name === "mine") throw new Error("an engine that does not run is skipped");
 * remove();
 * ```
 */
export function registerHostEngine(engine: HostEngine): () => void {
  if (!Number.isFinite(engine.rank)) {
    throw new RangeError(`registerHostEngine: ${engine.name}'s rank must be finite`);
  }
  if (engine.name === "js" && engine.float !== jsFloat) {
    throw new TypeError("registerHostEngine: the js engine is built in; choose another name");
  }
  const at = engines.findIndex((e) => e.name === engine.name);
  const replaced = at >= 0 ? engines.splice(at, 1)[0] : undefined;
  engines.push(engine);
  engines.sort((a, b) => b.rank - a.rank);
  return () => {
    const i = engines.indexOf(engine);
    if (i < 0) return;
    engines.splice(i, 1);
    if (replaced !== undefined) registerHostEngine(replaced);
  };
}

/**
 * The registered host engines, best-ranked first.
 *
 * @example
 * ```ts
 * import { hostEngines } from "@knap/knap/engine";
 * if (hostEngines().at(-1)?.name !== "js") throw new Error("js is always there, last");
 * ```
 */
export function hostEngines(): readonly HostEngine[] {
  return [...engines];
}

let told = false;

/**
 * The best-ranked engine that runs here (the js engine always does). The first time a better
 * one does not, one line on stderr says which engine computes and why (`KNAP_QUIET=1` silences
 * it): a fallback 10–25× slower is not made silently.
 */
function best(): HostEngine {
  const chosen = engines.find((e) => e.availability().available) ?? engines[engines.length - 1];
  const passed = engines.slice(0, engines.indexOf(chosen));
  // A web page has no native engine to miss: js (or WebGPU, asked for apart) is what it has.
  if (!told && passed.length > 0 && deno() !== undefined) {
    told = true;
    if (envVar("KNAP_QUIET") !== "1") {
      const why = passed.map((e) => {
        const a = e.availability();
        return `the ${e.name} engine did not load: ${a.available ? "" : a.reason}`;
      });
      const quiet = envReadable("KNAP_QUIET") ? "" : " with --allow-env=KNAP_QUIET";
      console.error(
        `knap: computing on the ${chosen.name} engine (${why.join("; ")}). KNAP_QUIET=1${quiet} ` +
          "silences this; engines() lists every engine.",
      );
    }
  }
  return chosen;
}

/**
 * The best float32 host factory present: `nativeFloat` when its libraries load, else
 * `jsFloat` (or a registered engine ranked above them). Its `name` says which.
 *
 * @example
 * ```ts
 * import { defaultFloat } from "@knap/knap";
 * const f = defaultFloat();
 * console.log(`computing on ${f.name}`);
 * ```
 */
export function defaultFloat(): Factory<"host", "float32"> {
  return best().float;
}

/**
 * The best float64 host factory present: `nativeDouble` when its libraries load, else
 * `jsDouble` (or a registered engine ranked above them). Its `name` says which.
 *
 * @example
 * ```ts
 * import { defaultDouble } from "@knap/knap";
 * if (defaultDouble().dtype !== "float64") throw new Error("unexpected");
 * ```
 */
export function defaultDouble(): Factory<"host", "float64"> {
  return best().double;
}

/**
 * The js factory of a dtype (float32 for float32 and bfloat16): host memory every engine reads
 * into and writes from, always present — the staging of copies between engines, devices and
 * processes. Modules above the engines take it from here rather than import an engine.
 */
export function hostFactory(dtype: "float64"): Factory<"host", "float64">;
export function hostFactory(dtype: DType): Factory<"host", "float32" | "float64">;
export function hostFactory(dtype: DType): Factory<"host", "float32" | "float64"> {
  return dtype === "float64" ? jsDouble : jsFloat;
}

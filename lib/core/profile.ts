/**
 * The profiler's hooks: where engine calls are timed and where an engine says which route it
 * took. Every engine's methods are wrapped once, when a factory first holds the engine; while
 * no profile runs, a wrapper is one flag test before the method, and a route note is one flag
 * test (bench/profile.bench.ts measures both). The report lives in `lib/profile.ts`.
 *
 * Only outermost engine calls are recorded: an engine that calls another's table inside (the
 * native engine's js loops, a structured product's BLAS calls) counts as one call, whose route
 * the inner code names.
 *
 * @module
 */

import type { Engine } from "./engine.ts";
import { type ProfileEntry, profileTable } from "./profile_table.ts";
import { envVar } from "./env.ts";

export type { ProfileEntry } from "./profile_table.ts";

/** What a running profile collects. */
export interface ProfileCollector {
  /** Entries by engine, op and route. */
  readonly entries: Map<string, ProfileEntry>;
}

/** The hooks' state: `on` while a profile runs; `route` the innermost route of the current call. */
export const profiling: { on: boolean; route: string; depth: number } = {
  on: false,
  route: "",
  depth: 0,
};

const collectors: ProfileCollector[] = [];

/** Starts collecting into c (profiles nest: each sees every call made while it runs). */
export function startCollecting(c: ProfileCollector): void {
  collectors.push(c);
  profiling.on = true;
}

/** Stops collecting into c. */
export function stopCollecting(c: ProfileCollector): void {
  const i = collectors.indexOf(c);
  if (i >= 0) collectors.splice(i, 1);
  profiling.on = collectors.length > 0;
}

/**
 * Names the route the current engine call takes. Call it only under `if (profiling.on)`, so
 * that it costs a flag test when nothing is profiled; the innermost note wins.
 */
export function noteRoute(route: string): void {
  profiling.route = route;
}

function record(engine: string, op: string, route: string, ms: number): void {
  for (const c of collectors) {
    const key = `${engine}\u0000${op}\u0000${route}`;
    const e = c.entries.get(key);
    if (e) {
      e.calls++;
      e.ms += ms;
    } else c.entries.set(key, { engine, op, route, calls: 1, ms });
  }
}

// deno-lint-ignore no-explicit-any
type Method = (this: unknown, ...args: any[]) => unknown;

/** The route an engine's table takes where no inner code names one. */
const routes: Record<string, Record<string, string>> = {
  js: {},
  native: {
    blas: "OpenBLAS",
    math: "oneDNN eltwise",
    nn: "oneDNN",
    dnn: "oneDNN",
    structured: "OpenBLAS",
    linalg: "OpenBLAS LAPACK",
  },
  webgpu: {},
  opencl: { blas: "CLBlast" },
  cuda: { blas: "cuBLAS", dnn: "cuDNN" },
};

/** What an engine's calls are named by where no inner code names a route. */
function defaultRoute(engine: Engine, table: string): string {
  if (table === "memory" || table === "transfer" || table === "wait") return table;
  const route = routes[engine.name]?.[table];
  if (route !== undefined) return route;
  if (engine.name === "js") return "js loop";
  if (engine.location === "device") return `${engine.name} kernel`;
  return engine.name;
}

/** Runs m, timed when outermost; `label` names the call from its arguments. */
function timed(
  engine: string,
  route: string,
  label: string,
  m: Method,
  self: unknown,
  args: unknown[],
): unknown {
  if (profiling.depth > 0) {
    // Nested: an inner engine's code runs for the outer call; it names the route if none did.
    if (profiling.route === "") profiling.route = route;
    return Reflect.apply(m, self, args);
  }
  profiling.depth = 1;
  profiling.route = "";
  const start = performance.now();
  try {
    return Reflect.apply(m, self, args);
  } finally {
    const ms = performance.now() - start;
    profiling.depth = 0;
    record(engine, label, profiling.route || route, ms);
    profiling.route = "";
  }
}

const wrapped = new WeakSet<object>();
const originals = new WeakMap<object, Method>();

/** The method a profiler wrapper calls (itself for anything else): for the bench of its cost. */
export function unwrapped<F extends object>(f: F): F {
  return (originals.get(f) ?? f) as F;
}

/** The operation's label: the method, with the op or pass it was given. */
function labelOf(method: string, args: unknown[]): string {
  const first = args[0];
  if (method === "map") return `map ${(first as { name: string }).name}`;
  return typeof first === "string" ? `${method} ${first}` : method;
}

function wrapMethod(
  engine: Engine,
  table: string,
  method: string,
  m: Method,
  planner: boolean,
): Method {
  const name = engine.name, route = defaultRoute(engine, table);
  const w: Method = planner
    ? function (this: unknown, ...args: unknown[]) {
      const label = labelOf(method, args);
      const plan = profiling.on
        ? timed(name, route, `plan ${label}`, m, this, args)
        : Reflect.apply(m, this, args);
      if (typeof plan === "function") return plannedRun(name, route, label, plan as Method);
      // Plans made together (pooling's training pair): each timed under its own name.
      if (plan !== null && typeof plan === "object") {
        const each: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(plan)) {
          each[key] = typeof value === "function"
            ? plannedRun(name, route, `${label} ${key}`, value as Method)
            : value;
        }
        return each;
      }
      return plan;
    }
    : m.length <= 8
    ? function (
      this: unknown,
      a: unknown,
      b: unknown,
      c: unknown,
      d: unknown,
      e: unknown,
      f: unknown,
      g: unknown,
      h: unknown,
    ) {
      // Fixed arity: a rest parameter would cost an array per call (bench/profile.bench.ts).
      if (!profiling.on) return m.call(this, a, b, c, d, e, f, g, h);
      const args = [a, b, c, d, e, f, g, h].slice(0, Math.max(arguments.length, m.length));
      return timed(name, route, labelOf(method, args), m, this, args);
    }
    : function (this: unknown, ...args: unknown[]) {
      if (!profiling.on) return Reflect.apply(m, this, args);
      return timed(name, route, labelOf(method, args), m, this, args);
    };
  wrapped.add(w);
  originals.set(w, m);
  return w;
}

/** A plan that is timed whenever it runs under a profile, however long before it was made. */
function plannedRun(engine: string, route: string, label: string, plan: Method): Method {
  const run = function (this: unknown) {
    if (!profiling.on) return plan.call(this);
    return timed(engine, route, label, plan, this, []);
  };
  wrapped.add(run);
  return run;
}

/** Engine members that are method tables, and whether their methods return plans. */
const tables: readonly [keyof Engine, boolean][] = [
  ["blas", false],
  ["math", false],
  ["rng", false],
  ["nn", true],
  ["dnn", true],
  ["structured", true],
  ["linalg", false],
];

/** The engine's own methods worth timing, with what they do. */
const own: readonly [string, string][] = [
  ["alloc", "memory"],
  ["free", "memory"],
  ["write", "transfer"],
  ["read", "transfer"],
  ["synchronize", "wait"],
];

function wrapTable(
  engine: Engine,
  name: string,
  table: Record<string, unknown>,
  planner: boolean,
): void {
  if (wrapped.has(table)) return;
  wrapped.add(table);
  for (const key of Object.keys(table)) {
    const m = table[key];
    if (typeof m === "function" && !wrapped.has(m)) {
      table[key] = wrapMethod(engine, name, key, m as Method, planner);
    }
  }
}

/**
 * Wraps an engine's methods for the profiler, once; a factory calls it when it first holds the
 * engine. Tables another engine shares (the native engine reuses the js engine's random fills)
 * keep the first engine's name: that is the code that runs.
 */
export function instrumentEngine(engine: Engine): void {
  if (wrapped.has(engine)) return;
  wrapped.add(engine);
  const e = engine as unknown as Record<string, unknown>;
  for (const [key, what] of own) {
    const m = e[key];
    if (typeof m === "function" && !wrapped.has(m)) {
      e[key] = wrapMethod(engine, what, key, m as Method, false);
    }
  }
  for (const [key, planner] of tables) {
    const t = e[key];
    if (t !== null && typeof t === "object") {
      wrapTable(engine, key, t as Record<string, unknown>, planner);
    }
  }
}

/**
 * `KNAP_PROFILE=1`: the whole run is profiled from the first engine call, and the table goes to
 * stderr when the program ends. Read without prompting: a program run without `--allow-env`
 * is simply not profiled.
 */
function profileWholeRun(): void {
  const value = envVar("KNAP_PROFILE");
  if (value === undefined || value === "" || value === "0") return;
  const run: ProfileCollector = { entries: new Map() };
  const start = performance.now();
  startCollecting(run);
  globalThis.addEventListener("unload", () => {
    stopCollecting(run);
    console.error(profileTable([...run.entries.values()], performance.now() - start));
  });
}

profileWholeRun();

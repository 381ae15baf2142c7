/**
 * `profile(fn)`: where a piece of work spends its time, per engine operation and route.
 *
 * @module
 */

import {
  type ProfileCollector,
  type ProfileEntry,
  startCollecting,
  stopCollecting,
} from "./core/profile.ts";
import { profileTable } from "./core/profile_table.ts";

export type { ProfileEntry } from "./core/profile.ts";

/**
 * What {@linkcode profile} measured: the value the function returned, its wall time and one
 * entry per engine operation and route.
 */
export class ProfileReport<T> {
  /** What the profiled function returned (awaited, for an async one). */
  readonly value: T;
  /** The run's wall time in milliseconds. */
  readonly wallMs: number;
  /** One entry per engine, operation and route, the heaviest first. */
  readonly entries: readonly ProfileEntry[];

  /**
   * A report over what a run recorded; {@linkcode profile} makes it.
   *
   * @param value the function's result
   * @param wallMs its wall time
   * @param entries what the engines recorded
   */
  constructor(value: T, wallMs: number, entries: readonly ProfileEntry[]) {
    this.value = value;
    this.wallMs = wallMs;
    this.entries = [...entries].sort((a, b) => b.ms - a.ms);
  }

  /** Milliseconds inside engine calls; the rest of `wallMs` is the TypeScript between them. */
  get engineMs(): number {
    return this.entries.reduce((s, e) => s + e.ms, 0);
  }

  /**
   * The table `KNAP_PROFILE=1` prints: operation, engine, route, calls, total and mean time and
   * the share of the run, as `torch.profiler`'s `key_averages().table()` lays it out.
   */
  table(): string {
    return profileTable(this.entries, this.wallMs);
  }
}

/**
 * Runs `fn` and reports where its time went: every outermost engine call it made (a BLAS
 * product, an elementwise map, a oneDNN primitive or a plan a network made earlier), by
 * operation and by the route the engine took — `oneDNN matmul`, `OpenBLAS`, `js loop`, a
 * WebGPU queue — with calls, total and mean time and share, and the time spent in TypeScript
 * between calls. Set `KNAP_PROFILE=1` instead to profile a whole program and print the table
 * when it ends. Off, the profiler costs a flag test per engine call (bench/profile.bench.ts).
 *
 * On a device engine a call's time is the host's: queuing the work. The device's own time shows
 * in the calls that wait for it (`read`, `synchronize`). Calls that other code makes while an
 * async `fn` awaits are counted too.
 *
 * @example
 * ```ts
 * import { ge, mm, profile } from "@knap/knap";
 * import { jsFloat } from "@knap/knap/js";
 *
 * using a = ge(jsFloat, 64, 64), b = ge(jsFloat, 64, 64);
 * const report = profile(() => {
 *   for (let i = 0; i < 3; i++) mm(a, b)[Symbol.dispose]();
 * });
 * const gemm = report.entries.find((e) => e.op === "gemm")!;
 * if (gemm.calls !== 3 || gemm.route !== "js loop") throw new Error(report.table());
 * console.log(report.table());
 * ```
 *
 * @param fn the work to measure
 * @returns its value, the wall time and the entries
 */
export function profile<T>(fn: () => Promise<T>): Promise<ProfileReport<T>>;
/**
 * Runs `fn` and reports where its time went (see the async overload).
 *
 * @example
 * ```ts
 * import { fv, profile, sum } from "@knap/knap";
 *
 * const report = profile(() => sum(fv([1, 2, 3])));
 * console.log(report.value, report.table());
 * ```
 *
 * @param fn the work to measure
 * @returns its value, the wall time and the entries
 */
export function profile<T>(fn: () => T): ProfileReport<T>;
export function profile<T>(
  fn: () => T | Promise<T>,
): ProfileReport<T> | Promise<ProfileReport<T>> {
  const run: ProfileCollector = { entries: new Map() };
  const start = performance.now();
  const done = (value: T) => {
    stopCollecting(run);
    return new ProfileReport(value, performance.now() - start, [...run.entries.values()]);
  };
  startCollecting(run);
  let value: T | Promise<T>;
  try {
    value = fn();
  } catch (e) {
    stopCollecting(run);
    throw e;
  }
  if (value instanceof Promise) {
    return value.then(done, (e) => {
      stopCollecting(run);
      throw e;
    });
  }
  return done(value);
}

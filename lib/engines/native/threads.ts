/**
 * oneDNN's OpenMP threads on a CPU the program may share. Settings made before oneDNN loads,
 * each only where the user has not made it:
 *
 * - `OMP_WAIT_POLICY=PASSIVE`: a thread waiting for work sleeps instead of spinning. GNU OpenMP
 *   spins by default; beside two busy processes on two cores, spinning threads made chapter 14's
 *   training several times slower than idle (bench/contention.ts).
 * - `OMP_NUM_THREADS` from `KNAP_THREADS`, when given.
 *
 * Waking a sleeping thread costs microseconds, which a small call cannot repay (sleeping at once
 * cost chapter 14 most of its idle speed): a call over less work than {@linkcode threadRoute}
 * names runs on the calling thread alone (`omp_set_num_threads(1)`), a larger one on all of them.
 * With both, chapter 14 trains as fast as before when idle and nearly so beside two busy
 * processes; bench/contention.ts measures both sides.
 *
 * Setting a variable needs env permission; without it, libc's `setenv` does it (the FFI
 * permission the native engine has covers it), never overwriting the user's value.
 *
 * @module
 */

import { envReadable, envVar } from "../../core/env.ts";

/** Work below which a call runs on one thread: multiply-adds for products, entries otherwise. */
export const threadRoute: { products: number; entries: number } = {
  products: 1 << 24,
  entries: 1 << 18,
};

/** Sets an environment variable for the native libraries unless the user set it. */
function preset(name: string, value: string, overwrite = false): void {
  if (envReadable(name)) {
    if (overwrite || Deno.env.get(name) === undefined) Deno.env.set(name, value);
    return;
  }
  const libc = Deno.build.os === "darwin" ? "libSystem.B.dylib" : "libc.so.6";
  try {
    const lib = Deno.dlopen(libc, {
      setenv: { parameters: ["buffer", "buffer", "i32"], result: "i32" },
    });
    const c = (s: string) => new TextEncoder().encode(`${s}\0`);
    lib.symbols.setenv(c(name), c(value), overwrite ? 1 : 0);
    lib.close();
  } catch {
    // No libc under this name (Windows): the OpenMP runtime keeps its defaults.
  }
}

/** Called once, before oneDNN is opened. */
export function presetThreads(): void {
  preset("OMP_WAIT_POLICY", "PASSIVE");
  const threads = envVar("KNAP_THREADS");
  if (threads !== undefined && /^[1-9][0-9]*$/.test(threads)) {
    preset("OMP_NUM_THREADS", threads, true);
  }
}

/** Switches oneDNN's OpenMP pool between one thread and all of them, by the size of a call. */
export interface Threads {
  /** Before a call over `work` (multiply-adds or entries) against `limit`. */
  fit(work: number, limit: number): void;
}

const names: Partial<Record<typeof Deno.build.os, string[]>> = {
  linux: ["libgomp.so.1", "libiomp5.so", "libomp.so"],
  darwin: ["libomp.dylib", "libiomp5.dylib"],
};

/** The OpenMP runtime oneDNN uses (opened after it), or a no-op where none is found. */
export function openmpThreads(): Threads {
  for (const name of names[Deno.build.os] ?? []) {
    try {
      const { symbols } = Deno.dlopen(name, {
        omp_set_num_threads: { parameters: ["i32"], result: "void" },
        omp_get_max_threads: { parameters: [], result: "i32" },
      });
      const all = symbols.omp_get_max_threads();
      const set = symbols.omp_set_num_threads;
      let now = all;
      return {
        fit(work: number, limit: number): void {
          const want = work < limit ? 1 : all;
          if (want !== now) {
            set(want);
            now = want;
          }
        },
      };
    } catch {
      // not this runtime
    }
  }
  return { fit() {} };
}

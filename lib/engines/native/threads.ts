/**
 * oneDNN's OpenMP threads on a CPU the program may share. Settings made before oneDNN loads,
 * each only where the user has not made it:
 *
 * - A short spin: GNU OpenMP's `GOMP_SPINCOUNT=10000` (tens of microseconds), so a thread that
 *   finishes one call is still awake for the next a training step makes microseconds later, and
 *   asleep soon after. Both ends were measured: sleeping at once (`OMP_WAIT_POLICY=PASSIVE`, the
 *   setting before) cost an MNIST epoch 131–180 ms where the short spin takes 124, and a fused
 *   Adam step 455 µs where it takes 280, because waking a sleeping thread costs tens of
 *   microseconds per call; GNU's default spin (300,000) or `ACTIVE` (forever) keep spinning
 *   threads on cores that busy processes need, and beside two of them chapter 14 trained several
 *   times slower than idle. With 10,000, bench/contention.ts's loaded runs stay within 2.0× of
 *   idle (IMDB) and 0.93× (chapter 14). The LLVM and Intel runtimes, which count in
 *   milliseconds, sleep at once (`KMP_BLOCKTIME=0`).
 * - `OMP_NUM_THREADS` from `KNAP_THREADS`, when given.
 *
 * A call over less work than {@linkcode threadRoute} names runs on the calling thread alone
 * (`omp_set_num_threads(1)`), a larger one on all of them.
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

/** Whether the user set the variable (unknown without env permission: then assumed not). */
function userSet(name: string): boolean {
  return envReadable(name) && Deno.env.get(name) !== undefined;
}

/** Called once, before oneDNN is opened. */
export function presetThreads(): void {
  // A user's wait policy stands alone: no spin count to override it.
  if (!userSet("OMP_WAIT_POLICY")) {
    preset("GOMP_SPINCOUNT", "10000");
    preset("KMP_BLOCKTIME", "0");
  }
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

/**
 * The native engine's libraries, opened once on first use: importing knap opens nothing, so a
 * program that never touches the native factories needs no `--allow-ffi`.
 *
 * @module
 */

import { type OpenBLAS, openOpenBLAS } from "../../../ffi/openblas.ts";
import { type Lapack, openLapack } from "../../../ffi/lapack.ts";
import { type DNNL, openDNNL } from "../../../ffi/dnnl.ts";
import { envVar } from "../../core/env.ts";
import { KnapError } from "../../core/errors.ts";
import { openmpThreads, presetThreads, type Threads } from "./threads.ts";

/** Both libraries, open, and the switch of oneDNN's thread count. */
export interface NativeLibraries {
  readonly blas: OpenBLAS["symbols"];
  readonly dnnl: DNNL["symbols"];
  /** OpenBLAS's LAPACK (the same library, its Fortran symbols). */
  readonly lapack: Lapack["symbols"];
  readonly threads: Threads;
}

/** Runs both; throws one KnapError listing what failed when either does. */
function both<A, B>(a: () => A, b: () => B): [A, B] {
  let ra: A | undefined, rb: B | undefined;
  const failed: KnapError[] = [];
  try {
    ra = a();
  } catch (e) {
    failed.push(e as KnapError);
  }
  try {
    rb = b();
  } catch (e) {
    failed.push(e as KnapError);
  }
  if (failed.length === 1) throw failed[0];
  if (failed.length === 2) {
    throw new KnapError(failed.map((e) => e.message).join(" "), failed[0].code);
  }
  return [ra!, rb!];
}

let opened: NativeLibraries | undefined;
let failure: Error | undefined;

/** Opens OpenBLAS and oneDNN, or throws (the same error on every later call). */
export function nativeLibraries(): NativeLibraries {
  if (opened) return opened;
  if (failure) throw failure;
  try {
    // OpenMP reads its settings when it loads, with oneDNN: they are made first.
    presetThreads();
    // Both are tried, so a machine missing both hears of both at once.
    const [blas, dnnl] = both(() => openOpenBLAS().symbols, () => openDNNL().symbols);
    // Float work runs in oneDNN's OpenMP pool; OpenBLAS's own pool spinning on the same cores
    // slowed every float call next to it (Adam's updates 3.6×), so OpenBLAS gets one thread
    // unless the user asked otherwise (OPENBLAS_NUM_THREADS, or KNAP_OPENBLAS_THREADS).
    if (envVar("OPENBLAS_NUM_THREADS") === undefined) {
      blas.openblas_set_num_threads(Number(envVar("KNAP_OPENBLAS_THREADS") ?? 1));
    }
    opened = { blas, dnnl, lapack: openLapack().symbols, threads: openmpThreads() };
    return opened;
  } catch (e) {
    failure = e as Error;
    throw e;
  }
}

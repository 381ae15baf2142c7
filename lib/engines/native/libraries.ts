/**
 * The native engine's libraries, opened once on first use: importing knap opens nothing, so a
 * program that never touches the native factories needs no `--allow-ffi`.
 *
 * @module
 */

import { type OpenBLAS, openOpenBLAS } from "../../../ffi/openblas.ts";
import { type Lapack, openLapack } from "../../../ffi/lapack.ts";
import { type DNNL, openDNNL } from "../../../ffi/dnnl.ts";
import { envReadable, envVar } from "../../core/env.ts";
import { KnapError } from "../../core/errors.ts";
import { openmpThreads, presetThreads, type Threads } from "./threads.ts";
import { dnnlApi } from "./dnnl_api.ts";
import type { DnnlApi } from "./dnnl_spec.ts";

/** The opened libraries: OpenBLAS always, oneDNN where it loaded, and oneDNN's thread switch. */
export interface NativeLibraries {
  readonly blas: OpenBLAS["symbols"];
  /** oneDNN's symbols, where it loaded. */
  readonly dnnl?: DNNL["symbols"];
  /** oneDNN's primitives the same way on 2.x and 3.x, where it loaded. */
  readonly dnnlApi?: DnnlApi;
  /** Why oneDNN did not load, where it did not. */
  readonly dnnlMissing?: string;
  /** OpenBLAS's LAPACK (the same library, its Fortran symbols). */
  readonly lapack: Lapack["symbols"];
  readonly threads: Threads;
}

let opened: NativeLibraries | undefined;
let failure: Error | undefined;

/** Says once on stderr that the native engine runs without oneDNN, and how to get it. */
function warnMissing(): void {
  if (envVar("KNAP_QUIET") === "1") return;
  console.error(
    "knap: oneDNN did not load, so the native engine runs products on OpenBLAS and float32 " +
      "elementwise and DNN work on the js loops (nativeAvailability() says why). Get oneDNN " +
      "from your distribution (libdnnl2 or libdnnl3, onednn) or set KNAP_DNNL; KNAP_QUIET=1" +
      `${envReadable("KNAP_QUIET") ? "" : " with --allow-env=KNAP_QUIET"} silences this.`,
  );
}

/**
 * Opens OpenBLAS (its BLAS and LAPACK) and oneDNN. Without OpenBLAS it throws (the same error
 * on every later call); without oneDNN the engine still opens, on OpenBLAS alone.
 */
export function nativeLibraries(): NativeLibraries {
  if (opened) return opened;
  if (failure) throw failure;
  try {
    // OpenMP reads its settings when it loads, with oneDNN: they are made first.
    presetThreads();
    const blas = openOpenBLAS().symbols;
    let dnnl: DNNL["symbols"] | undefined, dnnlMissing: string | undefined;
    try {
      dnnl = openDNNL().symbols;
    } catch (e) {
      if (e instanceof KnapError && e.code === "permission") throw e;
      dnnlMissing = (e as Error).message;
      warnMissing();
    }
    // Float work runs in oneDNN's OpenMP pool; OpenBLAS's own pool spinning on the same cores
    // slowed every float call next to it (Adam's updates 3.6×), so OpenBLAS gets one thread
    // unless the user asked otherwise (OPENBLAS_NUM_THREADS, or KNAP_OPENBLAS_THREADS). Without
    // oneDNN, OpenBLAS's pool is the only one: it keeps its default.
    if (dnnl !== undefined && envVar("OPENBLAS_NUM_THREADS") === undefined) {
      blas.openblas_set_num_threads(Number(envVar("KNAP_OPENBLAS_THREADS") ?? 1));
    }
    opened = {
      blas,
      dnnl,
      dnnlApi: dnnl && dnnlApi(dnnl),
      dnnlMissing,
      lapack: openLapack().symbols,
      threads: dnnl ? openmpThreads() : { fit() {} },
    };
    return opened;
  } catch (e) {
    failure = e as Error;
    throw e;
  }
}

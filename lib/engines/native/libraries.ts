/**
 * The native engine's libraries, opened once on first use: importing knap opens nothing, so a
 * program that never touches the native factories needs no `--allow-ffi`.
 *
 * @module
 */

import { type OpenBLAS, openOpenBLAS } from "../../../ffi/openblas.ts";
import { type DNNL, openDNNL } from "../../../ffi/dnnl.ts";

/** Both libraries, open. */
export interface NativeLibraries {
  readonly blas: OpenBLAS["symbols"];
  readonly dnnl: DNNL["symbols"];
}

let opened: NativeLibraries | undefined;
let failure: Error | undefined;

/** Opens OpenBLAS and oneDNN, or throws (the same error on every later call). */
export function nativeLibraries(): NativeLibraries {
  if (opened) return opened;
  if (failure) throw failure;
  try {
    const blas = openOpenBLAS().symbols;
    const dnnl = openDNNL().symbols;
    opened = { blas, dnnl };
    return opened;
  } catch (e) {
    failure = e as Error;
    throw e;
  }
}

/**
 * The native engine: OpenBLAS for BLAS and the structured routines, oneDNN for float32 elementwise math and large float
 * products, over the same typed arrays as the js engine (so reading, writing and random fills
 * are the js engine's, and moving data between the two is a plain copy).
 *
 * @module
 */

import type { Engine } from "../../core/engine.ts";
import { jsEngine } from "../js/engine.ts";
import { nativeBlas } from "./blas.ts";
import { nativeMath } from "./eltwise.ts";
import { nativeDnn } from "./dnn.ts";
import { nativeLibraries } from "./libraries.ts";
import { nativeStructured } from "./structured.ts";
import { nativeLapack } from "./lapack.ts";

let engine: Engine | undefined;

/** The native engine, built on first use; throws a KnapError if a library is missing. */
export function nativeEngine(): Engine {
  if (engine) return engine;
  const libs = nativeLibraries();
  const blas = nativeBlas(libs), math = nativeMath(libs, jsEngine.math);
  engine = {
    ...jsEngine,
    name: "native",
    // CBLAS takes dimensions, strides and leading dimensions as 32-bit ints.
    maxEntries: 2 ** 31 - 1,
    blas,
    math,
    structured: nativeStructured(libs.blas, jsEngine.structured!, blas),
    linalg: nativeLapack(libs.lapack),
    ...nativeDnn(libs, blas, math),
  };
  return engine;
}

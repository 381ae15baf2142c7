/**
 * OpenBLAS through Deno FFI: the CBLAS symbols knap calls, for float and double, and how the
 * library is found. Symbol tables only; `lib/engines/native/` wraps them with checks.
 *
 * @module
 */

import { type LibrarySpec, openLibrary } from "./load.ts";

/** CBLAS enumerations. */
export const CblasRowMajor = 101;
/** Column-major storage. */
export const CblasColMajor = 102;
/** op(A) = A. */
export const CblasNoTrans = 111;
/** op(A) = Aᵀ. */
export const CblasTrans = 112;

/** Where OpenBLAS lives on each platform. */
const openblasSpec: LibrarySpec = {
  name: "OpenBLAS",
  env: "KNAP_OPENBLAS",
  names: {
    linux: ["libopenblas.so.0", "libopenblas.so"],
    darwin: [
      "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
      "/usr/local/opt/openblas/lib/libopenblas.dylib",
      "libopenblas.dylib",
    ],
    windows: ["libopenblas.dll", "openblas.dll"],
  },
  install: "Debian/Ubuntu: apt install libopenblas0-pthread; Homebrew: brew install openblas",
};

/**
 * The symbols knap binds. Level 1 takes (n, x, incx[, y, incy]); blasint is 32-bit in the
 * LP64 builds that distributions ship.
 */
const openblasSymbols = {
  cblas_sdot: { parameters: ["i32", "buffer", "i32", "buffer", "i32"], result: "f32" },
  cblas_ssum: { parameters: ["i32", "buffer", "i32"], result: "f32" },
  cblas_sasum: { parameters: ["i32", "buffer", "i32"], result: "f32" },
  cblas_snrm2: { parameters: ["i32", "buffer", "i32"], result: "f32" },
  cblas_isamax: { parameters: ["i32", "buffer", "i32"], result: "usize" },
  cblas_isamin: { parameters: ["i32", "buffer", "i32"], result: "usize" },
  cblas_scopy: { parameters: ["i32", "buffer", "i32", "buffer", "i32"], result: "void" },
  cblas_sswap: { parameters: ["i32", "buffer", "i32", "buffer", "i32"], result: "void" },
  cblas_sscal: { parameters: ["i32", "f32", "buffer", "i32"], result: "void" },
  cblas_saxpy: { parameters: ["i32", "f32", "buffer", "i32", "buffer", "i32"], result: "void" },
  cblas_saxpby: {
    parameters: ["i32", "f32", "buffer", "i32", "f32", "buffer", "i32"],
    result: "void",
  },
  // (order, trans, m, n, alpha, a, lda, x, incx, beta, y, incy)
  cblas_sgemv: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "f32",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "f32",
      "buffer",
      "i32",
    ],
    result: "void",
  },
  // (order, m, n, alpha, x, incx, y, incy, a, lda)
  cblas_sger: {
    parameters: ["i32", "i32", "i32", "f32", "buffer", "i32", "buffer", "i32", "buffer", "i32"],
    result: "void",
  },
  // (order, transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
  cblas_sgemm: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f32",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "f32",
      "buffer",
      "i32",
    ],
    result: "void",
  },
  cblas_ddot: { parameters: ["i32", "buffer", "i32", "buffer", "i32"], result: "f64" },
  cblas_dsum: { parameters: ["i32", "buffer", "i32"], result: "f64" },
  cblas_dasum: { parameters: ["i32", "buffer", "i32"], result: "f64" },
  cblas_dnrm2: { parameters: ["i32", "buffer", "i32"], result: "f64" },
  cblas_idamax: { parameters: ["i32", "buffer", "i32"], result: "usize" },
  cblas_idamin: { parameters: ["i32", "buffer", "i32"], result: "usize" },
  cblas_dcopy: { parameters: ["i32", "buffer", "i32", "buffer", "i32"], result: "void" },
  cblas_dswap: { parameters: ["i32", "buffer", "i32", "buffer", "i32"], result: "void" },
  cblas_dscal: { parameters: ["i32", "f64", "buffer", "i32"], result: "void" },
  cblas_daxpy: { parameters: ["i32", "f64", "buffer", "i32", "buffer", "i32"], result: "void" },
  cblas_daxpby: {
    parameters: ["i32", "f64", "buffer", "i32", "f64", "buffer", "i32"],
    result: "void",
  },
  // OpenBLAS extensions: B ← α op(A), (order, trans, rows, cols, alpha, a, lda, b, ldb)
  cblas_somatcopy: {
    parameters: ["i32", "i32", "i32", "i32", "f32", "buffer", "i32", "buffer", "i32"],
    result: "void",
    optional: true,
  },
  cblas_domatcopy: {
    parameters: ["i32", "i32", "i32", "i32", "f64", "buffer", "i32", "buffer", "i32"],
    result: "void",
    optional: true,
  },
  // (order, trans, m, n, alpha, a, lda, x, incx, beta, y, incy)
  cblas_dgemv: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "f64",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "f64",
      "buffer",
      "i32",
    ],
    result: "void",
  },
  // (order, m, n, alpha, x, incx, y, incy, a, lda)
  cblas_dger: {
    parameters: ["i32", "i32", "i32", "f64", "buffer", "i32", "buffer", "i32", "buffer", "i32"],
    result: "void",
  },
  // (order, transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
  cblas_dgemm: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f64",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "f64",
      "buffer",
      "i32",
    ],
    result: "void",
  },
  openblas_get_num_threads: { parameters: [], result: "i32" },
  openblas_set_num_threads: { parameters: ["i32"], result: "void" },
  openblas_get_config: { parameters: [], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The opened library. */
export type OpenBLAS = Deno.DynamicLibrary<typeof openblasSymbols>;

/** Opens OpenBLAS (KNAP_OPENBLAS, then the platform's names); throws a KnapError if missing. */
export function openOpenBLAS(): OpenBLAS {
  return openLibrary(openblasSpec, openblasSymbols);
}

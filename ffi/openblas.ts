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
/** The upper triangle. */
export const CblasUpper = 121;
/** The lower triangle. */
export const CblasLower = 122;
/** A diagonal that is stored. */
export const CblasNonUnit = 131;
/** A diagonal of ones, not read. */
export const CblasUnit = 132;
/** The structured factor on the left. */
export const CblasLeft = 141;
/** The structured factor on the right. */
export const CblasRight = 142;

/** Where OpenBLAS lives on each platform (its LAPACK too: ffi/lapack.ts). */
export const openblasSpec: LibrarySpec = {
  name: "OpenBLAS",
  env: "KNAP_OPENBLAS",
  names: {
    linux: ["libopenblas.so.0", "libopenblas.so"],
    // Homebrew keeps OpenBLAS keg-only (under opt/openblas), conda in the environment's lib.
    darwin: [
      "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
      "/usr/local/opt/openblas/lib/libopenblas.dylib",
      "/opt/homebrew/lib/libopenblas.dylib",
      "/usr/local/lib/libopenblas.dylib",
      "libopenblas.dylib",
    ],
    windows: ["libopenblas.dll", "openblas.dll"],
  },
  install: "Debian/Ubuntu: apt install libopenblas0-pthread; Fedora: dnf install " +
    "openblas-threads; Arch: pacman -S openblas; Homebrew: brew install openblas; conda: conda " +
    "install -c conda-forge openblas",
};

/** A CBLAS signature: i32 and buffer arguments with F (f32 or f64) for the scalars. */
type Real = "f32" | "f64";
const sig = <const P extends readonly Deno.NativeType[]>(parameters: P) =>
  ({ parameters, result: "void" }) as const;
const I = "i32", B = "buffer";

// Structured level 2 and 3 (BLAS's names). Triangular ones work in place on x or b.
// trmv/trsv (order, uplo, trans, diag, n, a, lda, x, incx)
const trmv = sig([I, I, I, I, I, B, I, B, I]);
// tbmv/tbsv (order, uplo, trans, diag, n, k, a, lda, x, incx)
const tbmv = sig([I, I, I, I, I, I, B, I, B, I]);
// tpmv/tpsv (order, uplo, trans, diag, n, ap, x, incx)
const tpmv = sig([I, I, I, I, I, B, B, I]);
// symv (order, uplo, n, alpha, a, lda, x, incx, beta, y, incy)
const symv = <F extends Real>(f: F) => sig([I, I, I, f, B, I, B, I, f, B, I]);
// sbmv (order, uplo, n, k, alpha, a, lda, x, incx, beta, y, incy)
const sbmv = <F extends Real>(f: F) => sig([I, I, I, I, f, B, I, B, I, f, B, I]);
// spmv (order, uplo, n, alpha, ap, x, incx, beta, y, incy)
const spmv = <F extends Real>(f: F) => sig([I, I, I, f, B, B, I, f, B, I]);
// gbmv (order, trans, m, n, kl, ku, alpha, a, lda, x, incx, beta, y, incy)
const gbmv = <F extends Real>(f: F) => sig([I, I, I, I, I, I, f, B, I, B, I, f, B, I]);
// trmm/trsm (order, side, uplo, transa, diag, m, n, alpha, a, lda, b, ldb)
const trmm = <F extends Real>(f: F) => sig([I, I, I, I, I, I, I, f, B, I, B, I]);
// symm (order, side, uplo, m, n, alpha, a, lda, b, ldb, beta, c, ldc)
const symm = <F extends Real>(f: F) => sig([I, I, I, I, I, f, B, I, B, I, f, B, I]);
// syrk (order, uplo, trans, n, k, alpha, a, lda, beta, c, ldc)
const syrk = <F extends Real>(f: F) => sig([I, I, I, I, I, f, B, I, f, B, I]);
// syr (order, uplo, n, alpha, x, incx, a, lda)
const syr = <F extends Real>(f: F) => sig([I, I, I, f, B, I, B, I]);
// rot (n, x, incx, y, incy, c, s); rotm (n, x, incx, y, incy, param)
const rot = <F extends Real>(f: F) => sig([I, B, I, B, I, f, f]);
const rotm = sig([I, B, I, B, I, B]);

const structuredSymbols = {
  cblas_strmv: trmv,
  cblas_dtrmv: trmv,
  cblas_strsv: trmv,
  cblas_dtrsv: trmv,
  cblas_stbmv: tbmv,
  cblas_dtbmv: tbmv,
  cblas_stbsv: tbmv,
  cblas_dtbsv: tbmv,
  cblas_stpmv: tpmv,
  cblas_dtpmv: tpmv,
  cblas_stpsv: tpmv,
  cblas_dtpsv: tpmv,
  cblas_ssymv: symv("f32"),
  cblas_dsymv: symv("f64"),
  cblas_ssbmv: sbmv("f32"),
  cblas_dsbmv: sbmv("f64"),
  cblas_sspmv: spmv("f32"),
  cblas_dspmv: spmv("f64"),
  cblas_sgbmv: gbmv("f32"),
  cblas_dgbmv: gbmv("f64"),
  cblas_strmm: trmm("f32"),
  cblas_dtrmm: trmm("f64"),
  cblas_strsm: trmm("f32"),
  cblas_dtrsm: trmm("f64"),
  cblas_ssymm: symm("f32"),
  cblas_dsymm: symm("f64"),
  cblas_ssyrk: syrk("f32"),
  cblas_dsyrk: syrk("f64"),
  cblas_ssyr: syr("f32"),
  cblas_dsyr: syr("f64"),
  cblas_srot: rot("f32"),
  cblas_drot: rot("f64"),
  cblas_srotm: rotm,
  cblas_drotm: rotm,
} as const;

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
  ...structuredSymbols,
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

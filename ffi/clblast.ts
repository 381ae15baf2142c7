/**
 * CLBlast, the BLAS of OpenCL, through Deno FFI: the level-2 and level-3 products knap sends it,
 * for float and double, and how the library is found. Symbol tables only.
 *
 * @module
 */

import { type LibrarySpec, openLibrary } from "./load.ts";

/** Where CLBlast lives on each platform. */
const clblastSpec: LibrarySpec = {
  name: "CLBlast",
  env: "KNAP_CLBLAST",
  names: {
    linux: ["libclblast.so.1", "libclblast.so"],
    darwin: [
      "/opt/homebrew/opt/clblast/lib/libclblast.dylib",
      "/usr/local/opt/clblast/lib/libclblast.dylib",
      "libclblast.dylib",
    ],
    windows: ["clblast.dll"],
  },
  install: "Debian/Ubuntu: apt install libclblast1; Homebrew: brew install clblast",
};

/** CLBlast's layouts and transpositions (CBLAS's numbers). */
export const CLBLAST = {
  ROW_MAJOR: 101,
  COL_MAJOR: 102,
  NO_TRANS: 111,
  TRANS: 112,
} as const;

/** CLBlast's own status codes beyond OpenCL's, for messages (`clblast_c.h` of CLBlast 1.5.3). */
export const clblastErrors: ReadonlyMap<number, string> = new Map([
  [-1024, "CLBlastNotImplemented"],
  [-1022, "CLBlastInvalidMatrixA"],
  [-1021, "CLBlastInvalidMatrixB"],
  [-1020, "CLBlastInvalidMatrixC"],
  [-1019, "CLBlastInvalidVectorX"],
  [-1018, "CLBlastInvalidVectorY"],
  [-1017, "CLBlastInvalidDimension"],
  [-1016, "CLBlastInvalidLeadDimA"],
  [-1015, "CLBlastInvalidLeadDimB"],
  [-1014, "CLBlastInvalidLeadDimC"],
  [-1013, "CLBlastInvalidIncrementX"],
  [-1012, "CLBlastInvalidIncrementY"],
  [-1011, "CLBlastInsufficientMemoryA"],
  [-1010, "CLBlastInsufficientMemoryB"],
  [-1009, "CLBlastInsufficientMemoryC"],
  [-1008, "CLBlastInsufficientMemoryX"],
  [-1007, "CLBlastInsufficientMemoryY"],
  [-2050, "CLBlastInsufficientMemoryTemp"],
  [-2049, "CLBlastInvalidBatchCount"],
  [-2048, "CLBlastInvalidOverrideKernel"],
  [-2047, "CLBlastMissingOverrideParameter"],
  [-2046, "CLBlastInvalidLocalMemUsage"],
  [-2045, "CLBlastNoHalfPrecision"],
  [-2044, "CLBlastNoDoublePrecision"],
  [-2043, "CLBlastInvalidVectorScalar"],
  [-2042, "CLBlastInsufficientMemoryScalar"],
  [-2041, "CLBlastDatabaseError"],
  [-2040, "CLBlastUnknownError"],
  // An exception CLBlast did not expect (std::bad_alloc, a failed parse); CLBlast prints its text
  // on stderr as "CLBlast (unexpected): …".
  [-2039, "CLBlastUnexpectedError"],
  [-2038, "CLBlastInvalidVectorZ"],
  [-2037, "CLBlastInvalidIncrementZ"],
  [-2036, "CLBlastInsufficientMemoryZ"],
]);

const gemm = (real: "f32" | "f64") => ({
  parameters: [
    "i32",
    "i32",
    "i32",
    "usize",
    "usize",
    "usize",
    real,
    "pointer",
    "usize",
    "usize",
    "pointer",
    "usize",
    "usize",
    real,
    "pointer",
    "usize",
    "usize",
    "buffer",
    "pointer",
  ],
  result: "i32",
} as const);
const gemv = (real: "f32" | "f64") => ({
  parameters: [
    "i32",
    "i32",
    "usize",
    "usize",
    real,
    "pointer",
    "usize",
    "usize",
    "pointer",
    "usize",
    "usize",
    real,
    "pointer",
    "usize",
    "usize",
    "buffer",
    "pointer",
  ],
  result: "i32",
} as const);
const ger = (real: "f32" | "f64") => ({
  parameters: [
    "i32",
    "usize",
    "usize",
    real,
    "pointer",
    "usize",
    "usize",
    "pointer",
    "usize",
    "usize",
    "pointer",
    "usize",
    "usize",
    "buffer",
    "pointer",
  ],
  result: "i32",
} as const);

/** The CLBlast entry points knap binds; the queue is passed by address, the event is null. */
const clblastSymbols = {
  CLBlastSgemm: gemm("f32"),
  CLBlastDgemm: gemm("f64"),
  CLBlastSgemv: gemv("f32"),
  CLBlastDgemv: gemv("f64"),
  CLBlastSger: ger("f32"),
  CLBlastDger: ger("f64"),
} as const;

/** The opened CLBlast library. */
export type CLBlast = Deno.DynamicLibrary<typeof clblastSymbols>["symbols"];

/** Opens CLBlast, or throws a KnapError naming it and its package. */
export function openCLBlast(): CLBlast {
  return openLibrary(clblastSpec, clblastSymbols).symbols;
}

/**
 * LU and Cholesky through OpenBLAS's LAPACK (`ffi/lapack.ts`, the Fortran ABI: every argument
 * by address). Pivots cross as LAPACK's 1-based rows and come back 0-based. Every operand is
 * checked to lie in its memory before its address crosses.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { LinalgEngine } from "../../core/linalg_engine.ts";
import type { HostArray } from "../../core/types.ts";
import type { Lapack } from "../../../ffi/lapack.ts";
import { inside } from "./operands.ts";

const int = (v: number) => Int32Array.of(v);
const char = (c: string) => Uint8Array.of(c.charCodeAt(0));
const at = (x: Operand): HostArray => (x.storage.buffer as HostArray).subarray(x.offset);
const isFloat = (x: Operand) => x.storage.buffer instanceof Float32Array;

/** Throws unless x is column-major, as every routine here reads it. */
function columnMajor(x: Operand, what: string): void {
  inside(x, what);
  if (x.rowStride !== 1 && x.rows > 1) {
    throw new TypeError(`${what}: LAPACK reads column-major operands (row stride ${x.rowStride})`);
  }
}

const ld = (x: Operand) => int(Math.max(x.colStride, x.rows, 1));

/** The native engine's LAPACK over OpenBLAS. */
export function nativeLapack(l: Lapack["symbols"]): LinalgEngine {
  return {
    getrf(a, ipiv) {
      columnMajor(a, "getrf: a");
      if (ipiv.length < Math.min(a.rows, a.cols)) throw new RangeError("getrf: ipiv is too short");
      if (a.rows === 0 || a.cols === 0) return 0;
      const info = int(0);
      (isFloat(a) ? l.sgetrf_ : l.dgetrf_)(int(a.rows), int(a.cols), at(a), ld(a), ipiv, info);
      for (let i = 0; i < Math.min(a.rows, a.cols); i++) ipiv[i] -= 1;
      return info[0];
    },
    getrs(lu, ipiv, b, transpose) {
      columnMajor(lu, "getrs: the factors");
      columnMajor(b, "getrs: b");
      const n = lu.rows;
      if (n === 0 || b.cols === 0) return;
      const pivots = Int32Array.from(ipiv.subarray(0, n), (p) => p + 1);
      const info = int(0);
      (isFloat(lu) ? l.sgetrs_ : l.dgetrs_)(
        char(transpose ? "T" : "N"),
        int(n),
        int(b.cols),
        at(lu),
        ld(lu),
        pivots,
        at(b),
        ld(b),
        info,
        1n,
      );
    },
    potrf(a, upper) {
      columnMajor(a, "potrf: a");
      if (a.rows === 0) return 0;
      const info = int(0);
      (isFloat(a) ? l.spotrf_ : l.dpotrf_)(
        char(upper ? "U" : "L"),
        int(a.rows),
        at(a),
        ld(a),
        info,
        1n,
      );
      return info[0];
    },
    potrs(f, upper, b) {
      columnMajor(f, "potrs: the factor");
      columnMajor(b, "potrs: b");
      if (f.rows === 0 || b.cols === 0) return;
      const info = int(0);
      (isFloat(f) ? l.spotrs_ : l.dpotrs_)(
        char(upper ? "U" : "L"),
        int(f.rows),
        int(b.cols),
        at(f),
        ld(f),
        at(b),
        ld(b),
        info,
        1n,
      );
    },
  };
}

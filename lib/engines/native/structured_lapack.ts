/**
 * LAPACK's structured factorizations through OpenBLAS (`ffi/lapack.ts`, the Fortran ABI): banded
 * and tridiagonal LU, packed, banded and tridiagonal Cholesky, Bunch–Kaufman. Every operand is
 * checked to be contiguous where LAPACK reads it so, and to lie in its memory, before its address
 * crosses; gbtrf's and gttrf's pivots come back 0-based, sytrf's stay LAPACK's.
 *
 * @module
 */

import type { Operand } from "../../core/operand.ts";
import type { StructuredLinalg } from "../../core/structured_lapack.ts";
import type { HostArray } from "../../core/types.ts";
import type { Lapack } from "../../../ffi/lapack.ts";
import { inside } from "./operands.ts";

const int = (v: number) => Int32Array.of(v);
const char = (c: string) => Uint8Array.of(c.charCodeAt(0));
const at = (x: Operand): HostArray => (x.storage.buffer as HostArray).subarray(x.offset);
const isFloat = (x: Operand) => x.storage.buffer instanceof Float32Array;

/** Throws unless x lies in its memory with unit row stride, as LAPACK reads vectors and bands. */
function contiguous(x: Operand, what: string): void {
  inside(x, what);
  if (x.rowStride !== 1 && x.rows > 1) {
    throw new TypeError(`${what}: LAPACK reads it with unit stride (row stride ${x.rowStride})`);
  }
}

/** Throws unless every operand has the first one's element type. */
function oneType(op: string, xs: Operand[]): void {
  const float = isFloat(xs[0]);
  if (xs.some((x) => isFloat(x) !== float)) throw new TypeError(`${op}: mixed float32 and float64`);
}

const ld = (x: Operand) => int(Math.max(x.colStride, x.rows, 1));

/** The native engine's structured LAPACK over OpenBLAS. */
export function nativeStructuredLapack(l: Lapack["symbols"]): StructuredLinalg {
  return {
    gbtrf(ab, m, kl, ku, ipiv) {
      contiguous(ab, "gbtrf: ab");
      const n = ab.cols;
      if (ab.rows < 2 * kl + ku + 1) {
        throw new RangeError(`gbtrf: ab has ${ab.rows} rows, it needs 2·kl + ku + 1`);
      }
      if (ipiv.length < Math.min(m, n)) throw new RangeError("gbtrf: ipiv is too short");
      if (m === 0 || n === 0) return 0;
      const info = int(0);
      (isFloat(ab) ? l.sgbtrf_ : l.dgbtrf_)(
        int(m),
        int(n),
        int(kl),
        int(ku),
        at(ab),
        ld(ab),
        ipiv,
        info,
      );
      for (let i = 0; i < Math.min(m, n); i++) ipiv[i] -= 1;
      return info[0];
    },
    gbtrs(ab, kl, ku, ipiv, b, transpose) {
      contiguous(ab, "gbtrs: ab");
      contiguous(b, "gbtrs: b");
      oneType("gbtrs", [ab, b]);
      const n = ab.cols;
      if (b.rows !== n) throw new RangeError(`gbtrs: b has ${b.rows} rows, not ${n}`);
      if (n === 0 || b.cols === 0) return;
      const pivots = Int32Array.from(ipiv.subarray(0, n), (p) => p + 1);
      (isFloat(ab) ? l.sgbtrs_ : l.dgbtrs_)(
        char(transpose ? "T" : "N"),
        int(n),
        int(kl),
        int(ku),
        int(b.cols),
        at(ab),
        ld(ab),
        pivots,
        at(b),
        ld(b),
        int(0),
        1n,
      );
    },
    gttrf(dl, d, du, du2, ipiv) {
      const n = d.rows;
      for (
        const [x, name, len] of [[dl, "dl", n - 1], [d, "d", n], [du, "du", n - 1], [
          du2,
          "du2",
          n - 2,
        ]] as const
      ) {
        contiguous(x, `gttrf: ${name}`);
        if (x.rows < Math.max(len, 0)) throw new RangeError(`gttrf: ${name} is too short`);
      }
      oneType("gttrf", [dl, d, du, du2]);
      if (ipiv.length < n) throw new RangeError("gttrf: ipiv is too short");
      if (n === 0) return 0;
      const info = int(0);
      // du2 needs n − 2 entries; LAPACK touches none when n < 3, but the address must be valid.
      const spare = isFloat(d) ? new Float32Array(1) : new Float64Array(1);
      (isFloat(d) ? l.sgttrf_ : l.dgttrf_)(
        int(n),
        n > 1 ? at(dl) : spare,
        at(d),
        n > 1 ? at(du) : spare,
        n > 2 ? at(du2) : spare,
        ipiv,
        info,
      );
      for (let i = 0; i < n; i++) ipiv[i] -= 1;
      return info[0];
    },
    gttrs(dl, d, du, du2, ipiv, b, transpose) {
      const n = d.rows;
      for (const [x, name] of [[dl, "dl"], [d, "d"], [du, "du"], [du2, "du2"], [b, "b"]] as const) {
        contiguous(x, `gttrs: ${name}`);
      }
      oneType("gttrs", [d, b]);
      if (b.rows !== n) throw new RangeError(`gttrs: b has ${b.rows} rows, not ${n}`);
      if (n === 0 || b.cols === 0) return;
      const spare = isFloat(d) ? new Float32Array(1) : new Float64Array(1);
      const pivots = Int32Array.from(ipiv.subarray(0, n), (p) => p + 1);
      (isFloat(d) ? l.sgttrs_ : l.dgttrs_)(
        char(transpose ? "T" : "N"),
        int(n),
        int(b.cols),
        n > 1 ? at(dl) : spare,
        at(d),
        n > 1 ? at(du) : spare,
        n > 2 ? at(du2) : spare,
        pivots,
        at(b),
        ld(b),
        int(0),
        1n,
      );
    },
    pptrf(ap, n, upper) {
      contiguous(ap, "pptrf: ap");
      if (ap.rows < (n * (n + 1)) / 2) throw new RangeError("pptrf: ap is too short");
      if (n === 0) return 0;
      const info = int(0);
      (isFloat(ap) ? l.spptrf_ : l.dpptrf_)(char(upper ? "U" : "L"), int(n), at(ap), info, 1n);
      return info[0];
    },
    pptrs(ap, n, upper, b) {
      contiguous(ap, "pptrs: ap");
      contiguous(b, "pptrs: b");
      oneType("pptrs", [ap, b]);
      if (ap.rows < (n * (n + 1)) / 2) throw new RangeError("pptrs: ap is too short");
      if (b.rows !== n) throw new RangeError(`pptrs: b has ${b.rows} rows, not ${n}`);
      if (n === 0 || b.cols === 0) return;
      (isFloat(ap) ? l.spptrs_ : l.dpptrs_)(
        char(upper ? "U" : "L"),
        int(n),
        int(b.cols),
        at(ap),
        at(b),
        ld(b),
        int(0),
        1n,
      );
    },
    pbtrf(ab, kd, upper) {
      contiguous(ab, "pbtrf: ab");
      if (ab.rows < kd + 1) throw new RangeError(`pbtrf: ab has ${ab.rows} rows, not kd + 1`);
      const n = ab.cols;
      if (n === 0) return 0;
      const info = int(0);
      (isFloat(ab) ? l.spbtrf_ : l.dpbtrf_)(
        char(upper ? "U" : "L"),
        int(n),
        int(kd),
        at(ab),
        ld(ab),
        info,
        1n,
      );
      return info[0];
    },
    pbtrs(ab, kd, upper, b) {
      contiguous(ab, "pbtrs: ab");
      contiguous(b, "pbtrs: b");
      oneType("pbtrs", [ab, b]);
      const n = ab.cols;
      if (b.rows !== n) throw new RangeError(`pbtrs: b has ${b.rows} rows, not ${n}`);
      if (n === 0 || b.cols === 0) return;
      (isFloat(ab) ? l.spbtrs_ : l.dpbtrs_)(
        char(upper ? "U" : "L"),
        int(n),
        int(kd),
        int(b.cols),
        at(ab),
        ld(ab),
        at(b),
        ld(b),
        int(0),
        1n,
      );
    },
    pttrf(d, e) {
      contiguous(d, "pttrf: d");
      contiguous(e, "pttrf: e");
      oneType("pttrf", [d, e]);
      const n = d.rows;
      if (e.rows < n - 1) throw new RangeError("pttrf: e is too short");
      if (n === 0) return 0;
      const info = int(0), spare = isFloat(d) ? new Float32Array(1) : new Float64Array(1);
      (isFloat(d) ? l.spttrf_ : l.dpttrf_)(int(n), at(d), n > 1 ? at(e) : spare, info);
      return info[0];
    },
    pttrs(d, e, b) {
      contiguous(d, "pttrs: d");
      contiguous(e, "pttrs: e");
      contiguous(b, "pttrs: b");
      oneType("pttrs", [d, e, b]);
      const n = d.rows;
      if (b.rows !== n) throw new RangeError(`pttrs: b has ${b.rows} rows, not ${n}`);
      if (n === 0 || b.cols === 0) return;
      const spare = isFloat(d) ? new Float32Array(1) : new Float64Array(1);
      (isFloat(d) ? l.spttrs_ : l.dpttrs_)(
        int(n),
        int(b.cols),
        at(d),
        n > 1 ? at(e) : spare,
        at(b),
        ld(b),
        int(0),
      );
    },
    sytrf(a, upper, ipiv) {
      contiguous(a, "sytrf: a");
      const n = a.rows;
      if (a.cols !== n) throw new RangeError(`sytrf: a is ${a.rows}×${a.cols}, not square`);
      if (ipiv.length < n) throw new RangeError("sytrf: ipiv is too short");
      if (n === 0) return 0;
      const float = isFloat(a), f = float ? l.ssytrf_ : l.dsytrf_, info = int(0);
      const q = float ? new Float32Array(1) : new Float64Array(1);
      const uplo = char(upper ? "U" : "L");
      f(uplo, int(n), at(a), ld(a), ipiv, q, int(-1), info, 1n);
      const lwork = Math.max(1, q[0]);
      const work = float ? new Float32Array(lwork) : new Float64Array(lwork);
      f(uplo, int(n), at(a), ld(a), ipiv, work, int(lwork), info, 1n);
      return info[0];
    },
    sytrs(a, upper, ipiv, b) {
      contiguous(a, "sytrs: a");
      contiguous(b, "sytrs: b");
      oneType("sytrs", [a, b]);
      const n = a.rows;
      if (b.rows !== n) throw new RangeError(`sytrs: b has ${b.rows} rows, not ${n}`);
      if (n === 0 || b.cols === 0) return;
      (isFloat(a) ? l.ssytrs_ : l.dsytrs_)(
        char(upper ? "U" : "L"),
        int(n),
        int(b.cols),
        at(a),
        ld(a),
        ipiv,
        at(b),
        ld(b),
        int(0),
        1n,
      );
    },
  };
}

/**
 * The LAPACK routines an engine computes: host engines only (a device's structures are factored
 * on the host, `lib/linalg/`'s job). Operands are column-major (row stride 1, `colStride` the
 * leading dimension): the public functions hand a row-major matrix over as its transpose and
 * remember that they did.
 *
 * @module
 */

import type { Operand } from "./operand.ts";
import type { StructuredLinalg } from "./structured_lapack.ts";

/**
 * Which eigenvalues syevr computes: those with 0-based indices lo..hi in ascending order, or those
 * in the half-open interval (lo, hi].
 */
export type EigenRange =
  | { readonly index: readonly [number, number] }
  | { readonly value: readonly [number, number] };

/** Which Householder factorization: A = Q·R, L·Q, Q·L or R·Q. */
export type OrthogonalForm = "qr" | "lq" | "ql" | "rq";

/** LU and Cholesky factorizations and their solves, in place, as LAPACK defines them. */
export interface LinalgEngine extends StructuredLinalg {
  /**
   * A = P·L·U in place (?getrf): L unit lower below the diagonal, U on and above; `ipiv[i]` the
   * 0-based row swapped with row i. Returns LAPACK's info: 0, or k > 0 when U(k−1, k−1) is 0.
   */
  getrf(a: Operand, ipiv: Int32Array): number;
  /** B ← A⁻¹B, or A⁻ᵀB when `transpose`, from getrf's factors (?getrs). */
  getrs(lu: Operand, ipiv: Int32Array, b: Operand, transpose: boolean): void;
  /**
   * A = L·Lᵀ (`upper` false) or Uᵀ·U in place on that triangle (?potrf). Returns info: 0, or
   * k > 0 when the leading minor of order k is not positive definite.
   */
  potrf(a: Operand, upper: boolean): number;
  /** B ← A⁻¹B from potrf's factor (?potrs). */
  potrs(f: Operand, upper: boolean, b: Operand): void;
  /**
   * A = Q·R (`form` "qr", the default), L·Q, Q·L or R·Q in place by Householder reflections
   * (?geqrf, ?gelqf, ?geqlf, ?gerqf), stored as LAPACK stores each: the triangle or trapezoid on
   * one side, the reflectors' vectors on the other, their min(m, n) scalars in `tau`.
   */
  geqrf(a: Operand, tau: Float64Array, form?: OrthogonalForm): void;
  /**
   * A·P = Q·R with column pivoting (?geqp3): at each step the remaining column of largest norm
   * comes first; `jpvt[j]` is the 0-based column of A now at j.
   */
  geqp3(a: Operand, jpvt: Int32Array, tau: Float64Array): void;
  /**
   * C ← Q·C, Qᵀ·C (`left`), C·Q or C·Qᵀ with the Q of geqrf's factorization of that `form`
   * (?ormqr, ?ormlq, ?ormql, ?ormrq); Q is m×m for "qr" and "ql" (m = the factored rows), n×n for
   * "lq" and "rq" (n = its columns), and must match C's rows (left) or columns (right).
   */
  ormqr(
    side: "left" | "right",
    transpose: boolean,
    f: Operand,
    tau: Float64Array,
    c: Operand,
    form?: OrthogonalForm,
  ): void;
  /**
   * The eigenvalues of a symmetric A (the triangle `upper` or lower read) into w, ascending
   * (?syevd); with `vectors`, A is overwritten by orthonormal eigenvectors, one per column. Returns
   * info: 0, or > 0 when the iteration failed to converge.
   */
  syevd(a: Operand, upper: boolean, w: Float64Array, vectors: boolean): number;
  /**
   * The eigenvalues of a symmetric A in `range`, ascending, into w[0, count) (?syevr), and with z
   * (n×k, k at least their count) their eigenvectors. A is destroyed.
   */
  syevr(
    a: Operand,
    upper: boolean,
    range: EigenRange,
    w: Float64Array,
    z?: Operand,
  ): { info: number; count: number };
  /**
   * The singular values of A into s, descending (?gesdd); with u (m×k) and vt (k×n), k = min(m,
   * n), the thin singular vectors too. A is destroyed. Returns info: 0, or > 0 when it failed to
   * converge.
   */
  gesdd(a: Operand, s: Float64Array, u?: Operand, vt?: Operand): number;
  /** As gesdd, by the QR iteration (?gesvd): the same outputs from LAPACK's other algorithm. */
  gesvd(a: Operand, s: Float64Array, u?: Operand, vt?: Operand): number;
  /**
   * The eigenvalues wr + i·wi of a general square A (?geev), with vl and vr (n×n) the left and
   * right eigenvectors as LAPACK lays them out and normalizes them (a complex pair's real and
   * imaginary parts in two columns, each vector of length 1 with its largest component real). A
   * is destroyed. Returns info: 0, or > 0 when the QR iteration failed.
   */
  geev(a: Operand, wr: Float64Array, wi: Float64Array, vl?: Operand, vr?: Operand): number;
  /**
   * The real Schur form (?gees, unsorted): A ← T = ZᵀAZ, upper quasi-triangular with its 2×2
   * blocks in standard form; the eigenvalues in T's order into wr + i·wi, and with vs (n×n) the
   * Schur vectors Z. Returns info: 0, or > 0 when the QR iteration failed.
   */
  gees(a: Operand, wr: Float64Array, wi: Float64Array, vs?: Operand): number;
}

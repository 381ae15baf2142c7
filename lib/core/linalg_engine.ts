/**
 * The LAPACK routines an engine computes: host engines only (a device's structures are factored
 * on the host, `lib/linalg/`'s job). Operands are column-major (row stride 1, `colStride` the
 * leading dimension): the public functions hand a row-major matrix over as its transpose and
 * remember that they did.
 *
 * @module
 */

import type { Operand } from "./operand.ts";

/**
 * Which eigenvalues syevr computes: those with 0-based indices lo..hi in ascending order, or those
 * in the half-open interval (lo, hi].
 */
export type EigenRange =
  | { readonly index: readonly [number, number] }
  | { readonly value: readonly [number, number] };

/** LU and Cholesky factorizations and their solves, in place, as LAPACK defines them. */
export interface LinalgEngine {
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
   * A = Q·R in place by Householder reflections (?geqrf): R on and above the diagonal, the
   * reflectors' vectors below it, their scalars in `tau` (min(m, n) of them).
   */
  geqrf(a: Operand, tau: Float64Array): void;
  /**
   * C ← Q·C, Qᵀ·C (`left`), C·Q or C·Qᵀ from geqrf's reflectors (?ormqr); Q is m×m for a left
   * product (m = C's rows), n×n for a right one.
   */
  ormqr(
    side: "left" | "right",
    transpose: boolean,
    qr: Operand,
    tau: Float64Array,
    c: Operand,
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

/**
 * LAPACK's factorizations of structured matrices, in their own storage: banded and tridiagonal
 * LU, packed, banded and tridiagonal Cholesky, and Bunch–Kaufman for symmetric indefinite
 * matrices. Host engines only. Band operands are LAPACK's band storage (column j's band
 * top to bottom, `colStride` the leading dimension); vectors are n×1 operands; `ipiv` is 0-based
 * except sytrf's, which keeps LAPACK's signed 1-based encoding of 2×2 blocks.
 *
 * @module
 */

import type { Operand } from "./operand.ts";

/** The structured factorizations and their solves, as LAPACK defines them. */
export interface StructuredLinalg {
  /**
   * A = P·L·U of an m×n band matrix with kl sub- and ku superdiagonals (?gbtrf): `ab` has
   * 2·kl + ku + 1 rows, the matrix in rows kl … 2·kl + ku, the first kl rows room for the fill-in.
   * Returns info: 0, or k > 0 when U(k−1, k−1) is 0.
   */
  gbtrf(ab: Operand, m: number, kl: number, ku: number, ipiv: Int32Array): number;
  /** B ← A⁻¹B or A⁻ᵀB from gbtrf's factors (?gbtrs). */
  gbtrs(
    ab: Operand,
    kl: number,
    ku: number,
    ipiv: Int32Array,
    b: Operand,
    transpose: boolean,
  ): void;
  /**
   * A = P·L·U of a tridiagonal matrix (?gttrf): dl (n − 1), d (n), du (n − 1) overwritten by the
   * factors, du2 (n − 2) the second superdiagonal that interchanges fill. Returns info as gbtrf.
   */
  gttrf(dl: Operand, d: Operand, du: Operand, du2: Operand, ipiv: Int32Array): number;
  /** B ← A⁻¹B or A⁻ᵀB from gttrf's factors (?gttrs). */
  gttrs(
    dl: Operand,
    d: Operand,
    du: Operand,
    du2: Operand,
    ipiv: Int32Array,
    b: Operand,
    transpose: boolean,
  ): void;
  /**
   * Cholesky of a packed symmetric matrix of order n in place (?pptrf), the triangle `upper` or
   * lower packed column by column. Returns info: 0, or k when the minor of order k is not
   * positive definite.
   */
  pptrf(ap: Operand, n: number, upper: boolean): number;
  /** B ← A⁻¹B from pptrf's factor (?pptrs). */
  pptrs(ap: Operand, n: number, upper: boolean, b: Operand): void;
  /** Cholesky of a symmetric band matrix with kd off-diagonals in band storage (?pbtrf). */
  pbtrf(ab: Operand, kd: number, upper: boolean): number;
  /** B ← A⁻¹B from pbtrf's factor (?pbtrs). */
  pbtrs(ab: Operand, kd: number, upper: boolean, b: Operand): void;
  /** A = L·D·Lᵀ of a symmetric positive definite tridiagonal matrix: d and e in place (?pttrf). */
  pttrf(d: Operand, e: Operand): number;
  /** B ← A⁻¹B from pttrf's factors (?pttrs). */
  pttrs(d: Operand, e: Operand, b: Operand): void;
  /**
   * A = P·L·D·Lᵀ·Pᵀ of a symmetric matrix from its `upper` or lower triangle, by Bunch–Kaufman's
   * diagonal pivoting (?sytrf): D has 1×1 and 2×2 blocks, a 2×2 block's off-diagonal at (k + 1,
   * k) of the triangle read symmetrically; ipiv as LAPACK leaves it (1-based; a 2×2 block's two
   * entries negative). Returns info: 0, or k when D's block at k − 1 is exactly singular. Each
   * engine's sytrs reads its own sytrf's factors (the js engine's upper form is the lower one
   * of the triangle read transposed).
   */
  sytrf(a: Operand, upper: boolean, ipiv: Int32Array): number;
  /** B ← A⁻¹B from sytrf's factors (?sytrs). */
  sytrs(a: Operand, upper: boolean, ipiv: Int32Array, b: Operand): void;
}

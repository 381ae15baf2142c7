/**
 * What the linear algebra tests share: seeded inputs, column-major data as rows, small dense
 * products in plain numbers, and a relative closeness check.
 */
import { assert } from "../conformance/assert.ts";

/** Seeded entries in (−1, 1). */
export function random(count: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: count }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
}

/** Column-major m×n entries as rows. */
export const rows = (d: ArrayLike<number>, m: number, n: number): number[][] =>
  Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => d[i + j * m]));

/** A·B of rows. */
export const product = (A: number[][], B: number[][]): number[][] =>
  A.map((r) => B[0].map((_, j) => r.reduce((s, v, q) => s + v * B[q][j], 0)));

/** Aᵀ of rows. */
export const transpose = (A: number[][]): number[][] => A[0].map((_, j) => A.map((r) => r[j]));

/** Throws unless got is within tol of want, relative beyond 1. */
export function close(got: number, want: number, tol: number, what: string): void {
  assert(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);
}

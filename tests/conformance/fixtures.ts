/**
 * Fixtures for the conformance suite: structures of every shape, layout, stride and offset on
 * any factory, filled with known values inside a parent full of a sentinel, so a test can
 * check both the result and that nothing outside the view was touched.
 */
import { setting } from "./register.ts";
import fc from "npm:fast-check@^4.3.0";
import {
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  type Layout,
  row,
  submatrix,
  subvector,
  trans,
  transfer,
  transfer_,
  vctr,
  type Vector,
  viewGe,
} from "../../mod.ts";

export const SENTINEL = -777.25;

/** How a test vector sits in its parent. */
export interface VecSpec {
  dim: number;
  stride: number;
  offset: number;
}

/** How a test matrix sits in its parent. */
export interface MatSpec {
  m: number;
  n: number;
  layout: Layout;
  padRows: number;
  padCols: number;
  r0: number;
  c0: number;
  transposed: boolean;
}

export const vecSpec = (dim: fc.Arbitrary<number> = fc.integer({ min: 0, max: 40 })) =>
  fc.record({
    dim,
    stride: fc.integer({ min: 1, max: 3 }),
    offset: fc.integer({ min: 0, max: 3 }),
  });

export const matSpec = (
  m: fc.Arbitrary<number> = fc.integer({ min: 0, max: 12 }),
  n: fc.Arbitrary<number> = fc.integer({ min: 0, max: 12 }),
) =>
  fc.record({
    m,
    n,
    layout: fc.constantFrom<Layout>("column", "row"),
    padRows: fc.integer({ min: 0, max: 2 }),
    padCols: fc.integer({ min: 0, max: 2 }),
    r0: fc.integer({ min: 0, max: 2 }),
    c0: fc.integer({ min: 0, max: 2 }),
    transposed: fc.boolean(),
  });

/** Deterministic values in [lo, hi) from a seed (mulberry32). */
export function values(seed: number, n: number, lo = -2, hi = 2, awayFromZero = false): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  while (out.length < n) {
    s = (s + 0x6D2B79F5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    const v = lo + (hi - lo) * u;
    if (awayFromZero && Math.abs(v) < 0.1) continue;
    out.push(v);
  }
  return out;
}

/** Rounds to the factory's precision, so references start from exactly what the engine holds. */
export function representable(f: Factory, xs: number[]): number[] {
  return f.dtype === "float32" ? Array.from(Float32Array.from(xs)) : xs;
}

/** A vector view with the spec's stride and offset, holding `xs`, inside a sentinel parent. */
export function makeVector(f: Factory, spec: VecSpec, xs: number[]): { v: Vector; parent: Vector } {
  const parent = vctr(f, spec.offset + spec.dim * spec.stride + 2);
  using host = vctr(jsDouble, Array(parent.dim).fill(SENTINEL));
  transfer_(host, parent);
  const span = subvector(parent, spec.offset, spec.dim * spec.stride);
  const v = spec.dim === 0
    ? subvector(parent, spec.offset, 0)
    : row(viewGe(span, spec.stride, spec.dim), 0);
  using data = vctr(jsDouble, xs);
  transfer_(data, v);
  return { v, parent };
}

/** An m×n matrix view per spec (rows given as arrays), inside a sentinel parent. */
export function makeMatrix(
  f: Factory,
  spec: MatSpec,
  rowsData: number[][],
): { a: GEMatrix; parent: GEMatrix } {
  const [m, n] = spec.transposed ? [spec.n, spec.m] : [spec.m, spec.n];
  const parent = ge(f, spec.r0 + m + spec.padRows, spec.c0 + n + spec.padCols, undefined, {
    layout: spec.layout,
  });
  using host = vctr(jsDouble, Array(parent.m * parent.n).fill(SENTINEL));
  using hostM = ge(jsDouble, parent.m, parent.n, host.toArray());
  transfer_(hostM, parent);
  const inner = submatrix(parent, spec.r0, spec.c0, m, n);
  const a = spec.transposed ? trans(inner) : inner;
  using data = ge(jsDouble, spec.m, spec.n, rowsData.flat(), { layout: "row" });
  transfer_(data, a);
  return { a, parent };
}

/** Splits a flat row-major list into m rows of n. */
export function toRows(xs: number[], m: number, n: number): number[][] {
  return Array.from({ length: m }, (_, i) => xs.slice(i * n, (i + 1) * n));
}

/** A structure's entries on the host: a vector's in order, a matrix's as rows. */
export async function readVector(x: Vector): Promise<number[]> {
  using h = await transfer(jsDouble, x);
  return Array.from(h.toArray());
}

/** A matrix's entries as rows. */
export async function readMatrix(a: GEMatrix): Promise<number[][]> {
  using h = await transfer(jsDouble, a);
  const flat = Array.from(h.toArray());
  return h.layout === "row"
    ? toRows(flat, a.m, a.n)
    : Array.from({ length: a.m }, (_, i) =>
      Array.from({ length: a.n }, (_, j) => flat[i + j * a.m]));
}

/** A matrix's entries in column-major order, read through js (transfer_ copies across layouts). */
export async function readColumns(a: GEMatrix): Promise<number[]> {
  using c = ge(jsDouble, a.m, a.n);
  await transfer_(a, c);
  return Array.from(c.toArray());
}

/**
 * A test body run with an engine's route steered (`route.force = force`), and the route left
 * to itself again afterwards, whatever happens.
 */
export function steered<T>(
  route: { force: T | undefined },
  force: T | undefined,
  fn: () => Promise<void>,
): () => Promise<void> {
  return async () => {
    route.force = force;
    try {
      await fn();
    } finally {
      route.force = undefined;
    }
  };
}

/** How many sentinels a parent still holds. */
export async function sentinels(parent: Vector | GEMatrix): Promise<number> {
  using h = await transfer(jsDouble, parent as Vector);
  return Array.from(h.toArray()).filter((v) => v === SENTINEL).length;
}

/** Relative tolerance of a dtype. */
export function tolerance(f: Factory): number {
  return f.dtype === "float32" ? 2e-5 : 1e-11;
}

/** Throws unless actual is within tol of expected, scaled by `scale` (default max(1, |expected|)). */
export function assertClose(
  actual: number,
  expected: number,
  tol: number,
  what: string,
  scale = Math.max(1, Math.abs(expected)),
): void {
  const ok = actual === expected || (Number.isNaN(expected) && Number.isNaN(actual)) ||
    Math.abs(actual - expected) <= tol * scale;
  if (!ok) {
    throw new Error(`${what}: got ${actual}, expected ${expected} (tolerance ${tol * scale})`);
  }
}

/** Elementwise assertClose over arrays of equal length. */
export function assertAllClose(
  actual: number[],
  expected: number[],
  tol: number,
  what: string,
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) assertClose(actual[i], expected[i], tol, `${what}[${i}]`);
}

/** fast-check run count: quick by default, deeper with KNAP_PROPERTY_RUNS. */
export const RUNS = Number(setting("KNAP_PROPERTY_RUNS") ?? 30);

/**
 * Factorizations of the structured kinds, each in its own storage: banded LU (`gb`, LAPACK's
 * gbtrf), tridiagonal LU (`gt`, `dt`: gttrf), Cholesky of packed, banded and tridiagonal
 * positive definite matrices (`sp`, `sb`, `st`: pptrf, pbtrf, pttrf), and Bunch–Kaufman's
 * P·L·D·Lᵀ·Pᵀ of a symmetric indefinite `sy` (sytrf). `trf_` and `ptrf_` call in here for a
 * structured matrix. A device matrix is factored on the host (one transfer each way).
 *
 * @module
 */

import type { Operand } from "../core/operand.ts";
import type { Factory } from "../core/factory.ts";
import type { HostArray, Loc } from "../core/types.ts";
import { KnapError } from "../core/errors.ts";
import { columnReading } from "../core/kinds.ts";
import {
  describe,
  dt,
  gb,
  gt,
  liveStructured,
  sb,
  sp,
  st,
  type StructuredMatrix,
  sy,
} from "../core/structured.ts";
import { trans } from "../core/views.ts";
import { type Later, transfer_ } from "../access.ts";
import { cloneStructured } from "../structured/level1.ts";
import { lapackHost, lapackOf, symmetricOperand } from "./host.ts";
import { Factors, type Held } from "./factors.ts";

/** The LAPACK routine that made a structured factorization. */
export type StructuredRoutine = "gbtrf" | "gttrf" | "pptrf" | "pbtrf" | "pttrf" | "sytrf";

/** What a structured factorization knows how to do with its factors. */
interface Work {
  readonly routine: StructuredRoutine;
  readonly info: number;
  readonly square: boolean;
  readonly solve: (b: Operand, transpose: boolean) => void;
  readonly det: () => number;
}

/**
 * A factorization of a structured matrix in its own storage (or, for `gb`, in a band copy with
 * the room gbtrf needs): solve with `trs_`, invert with `tri`, read `det` and `con`. `singular` is
 * the 0-based index of an exactly zero pivot (gbtrf, gttrf, sytrf), or −1.
 */
export class StructuredFactors<L extends Loc = Loc> extends Factors<L> {
  /** The kind of factorization. */
  readonly kind = "structured" as const;
  /** The LAPACK routine that made it. */
  readonly routine: StructuredRoutine;
  /** The first exactly zero pivot, or −1. */
  readonly singular: number;
  /** Whether the factored matrix is square (a banded LU may be of a rectangular one). */
  readonly square: boolean;
  readonly #work: Work;

  /** Wraps what the structured factoring made. */
  constructor(h: Held & Work) {
    super(h);
    this.#work = h;
    this.routine = h.routine;
    this.square = h.square;
    this.singular = h.info > 0 && h.routine !== "pptrf" && h.routine !== "pbtrf" &&
        h.routine !== "pttrf"
      ? h.info - 1
      : -1;
  }

  /** B ← A⁻¹B (A⁻ᵀB when `transpose`) over a column-major host b: `trs_`'s work. */
  solveHost(b: Operand, transpose: boolean): void {
    this.#work.solve(b, transpose);
  }

  /** The determinant of the factored matrix. */
  determinant(): number {
    return this.#work.det();
  }
}

/** ±Π d over LU pivots, the sign from the interchanges ipiv records. */
function signed(diagonal: number[], ipiv: Int32Array): number {
  let d = diagonal.reduce((p, v) => p * v, 1);
  for (let i = 0; i < ipiv.length; i++) if (ipiv[i] !== i) d = -d;
  return d;
}

/** The structured factorization of a host matrix in its memory; `owned` goes with it. */
export function structuredHost(
  op: string,
  h: StructuredMatrix<"host">,
  home: Factory,
  owned: Disposable | undefined,
  cholesky: boolean,
): StructuredFactors {
  const lapack = lapackOf(op, h.factory);
  const c = columnReading(h), n = c.n, o = h.offset;
  const B = h.storage.buffer as HostArray;
  const make = (len: number): HostArray =>
    B instanceof Float32Array ? new Float32Array(len) : new Float64Array(len);
  const vec = (offset: number, rows: number, storage = h.storage): Operand => ({
    storage,
    offset,
    rows: Math.max(rows, 0),
    cols: 1,
    rowStride: 1,
    colStride: Math.max(rows, 1),
  });
  const read = (idx: number[]) => () => idx.map((i) => B[i]);
  const range = (count: number, at: (i: number) => number) =>
    Array.from({ length: Math.max(count, 0) }, (_, i) => at(i));
  // A row-layout general kind is stored as its transpose's column reading: factors of Aᵀ.
  const transposed = h.layout === "row";
  const base = { transposed, lapack, home, owned, n };
  const notPositive = (info: number) =>
    new KnapError(
      `${op}: the ${n}×${n} ${describe(h)} is not positive definite (its leading minor of ` +
        `order ${info} is not)`,
      "not-positive-definite",
    );
  switch (h.kind) {
    case "gb": {
      const { kl, ku, m } = c, rows = 2 * kl + ku + 1, buf = make(rows * n);
      for (let j = 0; j < n; j++) {
        for (let r = 0; r <= kl + ku; r++) buf[kl + r + j * rows] = B[o + r + j * c.ld];
      }
      const storage = { buffer: buf, length: buf.length, released: false };
      const ab: Operand = { storage, offset: 0, rows, cols: n, rowStride: 1, colStride: rows };
      const ipiv = new Int32Array(Math.min(m, n));
      const info = lapack.gbtrf(ab, m, kl, ku, ipiv);
      // The factors are a copy: whatever held the matrix on the way here is done.
      owned?.[Symbol.dispose]();
      return new StructuredFactors({
        ...base,
        owned: undefined,
        factors: ab,
        fingerprint: () => [],
        routine: "gbtrf",
        info,
        square: m === n,
        solve: (b, t) => lapack.gbtrs(ab, kl, ku, ipiv, b, t !== transposed),
        det: () => signed(range(n, (i) => buf[kl + ku + i * rows]), ipiv),
      });
    }
    case "gt":
    case "dt": {
      const dl = vec(o, n - 1), d = vec(o + n - 1, n), du = vec(o + 2 * n - 1, n - 1);
      const spare = make(Math.max(n - 2, 1));
      const du2 = vec(0, n - 2, { buffer: spare, length: spare.length, released: false });
      const ipiv = new Int32Array(n);
      const info = lapack.gttrf(dl, d, du, du2, ipiv);
      const diagonal = range(n, (i) => o + n - 1 + i);
      return new StructuredFactors({
        ...base,
        factors: d,
        fingerprint: read(diagonal),
        routine: "gttrf",
        info,
        square: true,
        solve: (b, t) => lapack.gttrs(dl, d, du, du2, ipiv, b, t !== transposed),
        det: () => signed(diagonal.map((i) => B[i]), ipiv),
      });
    }
    case "sp":
    case "sb":
    case "st": {
      if (!cholesky) throw new TypeError(`${op}: a ${describe(h)} factors by Cholesky (ptrf)`);
      const upper = c.uplo === "upper";
      let info: number, factors: Operand, diagonal: number[];
      let solve: (b: Operand) => void;
      if (h.kind === "sp") {
        factors = vec(o, (n * (n + 1)) / 2);
        info = lapack.pptrf(factors, n, upper);
        diagonal = range(n, (j) => o + (upper ? (j * (j + 3)) / 2 : (j * (2 * n - j + 1)) / 2));
        solve = (b) => lapack.pptrs(factors, n, upper, b);
      } else if (h.kind === "sb") {
        const kd = c.kl + c.ku;
        factors = {
          storage: h.storage,
          offset: o,
          rows: kd + 1,
          cols: n,
          rowStride: 1,
          colStride: c.ld,
        };
        info = lapack.pbtrf(factors, kd, upper);
        diagonal = range(n, (j) => o + (upper ? kd : 0) + j * c.ld);
        solve = (b) => lapack.pbtrs(factors, kd, upper, b);
      } else {
        const d = vec(o, n), e = vec(o + n, n - 1);
        factors = d;
        info = lapack.pttrf(d, e);
        diagonal = range(n, (i) => o + i);
        solve = (b) => lapack.pttrs(d, e, b);
      }
      if (info > 0) {
        owned?.[Symbol.dispose]();
        throw notPositive(info);
      }
      // L·Lᵀ's determinant is (Π L(i, i))²; pttrf's L·D·Lᵀ keeps D on the diagonal.
      const det = h.kind === "st"
        ? () => diagonal.reduce((p, i) => p * B[i], 1)
        : () => diagonal.reduce((p, i) => p * B[i], 1) ** 2;
      return new StructuredFactors({
        ...base,
        transposed: false,
        factors,
        fingerprint: read(diagonal),
        routine: h.kind === "sp" ? "pptrf" : h.kind === "sb" ? "pbtrf" : "pttrf",
        info,
        square: true,
        solve: (b) => solve(b),
        det,
      });
    }
    case "sy": {
      const { op: a, upper } = symmetricOperand(h);
      const ipiv = new Int32Array(n);
      const info = lapack.sytrf(a, upper, ipiv);
      const at = (i: number, j: number) =>
        B[
          o +
          (upper ? Math.min(i, j) + Math.max(i, j) * c.ld : Math.max(i, j) + Math.min(i, j) * c.ld)
        ];
      const diagonal = range(n, (i) => o + i * (c.ld + 1));
      return new StructuredFactors({
        ...base,
        transposed: false,
        factors: a,
        fingerprint: read(diagonal),
        routine: "sytrf",
        info,
        square: true,
        solve: (b) => lapack.sytrs(a, upper, ipiv, b),
        det: () => {
          // det P·L·D·Lᵀ·Pᵀ = det D, over its 1×1 and 2×2 blocks.
          let d = 1;
          for (let k = 0; k < n; k++) {
            if (ipiv[k] > 0) d *= at(k, k);
            else {
              d *= at(k, k) * at(k + 1, k + 1) - at(k + 1, k) ** 2;
              k++;
            }
          }
          return d;
        },
      });
    }
    default:
      throw new TypeError(
        `${op}: a ${describe(h)} needs no factorization: solve with it directly (sv_)`,
      );
  }
}

/** An empty host matrix of a's kind, shape and layout. */
function hostLike(f: Factory<"host">, a: StructuredMatrix): [StructuredMatrix<"host">, Disposable] {
  const options = { uplo: a.uplo, layout: a.layout };
  let m: StructuredMatrix<"host">;
  switch (a.kind) {
    case "gb":
      m = gb(f, a.m, a.n, a.kl, a.ku, undefined, { layout: a.layout });
      break;
    case "sb":
      m = sb(f, a.n, Math.max(a.kl, a.ku), undefined, options);
      break;
    case "sp":
      m = sp(f, a.n, undefined, options);
      break;
    case "sy":
      m = sy(f, a.n, undefined, options);
      break;
    default: {
      // The diagonal kinds take no layout: a row-layout one is a column one's transpose view.
      const c = (a.kind === "gt" ? gt : a.kind === "dt" ? dt : st)(f, a.n) as StructuredMatrix<
        "host"
      >;
      return [a.layout === "row" ? trans(c) : c, c];
    }
  }
  return [m, m];
}

/**
 * Factors a structured matrix: in its own memory when `inPlace` (a `gb` always in a band copy),
 * else in a copy the factorization owns.
 */
export function factorStructured<L extends Loc>(
  op: string,
  a: StructuredMatrix<L>,
  inPlace: boolean,
  cholesky: boolean,
): Later<L, StructuredFactors<L>> {
  liveStructured(op, a, "a");
  if (a.factory.location === "host") {
    const h = inPlace ? a : cloneStructured(a);
    return structuredHost(
      op,
      h as StructuredMatrix<"host">,
      a.factory,
      inPlace ? undefined : h,
      cholesky,
    ) as unknown as Later<L, StructuredFactors<L>>;
  }
  return (async () => {
    const [h, own] = hostLike(lapackHost(a.factory.dtype), a as StructuredMatrix);
    try {
      await transfer_(a as StructuredMatrix, h);
    } catch (e) {
      own[Symbol.dispose]();
      throw e;
    }
    const f = structuredHost(op, h, a.factory, own, cholesky);
    if (inPlace && a.kind !== "gb") await transfer_(h, a as StructuredMatrix);
    return f;
  })() as Later<L, StructuredFactors<L>>;
}

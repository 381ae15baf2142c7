/**
 * Factorizations as objects that keep their pivots and know how to solve: an LU (`?getrf`) and
 * a Cholesky factor (`?potrf`), each over column-major host memory the engine's LAPACK reads.
 * A row-major matrix factored in place is its transpose's factorization, solved with the
 * transposed routine. A factorization checks before each use that its matrix was neither released
 * nor overwritten (a fingerprint of the factors' diagonal).
 *
 * @module
 */

import type { Operand } from "../core/engine.ts";
import type { LinalgEngine } from "../core/linalg_engine.ts";
import type { HostArray, Loc } from "../core/types.ts";
import { KnapError } from "../core/errors.ts";
import type { Factory } from "../core/factory.ts";

/** What every factorization holds. */
export interface Held {
  /** The factors, column-major on the host. */
  readonly factors: Operand;
  /** Whether the factors are of Aᵀ (a row-major A factored in place). */
  readonly transposed: boolean;
  /** The host engine's LAPACK. */
  readonly lapack: LinalgEngine;
  /** A copy the factorization owns (released with it), if any. */
  readonly owned?: Disposable;
  /** The factory of the matrix that was factored: where `tri` puts the inverse. */
  readonly home: Factory;
  /** The order, where the factors' operand does not tell it (band, packed, tridiagonal storage). */
  readonly n?: number;
  /** The entries whose change means the factors were overwritten (default: the diagonal). */
  readonly fingerprint?: () => number[];
}

/** The diagonal of the factors, to tell later whether they were overwritten. */
function diagonal(f: Operand): number[] {
  const buf = f.storage.buffer as HostArray, n = Math.min(f.rows, f.cols), out: number[] = [];
  for (let i = 0; i < n; i++) out.push(buf[f.offset + i * (f.rowStride + f.colStride)]);
  return out;
}

/** The base of both kinds of factorization: ownership, release and the checks before each use. */
export abstract class Factors<L extends Loc = Loc> implements Disposable {
  /** The factors, column-major on the host. */
  readonly factors: Operand;
  /** Whether the factors are of Aᵀ (a row-major A factored in place). */
  readonly transposed: boolean;
  /** The host engine's LAPACK, which solves with the factors. */
  readonly lapack: LinalgEngine;
  /** The factory of the matrix that was factored. */
  readonly home: Factory<L>;
  readonly #owned?: Disposable;
  readonly #n?: number;
  readonly #read: () => number[];
  readonly #fingerprint: number[];
  #released = false;

  /** Wraps what a factoring routine made; `trf_` and `ptrf_` call it. */
  constructor(h: Held) {
    this.factors = h.factors;
    this.transposed = h.transposed;
    this.lapack = h.lapack;
    this.home = h.home as Factory<L>;
    this.#owned = h.owned;
    this.#n = h.n;
    this.#read = h.fingerprint ?? (() => diagonal(h.factors));
    this.#fingerprint = this.#read();
  }

  /** The order n of the factored matrix (its rows, for a rectangular LU). */
  get n(): number {
    return this.#n ?? this.factors.rows;
  }

  /** The factors' element type. */
  get dtype(): "float32" | "float64" {
    return this.factors.storage.buffer instanceof Float32Array ? "float32" : "float64";
  }

  /** Throws unless the factors are still there and unchanged since the factorization. */
  check(op: string): void {
    if (this.#released) throw new KnapError(`${op}: the factorization was released`, "released");
    if (this.factors.storage.released) {
      throw new KnapError(`${op}: the factored matrix was released`, "released");
    }
    const now = this.#read();
    if (now.some((v, i) => !Object.is(v, this.#fingerprint[i]))) {
      throw new KnapError(
        `${op}: the factored matrix was overwritten after the factorization`,
        "overwritten",
      );
    }
  }

  /**
   * Marks the factorization used up (its factors overwritten on purpose, as by `tri_`): later
   * uses throw, as after release.
   */
  consume(): void {
    this[Symbol.dispose]();
  }

  /** Releases what the factorization owns. */
  [Symbol.dispose](): void {
    if (this.#released) return;
    this.#released = true;
    this.#owned?.[Symbol.dispose]();
  }
}

/**
 * An LU factorization with partial pivoting, A = P·L·U (LAPACK's getrf): solve with `trs_`,
 * invert with `tri`, and read `det` and `con`. `singular` is the 0-based index of the first
 * exactly zero pivot, or −1.
 */
export class LU<L extends Loc = Loc> extends Factors<L> {
  /** The kind of factorization. */
  readonly kind = "lu" as const;
  /** The 0-based row each row was swapped with, in order. */
  readonly ipiv: Int32Array;
  /** The first exactly zero pivot U(k, k), or −1. */
  readonly singular: number;

  /** Wraps factors the engine made (see `trf_`). */
  constructor(h: Held & { readonly ipiv: Int32Array; readonly info: number }) {
    super(h);
    this.ipiv = h.ipiv;
    this.singular = h.info > 0 ? h.info - 1 : -1;
  }
}

/** A Cholesky factorization of a positive definite matrix, A = L·Lᵀ or Uᵀ·U (LAPACK's potrf). */
export class Cholesky<L extends Loc = Loc> extends Factors<L> {
  /** The kind of factorization. */
  readonly kind = "cholesky" as const;
  /** Whether the factor is U (the upper triangle) rather than L. */
  readonly upper: boolean;

  /** Wraps a factor the engine made (see `ptrf_`). */
  constructor(h: Held & { readonly upper: boolean }) {
    super(h);
    this.upper = h.upper;
  }
}

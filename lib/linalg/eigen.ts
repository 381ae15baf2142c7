/**
 * The symmetric eigenproblem: all eigenvalues (`evd`, `evd_`: LAPACK's syevd) or a range of them
 * by index or value (`evr`, `evr_`: syevr), alone or with their vectors. It iterates, so a NaN or
 * ∞ in the input is refused before it starts (LAPACK could loop on one). A device's matrices are
 * decomposed on the host (one transfer each way): the calls return Promises.
 *
 * @module
 */

import type { GEMatrix, Vector } from "../core/structures.ts";
import type { HostArray, Loc } from "../core/types.ts";
import type { Operand } from "../core/operand.ts";
import type { EigenRange } from "../core/linalg_engine.ts";
import { ge } from "../core/construct.ts";
import { submatrix } from "../core/views.ts";
import type { Factory } from "../core/factory.ts";
import { KnapError } from "../core/errors.ts";
import { describe, liveStructured, type StructuredMatrix, sy } from "../core/structured.ts";
import { lapackHost, lapackOf, symmetricOperand } from "./host.ts";
import { type Later, transfer_ } from "../access.ts";
import { result } from "./results.ts";
import { densify } from "../structured/pieces.ts";

/** Eigenvalues ascending, and their eigenvectors as columns when asked for. */
export interface Eigen<L extends Loc = Loc> extends Disposable {
  /** The eigenvalues, ascending. */
  readonly w: Vector<L>;
  /** Orthonormal eigenvectors, column j for w[j], when asked for. */
  readonly z?: GEMatrix<L>;
}

/** Which of a symmetric matrix's eigenvalues to compute, besides whether to compute vectors. */
export interface EigenOptions extends VectorsOption {
  /** Only those with these 0-based indices in ascending order, both ends included. */
  readonly index?: readonly [number, number];
  /** Only those in the half-open interval (lo, hi]. */
  readonly value?: readonly [number, number];
}

/** What to compute besides the values. */
export interface VectorsOption {
  /** Whether to compute the vectors too (default false). */
  readonly vectors?: boolean;
}

/** Throws unless the triangle LAPACK reads holds finite numbers only. */
function finiteTriangle(op: string, x: Operand, upper: boolean): void {
  const buf = x.storage.buffer as HostArray;
  for (let j = 0; j < x.cols; j++) {
    for (let i = upper ? 0 : j; i < (upper ? j + 1 : x.rows); i++) {
      const v = buf[x.offset + i + j * x.colStride];
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `${op}: a(${i}, ${j}) is ${v}; the iteration would not end meaningfully, so it does not start`,
        );
      }
    }
  }
}

/** Checks a range of eigenvalues against the order n. */
function checkRange(op: string, range: EigenRange | undefined, n: number): void {
  if (range === undefined) return;
  if ("index" in range) {
    const [lo, hi] = range.index;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || lo > hi || hi >= n) {
      throw new RangeError(
        `${op}: the index range [${lo}, ${hi}] must be whole numbers with 0 ≤ lo ≤ hi < n = ${n}`,
      );
    }
  } else {
    const [lo, hi] = range.value;
    if (!(lo < hi)) throw new RangeError(`${op}: the value range (${lo}, ${hi}] is empty`);
  }
}

/** The symmetric eigenproblem on the host: in a's memory when `destroy`, else on a dense copy. */
function evdHost<L extends Loc>(
  op: string,
  a: StructuredMatrix<"host">,
  home: Factory<L>,
  options: EigenOptions,
  destroy: boolean,
) {
  const lapack = lapackOf(op, a.factory), f = a.factory, n = a.n;
  const vectors = options.vectors ?? false;
  const range: EigenRange | undefined = options.index
    ? { index: options.index }
    : options.value
    ? { value: options.value }
    : undefined;
  checkRange(op, range, n);
  const copy = destroy ? undefined : (densify(a) as GEMatrix<"host">);
  const owned: Disposable[] = copy ? [copy] : [];
  try {
    const { op: work, upper } = copy ? { op: copy as Operand, upper: false } : symmetricOperand(a);
    finiteTriangle(op, work, upper);
    const w = new Float64Array(n);
    let z: GEMatrix<"host"> | undefined, count = n, info: number;
    if (range === undefined) {
      info = lapack.syevd(work, upper, w, vectors);
      if (vectors) {
        z = copy ?? (ge(f, n, n) as GEMatrix<"host">);
        if (!copy) f.engine.blas.copy(work, z);
        else owned.length = 0;
      }
    } else {
      const room = "index" in range ? range.index[1] - range.index[0] + 1 : n;
      const zz = vectors ? (ge(f, n, room) as GEMatrix<"host">) : undefined;
      if (zz) owned.push(zz);
      ({ info, count } = lapack.syevr(work, upper, range, w, zz));
      if (zz) {
        z = zz.n === count ? zz : (ge(f, n, count) as GEMatrix<"host">);
        if (z !== zz) f.engine.blas.copy(submatrix(zz, 0, 0, n, count), z);
        else owned.pop();
      }
    }
    if (info > 0) {
      z?.[Symbol.dispose]();
      throw new KnapError(`${op}: the iteration did not converge (info ${info})`, "no-convergence");
    }
    const r = result(home, [["w", w.subarray(0, count)]], [["z", z]]) as unknown as Eigen<L>;
    return r;
  } finally {
    for (const x of owned) x[Symbol.dispose]();
  }
}

function symmetric<L extends Loc>(
  op: string,
  a: StructuredMatrix<L>,
  options: EigenOptions,
  destroy: boolean,
): Later<L, Eigen<L>> {
  liveStructured(op, a, "a");
  if (a.kind !== "sy") {
    throw new TypeError(`${op}: the symmetric eigenproblem of a ${describe(a)}: it takes a sy`);
  }
  if (a.factory.location === "host") {
    return evdHost(op, a as StructuredMatrix<"host">, a.factory, options, destroy) as Later<
      L,
      Eigen<L>
    >;
  }
  return (async () => {
    const h = sy(lapackHost(a.factory.dtype), a.n, undefined, { uplo: a.uplo, layout: a.layout });
    try {
      await transfer_(a as StructuredMatrix, h);
      return evdHost(op, h, a.factory, options, true);
    } finally {
      h[Symbol.dispose]();
    }
  })() as Later<L, Eigen<L>>;
}

/**
 * The eigenvalues of a symmetric `sy`, ascending, and with `{ vectors: true }` orthonormal
 * eigenvectors (LAPACK's syevd, divide and conquer; numpy's `eigh`). a is untouched. A NaN or ∞
 * in a is a RangeError naming the entry.
 *
 * @example
 * ```ts
 * import { jsDouble, sy, toArray } from "@knap/knap";
 * import { evd } from "@knap/knap/linalg";
 * using a = sy(jsDouble, 2, [2, 1, 2]); // [[2, 1], [1, 2]]: eigenvalues 1 and 3
 * using e = evd(a, { vectors: true });
 * const [l1, l2] = toArray(e.w);
 * if (Math.abs(l1 - 1) > 1e-15 || Math.abs(l2 - 3) > 1e-15 || e.z?.m !== 2) throw new Error("unexpected");
 * ```
 */
export function evd<L extends Loc>(
  a: StructuredMatrix<L>,
  options: VectorsOption = {},
): Later<L, Eigen<L>> {
  return symmetric("evd", a, { vectors: options.vectors }, false);
}

/**
 * `evd` in a's own memory (Neanderthal's `ev!` on SY): a host a's contents are destroyed instead
 * of copied.
 *
 * @example
 * ```ts
 * import { jsDouble, sy, toArray } from "@knap/knap";
 * import { evd_ } from "@knap/knap/linalg";
 * using a = sy(jsDouble, 2, [1, 0, 4]);
 * using e = evd_(a);
 * if (toArray(e.w).join() !== "1,4") throw new Error("unexpected");
 * ```
 */
export function evd_<L extends Loc>(
  a: StructuredMatrix<L>,
  options: VectorsOption = {},
): Later<L, Eigen<L>> {
  return symmetric("evd_", a, { vectors: options.vectors }, true);
}

/**
 * Some of a symmetric `sy`'s eigenvalues, ascending — those with 0-based indices `index: [lo, hi]`
 * in ascending order, or those in the interval `value: (lo, hi]` — and with `{ vectors: true }`
 * their eigenvectors (LAPACK's syevr, relatively robust representations; SciPy's `eigh` with
 * `subset_by_index` or `subset_by_value`). Without a range, all of them. a is untouched. The js
 * engine computes them all and keeps the range.
 *
 * @example The two smallest
 * ```ts
 * import { jsDouble, sy, toArray } from "@knap/knap";
 * import { evr } from "@knap/knap/linalg";
 * using a = sy(jsDouble, 3, [3, 0, 1, 0, 0, 2]); // diagonal 3, 1, 2
 * using e = evr(a, { index: [0, 1], vectors: true });
 * if (toArray(e.w).join() !== "1,2" || e.z?.n !== 2) throw new Error("unexpected");
 * ```
 */
export function evr<L extends Loc>(
  a: StructuredMatrix<L>,
  options: EigenOptions = {},
): Later<L, Eigen<L>> {
  return symmetric("evr", a, options, false);
}

/**
 * `evr` in a's own memory: a host a's contents are destroyed instead of copied.
 *
 * @example Eigenvalues in (0, 2.5]
 * ```ts
 * import { jsDouble, sy, toArray } from "@knap/knap";
 * import { evr_ } from "@knap/knap/linalg";
 * using a = sy(jsDouble, 3, [3, 0, 1, 0, 0, 2]);
 * using e = evr_(a, { value: [0, 2.5] });
 * if (toArray(e.w).join() !== "1,2") throw new Error("unexpected");
 * ```
 */
export function evr_<L extends Loc>(
  a: StructuredMatrix<L>,
  options: EigenOptions = {},
): Later<L, Eigen<L>> {
  return symmetric("evr_", a, options, true);
}

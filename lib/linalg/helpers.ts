/**
 * LAPACK's helpers: `tri_` (the inverse over the factored matrix, getri), `laswp_` (row
 * interchanges, as getrf records them) and `srt_` (a vector sorted in place, lasrt).
 *
 * @module
 */

import type { Operand } from "../core/engine.ts";
import type { GEMatrix, Vector } from "../core/structures.ts";
import type { HostArray, Loc } from "../core/types.ts";
import { live, numeric } from "../core/checks.ts";
import { row } from "../core/views.ts";
import { type Later, transfer, transfer_ } from "../access.ts";
import { swp_ } from "../blas.ts";
import { Cholesky, LU } from "./factors.ts";
import { type Factorization, tri } from "./solve.ts";
import { lapackHost } from "./host.ts";

/**
 * Overwrites the factored matrix with its inverse (LAPACK's getri and potri, Neanderthal's
 * `tri!`): the factorization is used up. For an LU or a Cholesky factor of a `sy` that `trf_` or
 * `ptrf_` made in a host matrix's own memory (a `sy` gets the whole inverse, both triangles); a
 * copy's, a device matrix's or a structured storage's inverse comes from `tri`. Returns the factorization's
 * factors, now the inverse, as the matrix it was given.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { trf_, tri_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 2, 2, [2, 0, 0, 4]);
 * tri_(trf_(a));
 * if (toArray(a).join() !== "0.5,0,0,0.25") throw new Error("unexpected");
 * ```
 */
export function tri_(f: Factorization): void {
  f.check("tri_");
  if (f.home.location !== "host") {
    throw new TypeError("tri_: the factors of a device matrix live in a host copy: use tri");
  }
  if (!(f instanceof LU) && !(f instanceof Cholesky)) {
    throw new TypeError(
      `tri_: a ${f.routine} factorization's storage cannot hold the dense inverse: use tri`,
    );
  }
  const inv = tri(f) as GEMatrix<"host">;
  // Factors of Aᵀ hold A's memory transposed: (A⁻¹)ᵀ goes in.
  const src: Operand = f.transposed
    ? { ...inv, rows: inv.n, cols: inv.m, rowStride: inv.colStride, colStride: inv.rowStride }
    : inv;
  inv.factory.engine.blas.copy(src, f.factors);
  inv[Symbol.dispose]();
  f.consume();
}

/**
 * Applies row interchanges to a in place (LAPACK's laswp): for i from k1 to k2 − 1, rows i and
 * ipiv[i] are swapped — the P of an LU factorization, `trf_`'s `ipiv`. Returns a.
 *
 * @example
 * ```ts
 * import { ge, jsDouble, toArray } from "@knap/knap";
 * import { laswp_ } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 3, 1, [1, 2, 3]);
 * laswp_(a, Int32Array.of(2, 1, 2));
 * if (toArray(a).join() !== "3,2,1") throw new Error("unexpected");
 * ```
 */
export function laswp_<M extends GEMatrix>(
  a: M,
  ipiv: ArrayLike<number>,
  k1 = 0,
  k2: number = ipiv.length,
): M {
  live("laswp_", a, "a");
  if (!(Number.isInteger(k1) && Number.isInteger(k2) && 0 <= k1 && k1 <= k2 && k2 <= ipiv.length)) {
    throw new RangeError(`laswp_: the range [${k1}, ${k2}) does not lie in ipiv's ${ipiv.length}`);
  }
  for (let i = k1; i < k2; i++) {
    const p = ipiv[i];
    if (!(Number.isInteger(p) && p >= 0 && p < a.m && i < a.m)) {
      throw new RangeError(`laswp_: ipiv[${i}] = ${p} is not a row of a ${a.m}×${a.n} matrix`);
    }
    if (p !== i) swp_(row(a, i), row(a, p));
  }
  return a;
}

/** Sorts n entries at `offset`, `stride` apart, in place: increasing, or decreasing, NaN last. */
function sortRun(buf: HostArray, offset: number, stride: number, n: number, increasing: boolean) {
  const v = Float64Array.from({ length: n }, (_, i) => buf[offset + i * stride]);
  v.sort();
  if (!increasing) {
    // Decreasing with NaN still last: the numbers reversed in front of them.
    const k = v.findIndex((e) => Number.isNaN(e));
    v.subarray(0, k < 0 ? n : k).reverse();
  }
  for (let i = 0; i < n; i++) buf[offset + i * stride] = v[i];
}

/**
 * Sorts a vector's entries, or each column of a matrix, in place: increasing (or decreasing),
 * NaN last either way (LAPACK's lasrt, Neanderthal's `srt!`). A device one is sorted on the host:
 * a Promise.
 *
 * @example
 * ```ts
 * import { dv, ge, jsDouble, toArray } from "@knap/knap";
 * import { srt_ } from "@knap/knap/linalg";
 * using x = dv(3, -1, 2);
 * srt_(x);
 * using a = ge(jsDouble, 2, 2, [2, 1, 0, 5]); // columns (2, 1) and (0, 5)
 * srt_(a, false);
 * if (toArray(x).join() !== "-1,2,3" || toArray(a).join() !== "2,1,5,0") throw new Error();
 * ```
 */
export function srt_<L extends Loc, S extends Vector<L> | GEMatrix<L>>(
  x: S,
  increasing = true,
): Later<L, S> {
  live("srt_", x, "x");
  numeric("srt_", x);
  const sort = (h: Vector<"host"> | GEMatrix<"host">) => {
    const buf = h.storage.buffer as HostArray;
    if ("dim" in h) return sortRun(buf, h.offset, h.stride, h.dim, increasing);
    for (let j = 0; j < h.n; j++) {
      sortRun(buf, h.offset + j * h.colStride, h.rowStride, h.m, increasing);
    }
  };
  if (x.factory.location === "host") {
    sort(x as Vector<"host"> | GEMatrix<"host">);
    return x as Later<L, S>;
  }
  return (async () => {
    using h = await transfer(lapackHost(x.factory.dtype), x as GEMatrix);
    sort(h);
    transfer_(h, x as GEMatrix);
    return x;
  })() as Later<L, S>;
}

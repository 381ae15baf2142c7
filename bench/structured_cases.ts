/**
 * The structured products the native engine hands to OpenBLAS, each beside the raw CBLAS call
 * on the same memory: what `structured.bench.ts` and `structured_compare.ts` time. float64,
 * orders where the work is milliseconds: level 2 at n = 2000 (bands of width 16 at n = 200 000),
 * level 3 at n = 500.
 *
 * @module
 */

import {
  gb,
  ge,
  mm_,
  mv_,
  nativeDouble,
  sb,
  sp,
  type StructuredMatrix,
  sy,
  tb,
  tp,
  tr,
  vctr,
} from "../mod.ts";
import { sv_ } from "../lib/linalg/mod.ts";
import {
  CblasColMajor,
  CblasLeft,
  CblasNonUnit,
  CblasNoTrans,
  CblasUpper,
  openOpenBLAS,
} from "../ffi/openblas.ts";

/** One product: knap's call and the raw routine's, over equal data. */
export interface StructuredCase {
  readonly name: string;
  /** The SciPy routine (scipy.linalg.blas) the Python side times. */
  readonly scipy: string;
  readonly n: number;
  readonly k: number;
  readonly knap: () => void;
  readonly raw: () => void;
}

const blas = openOpenBLAS().symbols;
const N2 = 2000, NB = 200_000, K = 16, N3 = 500;
const up = CblasUpper, col = CblasColMajor, nt = CblasNoTrans, nu = CblasNonUnit;

/** Entries in (0, 1), and a diagonal of 4 + … so solves stay tame. */
function filled(a: StructuredMatrix): Float64Array {
  const mem = a.storage.buffer as Float64Array;
  for (let i = 0; i < mem.length; i++) mem[i] = ((i * 7919) % 1000) / 1000 + 0.01;
  return mem;
}

function vectorPair(n: number) {
  const x = vctr(nativeDouble, Array.from({ length: n }, (_, i) => Math.sin(i)));
  const y = vctr(nativeDouble, n);
  return { x, y, xs: x.storage.buffer as Float64Array, ys: y.storage.buffer as Float64Array };
}

/** Every case, made on first call (the matrices are large). */
export function structuredCases(): StructuredCase[] {
  const cases: StructuredCase[] = [];
  const level2 = (
    name: string,
    scipy: string,
    a: StructuredMatrix,
    k: number,
    raw: (mem: Float64Array, xs: Float64Array, ys: Float64Array) => void,
    solve = false,
  ) => {
    const mem = filled(a);
    if (solve) {
      // A dominant diagonal, so repeated solves stay finite.
      for (let i = 0; i < a.n; i++) {
        const idx = a.kind === "tr"
          ? i + i * a.ld
          : a.kind === "tb"
          ? k + i * a.ld
          : i + i * (i + 1) / 2;
        mem[idx] = 4;
      }
    }
    const { x, y, xs, ys } = vectorPair(a.n);
    // A solve overwrites x: both sides start each one from the same right-hand side.
    const x0 = xs.slice();
    cases.push({
      name,
      scipy,
      n: a.n,
      k,
      knap: solve ? () => (xs.set(x0), void sv_(a, x)) : () => void mv_(1, a, x, 0, y),
      raw: solve ? () => (xs.set(x0), raw(mem, xs, ys)) : () => raw(mem, xs, ys),
    });
  };
  level2(
    "trmv (tr·x)",
    "trmv",
    tr(nativeDouble, N2),
    0,
    (a, x) => blas.cblas_dtrmv(col, up, nt, nu, N2, a, N2, x, 1),
  );
  level2(
    "symv (sy·x)",
    "symv",
    sy(nativeDouble, N2),
    0,
    (a, x, y) => blas.cblas_dsymv(col, up, N2, 1, a, N2, x, 1, 0, y, 1),
  );
  level2(
    "tpmv (tp·x)",
    "tpmv",
    tp(nativeDouble, N2),
    0,
    (a, x) => blas.cblas_dtpmv(col, up, nt, nu, N2, a, x, 1),
  );
  level2(
    "spmv (sp·x)",
    "spmv",
    sp(nativeDouble, N2),
    0,
    (a, x, y) => blas.cblas_dspmv(col, up, N2, 1, a, x, 1, 0, y, 1),
  );
  level2(
    "gbmv (gb·x)",
    "gbmv",
    gb(nativeDouble, NB, NB, K, K),
    K,
    (a, x, y) => blas.cblas_dgbmv(col, nt, NB, NB, K, K, 1, a, 2 * K + 1, x, 1, 0, y, 1),
  );
  level2(
    "sbmv (sb·x)",
    "sbmv",
    sb(nativeDouble, NB, K),
    K,
    (a, x, y) => blas.cblas_dsbmv(col, up, NB, K, 1, a, K + 1, x, 1, 0, y, 1),
  );
  level2(
    "tbmv (tb·x)",
    "tbmv",
    tb(nativeDouble, NB, K),
    K,
    (a, x) => blas.cblas_dtbmv(col, up, nt, nu, NB, K, a, K + 1, x, 1),
  );
  level2(
    "trsv (tr⁻¹x)",
    "trsv",
    tr(nativeDouble, N2),
    0,
    (a, x) => blas.cblas_dtrsv(col, up, nt, nu, N2, a, N2, x, 1),
    true,
  );
  level2(
    "tbsv (tb⁻¹x)",
    "tbsv",
    tb(nativeDouble, NB, K),
    K,
    (a, x) => blas.cblas_dtbsv(col, up, nt, nu, NB, K, a, K + 1, x, 1),
    true,
  );
  level2(
    "tpsv (tp⁻¹x)",
    "tpsv",
    tp(nativeDouble, N2),
    0,
    (a, x) => blas.cblas_dtpsv(col, up, nt, nu, N2, a, x, 1),
    true,
  );

  const square = () => {
    const b = ge(nativeDouble, N3, N3, Array.from({ length: N3 * N3 }, (_, i) => Math.cos(i)));
    const c = ge(nativeDouble, N3, N3);
    return { b, c, bs: b.storage.buffer as Float64Array, cs: c.storage.buffer as Float64Array };
  };
  {
    const a = tr(nativeDouble, N3), mem = filled(a), { b, c, bs, cs } = square();
    cases.push({
      name: "trmm (tr·B)",
      scipy: "trmm",
      n: N3,
      k: 0,
      knap: () => void mm_(1, a, b, 0, c),
      // trmm works in place: B into C first, as knap's mm_ does.
      raw:
        () => (cs.set(bs),
          blas.cblas_dtrmm(col, CblasLeft, up, nt, nu, N3, N3, 1, mem, N3, cs, N3)),
    });
  }
  {
    const a = sy(nativeDouble, N3), mem = filled(a), { b, c, bs, cs } = square();
    cases.push({
      name: "symm (sy·B)",
      scipy: "symm",
      n: N3,
      k: 0,
      knap: () => void mm_(1, a, b, 0, c),
      raw: () => blas.cblas_dsymm(col, CblasLeft, up, N3, N3, 1, mem, N3, bs, N3, 0, cs, N3),
    });
  }
  {
    const a = tr(nativeDouble, N3), mem = filled(a), { b, bs } = square();
    for (let i = 0; i < N3; i++) mem[i + i * N3] = N3;
    const b0 = bs.slice();
    cases.push({
      name: "trsm (tr⁻¹B)",
      scipy: "trsm",
      n: N3,
      k: 0,
      knap: () => (bs.set(b0), void sv_(a, b)),
      raw:
        () => (bs.set(b0),
          blas.cblas_dtrsm(col, CblasLeft, up, nt, nu, N3, N3, 1, mem, N3, bs, N3)),
    });
  }
  return cases;
}

/**
 * Structured products and solves through OpenBLAS's own routines: trmv/trsv/trmm/trsm for `tr`,
 * symv/symm for `sy`, gbmv, sbmv, spmv, tbmv/tbsv and tpmv/tpsv for the band and packed kinds,
 * and sbmv/tbsv with band width 0 for `gd`. The tridiagonal kinds have no BLAS routine and take
 * the js engine's loops (linear in n, as a routine would be).
 *
 * Every kind is handed over as its column reading (`columnReading`): a row-layout matrix is its
 * transpose's column reading, so it goes in with `CblasTrans`. A row-major output is handled as
 * its column-major transpose (Cᵀ = Bᵀ Aᵀ), so the calls are all column-major. BLAS has no
 * level-3 routine for the band and packed kinds: their products run column by column through
 * the level-2 one, as Neanderthal does.
 *
 * @module
 */

import type { Operand, StructuredEngine, StructuredOperand } from "../../core/engine.ts";
import type { Plan } from "../../core/engine.ts";
import { columnReading, isTriangular, type KindShape, storageLength } from "../../core/kinds.ts";
import type { HostArray } from "../../core/types.ts";
import {
  CblasColMajor,
  CblasLeft,
  CblasLower,
  CblasNonUnit,
  CblasNoTrans,
  CblasRight,
  CblasTrans,
  CblasUnit,
  CblasUpper,
} from "../../../ffi/openblas.ts";
import * as js from "../js/blas1.ts";
import { blasStorage } from "../blas_storage.ts";
import type { Cblas } from "./level1.ts";
import { inside, transposed } from "./operands.ts";

/** What the routines are handed for a structured matrix: its column reading and memory. */
interface Banded {
  /** The column reading. */
  readonly c: KindShape;
  /** Its memory from the first stored entry. */
  readonly mem: HostArray;
  /** Whether the matrix is that reading's transpose (a row layout, or asked for Aᵀ). */
  readonly trans: boolean;
  readonly float: boolean;
}

const uplo = (c: KindShape) => (c.uplo === "upper" ? CblasUpper : CblasLower);
const diag = (c: KindShape) => (c.diag === "unit" ? CblasUnit : CblasNonUnit);
const transOf = (t: boolean) => (t ? CblasTrans : CblasNoTrans);
const buf = (x: Operand) => x.storage.buffer as HostArray;
const ptr = (x: Operand, extra = 0): HostArray => buf(x).subarray(x.offset + extra);
// A one-entry vector's stride means nothing to BLAS, which refuses 0.
const inc = (x: Operand) => (x.rows === 1 ? 1 : x.rowStride);

/** a's memory after checking its storage holds every entry its kind may read. */
function banded(a: StructuredOperand, transpose: boolean): Banded {
  const buffer = a.storage.buffer;
  if (!(buffer instanceof Float32Array || buffer instanceof Float64Array)) {
    throw new TypeError(`native structured: a ${a.kind} in ${typeof buffer} memory`);
  }
  const end = a.offset + storageLength(a);
  if (!(a.offset >= 0 && Number.isSafeInteger(end) && end <= buffer.length)) {
    throw new RangeError(
      `native structured: a ${a.m}×${a.n} ${a.kind} from offset ${a.offset} overruns its ` +
        `storage of ${buffer.length}`,
    );
  }
  return {
    c: columnReading(a),
    mem: buffer.subarray(a.offset),
    trans: (a.layout === "row") !== transpose,
    float: buffer instanceof Float32Array,
  };
}

/** x ← op(A)x in place for a triangular A (`solve`: x ← op(A)⁻¹x). */
function triangular(blas: Cblas, s: Banded, x: Operand, solve: boolean): void {
  const { c, mem, float } = s, n = c.n, tr = transOf(s.trans), up = uplo(c), d = diag(c);
  const xs = ptr(x), ix = inc(x);
  if (c.kind === "tr") {
    const f = float
      ? (solve ? blas.cblas_strsv : blas.cblas_strmv)
      : solve
      ? blas.cblas_dtrsv
      : blas.cblas_dtrmv;
    f(CblasColMajor, up, tr, d, n, mem, Math.max(c.ld, 1), xs, ix);
  } else if (c.kind === "tp") {
    const f = float
      ? (solve ? blas.cblas_stpsv : blas.cblas_stpmv)
      : solve
      ? blas.cblas_dtpsv
      : blas.cblas_dtpmv;
    f(CblasColMajor, up, tr, d, n, mem, xs, ix);
  } else {
    // tb, and gd as a band of width 0 with one entry per column.
    const f = float
      ? (solve ? blas.cblas_stbsv : blas.cblas_stbmv)
      : solve
      ? blas.cblas_dtbsv
      : blas.cblas_dtbmv;
    const gd = c.kind === "gd";
    const k = gd ? 0 : Math.max(c.kl, c.ku), ld = gd ? 1 : c.ld;
    f(CblasColMajor, gd ? CblasUpper : up, tr, gd ? CblasNonUnit : d, n, k, mem, ld, xs, ix);
  }
}

/** Whether OpenBLAS has a level-2 routine for a kind. */
const hasRoutine = (c: KindShape) => !["gt", "dt", "st"].includes(c.kind);

/**
 * y ← α op(A) x + β y, y apart from x and a. `scratch` holds n entries for a triangular A
 * at β ≠ 0 (the routine works in place, so the product goes there first).
 */
function product(
  blas: Cblas,
  alpha: number,
  s: Banded,
  x: Operand,
  beta: number,
  y: Operand,
  scratch: () => HostArray,
): void {
  const { c, mem, float } = s;
  if (isTriangular(c.kind)) {
    const n = c.n;
    if (beta === 0) {
      (float ? blas.cblas_scopy : blas.cblas_dcopy)(n, ptr(x), inc(x), ptr(y), inc(y));
      triangular(blas, s, y, false);
      if (alpha !== 1) (float ? blas.cblas_sscal : blas.cblas_dscal)(n, alpha, ptr(y), inc(y));
      return;
    }
    const t = scratch();
    const tOp: Operand = {
      storage: { buffer: t, length: t.length, released: false },
      offset: 0,
      rows: n,
      cols: 1,
      rowStride: 1,
      colStride: n,
    };
    (float ? blas.cblas_scopy : blas.cblas_dcopy)(n, ptr(x), inc(x), t, 1);
    triangular(blas, s, tOp, false);
    (float ? blas.cblas_saxpby : blas.cblas_daxpby)(n, alpha, t, 1, beta, ptr(y), inc(y));
    return;
  }
  // OpenBLAS reads y at β = 0: zeros first, so no NaN in it leaks.
  if (beta === 0) js.fill(y, 0);
  const up = uplo(c), xs = ptr(x), ix = inc(x), ys = ptr(y), iy = inc(y);
  switch (c.kind) {
    case "gb":
      (float ? blas.cblas_sgbmv : blas.cblas_dgbmv)(
        CblasColMajor,
        transOf(s.trans),
        c.m,
        c.n,
        c.kl,
        c.ku,
        alpha,
        mem,
        c.ld,
        xs,
        ix,
        beta,
        ys,
        iy,
      );
      return;
    case "sy":
      (float ? blas.cblas_ssymv : blas.cblas_dsymv)(
        CblasColMajor,
        up,
        c.n,
        alpha,
        mem,
        Math.max(c.ld, 1),
        xs,
        ix,
        beta,
        ys,
        iy,
      );
      return;
    case "sp":
      (float ? blas.cblas_sspmv : blas.cblas_dspmv)(
        CblasColMajor,
        up,
        c.n,
        alpha,
        mem,
        xs,
        ix,
        beta,
        ys,
        iy,
      );
      return;
    default: {
      // sb, and gd as a symmetric band of width 0.
      const gd = c.kind === "gd";
      (float ? blas.cblas_ssbmv : blas.cblas_dsbmv)(
        CblasColMajor,
        gd ? CblasUpper : up,
        c.n,
        gd ? 0 : Math.max(c.kl, c.ku),
        alpha,
        mem,
        gd ? 1 : c.ld,
        xs,
        ix,
        beta,
        ys,
        iy,
      );
    }
  }
}

const column = (x: Operand, j: number): Operand => ({
  ...x,
  offset: x.offset + j * x.colStride,
  cols: 1,
});

/** A column-major scratch matrix of x's shape and precision, as an operand. */
function scratchLike(x: Operand, rows: number, cols: number): Operand {
  const t = x.storage.buffer instanceof Float32Array
    ? new Float32Array(rows * cols)
    : new Float64Array(rows * cols);
  return {
    storage: { buffer: t, length: t.length, released: false },
    offset: 0,
    rows,
    cols,
    rowStride: 1,
    colStride: Math.max(rows, 1),
  };
}

/**
 * The native engine's structured routines; `fallback` (the js engine's) runs the kinds
 * OpenBLAS has no routine for. `copy` and `axpby` are the engine's level 1.
 */
export function nativeStructured(
  blas: Cblas,
  fallback: StructuredEngine,
  level1: {
    copy(x: Operand, y: Operand): void;
    axpby(alpha: number, x: Operand, beta: number, y: Operand): void;
  },
): StructuredEngine {
  return {
    mv(alpha, a, x, beta, y): Plan | undefined {
      if (!hasRoutine(a)) return fallback.mv?.(alpha, a, x, beta, y);
      return () => {
        inside(x, "mv: x");
        inside(y, "mv: y");
        const s = banded(a, false);
        const scratch = () => (s.float ? new Float32Array(a.n) : new Float64Array(a.n));
        product(blas, alpha, s, x, beta, y, scratch);
      };
    },
    mm(side, alpha, a, b, beta, c): Plan | undefined {
      if (!hasRoutine(a)) return fallback.mm?.(side, alpha, a, b, beta, c);
      return () => {
        inside(b, "mm: b");
        inside(c, "mm: c");
        // A row-major C is worked as its column-major transpose: Cᵀ = Bᵀ Aᵀ.
        const flip = blasStorage(c, "native").rowMajor && c.cols > 1;
        const [cc, bb, left] = flip
          ? [transposed(c), transposed(b), side === "right"]
          : [c, b, side === "left"];
        const s = banded(a, flip);
        if (a.kind === "tr" || a.kind === "sy") {
          return level3(blas, level1, alpha, s, bb, beta, cc, left);
        }
        // Column by column through the level-2 routine: C[:, j] ← α op(A) B[:, j] + β C[:, j]
        // on the left, C[i, :]ᵀ ← α op(A)ᵀ B[i, :]ᵀ + β C[i, :]ᵀ on the right.
        const t = left ? s : { ...s, trans: !s.trans };
        const [cv, bv] = left ? [cc, bb] : [transposed(cc), transposed(bb)];
        let tmp: HostArray | undefined;
        const scratch = () => (tmp ??= s.float ? new Float32Array(a.n) : new Float64Array(a.n));
        for (let j = 0; j < cv.cols; j++) {
          product(blas, alpha, t, column(bv, j), beta, column(cv, j), scratch);
        }
      };
    },
    rk(alpha, b, beta, c): Plan | undefined {
      if (c.kind !== "sy") return undefined;
      return () => {
        inside(b, "rk: b");
        const s = banded(c, false), n = s.c.n, k = b.cols;
        if (n === 0) return;
        // OpenBLAS's syrk scales C by β even at 0: the stored triangle is zeroed first.
        if (beta === 0) {
          for (let j = 0; j < n; j++) {
            const [i0, i1] = s.c.uplo === "upper" ? [0, j + 1] : [j, n];
            s.mem.fill(0, i0 + j * s.c.ld, i1 + j * s.c.ld);
          }
        }
        // B column-major is taken as it is; row-major (a strided vector too), as its
        // column-major transpose.
        const sb = blasStorage(b, "native");
        (s.float ? blas.cblas_ssyrk : blas.cblas_dsyrk)(
          CblasColMajor,
          uplo(s.c),
          sb.rowMajor ? CblasTrans : CblasNoTrans,
          n,
          k,
          alpha,
          ptr(b),
          sb.ld,
          beta,
          s.mem,
          Math.max(s.c.ld, 1),
        );
      };
    },
    sv(a, b): Plan | undefined {
      if (!isTriangular(a.kind) && a.kind !== "gd") return undefined;
      return () => {
        inside(b, "sv: b");
        if (a.kind === "tr" && b.cols > 1) {
          const flip = blasStorage(b, "native").rowMajor;
          // A X = B with a row-major B is Xᵀ Aᵀ = Bᵀ with a column-major Bᵀ.
          const s = banded(a, flip), bb = flip ? transposed(b) : b;
          (s.float ? blas.cblas_strsm : blas.cblas_dtrsm)(
            CblasColMajor,
            flip ? CblasRight : CblasLeft,
            uplo(s.c),
            transOf(s.trans),
            diag(s.c),
            bb.rows,
            bb.cols,
            1,
            s.mem,
            Math.max(s.c.ld, 1),
            ptr(bb),
            blasStorage(bb, "native").ld,
          );
          return;
        }
        const s = banded(a, false);
        for (let j = 0; j < b.cols; j++) triangular(blas, s, column(b, j), true);
      };
    },
  };
}

/** C ← α op(A) B + β C (`left`) or α B op(A) + β C, for a dense tr or sy; C column-major. */
function level3(
  blas: Cblas,
  level1: {
    copy(x: Operand, y: Operand): void;
    axpby(alpha: number, x: Operand, beta: number, y: Operand): void;
  },
  alpha: number,
  s: Banded,
  b: Operand,
  beta: number,
  c: Operand,
  left: boolean,
): void {
  const m = c.rows, n = c.cols, ldc = blasStorage(c, "native").ld, ld = Math.max(s.c.ld, 1);
  const side = left ? CblasLeft : CblasRight;
  if (s.c.kind === "sy") {
    // symm reads B in C's order: a row-major B goes through a column-major copy.
    let bb = b;
    if (blasStorage(b, "native").rowMajor && b.cols > 1) {
      bb = scratchLike(c, m, n);
      level1.copy(b, bb);
    }
    if (beta === 0) js.fill(c, 0);
    (s.float ? blas.cblas_ssymm : blas.cblas_dsymm)(
      CblasColMajor,
      side,
      uplo(s.c),
      m,
      n,
      alpha,
      s.mem,
      ld,
      ptr(bb),
      blasStorage(bb, "native").ld,
      beta,
      ptr(c),
      ldc,
    );
    return;
  }
  // trmm works in place: B into C (or scratch at β ≠ 0), then the product over it.
  const target = beta === 0 ? c : scratchLike(c, m, n);
  level1.copy(b, target);
  (s.float ? blas.cblas_strmm : blas.cblas_dtrmm)(
    CblasColMajor,
    side,
    uplo(s.c),
    transOf(s.trans),
    diag(s.c),
    m,
    n,
    alpha,
    s.mem,
    ld,
    ptr(target),
    blasStorage(target, "native").ld,
  );
  if (target !== c) level1.axpby(1, target, beta, c);
}

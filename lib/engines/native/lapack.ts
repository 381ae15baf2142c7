/**
 * LU and Cholesky through OpenBLAS's LAPACK (`ffi/lapack.ts`, the Fortran ABI: every argument
 * by address). Pivots cross as LAPACK's 1-based rows and come back 0-based. Every operand is
 * checked to lie in its memory before its address crosses.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { LinalgEngine } from "../../core/linalg_engine.ts";
import type { HostArray } from "../../core/types.ts";
import type { Lapack } from "../../../ffi/lapack.ts";
import { inside } from "./operands.ts";
import { nativeStructuredLapack } from "./structured_lapack.ts";

const int = (v: number) => Int32Array.of(v);
const char = (c: string) => Uint8Array.of(c.charCodeAt(0));
const at = (x: Operand): HostArray => (x.storage.buffer as HostArray).subarray(x.offset);
const isFloat = (x: Operand) => x.storage.buffer instanceof Float32Array;

/** Throws unless x is column-major, as every routine here reads it. */
function columnMajor(x: Operand, what: string): void {
  inside(x, what);
  if (x.rowStride !== 1 && x.rows > 1) {
    throw new TypeError(`${what}: LAPACK reads column-major operands (row stride ${x.rowStride})`);
  }
}

const ld = (x: Operand) => int(Math.max(x.colStride, x.rows, 1));

/** The native engine's LAPACK over OpenBLAS. */
export function nativeLapack(l: Lapack["symbols"]): LinalgEngine {
  /** gesdd or gesvd for the thin U and Vᵀ (or none): the checks and the workspace query shared. */
  function svd(
    a: Operand,
    s: Float64Array,
    u: Operand | undefined,
    vt: Operand | undefined,
    routine: "gesdd" | "gesvd",
  ): number {
    columnMajor(a, `${routine}: a`);
    const m = a.rows, n = a.cols, k = Math.min(m, n);
    if (s.length < k) throw new RangeError(`${routine}: s is too short`);
    if (k === 0) return 0;
    const vectors = u !== undefined && vt !== undefined;
    if (vectors) {
      columnMajor(u, `${routine}: u`);
      columnMajor(vt, `${routine}: vt`);
      if (u.rows !== m || u.cols !== k || vt.rows !== k || vt.cols !== n) {
        throw new RangeError(`${routine}: u must be ${m}×${k} and vt ${k}×${n}`);
      }
    }
    const float = isFloat(a);
    const ss = float ? new Float32Array(k) : s;
    const dummy = float ? new Float32Array(1) : new Float64Array(1);
    const [U, ldu, VT, ldvt] = vectors
      ? [at(u), ld(u), at(vt), ld(vt)]
      : [dummy, int(1), dummy, int(1)];
    const info = int(0), job = char(vectors ? "S" : "N");
    const call = routine === "gesdd"
      ? (work: HostArray, lwork: number) => {
        const iwork = new Int32Array(8 * k);
        (float ? l.sgesdd_ : l.dgesdd_)(
          job,
          int(m),
          int(n),
          at(a),
          ld(a),
          ss,
          U,
          ldu,
          VT,
          ldvt,
          work,
          int(lwork),
          iwork,
          info,
          1n,
        );
      }
      : (work: HostArray, lwork: number) =>
        (float ? l.sgesvd_ : l.dgesvd_)(
          job,
          job,
          int(m),
          int(n),
          at(a),
          ld(a),
          ss,
          U,
          ldu,
          VT,
          ldvt,
          work,
          int(lwork),
          info,
          1n,
          1n,
        );
    const q = float ? new Float32Array(1) : new Float64Array(1);
    call(q, -1);
    const lwork = Math.max(1, q[0]);
    call(float ? new Float32Array(lwork) : new Float64Array(lwork), lwork);
    if (float) s.set(ss);
    return info[0];
  }

  return {
    ...nativeStructuredLapack(l),
    getrf(a, ipiv) {
      columnMajor(a, "getrf: a");
      if (ipiv.length < Math.min(a.rows, a.cols)) throw new RangeError("getrf: ipiv is too short");
      if (a.rows === 0 || a.cols === 0) return 0;
      const info = int(0);
      (isFloat(a) ? l.sgetrf_ : l.dgetrf_)(int(a.rows), int(a.cols), at(a), ld(a), ipiv, info);
      for (let i = 0; i < Math.min(a.rows, a.cols); i++) ipiv[i] -= 1;
      return info[0];
    },
    getrs(lu, ipiv, b, transpose) {
      columnMajor(lu, "getrs: the factors");
      columnMajor(b, "getrs: b");
      const n = lu.rows;
      if (n === 0 || b.cols === 0) return;
      const pivots = Int32Array.from(ipiv.subarray(0, n), (p) => p + 1);
      const info = int(0);
      (isFloat(lu) ? l.sgetrs_ : l.dgetrs_)(
        char(transpose ? "T" : "N"),
        int(n),
        int(b.cols),
        at(lu),
        ld(lu),
        pivots,
        at(b),
        ld(b),
        info,
        1n,
      );
    },
    potrf(a, upper) {
      columnMajor(a, "potrf: a");
      if (a.rows === 0) return 0;
      const info = int(0);
      (isFloat(a) ? l.spotrf_ : l.dpotrf_)(
        char(upper ? "U" : "L"),
        int(a.rows),
        at(a),
        ld(a),
        info,
        1n,
      );
      return info[0];
    },
    potrs(f, upper, b) {
      columnMajor(f, "potrs: the factor");
      columnMajor(b, "potrs: b");
      if (f.rows === 0 || b.cols === 0) return;
      const info = int(0);
      (isFloat(f) ? l.spotrs_ : l.dpotrs_)(
        char(upper ? "U" : "L"),
        int(f.rows),
        int(b.cols),
        at(f),
        ld(f),
        at(b),
        ld(b),
        info,
        1n,
      );
    },
    geqrf(a, tau, form = "qr") {
      columnMajor(a, `ge${form}f: a`);
      const k = Math.min(a.rows, a.cols);
      if (tau.length < k) throw new RangeError(`ge${form}f: tau is too short`);
      if (k === 0) return;
      const float = isFloat(a), t = float ? new Float32Array(k) : tau;
      const f = {
        qr: [l.sgeqrf_, l.dgeqrf_],
        lq: [l.sgelqf_, l.dgelqf_],
        ql: [l.sgeqlf_, l.dgeqlf_],
        rq: [l.sgerqf_, l.dgerqf_],
      }[form][float ? 0 : 1];
      const info = int(0);
      const query = float ? new Float32Array(1) : new Float64Array(1);
      f(int(a.rows), int(a.cols), at(a), ld(a), t, query, int(-1), info);
      const work = float
        ? new Float32Array(Math.max(1, query[0]))
        : new Float64Array(Math.max(1, query[0]));
      f(int(a.rows), int(a.cols), at(a), ld(a), t, work, int(work.length), info);
      if (float) tau.set(t);
    },
    geqp3(a, jpvt, tau) {
      columnMajor(a, "geqp3: a");
      const k = Math.min(a.rows, a.cols);
      if (tau.length < k) throw new RangeError("geqp3: tau is too short");
      if (jpvt.length < a.cols) throw new RangeError("geqp3: jpvt is too short");
      jpvt.fill(0, 0, a.cols);
      if (a.rows === 0 || a.cols === 0) {
        for (let j = 0; j < a.cols; j++) jpvt[j] = j;
        return;
      }
      const float = isFloat(a), t = float ? new Float32Array(k) : tau;
      const f = float ? l.sgeqp3_ : l.dgeqp3_, info = int(0);
      const query = float ? new Float32Array(1) : new Float64Array(1);
      f(int(a.rows), int(a.cols), at(a), ld(a), jpvt, t, query, int(-1), info);
      const work = float
        ? new Float32Array(Math.max(1, query[0]))
        : new Float64Array(Math.max(1, query[0]));
      f(int(a.rows), int(a.cols), at(a), ld(a), jpvt, t, work, int(work.length), info);
      for (let j = 0; j < a.cols; j++) jpvt[j] -= 1;
      if (float) tau.set(t);
    },
    ormqr(side, transpose, qr, tau, c, form = "qr") {
      const name = `orm${form}`;
      columnMajor(qr, `${name}: the reflectors`);
      columnMajor(c, `${name}: c`);
      const k = tau.length;
      if (c.rows === 0 || c.cols === 0 || k === 0) return;
      const order = side === "left" ? c.rows : c.cols;
      // Q's order: the factored rows for qr and ql, its columns for lq and rq.
      const q = form === "qr" || form === "ql" ? qr.rows : qr.cols;
      if (q !== order || k > order || k > Math.min(qr.rows, qr.cols)) {
        throw new RangeError(
          `${name}: a ${qr.rows}×${qr.cols} factorization against a ${c.rows}×${c.cols} c`,
        );
      }
      // ormql reads the reflectors in the last k columns, ormrq in the last k rows.
      const first = form === "ql"
        ? (qr.cols - k) * qr.colStride
        : form === "rq"
        ? (qr.rows - k) * qr.rowStride
        : 0;
      const float = isFloat(c), t = float ? Float32Array.from(tau) : tau;
      const f = {
        qr: [l.sormqr_, l.dormqr_],
        lq: [l.sormlq_, l.dormlq_],
        ql: [l.sormql_, l.dormql_],
        rq: [l.sormrq_, l.dormrq_],
      }[form][float ? 0 : 1];
      const info = int(0);
      const args = [
        char(side === "left" ? "L" : "R"),
        char(transpose ? "T" : "N"),
        int(c.rows),
        int(c.cols),
        int(k),
        at(qr).subarray(first),
        ld(qr),
        t,
        at(c),
        ld(c),
      ] as const;
      const query = float ? new Float32Array(1) : new Float64Array(1);
      f(...args, query, int(-1), info, 1n, 1n);
      const work = float
        ? new Float32Array(Math.max(1, query[0]))
        : new Float64Array(Math.max(1, query[0]));
      f(...args, work, int(work.length), info, 1n, 1n);
    },
    syevd(a, upper, w, vectors) {
      columnMajor(a, "syevd: a");
      const n = a.rows;
      if (w.length < n) throw new RangeError("syevd: w is too short");
      if (n === 0) return 0;
      const float = isFloat(a), f = float ? l.ssyevd_ : l.dsyevd_;
      const ws = float ? new Float32Array(n) : w;
      const info = int(0), job = char(vectors ? "V" : "N"), up = char(upper ? "U" : "L");
      const q = float ? new Float32Array(1) : new Float64Array(1), qi = int(0);
      f(job, up, int(n), at(a), ld(a), ws, q, int(-1), qi, int(-1), info, 1n, 1n);
      const work = float
        ? new Float32Array(Math.max(1, q[0]))
        : new Float64Array(Math.max(1, q[0]));
      const iwork = new Int32Array(Math.max(1, qi[0]));
      f(
        job,
        up,
        int(n),
        at(a),
        ld(a),
        ws,
        work,
        int(work.length),
        iwork,
        int(iwork.length),
        info,
        1n,
        1n,
      );
      if (float) w.set(ws);
      return info[0];
    },
    syevr(a, upper, range, w, z) {
      columnMajor(a, "syevr: a");
      const n = a.rows;
      if (w.length < n) throw new RangeError("syevr: w is too short");
      const byIndex = "index" in range;
      const [lo, hi] = byIndex ? range.index : range.value;
      if (byIndex && !(0 <= lo && lo <= hi && hi < n)) {
        throw new RangeError(`syevr: the index range [${lo}, ${hi}] against n = ${n}`);
      }
      const room = byIndex ? hi - lo + 1 : n;
      if (z !== undefined) {
        columnMajor(z, "syevr: z");
        if (z.rows !== n || z.cols < room) {
          throw new RangeError(`syevr: z is ${z.rows}×${z.cols}, it needs ${n}×${room}`);
        }
      }
      if (n === 0) return { info: 0, count: 0 };
      const float = isFloat(a), f = float ? l.ssyevr_ : l.dsyevr_;
      const real = (v: number) => (float ? Float32Array.of(v) : Float64Array.of(v));
      const ws = float ? new Float32Array(n) : w;
      const dummy = float ? new Float32Array(1) : new Float64Array(1);
      const [Z, ldz] = z ? [at(z), ld(z)] : [dummy, int(1)];
      const info = int(0), found = int(0), isuppz = new Int32Array(2 * Math.max(1, room));
      const call = (work: HostArray, lwork: number, iwork: Int32Array, liwork: number) =>
        f(
          char(z ? "V" : "N"),
          char(byIndex ? "I" : "V"),
          char(upper ? "U" : "L"),
          int(n),
          at(a),
          ld(a),
          real(byIndex ? 0 : lo),
          real(byIndex ? 0 : hi),
          int(byIndex ? lo + 1 : 0),
          int(byIndex ? hi + 1 : 0),
          real(0),
          found,
          ws,
          Z,
          ldz,
          isuppz,
          work,
          int(lwork),
          iwork,
          int(liwork),
          info,
          1n,
          1n,
          1n,
        );
      const q = float ? new Float32Array(1) : new Float64Array(1), qi = new Int32Array(1);
      call(q, -1, qi, -1);
      const lwork = Math.max(1, q[0]), liwork = Math.max(1, qi[0]);
      call(
        float ? new Float32Array(lwork) : new Float64Array(lwork),
        lwork,
        new Int32Array(liwork),
        liwork,
      );
      if (float) w.set(ws.subarray(0, found[0]));
      return { info: info[0], count: found[0] };
    },
    gesdd(a, s, u, vt) {
      return svd(a, s, u, vt, "gesdd");
    },
    gesvd(a, s, u, vt) {
      return svd(a, s, u, vt, "gesvd");
    },
    geev(a, wr, wi, vl, vr) {
      columnMajor(a, "geev: a");
      const n = a.rows;
      if (a.cols !== n) throw new RangeError(`geev: a is ${a.rows}×${a.cols}, not square`);
      if (wr.length < n || wi.length < n) throw new RangeError("geev: wr or wi is too short");
      for (const [v, name] of [[vl, "vl"], [vr, "vr"]] as const) {
        if (v === undefined) continue;
        columnMajor(v, `geev: ${name}`);
        if (v.rows !== n || v.cols !== n) throw new RangeError(`geev: ${name} must be ${n}×${n}`);
      }
      if (n === 0) return 0;
      const float = isFloat(a), f = float ? l.sgeev_ : l.dgeev_;
      const [r, i] = float ? [new Float32Array(n), new Float32Array(n)] : [wr, wi];
      const dummy = float ? new Float32Array(1) : new Float64Array(1);
      const info = int(0), jobl = char(vl ? "V" : "N"), jobr = char(vr ? "V" : "N");
      const [VL, ldl] = vl ? [at(vl), ld(vl)] : [dummy, int(1)];
      const [VR, ldr] = vr ? [at(vr), ld(vr)] : [dummy, int(1)];
      const call = (work: HostArray, lwork: number) =>
        f(jobl, jobr, int(n), at(a), ld(a), r, i, VL, ldl, VR, ldr, work, int(lwork), info, 1n, 1n);
      const q = float ? new Float32Array(1) : new Float64Array(1);
      call(q, -1);
      const lwork = Math.max(1, q[0]);
      call(float ? new Float32Array(lwork) : new Float64Array(lwork), lwork);
      if (float) {
        wr.set(r);
        wi.set(i);
      }
      return info[0];
    },
    gees(a, wr, wi, vs) {
      columnMajor(a, "gees: a");
      const n = a.rows;
      if (a.cols !== n) throw new RangeError(`gees: a is ${a.rows}×${a.cols}, not square`);
      if (wr.length < n || wi.length < n) throw new RangeError("gees: wr or wi is too short");
      if (vs !== undefined) {
        columnMajor(vs, "gees: vs");
        if (vs.rows !== n || vs.cols !== n) throw new RangeError(`gees: vs must be ${n}×${n}`);
      }
      if (n === 0) return 0;
      const float = isFloat(a), f = float ? l.sgees_ : l.dgees_;
      const [r, i] = float ? [new Float32Array(n), new Float32Array(n)] : [wr, wi];
      const dummy = float ? new Float32Array(1) : new Float64Array(1);
      const info = int(0), sdim = int(0), bwork = new Int32Array(1);
      const [VS, ldv] = vs ? [at(vs), ld(vs)] : [dummy, int(1)];
      const call = (work: HostArray, lwork: number) =>
        f(
          char(vs ? "V" : "N"),
          char("N"),
          null,
          int(n),
          at(a),
          ld(a),
          sdim,
          r,
          i,
          VS,
          ldv,
          work,
          int(lwork),
          bwork,
          info,
          1n,
          1n,
        );
      const q = float ? new Float32Array(1) : new Float64Array(1);
      call(q, -1);
      const lwork = Math.max(1, 3 * n, q[0]);
      call(float ? new Float32Array(lwork) : new Float64Array(lwork), lwork);
      if (float) {
        wr.set(r);
        wi.set(i);
      }
      return info[0];
    },
  };
}

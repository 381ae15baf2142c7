/**
 * `@knap/knap/linalg`: LAPACK as Neanderthal's `linalg` namespace keeps it — factorizations that
 * keep their pivots and solve, invert and estimate their condition, and BLAS's plane rotations
 * (`rotg`, `rot_`, `rotmg`, `rotm_`) that Givens-based algorithms are built from. On the js engine in
 * TypeScript, on the native engine through OpenBLAS's LAPACK; a device's matrices are factored on
 * the host (one transfer each way), so those calls return Promises.
 *
 * @example Solve a system and check the residual
 * ```ts
 * import { ge, jsDouble, mv, nrm2, axpy_, vctr } from "@knap/knap";
 * import { sv } from "@knap/knap/linalg";
 * using a = ge(jsDouble, 3, 3, [4, 1, 0, 1, 4, 1, 0, 1, 4]);
 * using b = vctr(jsDouble, [1, 2, 3]);
 * using x = sv(a, b);
 * using r = mv(a, x);
 * axpy_(-1, b, r);
 * if (nrm2(r) > 1e-14) throw new Error("unexpected");
 * ```
 *
 * @module
 */

export * from "../rotations.ts";
export { Cholesky, Factors, LU } from "./factors.ts";
export { ptrf, ptrf_, trf, trf_ } from "./factor.ts";
export { laswp_, srt_, tri_ } from "./helpers.ts";
export {
  lqf,
  lqf_,
  org,
  org_,
  qlf,
  qlf_,
  qmm_,
  type QOptions,
  qpf,
  qpf_,
  QR,
  qrf,
  qrf_,
  rqf,
  rqf_,
} from "./qr.ts";
export type { OrthogonalForm } from "../core/linalg_engine.ts";
export { ls, ls_ } from "./least_squares.ts";
export {
  type Eigen,
  type EigenOptions,
  evd,
  evd_,
  evr,
  evr_,
  type VectorsOption,
} from "./eigen.ts";
export type { EigenRange } from "../core/linalg_engine.ts";
export { sdd_, type SVD, svd, svd_, type SVDOptions } from "./svd.ts";
export {
  type EigenvectorsOption,
  es,
  es_,
  ev,
  ev_,
  type GeneralEigen,
  type Schur,
  type SchurForm,
} from "./general.ts";
export { con, det, type Factorization, type Home, sv, sv_, tri, trs, trs_ } from "./solve.ts";
export { type GaussMarkov, gls, gls_, lse, lse_ } from "./constrained.ts";
export { type StructuredFactors, type StructuredRoutine } from "./structured_factor.ts";

/**
 * LAPACK through OpenBLAS, which exports it with the Fortran ABI (`dgetrf_` and friends): every
 * argument by address, and after them one hidden length (a size_t) per character argument, as
 * gfortran passes them. Signatures from LAPACK's reference sources; symbol tables only, the
 * checks are `lib/engines/native/lapack.ts`'s.
 *
 * @module
 */

import { openLibrary } from "./load.ts";
import { openblasSpec } from "./openblas.ts";

const B = "buffer", L = "usize";
const fn = <const P extends readonly Deno.NativeType[]>(parameters: P) =>
  ({ parameters, result: "void" }) as const;

// getrf (m, n, a, lda, ipiv, info)
const getrf = fn([B, B, B, B, B, B]);
// getrs (trans, n, nrhs, a, lda, ipiv, b, ldb, info; len(trans))
const getrs = fn([B, B, B, B, B, B, B, B, B, L]);
// potrf (uplo, n, a, lda, info; len(uplo))
const potrf = fn([B, B, B, B, B, L]);
// potrs (uplo, n, nrhs, a, lda, b, ldb, info; len(uplo))
const potrs = fn([B, B, B, B, B, B, B, B, L]);
// getri (n, a, lda, ipiv, work, lwork, info)
const getri = fn([B, B, B, B, B, B, B]);
// geqrf, gelqf, geqlf, gerqf (m, n, a, lda, tau, work, lwork, info)
const geqrf = fn([B, B, B, B, B, B, B, B]);
// geqp3 (m, n, a, lda, jpvt, tau, work, lwork, info)
const geqp3 = fn([B, B, B, B, B, B, B, B, B]);
// ormqr, ormlq, ormql, ormrq (side, trans, m, n, k, a, lda, tau, c, ldc, work, lwork, info;
// len(side), len(trans))
const ormqr = fn([B, B, B, B, B, B, B, B, B, B, B, B, B, L, L]);
// syevd (jobz, uplo, n, a, lda, w, work, lwork, iwork, liwork, info; len(jobz), len(uplo))
const syevd = fn([B, B, B, B, B, B, B, B, B, B, B, L, L]);
// syevr (jobz, range, uplo, n, a, lda, vl, vu, il, iu, abstol, m, w, z, ldz, isuppz, work, lwork,
// iwork, liwork, info; 3 lengths)
const syevr = fn([B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, L, L, L]);
// gesdd (jobz, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, iwork, info; len(jobz))
const gesdd = fn([B, B, B, B, B, B, B, B, B, B, B, B, B, B, L]);
// gesvd (jobu, jobvt, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, info; 2 lengths)
const gesvd = fn([B, B, B, B, B, B, B, B, B, B, B, B, B, B, L, L]);
// geev (jobvl, jobvr, n, a, lda, wr, wi, vl, ldvl, vr, ldvr, work, lwork, info; 2 lengths)
const geev = fn([B, B, B, B, B, B, B, B, B, B, B, B, B, B, L, L]);
// gees (jobvs, sort, select, n, a, lda, sdim, wr, wi, vs, ldvs, work, lwork, bwork, info;
// len(jobvs), len(sort)); select is a function pointer LAPACK reads only when sorting.
const gees = fn([B, B, "pointer", B, B, B, B, B, B, B, B, B, B, B, B, L, L]);

// gbtrf (m, n, kl, ku, ab, ldab, ipiv, info)
const gbtrf = fn([B, B, B, B, B, B, B, B]);
// gbtrs (trans, n, kl, ku, nrhs, ab, ldab, ipiv, b, ldb, info; len(trans))
const gbtrs = fn([B, B, B, B, B, B, B, B, B, B, B, L]);
// gttrf (n, dl, d, du, du2, ipiv, info)
const gttrf = fn([B, B, B, B, B, B, B]);
// gttrs (trans, n, nrhs, dl, d, du, du2, ipiv, b, ldb, info; len(trans))
const gttrs = fn([B, B, B, B, B, B, B, B, B, B, B, L]);
// pptrf (uplo, n, ap, info; len(uplo))
const pptrf = fn([B, B, B, B, L]);
// pptrs (uplo, n, nrhs, ap, b, ldb, info; len(uplo))
const pptrs = fn([B, B, B, B, B, B, B, L]);
// pbtrf (uplo, n, kd, ab, ldab, info; len(uplo))
const pbtrf = fn([B, B, B, B, B, B, L]);
// pbtrs (uplo, n, kd, nrhs, ab, ldab, b, ldb, info; len(uplo))
const pbtrs = fn([B, B, B, B, B, B, B, B, B, L]);
// pttrf (n, d, e, info)
const pttrf = fn([B, B, B, B]);
// pttrs (n, nrhs, d, e, b, ldb, info)
const pttrs = fn([B, B, B, B, B, B, B]);
// sytrf (uplo, n, a, lda, ipiv, work, lwork, info; len(uplo))
const sytrf = fn([B, B, B, B, B, B, B, B, L]);
// sytrs (uplo, n, nrhs, a, lda, ipiv, b, ldb, info; len(uplo))
const sytrs = fn([B, B, B, B, B, B, B, B, B, L]);

const lapackSymbols = {
  sgbtrf_: gbtrf,
  dgbtrf_: gbtrf,
  sgbtrs_: gbtrs,
  dgbtrs_: gbtrs,
  sgttrf_: gttrf,
  dgttrf_: gttrf,
  sgttrs_: gttrs,
  dgttrs_: gttrs,
  spptrf_: pptrf,
  dpptrf_: pptrf,
  spptrs_: pptrs,
  dpptrs_: pptrs,
  spbtrf_: pbtrf,
  dpbtrf_: pbtrf,
  spbtrs_: pbtrs,
  dpbtrs_: pbtrs,
  spttrf_: pttrf,
  dpttrf_: pttrf,
  spttrs_: pttrs,
  dpttrs_: pttrs,
  ssytrf_: sytrf,
  dsytrf_: sytrf,
  ssytrs_: sytrs,
  dsytrs_: sytrs,
  sgetrf_: getrf,
  dgetrf_: getrf,
  sgetrs_: getrs,
  dgetrs_: getrs,
  spotrf_: potrf,
  dpotrf_: potrf,
  spotrs_: potrs,
  dpotrs_: potrs,
  sgetri_: getri,
  dgetri_: getri,
  sgeqrf_: geqrf,
  dgeqrf_: geqrf,
  sgelqf_: geqrf,
  dgelqf_: geqrf,
  sgeqlf_: geqrf,
  dgeqlf_: geqrf,
  sgerqf_: geqrf,
  dgerqf_: geqrf,
  sgeqp3_: geqp3,
  dgeqp3_: geqp3,
  sormqr_: ormqr,
  dormqr_: ormqr,
  sormlq_: ormqr,
  dormlq_: ormqr,
  sormql_: ormqr,
  dormql_: ormqr,
  sormrq_: ormqr,
  dormrq_: ormqr,
  ssyevd_: syevd,
  dsyevd_: syevd,
  ssyevr_: syevr,
  dsyevr_: syevr,
  sgesdd_: gesdd,
  dgesdd_: gesdd,
  sgesvd_: gesvd,
  dgesvd_: gesvd,
  sgeev_: geev,
  dgeev_: geev,
  sgees_: gees,
  dgees_: gees,
} as const satisfies Deno.ForeignLibraryInterface;

/** OpenBLAS's LAPACK. */
export type Lapack = Deno.DynamicLibrary<typeof lapackSymbols>;

/** Opens OpenBLAS's LAPACK symbols; throws a KnapError if the library is missing. */
export function openLapack(): Lapack {
  return openLibrary(openblasSpec, lapackSymbols);
}

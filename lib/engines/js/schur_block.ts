/**
 * The Schur factorization of a real 2×2 block in LAPACK's standard form (its dlanv2): a block
 * with real eigenvalues becomes upper triangular, one with a complex pair gets an equal diagonal
 * and off-diagonals of opposite sign, so the pair reads off as a ± i·√|b·c|.
 *
 * @module
 */

/** The block [[a, b], [c, d]] = G·[[a', b'], [c', d']]·Gᵀ with G = [[cs, −sn], [sn, cs]]. */
export interface SchurBlock {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  readonly cs: number;
  readonly sn: number;
}

const EPS = 2 ** -52;
const sign1 = (x: number) => (x >= 0 ? 1 : -1);

/** The standardized block and the rotation that makes it. */
export function schurBlock(a: number, b: number, c: number, d: number): SchurBlock {
  let cs = 1, sn = 0;
  if (c === 0) {
    // Already upper triangular.
  } else if (b === 0) {
    // Swap the rows and columns.
    cs = 0;
    sn = 1;
    [a, d] = [d, a];
    b = -c;
    c = 0;
  } else if (a - d === 0 && sign1(b) !== sign1(c)) {
    // Already standard.
  } else {
    const temp = a - d;
    let p = 0.5 * temp;
    const bcmax = Math.max(Math.abs(b), Math.abs(c));
    const bcmis = Math.min(Math.abs(b), Math.abs(c)) * sign1(b) * sign1(c);
    const scale = Math.max(Math.abs(p), bcmax);
    let z = (p / scale) * p + (bcmax / scale) * bcmis;
    if (z >= 4 * EPS) {
      // Real eigenvalues: rotate to upper triangular.
      z = p + Math.sqrt(scale) * Math.sqrt(z) * sign1(p);
      a = d + z;
      d -= (bcmax / z) * bcmis;
      const tau = Math.hypot(c, z);
      cs = z / tau;
      sn = c / tau;
      b -= c;
      c = 0;
    } else {
      // Complex or nearly equal real eigenvalues: make the diagonal equal.
      const sigma = b + c, tau = Math.hypot(sigma, temp);
      cs = Math.sqrt(0.5 * (1 + Math.abs(sigma) / tau));
      sn = -(p / (tau * cs)) * sign1(sigma);
      const aa = a * cs + b * sn, bb = -a * sn + b * cs;
      const cc = c * cs + d * sn, dd = -c * sn + d * cs;
      a = aa * cs + cc * sn;
      b = bb * cs + dd * sn;
      c = -aa * sn + cc * cs;
      d = -bb * sn + dd * cs;
      const mid = 0.5 * (a + d);
      a = d = mid;
      if (c !== 0) {
        if (b !== 0) {
          if (sign1(b) === sign1(c)) {
            // Real after all: upper triangular.
            const sab = Math.sqrt(Math.abs(b)), sac = Math.sqrt(Math.abs(c));
            p = sab * sac * sign1(c);
            const t = 1 / Math.sqrt(Math.abs(b + c));
            a = mid + p;
            d = mid - p;
            b -= c;
            c = 0;
            const cs1 = sab * t, sn1 = sac * t;
            [cs, sn] = [cs * cs1 - sn * sn1, cs * sn1 + sn * cs1];
          }
        } else {
          b = -c;
          c = 0;
          [cs, sn] = [-sn, cs];
        }
      }
    }
  }
  return { a, b, c, d, cs, sn };
}

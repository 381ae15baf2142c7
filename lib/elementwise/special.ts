/**
 * The special functions JavaScript's Math lacks, in float64, for the js engine's elementwise
 * kernels (and as the reference the device engines are checked against): the error function and
 * its complement and inverses, the gamma function and its logarithm, IEEE's remainder, and
 * `copySign`. Each keeps its relative accuracy across its domain (tests/elementwise/accuracy
 * measures it against 30-digit values):
 *
 * - erf by its series of positive terms, erf(x) = 2/√π·e^(−x²)·Σ 2ⁿx²ⁿ⁺¹/(2n+1)!!, which has no
 *   cancellation; erfc beyond 1 by its continued fraction, which gives e^(x²)·erfc(x) directly,
 *   so the tail keeps its digits to the underflow; e^(−x²) with x² split exactly in two.
 * - erfInv and erfcInv by Newton's method on erf, or on log erfc for the tail, from a rough start.
 * - lgamma by its Taylor series around 1 and 2 (where it has its zeros), the recurrence up to 13
 *   and Stirling's series beyond; gamma by Lanczos' approximation (g = 7, nine terms) and the
 *   reflection formula with an exact sin(πx).
 *
 * @module
 */

const SQRT_PI = 1.7724538509055159;
const EULER = 0.5772156649015329;
const LN_SQRT_2PI = 0.9189385332046728;

/** e^(−x²), with x² split into an exact square and a small rest so no rounding grows. */
function expNegSquare(x: number): number {
  const hi = Math.fround(x), lo = x - hi;
  return Math.exp(-hi * hi) * Math.exp(-lo * (2 * hi + lo));
}

/** Σ 2ⁿx²ⁿ⁺¹/(2n+1)!! for x ≥ 0: erf(x) = 2/√π·e^(−x²)·this. */
function erfSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = x, sum = x;
  for (let n = 1; n < 200; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** e^(x²)·erfc(x) for x ≥ 1, by the continued fraction, evaluated by Lentz's method. */
function erfcxTail(x: number): number {
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
  const tiny = 1e-300;
  let f = x, c = x, d = 0;
  for (let n = 1; n < 5000; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (f * SQRT_PI);
}

/** The error function. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a === 0) return x;
  if (a < 2.5) return (2 / SQRT_PI) * expNegSquare(a) * erfSeries(a) * Math.sign(x);
  if (a >= 6) return Math.sign(x);
  return Math.sign(x) * (1 - expNegSquare(a) * erfcxTail(a));
}

/** The complementary error function 1 − erf(x), with its relative accuracy in the tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x < 1) return 1 - erf(x);
  if (x > 27.3) return 0;
  return expNegSquare(x) * erfcxTail(x);
}

/** log erfc(x) for x > 0.4, without underflow. */
function logErfc(x: number): number {
  return x < 1 ? Math.log(erfc(x)) : -x * x + Math.log(erfcxTail(x));
}

/** The inverse error function: erf(erfInv(y)) = y on [−1, 1]. */
export function erfInv(y: number): number {
  if (Number.isNaN(y) || Math.abs(y) > 1) return NaN;
  if (y === 0) return y;
  // Past ½ the complement 1 − |y| is exact, and the tail solves on it.
  if (Math.abs(y) > 0.5) return Math.sign(y) * erfcInv(1 - Math.abs(y));
  // Halley's method on erf(x) − y from erf's Taylor start.
  let x = (SQRT_PI / 2) * y * (1 + (Math.PI / 12) * y * y);
  for (let i = 0; i < 8; i++) {
    const f = erf(x) - y, df = (2 / SQRT_PI) * expNegSquare(x);
    const step = f / (df * (1 + (x * f) / df));
    x -= step;
    if (Math.abs(step) <= 1e-17 * Math.abs(x)) break;
  }
  return x;
}

/** The inverse complementary error function: erfc(erfcInv(q)) = q on [0, 2]. */
export function erfcInv(q: number): number {
  if (Number.isNaN(q) || q < 0 || q > 2) return NaN;
  if (q === 0) return Infinity;
  if (q === 2) return -Infinity;
  if (q > 1) return -erfcInv(2 - q);
  if (q >= 0.5) return erfInv(1 - q);
  // Newton's method on log erfc(x) − log q, which stays smooth down to the smallest q.
  const lq = Math.log(q);
  let x = Math.sqrt(-lq);
  x = Math.sqrt(Math.max(-Math.log(q * SQRT_PI * x), 0.25));
  for (let i = 0; i < 30; i++) {
    const h = logErfc(x) - lq;
    const erfcx = x < 1 ? Math.exp(x * x) * erfc(x) : erfcxTail(x);
    const step = h / (-2 / (SQRT_PI * erfcx));
    x -= step;
    if (Math.abs(step) <= 1e-16 * x) break;
  }
  return x;
}

/** sin(πx), exact in its argument: x reduced by whole periods first. */
export function sinPi(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  if (Math.abs(x) >= 2 ** 52) return 0 * x;
  let r = x - 2 * Math.round(x / 2); // in [−1, 1], exactly
  const s = r < 0 ? -1 : 1;
  r = Math.abs(r);
  if (r > 0.5) r = 1 - r;
  return s * Math.sin(Math.PI * r);
}

const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** The gamma function. */
export function gamma(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return x;
  if (x === 0) return 1 / x;
  if (x < 0 && Number.isInteger(x)) return NaN;
  if (x < 0.5) return Math.PI / (sinPi(x) * gamma(1 - x));
  if (x > 171.7) return Infinity;
  if (Number.isInteger(x) && x <= 23) {
    let f = 1;
    for (let k = 2; k < x; k++) f *= k;
    return f;
  }
  const z = x - 1;
  let a = LANCZOS[0];
  for (let k = 1; k < 9; k++) a += LANCZOS[k] / (z + k);
  const t = z + 7.5;
  // t rounds; its error e would cost (z + ½)·e/t of the power: put it back.
  const e = z - (t - 7.5);
  const power = Math.pow(t, (z + 0.5) / 2);
  const fix = Math.exp((z + 0.5) * Math.log1p(e / t) - e);
  return Math.sqrt(2 * Math.PI) * power * (power * Math.exp(-t)) * a * fix;
}

/** ζ(k) − 1 for k = 0 … 63, by direct sum to 100 and Euler–Maclaurin's tail. */
const zetaMinus1 = (() => {
  const out = new Float64Array(64);
  const N = 100;
  for (let k = 2; k < 64; k++) {
    let s = 0;
    for (let n = N - 1; n >= 2; n--) s += Math.pow(n, -k);
    const p = Math.pow(N, -k);
    s += (N * p) / (k - 1) + p / 2 + (k * p) / (12 * N) -
      (k * (k + 1) * (k + 2) * p) / (720 * N ** 3) +
      (k * (k + 1) * (k + 2) * (k + 3) * (k + 4) * p) / (30240 * N ** 5);
    out[k] = s;
  }
  return out;
})();

/** lgamma(1 + z) for |z| ≤ ½: −γz + Σ (−1)ᵏζ(k)zᵏ/k. */
function lgammaNear1(z: number): number {
  let s = 0, p = -z;
  for (let k = 2; k < 64; k++) {
    p *= -z; // (−z)ᵏ
    const t = ((1 + zetaMinus1[k]) * p) / k;
    s += t;
    if (Math.abs(t) < 1e-18 * Math.abs(s)) break;
  }
  return -EULER * z + s;
}

/** lgamma(2 + z) for |z| ≤ ½: (1 − γ)z + Σ (−1)ᵏ(ζ(k) − 1)zᵏ/k. */
function lgammaNear2(z: number): number {
  let s = 0, p = -z;
  for (let k = 2; k < 64; k++) {
    p *= -z;
    const t = (zetaMinus1[k] * p) / k;
    s += t;
    if (Math.abs(t) < 1e-18 * Math.abs(s)) break;
  }
  return (1 - EULER) * z + s;
}

const STIRLING = [
  1 / 12,
  -1 / 360,
  1 / 1260,
  -1 / 1680,
  1 / 1188,
  -691 / 360360,
  1 / 156,
  -3617 / 122400,
];

/** log |Γ(x)|. */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0) return Math.log(Math.PI / Math.abs(sinPi(x))) - lgamma(1 - x);
  if (x < 0.5) return lgammaNear1(x) - Math.log(x);
  if (x < 1.5) return lgammaNear1(x - 1);
  if (x < 2.5) return lgammaNear2(x - 2);
  if (x < 13) {
    // Γ(x) = (x − 1)(x − 2)…(x − n)·Γ(x − n), down to x − n in [1.5, 2.5).
    let p = 1, y = x;
    while (y >= 2.5) p *= --y;
    return Math.log(p) + lgammaNear2(y - 2);
  }
  const r = 1 / x, r2 = r * r;
  let s = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) s = s * r2 + STIRLING[k];
  return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + s * r;
}

/** IEEE 754's remainder: x − n·y with n the integer nearest x/y (ties to even), exact. */
export function frem(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y) || !Number.isFinite(x) || y === 0) return NaN;
  if (!Number.isFinite(y)) return x;
  const p = Math.abs(y);
  // Reduced by 2p first, so the parity of n shows in what is left.
  let r = p <= Number.MAX_VALUE / 2 ? Math.abs(x) % (2 * p) : Math.abs(x);
  if (p < 2 ** -1021) {
    if (r + r > p) {
      r -= p;
      if (r + r >= p) r -= p;
    }
  } else {
    const half = 0.5 * p;
    if (r > half) {
      r -= p;
      if (r >= half) r -= p;
    }
  }
  return r === 0 ? (x < 0 || Object.is(x, -0) ? -0 : 0) : x < 0 ? -r : r;
}

const bits = new Float64Array(1), words = new Uint32Array(bits.buffer);

/** |x| with the sign bit of y (NaN's included, as C's copysign). */
export function copySign(x: number, y: number): number {
  bits[0] = y;
  const negative = words[1] >>> 31 === 1;
  const a = Math.abs(x);
  return negative ? -a : a;
}

/** x − trunc(x) with x's sign, 0 for ±∞ (C's modf's fractional part). */
export function frac(x: number): number {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? x : copySign(0, x);
  return copySign(x - Math.trunc(x), x);
}

/**
 * Φ(x), the standard normal distribution function: erfc(−x/√2)/2 with −x/√2 carried in two
 * parts, as erfc magnifies a rounding of its argument by 2z² in the tail.
 */
export function cdfNorm(x: number): number {
  if (Number.isNaN(x)) return x;
  // Past ±40 Φ is 0 or 1 in float64; the split below would overflow far beyond.
  if (Math.abs(x) > 40) return x > 0 ? 1 : 0;
  const c = Math.SQRT1_2, z = -x * c;
  // The rounding of −x·c, exactly (Dekker's product), and c's own rounding.
  const split = (v: number) => {
    const t = v * 134217729;
    const hi = t - (t - v);
    return [hi, v - hi];
  };
  const [xh, xl] = split(-x), [ch, cl] = split(c);
  const err = ((xh * ch - z) + xh * cl + xl * ch) + xl * cl;
  const zl = err + x * 4.833646656726457e-17;
  if (z < 1) return 0.5 * erfc(z + zl);
  if (z > 27.3) return 0;
  const ex = erfcxTail(z);
  return 0.5 * expNegSquare(z) * ex * (1 - (zl * 2) / (SQRT_PI * ex));
}

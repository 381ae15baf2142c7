/**
 * float32 loops for the transcendental activations, for the calls too small for oneDNN's
 * fixed cost. Math.tanh and Math.exp compute in double precision (bench/elementwise.bench.ts);
 * float32 needs far less: tanh as Eigen's rational function of x², sigmoid as 1/(1 + eˣ) with
 * eˣ from a power of two and a polynomial. Both stay within 3 ulps of float32 (a test checks
 * 450000 float32 spread over their active range against Math) and keep NaN as NaN.
 *
 * @module
 */

const LOG2E = Math.LOG2E, LN2_HI = 0.693145751953125, LN2_LO = 1.428606765330187e-6;
/** Adding and subtracting 1.5·2⁵² rounds a double to the nearest integer. */
const ROUND = 6755399441055744;
/** 2^(k − 200) for k in [0, 400): the scale of eˣ. */
const POW2 = Float64Array.from({ length: 400 }, (_, k) => 2 ** (k - 200));

/** o[oo + i] ← tanh(x[xo + i]) for n entries. */
export function tanh32(o: Float32Array, oo: number, x: Float32Array, xo: number, n: number): void {
  for (let i = 0; i < n; i++) {
    // tanh is ±1 in float32 past 7.9; Math.min/max keep a NaN.
    const v = Math.min(7.90531110763549805, Math.max(-7.90531110763549805, x[xo + i]));
    const v2 = v * v;
    const p = v * (4.89352455891786e-3 + v2 * (6.37261928875436e-4 + v2 * (1.48572235717979e-5 +
              v2 * (5.12229709037114e-8 + v2 * (-8.60467152213735e-11 + v2 * (2.00018790482477e-13 +
                          v2 * -2.76076847742355e-16))))));
    const q = 4.89352518554385e-3 + v2 * (2.268434632439e-3 + v2 * (1.18534705686654e-4 +
              v2 * 1.19825839466702e-6));
    o[oo + i] = p / q;
  }
}

/** o[oo + i] ← 1 / (1 + e^−x[xo + i]) for n entries. */
export function sigmoid32(
  o: Float32Array,
  oo: number,
  x: Float32Array,
  xo: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) {
    // Past ±110, e^−x is 0 or beyond float32 in double arithmetic: the result is 1 or 0 anyway.
    const v = Math.min(110, Math.max(-110, -x[xo + i]));
    const k = v * LOG2E + ROUND - ROUND;
    const r = v - k * LN2_HI - k * LN2_LO;
    const e = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r / 720)))));
    o[oo + i] = 1 / (1 + e * POW2[(k | 0) + 200]);
  }
}

/**
 * o[oo + i] ← sign(x[xo + i]) for n entries: Math.sign's values (±0 kept, NaN as NaN), on the
 * bits and without a branch: a dropout mask's signs are random, and a branch per entry
 * mispredicted half the time (1.2 ms over its 200,704 floats, 0.39 ms here; the generic loop 1.4).
 */
export function signum32(
  o: Float32Array,
  oo: number,
  x: Float32Array,
  xo: number,
  n: number,
): void {
  const xi = new Int32Array(x.buffer, x.byteOffset, x.length);
  const oi = new Int32Array(o.buffer, o.byteOffset, o.length);
  for (let i = 0; i < n; i++) {
    const b = xi[xo + i], m = b & 0x7fffffff;
    // All ones where x is ±0 (m = 0) or NaN (m above ∞'s bits): those keep their own bits.
    const keep = ((m - 1) >> 31) | ((0x7f800000 - m) >> 31);
    oi[oo + i] = (b & keep) | ((0x3f800000 | (b & 0x80000000)) & ~keep);
  }
}

/**
 * o[oo + i] ← max(0, x[xo + i]) for n entries: the table's relu (NaN stays NaN, −0 gives 0), in
 * a loop V8 compiles to one compare-and-select per entry. Below oneDNN's threshold the table's
 * strided loop took 1.2 µs over 1,000 floats, this one 0.8.
 */
export function relu32(o: Float32Array, oo: number, x: Float32Array, xo: number, n: number): void {
  for (let i = 0; i < n; i++) o[oo + i] = Math.max(0, x[xo + i]);
}

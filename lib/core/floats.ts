/**
 * Neighbours of a number among the values a dtype holds: what a half-open range [lo, hi)
 * means once results are rounded to float32 or float64.
 *
 * @module
 */

const word = new Float64Array(1);
const bits = new BigInt64Array(word.buffer);

/** The largest double below v (v finite). */
function below64(v: number): number {
  if (v === 0) return -Number.MIN_VALUE;
  word[0] = v;
  bits[0] += v > 0 ? -1n : 1n;
  return word[0];
}

const single = new Float32Array(1);
const singleBits = new Int32Array(single.buffer);

/** The float32 one step from f (a float32) toward −∞ (`down`) or +∞. */
function step32(f: number, down: boolean): number {
  if (f === 0) return down ? -1.401298464324817e-45 : 1.401298464324817e-45;
  single[0] = f;
  singleBits[0] += (f > 0) === down ? -1 : 1;
  return single[0];
}

/** The largest value of the dtype strictly below v. */
export function below(v: number, float32: boolean): number {
  if (!float32) return below64(v);
  const f = Math.fround(v);
  return f < v ? f : step32(f, true);
}

/** The smallest value of the dtype at or above v. */
export function atOrAbove(v: number, float32: boolean): number {
  if (!float32) return v;
  const f = Math.fround(v);
  return f >= v ? f : step32(f, false);
}

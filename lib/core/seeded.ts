/**
 * A small seeded generator for orders and shuffles on the host (mulberry32): reproducible
 * sequences where Philox's per-entry streams are not needed.
 *
 * @module
 */

/** Uniform numbers in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6D2B79F5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TWO53 = 2 ** 53;

/**
 * (seed · multiplier + k) mod 2⁵³, exactly: the seed of the k-th stream derived from a user's
 * seed (a layer's weights, a dropout mask). Any seed in [0, 2⁵³) works, and where the product
 * stays below 2⁵³ this is plainly seed · multiplier + k.
 */
export function derivedSeed(seed: number, multiplier: number, k: number): number {
  return offsetSeed(Number((BigInt(seed) * BigInt(multiplier)) % BigInt(TWO53)), k);
}

/** (base + k) mod 2⁵³ for base and k in [0, 2⁵³), exactly: the k-th seed after `base`. */
export function offsetSeed(base: number, k: number): number {
  return base < TWO53 - k ? base + k : base - (TWO53 - k);
}

/** Shuffles in place (Fisher–Yates); returns the array. */
export function shuffle<T extends { length: number; [i: number]: unknown }>(
  items: T,
  random: () => number,
): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

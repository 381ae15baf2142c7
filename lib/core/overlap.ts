/**
 * Whether two operands share memory, exactly: a destructive op whose output shares entries
 * with an input it has not read yet would overwrite that input halfway (BLAS forbids it; a
 * loop gives silently wrong numbers). Exact aliasing — the same entries in the same places,
 * as in `tanh_(x)` — is safe for entry-by-entry work and stays legal.
 *
 * The test is exact. Most calls end at the first line (different memory); views of one
 * buffer are told apart by their spans, then by arithmetic on their strides — rows of one
 * matrix never meet, nor do disjoint blocks — and only unusual strides (a diagonal against a
 * block) fall back to marking entries.
 *
 * @module
 */

import type { Operand } from "./engine.ts";
import type { Structure } from "./structures.ts";
import { alike } from "./construct.ts";

/** How two operands' entries relate: no common entry, the same entries in the same places, or some. */
export type Overlap = "none" | "same" | "partial";

const last = (x: Operand): number =>
  x.offset + (x.rows - 1) * x.rowStride + (x.cols - 1) * x.colStride;

/** How the entries of s and t meet in memory. */
export function overlap(s: Operand, t: Operand): Overlap {
  if (s.storage !== t.storage) return "none";
  if (s.rows === 0 || s.cols === 0 || t.rows === 0 || t.cols === 0) return "none";
  if (last(s) < t.offset || last(t) < s.offset) return "none";
  if (sameEntries(s, t)) return "same";
  return shareEntry(s, t) ? "partial" : "none";
}

/** Entry (i, j) of s lies where entry (i, j) of t does, for every (i, j). */
function sameEntries(s: Operand, t: Operand): boolean {
  return s.rows === t.rows && s.cols === t.cols && s.offset === t.offset &&
    (s.rows === 1 || s.rowStride === t.rowStride) &&
    (s.cols === 1 || s.colStride === t.colStride);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The strides that matter: those of dimensions with more than one entry. */
function steps(x: Operand): number[] {
  const out: number[] = [];
  if (x.rows > 1) out.push(x.rowStride);
  if (x.cols > 1) out.push(x.colStride);
  return out;
}

/** Whether some address belongs to both; the spans are known to intersect. */
function shareEntry(s: Operand, t: Operand): boolean {
  const all = [...steps(s), ...steps(t)];
  if (all.length === 0) return true; // two single entries in intersecting spans: one place
  // Every address of x is offset + a combination of its strides: a multiple of their gcd.
  const g = all.reduce(gcd);
  if ((s.offset - t.offset) % g !== 0) return false;
  const w = Math.max(...all);
  if (w === 1) return true; // both contiguous, spans intersect
  const rs = grid(s, w), rt = grid(t, w);
  if (rs !== undefined && rt !== undefined) {
    return rs[0] < rt[1] && rt[0] < rs[1] && rs[2] < rt[3] && rt[2] < rs[3];
  }
  return marked(s, t);
}

/**
 * x as a rectangle [r0, r1) × [c0, c1) of a grid w entries wide — address = r + c·w — when its
 * strides are 1 and w and its unit-stride run fits in one grid row; undefined otherwise.
 */
function grid(x: Operand, w: number): [number, number, number, number] | undefined {
  let inner = 1, outer = 1;
  for (const [extent, stride] of [[x.rows, x.rowStride], [x.cols, x.colStride]]) {
    if (extent === 1) continue;
    if (stride === 1 && inner === 1) inner = extent;
    else if (stride === w && outer === 1) outer = extent;
    else return undefined;
  }
  const r = x.offset % w, c = Math.floor(x.offset / w);
  return r + inner <= w ? [r, r + inner, c, c + outer] : undefined;
}

/** Marks s's addresses where the spans meet, then looks for one of t's among them. */
function marked(s: Operand, t: Operand): boolean {
  const lo = Math.max(s.offset, t.offset), hi = Math.min(last(s), last(t));
  const seen = new Uint8Array(hi - lo + 1);
  visit(s, (k) => {
    if (k >= lo && k <= hi) seen[k - lo] = 1;
    return false;
  });
  return visit(t, (k) => k >= lo && k <= hi && seen[k - lo] === 1);
}

/** Calls f on every address of x until it returns true; whether it did. */
function visit(x: Operand, f: (k: number) => boolean): boolean {
  for (let j = 0; j < x.cols; j++) {
    for (let i = 0, k = x.offset + j * x.colStride; i < x.rows; i++, k += x.rowStride) {
      if (f(k)) return true;
    }
  }
  return false;
}

/**
 * `x` itself when `out` may overwrite it safely — different memory, or (when `sameIsSafe`) the
 * very same entries — else a copy of it in fresh memory, which the caller releases.
 */
export function readable<S extends Structure>(out: Operand, x: S, sameIsSafe = true): S {
  const o = overlap(out, x);
  if (o === "none" || (o === "same" && sameIsSafe)) return x;
  const copy = alike(x);
  x.factory.engine.blas.copy(x, copy);
  return copy;
}

/** Releases what {@linkcode readable} copied. */
export function release(original: Structure, used: Structure): void {
  if (used !== original) used[Symbol.dispose]();
}

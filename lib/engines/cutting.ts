/**
 * How a kernel's long loops are cut, whatever device runs it (the plans in kernels/ apply it
 * through kernels/device.ts; each device says its budget and its grid): the spans successive
 * dispatches take, and the parts one dispatch sums in parallel and a fold combines.
 *
 * @module
 */

/** A span of terms: the first, and how many. */
export type Span = readonly [number, number];

/** The spans of `terms` terms, at most `length` each; one empty span for none, so that every output is written. */
export function cutSpans(terms: number, length: number): Span[] {
  const out: Span[] = [];
  for (let s = 0; s === 0 || s < terms; s += length) out.push([s, Math.min(length, terms - s)]);
  return out;
}

/** How each output's terms are cut into parts: `parts` of at most `chunk` terms. */
export interface Parts {
  readonly chunk: number;
  readonly parts: number;
}

/**
 * Parts of `terms` terms: about √terms of them (at least 64 terms a part, at most `budget`), so
 * that the parts' dispatch and their fold are both short — halved until `fits` (a part's walk,
 * with the grid-stride turns its number of invocations makes, within the budget).
 */
export function partsFor(
  terms: number,
  budget: number,
  fits: (chunk: number, parts: number) => boolean,
): Parts {
  const parts = (c: number) => Math.max(1, Math.ceil(terms / c));
  let chunk = Math.min(budget, Math.max(64, Math.ceil(Math.sqrt(terms))));
  while (chunk > 1 && !fits(chunk, parts(chunk))) chunk = Math.ceil(chunk / 2);
  return { chunk, parts: parts(chunk) };
}

/** Scratch entries a fold of `parts` parts of `groups` outputs needs (it ping-pongs in halves). */
export const partsScratch = (groups: number, parts: number): number =>
  groups * (parts + Math.ceil(parts / 2));

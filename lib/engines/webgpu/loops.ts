/**
 * Long loops cut to the loop budget (wgsl.ts), in the two ways a reduction can be cut:
 * - spans: successive dispatches each take the next span of every output's terms and fold it
 *   into the output, where the outputs alone fill the device;
 * - parts: each output's terms are cut into parts that one dispatch sums in parallel into
 *   scratch, and the parts are then folded, where few outputs share many terms (a channel's
 *   statistics over a batch).
 * Kernels walk a span or a part with `walkDigits`, which keeps an index's digits by carrying
 * rather than by dividing at every term.
 *
 * @module
 */

import type { Runtime } from "./runtime.ts";
import { dense, gridKernel, loopBudget, U } from "./wgsl.ts";

/** Turns of the grid-stride loop an invocation makes over `outputs` entries, `wg` a group. */
export function turns(rt: Runtime, outputs: number, wg: number): number {
  return Math.max(1, Math.ceil(outputs / (rt.groups(outputs, wg) * wg)));
}

/** Terms an invocation may take per dispatch over `outputs` entries, within the budget. */
export function termsPerDispatch(rt: Runtime, outputs: number, wg: number): number {
  return Math.max(1, Math.floor(loopBudget.iterations / turns(rt, outputs, wg)));
}

/**
 * [start, length] of each dispatch's span of `terms`, for a kernel over `outputs` entries: one
 * span even for no terms, so that every output is written.
 */
export function spans(
  rt: Runtime,
  outputs: number,
  terms: number,
  wg: number,
): (readonly [number, number])[] {
  const length = termsPerDispatch(rt, outputs, wg);
  const out: (readonly [number, number])[] = [];
  for (let s = 0; s === 0 || s < terms; s += length) out.push([s, Math.min(length, terms - s)]);
  return out;
}

/**
 * WGSL running `body` for each r in [from, to), with `names` the digits of r over `extents`
 * (WGSL u32 expressions, row-major, the first digit unbounded) declared as u32 variables. The
 * body must not `continue` past the carry: it runs in the loop's `continuing` block.
 */
export function walkDigits(
  names: readonly string[],
  extents: readonly string[],
  from: string,
  to: string,
  body: string,
): string {
  const last = names.length - 1;
  let decode = `var r_ = ${from}; let end_ = ${to}; var q_ = r_;`;
  for (let k = last; k > 0; k--) {
    decode += ` var ${names[k]} = q_ % ${extents[k]}; q_ = q_ / ${extents[k]};`;
  }
  decode += ` var ${names[0]} = q_;`;
  let carry = `${names[0]} += 1u;`;
  for (let k = 1; k <= last; k++) {
    carry = `${names[k]} += 1u; if (${names[k]} == ${extents[k]}) { ${names[k]} = 0u; ${carry} }`;
  }
  return `${decode}
    loop {
      if (r_ >= end_) { break; }
      ${body}
      continuing { r_ += 1u; ${carry} }
    }`;
}

/** How each group's terms are cut into parts: `parts` of at most `chunk` terms. */
export interface Parts {
  readonly chunk: number;
  readonly parts: number;
}

/**
 * Parts for `groups` outputs of `terms` terms each: about √terms of them (at least 64 terms a
 * part), so that the parts' dispatch and their fold both stay short, within the budget.
 */
export function partsOf(rt: Runtime, terms: number, groups: number, wg: number): Parts {
  let chunk = Math.min(loopBudget.iterations, Math.max(64, Math.ceil(Math.sqrt(terms))));
  const parts = (c: number) => Math.max(1, Math.ceil(terms / c));
  while (chunk > 1 && chunk * turns(rt, groups * parts(chunk), wg) > loopBudget.iterations) {
    chunk = Math.ceil(chunk / 2);
  }
  return { chunk, parts: parts(chunk) };
}

/** Scratch floats that `foldParts` needs for `parts` parts of `groups` groups. */
export const partsScratch = (groups: number, parts: number): number =>
  groups * (parts + Math.ceil(parts / 2));

/** How parts combine. */
export type PartsFold = "sum" | "max" | "min";

const combine: Record<PartsFold, string> = {
  sum: "a + v",
  max: "max_(a, v)",
  min: "min_(a, v)",
};

const FOLD_WG = 64;

/**
 * Folds `parts` partial results of each of `groups` groups, entry p·groups + g of `scratch`
 * (`length` floats, at least `partsScratch(groups, parts)`), down to one per group, in order;
 * returns the word where the groups' results begin.
 */
export function foldParts(
  rt: Runtime,
  scratch: GPUBuffer,
  length: number,
  groups: number,
  parts: number,
  fold: PartsFold,
): number {
  let from = 0, count = parts;
  while (count > 1) {
    const total0 = groups * Math.ceil(count / 2);
    const chunk = Math.max(2, termsPerDispatch(rt, total0, FOLD_WG));
    const next = Math.ceil(count / chunk), to = from === 0 ? groups * parts : 0;
    const kernel = gridKernel(rt, `parts:${fold}`, [dense(scratch, length, 1)], [0], (b) => `
    let g = t % ${U(7)}; let q = t / ${U(7)};
    let first = q * ${U(3)}; let end = min(${U(8)}, first + ${U(3)});
    var a = ${b(0)}[${U(1)} + first * ${U(7)} + g];
    for (var p = first + 1u; p < end; p++) {
      let v = ${b(0)}[${U(1)} + p * ${U(7)} + g];
      a = ${combine[fold]};
    }
    ${b(0)}[${U(2)} + q * ${U(7)} + g] = a;`, FOLD_WG);
    const f = from, c = count;
    kernel(groups * next, (p) => {
      p.u[1] = f;
      p.u[2] = to;
      p.u[3] = chunk;
      p.u[7] = groups;
      p.u[8] = c;
    });
    from = to;
    count = next;
  }
  return from;
}

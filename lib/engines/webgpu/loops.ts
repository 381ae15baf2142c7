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
import { cutSpans, type Parts, partsFor, partsScratch, type Span } from "../cutting.ts";

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
export function spans(rt: Runtime, outputs: number, terms: number, wg: number): Span[] {
  return cutSpans(terms, termsPerDispatch(rt, outputs, wg));
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

/**
 * Parts for `groups` outputs of `terms` terms each (cutting.ts), a part's walk within the budget
 * with the turns of the grid over every part.
 */
export function partsOf(rt: Runtime, terms: number, groups: number, wg: number): Parts {
  return partsFor(
    terms,
    loopBudget.iterations,
    (chunk, parts) => chunk * turns(rt, groups * parts, wg) <= loopBudget.iterations,
  );
}

export { partsScratch };

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

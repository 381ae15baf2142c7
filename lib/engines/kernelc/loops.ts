/**
 * Long loops of the C kernels (OpenCL, CUDA) cut as WebGPU's are (webgpu/loops.ts): a work
 * item walks at most a budget of terms per launch, grid-stride turns included, so that no
 * launch runs long enough for a driver's watchdog to reset the device and a reduction over few
 * outputs still fills it. Spans are successive launches folding into their output; parts are
 * one launch's partial sums in scratch, folded per output.
 *
 * @module
 */

import type { DeviceBuffer, KernelRuntime } from "./runtime.ts";
import { cutSpans, type Parts, partsFor, partsScratch, type Span } from "../cutting.ts";

/** Work items for n entries: a grid-stride loop over at most 2¹⁸ of them. */
export const items = (n: number): number => Math.min(n, 1 << 18);

/** Loop iterations a work item may make in one launch. Tests lower it to cut small shapes. */
export const loopBudget: { iterations: number } = { iterations: 16384 };

/** Terms a work item may take per launch over `outputs` entries, within the budget. */
export function termsPerLaunch(outputs: number): number {
  const turns = Math.max(1, Math.ceil(outputs / Math.max(items(outputs), 1)));
  return Math.max(1, Math.floor(loopBudget.iterations / turns));
}

/** [start, length] of each launch's span of `terms` over `outputs` entries: one for no terms. */
export function spans(outputs: number, terms: number): Span[] {
  return cutSpans(terms, termsPerLaunch(outputs));
}

/**
 * C running `body` for each r_ in [from, to), with `names` the digits of r_ over `extents` (C
 * long expressions, row-major, the first digit unbounded) declared as longs. The carry follows
 * the body, so the body must not `continue`.
 */
export function walkDigits(
  names: readonly string[],
  extents: readonly string[],
  from: string,
  to: string,
  body: string,
): string {
  const last = names.length - 1;
  let decode = "long q_ = r_;";
  for (let k = last; k > 0; k--) {
    decode += ` long ${names[k]} = q_ % ${extents[k]}; q_ /= ${extents[k]};`;
  }
  decode += ` long ${names[0]} = q_;`;
  let carry = `++${names[0]};`;
  for (let k = 1; k <= last; k++) {
    carry = `if (++${names[k]} == ${extents[k]}) { ${names[k]} = 0; ${carry} }`;
  }
  return `{ long r_ = ${from}; const long end_ = ${to};
    if (r_ < end_) { ${decode}
      for (; r_ < end_; r_++) {
        ${body}
        ${carry}
      }
    } }`;
}

/** Parts for `groups` outputs of `terms` terms each (cutting.ts), a part's walk within a launch's budget. */
export function partsOf(terms: number, groups: number): Parts {
  return partsFor(
    terms,
    loopBudget.iterations,
    (chunk, parts) => chunk <= termsPerLaunch(groups * parts),
  );
}

export { partsScratch };

const kept = new WeakMap<KernelRuntime, Map<string, DeviceBuffer>>();

/**
 * A scratch buffer of at least `bytes` kept for one purpose on a runtime, grown on demand (the
 * old one given back once the work queued with it is done). Plans fetch it on every run, so a
 * plan made later that grows it never leaves an earlier one a freed buffer.
 */
export function scratchFor(rt: KernelRuntime, purpose: string, bytes: number): DeviceBuffer {
  let byPurpose = kept.get(rt);
  if (byPurpose === undefined) kept.set(rt, byPurpose = new Map());
  let b = byPurpose.get(purpose);
  if (b === undefined || b.bytes < bytes) {
    if (b !== undefined) rt.free(b);
    b = rt.scratch(Math.max(bytes, 8));
    byPurpose.set(purpose, b);
  }
  return b;
}

/** How parts combine. */
export type PartsFold = "sum" | "max" | "min";

const combine: Record<PartsFold, string> = { sum: "a + v", max: "max_(a, v)", min: "min_(a, v)" };

/**
 * Folds `parts` partial results of each of `groups` groups, entry p·groups + g of `scratch`
 * (at least `partsScratch(groups, parts)` entries), down to one per group, in order; returns
 * the entry where the groups' results begin.
 */
export function foldParts(
  rt: KernelRuntime,
  scratch: DeviceBuffer,
  groups: number,
  parts: number,
  fold: PartsFold,
): number {
  const kernel = rt.kernel(`parts:${fold}`, "fold", () =>
    `${rt.prelude()}
KERNEL fold(GLOBAL T* s, long from, long to, long chunk, long groups, long count, long total) {
  for (long t = GID; t < total; t += GSIZE) {
    long g = t % groups, q = t / groups;
    long first = q * chunk, end = first + chunk < count ? first + chunk : count;
    T a = s[from + first * groups + g];
    for (long p = first + 1; p < end; p++) { T v = s[from + p * groups + g]; a = ${combine[fold]}; }
    s[to + q * groups + g] = a;
  }
}`);
  let from = 0, count = parts;
  while (count > 1) {
    const chunk = Math.max(2, termsPerLaunch(groups * Math.ceil(count / 2)));
    const next = Math.ceil(count / chunk), to = from === 0 ? groups * parts : 0;
    const total = groups * next;
    rt.launch(kernel, [
      scratch,
      { long: from },
      { long: to },
      { long: chunk },
      { long: groups },
      { long: count },
      { long: total },
    ], items(total));
    from = to;
    count = next;
  }
  return from;
}

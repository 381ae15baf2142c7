/**
 * Reductions of tensors of any strides as kernels, for every device, and the fold of partial
 * results that every cut reduction shares. One work item per output entry walks the entries it
 * reduces, a span within the loop budget per launch; longer reductions take several launches,
 * each folding its share into the output, the mean scaled in the last. Few outputs of many
 * entries (a bias's gradient: 32 sums of 100,352) would leave a device idle in spans: their
 * entries go in parts reduced in parallel into scratch, folded per output, then written. Index
 * arithmetic over up to five kept and five reduced dimensions is unrolled into the kernel.
 *
 * @module
 */

import type { DnnEngine, Plan, TensorOperand } from "../../core/engine.ts";
import { reductionDims } from "../js/reduction.ts";
import { partsScratch } from "../cutting.ts";
import { type Flat, type KernelDevice, partsOf, spans, termsPer } from "./device.ts";
import { kernel, type Lang, reals, scalars, variants } from "./template.ts";

const WG = 64;
const DIMS = 5;

/** How parts combine. */
export type PartsFold = "sum" | "max" | "min";

const combine: Record<PartsFold, string> = { sum: "a + v", max: "max_(a, v)", min: "min_(a, v)" };

const FOLD_WG = 64;

/** Parts p·groups + g at `src` folded in chunks into `dst` (the fold's halves ping-pong). */
const fold = variants((f: PartsFold) =>
  kernel({
    key: `parts:${f}`,
    operands: { s: reals(true) },
    // Not from and to: WGSL reserves `from`.
    scalars: scalars("int", ["src", "dst", "chunk", "groups", "count"]),
    workgroup: FOLD_WG,
    body: (l) =>
      `${l.int("g", "t % groups")} ${l.int("q", "t / groups")}
    ${l.int("lo", "q * chunk")} ${l.int("hi", l.min("count", "lo + chunk"))}
    ${l.realVar("a", l.at("s", "src + lo * groups + g"))}
    ${
        l.for(
          "p",
          "lo + 1",
          "hi",
          `${l.real("v", l.at("s", "src + p * groups + g"))} a = ${combine[f]};`,
        )
      }
    ${l.at("s", "dst + q * groups + g")} = a;`,
  })
);

/**
 * Folds `parts` partial results of each of `groups` groups — entry p·groups + g of `scratch`,
 * at least `partsScratch(groups, parts)` entries — down to one per group, in order; returns the
 * entry where the groups' results begin.
 */
export function foldParts(
  dev: KernelDevice,
  scratch: Flat,
  groups: number,
  parts: number,
  f: PartsFold,
): number {
  let from = 0, count = parts;
  while (count > 1) {
    const chunk = Math.max(2, termsPer(dev, groups * Math.ceil(count / 2), FOLD_WG));
    const next = Math.ceil(count / chunk), to = from === 0 ? groups * parts : 0;
    dev.run(fold(f), { s: scratch, src: from, dst: to, chunk, groups, count }, groups * next);
    from = to;
    count = next;
  }
  return from;
}

/** The kept and reduced dimensions' words: extents, strides in x, strides in out. */
const WORDS = scalars("int", [
  ...["ke", "kx", "ko", "re", "rx"].flatMap((w) =>
    Array.from({ length: DIMS }, (_, k) => `${w}${k}`)
  ),
  "xo",
  "oo",
]);

/** Adds to `x_` (and `o_`) the offsets of index v over the n dimensions of words `e`, `xs`, `os`. */
function unravel(l: Lang, v: string, n: number, e: string, xs: string, os?: string): string {
  let code = l.intVar("rem_", v);
  for (let k = n - 1; k >= 0; k--) {
    code += ` { ${l.int("i_", `rem_ % ${e}${k}`)} rem_ = rem_ / ${e}${k}; x_ += i_ * ${xs}${k};${
      os === undefined ? "" : ` o_ += i_ * ${os}${k};`
    } }`;
  }
  return `{ ${code} }`;
}

/** What a reduction folds: a sum (and a mean, scaled), or the largest or smallest. */
type Folding = "sum" | "max" | "min";

/**
 * One launch's span of the reduced entries of each output: the first span starts from zero (or,
 * for max and min, from the set's first entry, which changes nothing), the later from the
 * output; the last scales a mean.
 */
const spanned = variants((key: `${Folding}:${number}:${number}`) => {
  const [alg, nk, nr] = key.split(":") as [Folding, string, string];
  return kernel({
    key: `treduce:${key}`,
    operands: { out: reals(true), x: reals() },
    scalars: { ...WORDS, ...scalars("int", ["first", "span_n"]), scale: "real" },
    workgroup: WG,
    body: (l) =>
      `${l.intVar("x_", "xo")} ${l.intVar("o_", "oo")}
    ${unravel(l, "t", Number(nk), "ke", "kx", "ko")}
    ${l.realVar("a", alg === "sum" ? l.r(0) : l.at("x", "x_"))}
    if (first != 0) { a = ${l.at("out", "o_")}; }
    ${
        l.for(
          "r",
          "first",
          "first + span_n",
          `${l.int("base", "x_")}
      ${unravel(l, "r", Number(nr), "re", "rx")}
      ${l.real("v", l.at("x", "x_"))}
      x_ = base;
      a = ${alg === "sum" ? "a + v" : `${alg}_(a, v)`};`,
        )
      }
    ${l.at("out", "o_")} = ${alg === "sum" ? "a * scale" : "a"};`,
  });
});

/** Each output's part `part` of its reduced entries, into scratch (part-major). */
const partial = variants((key: `${Folding}:${number}:${number}`) => {
  const [alg, nk, nr] = key.split(":") as [Folding, string, string];
  return kernel({
    key: `treduce-parts:${key}`,
    operands: { s: reals(true), x: reals() },
    scalars: { ...WORDS, ...scalars("int", ["chunk", "outputs", "count"]) },
    workgroup: WG,
    body: (l) =>
      `${l.int("oi", "t % outputs")} ${l.int("part", "t / outputs")}
    ${l.intVar("x_", "xo")} ${l.intVar("o_", "0")}
    ${unravel(l, "oi", Number(nk), "ke", "kx")}
    ${l.realVar("a", alg === "sum" ? l.r(0) : l.at("x", "x_"))}
    ${
        l.for(
          "r",
          "part * chunk",
          l.min("count", "part * chunk + chunk"),
          `${l.int("base", "x_")}
      ${unravel(l, "r", Number(nr), "re", "rx")}
      ${l.real("v", l.at("x", "x_"))}
      x_ = base;
      a = ${alg === "sum" ? "a + v" : `${alg}_(a, v)`};`,
        )
      }
    ${l.at("s", "part * outputs + oi")} = a;`,
  });
});

/** Each output from its folded result at `at`, scaled (a mean). */
const finish = variants((nk: number) =>
  kernel({
    key: `treduce-finish:${nk}`,
    operands: { out: reals(true), s: reals() },
    scalars: { ...WORDS, at: "int", scale: "real" },
    workgroup: WG,
    body: (l) =>
      `${l.intVar("x_", "0")} ${l.intVar("o_", "oo")}
    ${unravel(l, "t", nk, "ke", "kx", "ko")}
    ${l.at("out", "o_")} = ${l.at("s", "at + t")} * scale;`,
  })
);

/** Outputs from which spans alone fill a device; fewer, over many entries, take parts. */
const PARALLEL = 8192;

/** The planned reduction on a device. */
export function reductionKernels(dev: KernelDevice): NonNullable<DnnEngine["reduction"]> {
  return (alg, x, out): Plan => {
    const { kept, reduced } = reductionDims(x, out);
    const outputs = kept.e.reduce((n, e) => n * e, 1);
    const count = reduced.e.reduce((n, e) => n * e, 1);
    const nk = kept.e.length, nr = reduced.e.length;
    const folding: Folding = alg === "sum" || alg === "mean" ? "sum" : alg;
    const words: Record<string, number> = { xo: x.offset, oo: out.offset };
    for (let k = 0; k < DIMS; k++) {
      words[`ke${k}`] = kept.e[k] ?? 1;
      words[`kx${k}`] = kept.xs[k] ?? 0;
      words[`ko${k}`] = kept.os[k] ?? 0;
      words[`re${k}`] = reduced.e[k] ?? 1;
      words[`rx${k}`] = reduced.xs[k] ?? 0;
    }
    const flat = (t: TensorOperand): Flat => ({
      buffer: t.storage.buffer,
      entries: t.storage.length,
    });
    const args = { ...words, x: flat(x), out: flat(out) };
    const key = `${folding}:${nk}:${nr}` as const;
    const scale = alg === "mean" ? 1 / count : 1;
    if (outputs < PARALLEL && count > termsPer(dev, outputs, WG)) {
      const { chunk, parts } = partsOf(dev, count, outputs, WG);
      const length = partsScratch(outputs, parts);
      return () => {
        const s = dev.scratch("reduce-parts", length);
        dev.run(partial(key), { ...args, s, chunk, outputs, count }, outputs * parts);
        const at = foldParts(dev, s, outputs, parts, folding);
        dev.run(finish(nk), { ...args, s, at, scale }, outputs);
      };
    }
    return () => {
      for (const [first, span_n] of spans(dev, outputs, count, WG)) {
        const last = first + span_n >= count;
        dev.run(spanned(key), { ...args, first, span_n, scale: last ? scale : 1 }, outputs);
      }
    };
  };
}

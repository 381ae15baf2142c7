/**
 * The level-1 kernels of the device engines, written once: an elementwise map over operands of
 * any strides, a swap, a fold in two passes (up to 256 workgroups each fold a grid-stride share
 * into a partial result in workgroup memory, then one workgroup folds the partials), and the
 * sums of magnitudes along lines that the 1- and ∞-norms take the largest of. With them,
 * `deviceLevel1` makes a device's whole level-1 BLAS.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import { type Expr, x } from "../../elementwise/expr.ts";
import type { DeviceKernels, Fold } from "../device_level1.ts";
import { type Flat, type KernelDevice, spans } from "./device.ts";
import {
  ints,
  kernel,
  type KernelTemplate,
  type Lang,
  matrix,
  reals,
  scalars,
  variants,
} from "./template.ts";

const WG = 256;
/** Partial results of the first pass; the result lies at this entry of the partials' buffers. */
const PARTIALS = 256;
/** The line sums' workgroup. */
const LINE_WG = 64;

const params = scalars("real", ["p0", "p1", "p2", "p3"]);

/** Entry t of the operands, as `xv` (and `yv`), then `let v = f`. */
const read = (l: Lang, f: Expr, two: boolean, k: string) =>
  `${l.int("r_", `${k} % rows`)} ${l.int("c_", `${k} / rows`)}
    ${l.real("xv", l.at("x", "r_", "c_"))}
    ${two ? l.real("yv", l.at("y", "r_", "c_")) : ""}
    ${l.real("v", l.expr(f))}`;

const mapKernels = new Map<string, KernelTemplate>();

/** out ← f(x[, y]; p) entry by entry, kept per name (which must say what f is). */
function mapTemplate(name: string, f: Expr, two: boolean): KernelTemplate {
  const key = `map:${name}:${two}`;
  let t = mapKernels.get(key);
  if (t === undefined) {
    mapKernels.set(
      key,
      t = kernel({
        key,
        operands: two
          ? { o: matrix(true), x: matrix(), y: matrix() }
          : { o: matrix(true), x: matrix() },
        scalars: { rows: "int", ...params },
        workgroup: WG,
        body: (l) => `${read(l, f, two, "t")} ${l.at("o", "r_", "c_")} = v;`,
      }),
    );
  }
  return t;
}

const swapTemplate = kernel({
  key: "swap",
  operands: { x: matrix(true), y: matrix(true) },
  scalars: { rows: "int" },
  workgroup: WG,
  body: (l) =>
    `${l.int("r_", "t % rows")} ${l.int("c_", "t / rows")}
    ${l.real("v", l.at("x", "r_", "c_"))}
    ${l.at("x", "r_", "c_")} = ${l.at("y", "r_", "c_")};
    ${l.at("y", "r_", "c_")} = v;`,
});

/**
 * Whether (v, i) goes before (bv, bi) in an arg fold: the first NaN wins, as the first largest
 * (smallest) entry does otherwise.
 */
const before = (l: Lang, fold: "argmax" | "argmin", v: string, i: string, bv: string, bi: string) =>
  l.select(
    `isnan_(${v}) != isnan_(${bv})`,
    `isnan_(${v})`,
    l.select(
      `isnan_(${v})`,
      `${i} < ${bi}`,
      `${v} ${fold === "argmax" ? ">" : "<"} ${bv} || (${v} == ${bv} && ${i} < ${bi})`,
    ),
  );

/** Folds over magnitudes: every entry beats −1, and ∞ ties with argmin's start (the last index). */
const start = (l: Lang, fold: Fold) =>
  fold === "argmax" ? l.r(-1) : fold === "argmin" ? `inf_(${l.r(0)})` : l.r(0);

/** The workgroup's fold of its items' shares, unrolled, the result in sv[0] (si[0]). */
function fold(l: Lang, f: Fold): string {
  const steps: string[] = [];
  for (let h = WG / 2; h > 0; h >>= 1) {
    const pair = `${l.real("v", l.at("sv", `lid + ${h}`))} ${l.real("a", l.at("sv", "lid"))}`;
    const step = f === "argmax" || f === "argmin"
      ? `${pair} ${l.int("i", l.at("si", `lid + ${h}`))}
        if (${before(l, f, "v", "i", "a", l.at("si", "lid"))}) {
          ${l.at("sv", "lid")} = v; ${l.at("si", "lid")} = i;
        }`
      : `${pair} ${l.at("sv", "lid")} = ${f === "sum" ? "a + v" : "max_(a, v)"};`;
    steps.push(`if (lid < ${h}) { ${step} } ${l.barrier()}`);
  }
  return steps.join("\n  ");
}

/** The grid-stride share of an item, read by `item` (which sets v and i from k), then the fold. */
function share(l: Lang, f: Fold, item: string, count: string): string {
  const paired = f === "argmax" || f === "argmin";
  const take = paired
    ? `if (${before(l, f, "v", "i", "bv", "bi")}) { bv = v; bi = i; }`
    : `bv = ${f === "sum" ? "bv + v" : "max_(bv, v)"};`;
  return `${l.realVar("bv", start(l, f))} ${l.intVar("bi", l.intMax)}
  ${l.for("k", "gid", count, `${item} ${take}`, "gsize")}
  ${l.at("sv", "lid")} = bv; ${l.at("si", "lid")} = bi;
  ${l.barrier()}
  ${fold(l, f)}`;
}

const shared = {
  sv: { type: "real", size: WG },
  si: { type: "int", size: WG },
} as const;

const foldKernels = new Map<string, KernelTemplate>();

/** The first pass: each workgroup's fold of f into pv[group] (and its index into pi[group]). */
function firstPass(f: Fold, name: string, e: Expr, two: boolean): KernelTemplate {
  const key = `fold:${f}:${name}:${two}`;
  let t = foldKernels.get(key);
  if (t === undefined) {
    foldKernels.set(
      key,
      t = kernel({
        key,
        operands: two
          ? { x: matrix(), y: matrix(), pv: reals(true), pi: ints(true) }
          : { x: matrix(), pv: reals(true), pi: ints(true) },
        scalars: { rows: "int", n: "int", ...params },
        workgroup: WG,
        grid: "groups",
        shared,
        body: (l) =>
          `${share(l, f, `${read(l, e, two, "k")} ${l.int("i", "k")}`, "n")}
  if (lid == 0) { ${l.at("pv", "group")} = ${l.at("sv", "0")}; ${l.at("pi", "group")} = ${
            l.at("si", "0")
          }; }`,
      }),
    );
  }
  return t;
}

/** The second pass: one workgroup folds `n` partials into pv[PARTIALS] (pi[PARTIALS]). */
const partials = variants((f: Fold) =>
  kernel({
    key: `fold:${f}:partials`,
    operands: { pv: reals(true), pi: ints(true) },
    scalars: { n: "int" },
    workgroup: WG,
    grid: "groups",
    shared,
    body: (l) =>
      `${share(l, f, `${l.real("v", l.at("pv", "k"))} ${l.int("i", l.at("pi", "k"))}`, "n")}
  if (lid == 0) { ${l.at("pv", `${PARTIALS}`)} = ${l.at("sv", "0")}; ${
        l.at("pi", `${PARTIALS}`)
      } = ${l.at("si", "0")}; }`,
  })
);

/** A span of each line's sum of magnitudes into s[line], added to what the spans before left. */
const lineSums = (along: "cols" | "rows") =>
  kernel({
    key: `lines:${along}`,
    operands: { x: matrix(), s: reals(true) },
    scalars: { first: "int", span_n: "int" },
    workgroup: LINE_WG,
    body: (l) =>
      `${l.realVar("a", l.select("first == 0", l.r(0), l.at("s", "t")))}
    ${
        l.for(
          "k",
          "first",
          "first + span_n",
          `a += ${l.abs(along === "cols" ? l.at("x", "k", "t") : l.at("x", "t", "k"))};`,
        )
      }
    ${l.at("s", "t")} = a;`,
  });
const lineTemplates = { cols: lineSums("cols"), rows: lineSums("rows") };

const realsOf = (p: readonly number[]) => ({
  p0: p[0] ?? 0,
  p1: p[1] ?? 0,
  p2: p[2] ?? 0,
  p3: p[3] ?? 0,
});

/** A flat buffer as a column (a vector operand and a matrix one). */
function column(s: Flat, n: number): Operand {
  return {
    storage: { buffer: s.buffer, length: s.entries, released: false },
    offset: 0,
    rows: n,
    cols: 1,
    rowStride: 1,
    colStride: n,
  };
}

/** A device's level-1 kernels. */
export function deviceKernels(dev: KernelDevice): DeviceKernels {
  const map = (
    name: string,
    f: Expr,
    p: readonly number[],
    out: Operand,
    xs: Operand,
    ys?: Operand,
  ) =>
    dev.run(mapTemplate(name, f, ys !== undefined), {
      o: out,
      x: xs,
      y: ys,
      rows: Math.max(out.rows, 1),
      ...realsOf(p),
    }, out.rows * out.cols);

  async function scalar(
    f: Fold,
    name: string,
    e: Expr,
    p: number[],
    a: Operand,
    b?: Operand,
  ): Promise<number> {
    const n = a.rows * a.cols;
    if (n === 0) return 0;
    const pv = dev.scratch("fold:values", PARTIALS + 1);
    const pi = dev.scratch("fold:indices", PARTIALS + 1, "int");
    const groups = Math.max(1, Math.min(PARTIALS, Math.ceil(n / WG)));
    dev.runGroups(
      firstPass(f, name, e, b !== undefined),
      { x: a, y: b, pv, pi, rows: Math.max(a.rows, 1), n, ...realsOf(p) },
      groups,
    );
    dev.runGroups(partials(f), { pv, pi, n: groups }, 1);
    return f === "argmax" || f === "argmin"
      ? (await dev.readInts(pi, PARTIALS, 1))[0]
      : (await dev.readReals(pv, PARTIALS, 1))[0];
  }

  async function lineMax(a: Operand, along: "cols" | "rows"): Promise<number> {
    const count = along === "cols" ? a.cols : a.rows;
    const length = along === "cols" ? a.rows : a.cols;
    if (count === 0) return 0;
    const s = dev.scratch("fold:lines", count);
    for (const [first, span] of spans(dev, count, length, LINE_WG)) {
      dev.run(lineTemplates[along], { x: a, s, first, span_n: span }, count);
    }
    return await scalar("max", "id", x, [], column(s, count));
  }

  return {
    scalar,
    lineMax,
    map,
    swap: (xs, ys) =>
      dev.run(swapTemplate, { x: xs, y: ys, rows: Math.max(xs.rows, 1) }, xs.rows * xs.cols),
  };
}

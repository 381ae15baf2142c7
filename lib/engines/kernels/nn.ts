/**
 * The matrix primitives of learning as kernels, for every device: softmax over columns (three
 * walks down a column per work item; columns too long for one launch's loops take the largest
 * entries and the sums in spans of launches, kept in scratch, then one work item per entry), a
 * minibatch's gathered columns, and Adam's step in one pass.
 *
 * @module
 */

import type { NnEngine, Operand } from "../../core/engine.ts";
import { deferred } from "../planning.ts";
import { type KernelDevice, spans, termsPer } from "./device.ts";
import { ints, kernel, type Lang, matrix, reals, variants } from "./template.ts";

const WG = 64;

/** Entry (i, j) of a softmax from x, the column's largest m and its sum s (or log-sum ls). */
function output(l: Lang, log: boolean, x: string, m: string, s: string): string {
  return `${l.real("d", `${x} - ${m}`)}
    // As in JavaScript: a NaN anywhere, or an infinite largest entry (∞ − ∞), is NaN throughout.
    ${l.bool("bad", `isnan_(${m}) || ${l.abs(m)} == inf_(${m})`)}
    ${l.real("value", l.select("bad", `nan_(${m})`, log ? `d - log(${s})` : `exp(d) / ${s}`))}`;
}

/** One work item per column: its largest entry, its sum of exp(x − max), its outputs. */
const columns = variants((log: boolean) =>
  kernel({
    key: `softmax:${log}`,
    operands: { o: matrix(true), x: matrix() },
    scalars: { rows: "int" },
    workgroup: WG,
    body: (l) =>
      `${l.int("j", "t")}
    ${l.realVar("m", l.at("x", "0", "j"))}
    ${l.for("i", "1", "rows", `m = max_(m, ${l.at("x", "i", "j")});`)}
    ${l.realVar("s", l.r(0))}
    ${l.for("i", "0", "rows", `s += exp(${l.at("x", "i", "j")} - m);`)}
    ${
        l.for(
          "i",
          "0",
          "rows",
          `${output(l, log, l.at("x", "i", "j"), "m", "s")}
      ${l.at("o", "i", "j")} = value;`,
        )
      }`,
  })
);

/** A span of rows of each column into its largest entry, kept at s[j]. */
const largest = kernel({
  key: "softmax-columns:largest",
  operands: { x: matrix(), s: reals(true) },
  scalars: { first: "int", span_n: "int" },
  workgroup: WG,
  body: (l) =>
    `${l.int("j", "t")}
    ${l.realVar("m", l.select("first == 0", l.at("x", "first", "j"), l.at("s", "j")))}
    ${l.for("i", "first", "first + span_n", `m = max_(m, ${l.at("x", "i", "j")});`)}
    ${l.at("s", "j")} = m;`,
});

/** A span of rows of each column into its sum of exp(x − max), kept at s[cols + j]. */
const sums = kernel({
  key: "softmax-columns:sums",
  operands: { x: matrix(), s: reals(true) },
  scalars: { cols: "int", first: "int", span_n: "int" },
  workgroup: WG,
  body: (l) =>
    `${l.int("j", "t")} ${l.real("m", l.at("s", "j"))}
    ${l.realVar("e", l.select("first == 0", l.r(0), l.at("s", "cols + j")))}
    ${l.for("i", "first", "first + span_n", `e += exp(${l.at("x", "i", "j")} - m);`)}
    ${l.at("s", "cols + j")} = e;`,
});

/** Every entry of long columns from their largest entries and sums in s. */
const entries = variants((log: boolean) =>
  kernel({
    key: `softmax-entries:${log}`,
    operands: { o: matrix(true), x: matrix(), s: reals() },
    scalars: { rows: "int", cols: "int" },
    workgroup: WG,
    body: (l) =>
      `${l.int("i", "t % rows")} ${l.int("j", "t / rows")}
    ${output(l, log, l.at("x", "i", "j"), l.at("s", "j"), l.at("s", "cols + j"))}
    ${l.at("o", "i", "j")} = value;`,
  })
);

/** out ← softmax (log-softmax when `log`) of each column of x; out may be x. */
function softmax(dev: KernelDevice, x: Operand, out: Operand, log: boolean): void {
  const rows = x.rows, cols = x.cols;
  if (rows === 0 || cols === 0) return;
  // Three walks down a column.
  if (3 * rows <= termsPer(dev, cols, WG)) {
    dev.run(columns(log), { o: out, x, rows }, cols);
    return;
  }
  const s = dev.scratch("softmax-columns", 2 * cols);
  for (const pass of [largest, sums]) {
    for (const [first, span_n] of spans(dev, cols, rows, WG)) {
      dev.run(pass, { x, s, cols, first, span_n }, cols);
    }
  }
  dev.run(entries(log), { o: out, x, s, rows, cols }, rows * cols);
}

/** out[:, k] ← x[:, indices[k]]. */
const gather = kernel({
  key: "gather",
  operands: { o: matrix(true), x: matrix(), idx: ints() },
  scalars: { rows: "int" },
  workgroup: 256,
  body: (l) =>
    `${l.int("i", "t % rows")} ${l.int("j", "t / rows")}
    ${l.at("o", "i", "j")} = ${l.at("x", "i", l.toInt(l.at("idx", "j")))};`,
});

/** m ← β₁m + (1 − β₁)g; s ← β₂s + (1 − β₂)g²; w ← w − rate · m / (√s + ε). */
const adam = kernel({
  key: "adam",
  operands: { w: matrix(true), m: matrix(true), s: matrix(true), g: matrix() },
  scalars: { rows: "int", rate: "real", beta1: "real", beta2: "real", eps: "real" },
  workgroup: 256,
  body: (l) =>
    `${l.int("i", "t % rows")} ${l.int("j", "t / rows")}
    ${l.real("gv", l.at("g", "i", "j"))}
    ${l.real("mv", `(${l.r(1)} - beta1) * gv + beta1 * ${l.at("m", "i", "j")}`)}
    ${l.real("sv", `(${l.r(1)} - beta2) * (gv * gv) + beta2 * ${l.at("s", "i", "j")}`)}
    ${l.at("m", "i", "j")} = mv;
    ${l.at("s", "i", "j")} = sv;
    ${l.at("w", "i", "j")} = -rate * (mv / (sqrt_(sv) + eps)) + ${l.at("w", "i", "j")};`,
});

/** The matrix primitives of learning on a device. */
export function nnKernels(dev: KernelDevice): Required<Omit<NnEngine, "innerProduct">> {
  return {
    softmax: deferred((x: Operand, out: Operand, log: boolean) => softmax(dev, x, out, log)),
    gatherColumns: deferred((x: Operand, indices: Int32Array, out: Operand) => {
      const n = out.rows * indices.length;
      if (n === 0) return;
      const idx = dev.scratch("gathered columns", indices.length, "int");
      dev.writeInts(idx, indices);
      dev.run(gather, { o: out, x, idx, rows: out.rows }, n);
    }),
    adam: deferred((
      w: Operand,
      g: Operand,
      m: Operand,
      s: Operand,
      rate: number,
      beta1: number,
      beta2: number,
      eps: number,
    ) => {
      const n = w.rows * w.cols;
      if (n > 0) dev.run(adam, { w, m, s, g, rows: w.rows, rate, beta1, beta2, eps }, n);
    }),
  };
}

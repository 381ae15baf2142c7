/**
 * Structured routines as kernels, for every device, reading each kind in its own storage (no
 * dense copy): products y ← αAx + βy and C ← αAB + βC (or αBA), one work item per output entry
 * summing over the band or triangle that row or column can hold, and the triangular solve, one
 * work item per right-hand side walking the rows in order. Long sums and solves are cut into
 * launches within the device's loop budget. Only what the structure stores is multiplied in, as
 * BLAS and the js loops do, so a NaN in x at a column the structure leaves empty stays out of y.
 * A symmetric `sy` is the one kind left to the dense copy and GEMM: its copy has no zeros to
 * differ by, and the tiled GEMM is faster than a sum per entry.
 *
 * @module
 */

import type {
  Operand,
  StructuredEngine,
  StructuredOperand,
  TensorOperand,
} from "../../core/engine.ts";
import {
  columnReading,
  isBanded,
  isDense,
  isPacked,
  isSymmetric,
  isTriangular,
  type KindShape,
  storageLength,
} from "../../core/kinds.ts";
import { type KernelDevice, spans, termsPer } from "./device.ts";
import { kernel, type Lang, matrix, scalars, variants, vector } from "./template.ts";

const WG = 64;

/** What a kernel variant needs to know of a kind: everything but its sizes. */
interface Reading {
  readonly kind: KindShape["kind"];
  readonly upper: boolean;
  readonly unit: boolean;
}

const key = (r: Reading) => `${r.kind}:${r.upper ? "u" : "l"}:${r.unit ? "1" : "d"}`;
const parse = (k: string): Reading => {
  const [kind, u, d] = k.split(":");
  return { kind: kind as KindShape["kind"], upper: u === "u", unit: d === "1" };
};

/**
 * Statements that set real `v` to entry (r, c) of a column reading of the kind (its scalars n, ld,
 * kl, ku in the kernel), zero where the structure holds none and one on a unit diagonal; the
 * memory is read at a clamped index, so no select reads outside it.
 */
function entry(l: Lang, g: Reading, r: string, c: string, v: string): string {
  const { kind, upper, unit } = g;
  const sym = isSymmetric(kind) && kind !== "st";
  const swap = upper ? `(${r} > ${c})` : `(${r} < ${c})`;
  const lines = [
    l.int(`${v}r`, sym ? l.select(swap, c, r) : r),
    l.int(`${v}c`, sym ? l.select(swap, r, c) : c),
  ];
  const rr = `${v}r`, cc = `${v}c`;
  let out: string, idx: string;
  if (isDense(kind)) {
    out = isTriangular(kind) ? (upper ? `(${rr} > ${cc})` : `(${rr} < ${cc})`) : "false";
    idx = `${rr} + ${cc} * ld`;
  } else if (isBanded(kind)) {
    out = `(${rr} - ${cc} > kl || ${cc} - ${rr} > ku)`;
    idx = `ku + ${rr} - ${cc} + ${cc} * ld`;
  } else if (isPacked(kind)) {
    out = isTriangular(kind) ? (upper ? `(${rr} > ${cc})` : `(${rr} < ${cc})`) : "false";
    idx = upper ? `${rr} + ${cc} * (${cc} + 1) / 2` : `${rr} + ${cc} * (2 * n - ${cc} - 1) / 2`;
  } else if (kind === "gd") {
    out = `(${rr} != ${cc})`;
    idx = rr;
  } else {
    out = `(${rr} - ${cc} > 1 || ${cc} - ${rr} > 1)`;
    idx = kind === "st" ? l.select(`${rr} == ${cc}`, rr, `n + ${l.min(rr, cc)}`) : l.select(
      `${rr} == ${cc}`,
      `n - 1 + ${rr}`,
      l.select(`${rr} > ${cc}`, cc, `2 * n - 1 + ${rr}`),
    );
  }
  lines.push(
    l.bool(`${v}o`, out),
    l.real(`${v}m`, l.at("a", l.select(`${v}o`, "0", idx))),
  );
  const value = l.select(`${v}o`, l.r(0), `${v}m`);
  lines.push(l.real(v, unit ? l.select(`${rr} == ${cc}`, l.r(1), value) : value));
  return lines.join("\n      ");
}

const sizes = scalars("int", ["n", "ld", "kl", "ku", "below", "above", "rows", "k0", "k1"]);

/**
 * C(i, j) ← α·Σ A(i, q)B(q, j) + β·C(i, j) over q in [k0, k1) and A's band (`left`), or
 * α·Σ B(i, q)A(q, j) + β·C(i, j); A read as its column reading, transposed where `trans`.
 */
const product = variants((k: string) => {
  const [g, trans, left] = [parse(k), k.includes(":T"), k.endsWith(":L")];
  return kernel({
    key: `structured-mm:${k}`,
    operands: { a: vector(), b: matrix(), c: matrix(true) },
    scalars: { ...sizes, alpha: "real", beta: "real" },
    workgroup: WG,
    body: (l) => {
      // A's own (row, column) as the reading's (r, c).
      const read = (ar: string, ac: string) => entry(l, g, trans ? ac : ar, trans ? ar : ac, "av");
      const [from, to] = left
        ? [l.max("k0", "i - below"), l.min("k1", "i + above + 1")]
        : [l.max("k0", "j - above"), l.min("k1", "j + below + 1")];
      const term = left
        ? `${read("i", "q")}
      acc = acc + av * ${l.at("b", "q", "j")};`
        : `${read("q", "j")}
      acc = acc + ${l.at("b", "i", "q")} * av;`;
      return `${l.int("i", "t % rows")} ${l.int("j", "t / rows")}
    ${l.realVar("acc", l.r(0))}
    ${l.for("q", from, to, term)}
    ${l.at("c", "i", "j")} = ${
        l.select(`beta == ${l.r(0)}`, "alpha * acc", `alpha * acc + beta * ${l.at("c", "i", "j")}`)
      };`;
    },
  });
});

/** Rows first … first + span_n of each column t of b, solved against a triangular A. */
const solve = variants((k: string) => {
  const [g, trans] = [parse(k), k.includes(":T")];
  // The triangle A holds in its own coordinates: the reading's, flipped where transposed.
  const upper = g.kind === "gd" || (g.upper !== trans);
  return kernel({
    key: `structured-sv:${k}`,
    operands: { a: vector(), b: matrix(true) },
    scalars: scalars("int", ["n", "ld", "kl", "ku", "below", "above", "first", "span_n"]),
    workgroup: WG,
    body: (l) => {
      const read = (ar: string, ac: string, v: string) =>
        entry(l, g, trans ? ac : ar, trans ? ar : ac, v);
      return l.for(
        "s",
        "first",
        "first + span_n",
        `${l.int("i", upper ? "n - 1 - s" : "s")}
      ${l.realVar("acc", l.at("b", "i", "t"))}
      ${
          l.for(
            "j",
            upper ? "i + 1" : l.max("0", "i - below"),
            upper ? l.min("n", "i + above + 1") : "i",
            `${read("i", "j", "av")}
      acc = acc - av * ${l.at("b", "j", "t")};`,
          )
        }
      ${read("i", "i", "dv")}
      ${l.at("b", "i", "t")} = acc / dv;`,
      );
    },
  });
});

/** The scalars every variant takes for a: the reading's sizes and its own band widths. */
function shape(a: StructuredOperand) {
  const c = columnReading(a);
  const sym = isSymmetric(a.kind);
  const w = Math.max(a.kl, a.ku);
  return {
    reading: {
      kind: a.kind,
      upper: c.uplo === "upper",
      unit: isTriangular(a.kind) && a.diag === "unit",
    },
    trans: a.layout === "row",
    args: { n: c.n, ld: c.ld, kl: c.kl, ku: c.ku, below: sym ? w : a.kl, above: sym ? w : a.ku },
    memory: {
      storage: a.storage,
      offset: a.offset,
      shape: [Math.max(storageLength(a), 1)],
      strides: [1],
    } as TensorOperand,
  };
}

/** A device's structured routines: products of every kind but `sy`, and the triangular solves. */
export function structuredKernels(dev: KernelDevice, name: string): StructuredEngine {
  const mm = (
    side: "left" | "right",
    alpha: number,
    a: StructuredOperand,
    b: Operand,
    beta: number,
    c: Operand,
  ) => {
    if (a.kind === "sy") return undefined;
    const s = shape(a), total = c.rows * c.cols;
    const inner = side === "left" ? a.n : a.m;
    const t = product(`${key(s.reading)}${s.trans ? ":T" : ":N"}${side === "left" ? ":L" : ":R"}`);
    return () => {
      // The sum over q in launches within the budget; β applies once, in the first.
      let first = true;
      for (const [k0, length] of spans(dev, total, Math.max(inner, 1), WG)) {
        dev.run(t, {
          a: s.memory,
          b,
          c,
          ...s.args,
          rows: c.rows,
          k0,
          k1: k0 + length,
          alpha,
          beta: first ? beta : 1,
        }, total);
        first = false;
      }
    };
  };
  return {
    mv: (alpha, a, x, beta, y) => mm("left", alpha, a, x, beta, y),
    mm,
    sv(a, b) {
      if (!isTriangular(a.kind) && a.kind !== "gd") return undefined;
      const n = a.n;
      const per = termsPer(dev, b.cols, WG);
      if (n > per) {
        throw new RangeError(
          `sv_: a triangle of order ${n} exceeds what one ${name} launch may loop over (${per} terms)`,
        );
      }
      const rows = Math.max(1, Math.floor(per / Math.max(n, 1)));
      const s = shape(a);
      const t = solve(`${key(s.reading)}${s.trans ? ":T" : ":N"}`);
      return () => {
        for (let first = 0; first < n; first += rows) {
          const span_n = Math.min(rows, n - first);
          dev.run(t, { a: s.memory, b, ...s.args, first, span_n }, b.cols);
        }
      };
    },
  };
}

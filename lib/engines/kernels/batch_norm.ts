/**
 * Batch normalization as kernels, for every device. A channel's sums over the batch and the
 * spatial positions — its statistics in training (the mean first, then the squares about it:
 * the two-pass variance, as js computes it), the two sums of the backward pass — are cut into
 * parts that one launch sums in parallel, folded per channel (reduction.ts), then written out by
 * one work item per channel; one work item per entry then normalizes it or writes its gradient.
 * A channel may hold any number of entries: no work item loops over more than a part.
 *
 * @module
 */

import type { BatchNormPass, DnnEngine, Plan } from "../../core/engine.ts";
import { spatial3 } from "../../tensor/spatial.ts";
import { partsScratch } from "../cutting.ts";
import { type KernelDevice, partsOf } from "./device.ts";
import { foldParts } from "./reduction.ts";
import {
  kernel,
  type KernelTemplate,
  type Lang,
  reals,
  scalars,
  tensor,
  vector,
} from "./template.ts";

const WG = 64;

const SHAPE = { ...scalars("int", ["N", "C", "D", "H", "W"]), eps: "real" } as const;

/** Entries per channel, as a real. */
const perChannel = (l: Lang) => l.toReal("N * D * H * W");

/** Each channel's part p of its sums s0, s1, … (`term` adds entry xv's share), into scratch. */
function parts(
  name: string,
  operands: KernelTemplate["operands"],
  quantities: number,
  prologue: (l: Lang) => string,
  term: (l: Lang) => string,
): KernelTemplate {
  const q = Array.from({ length: quantities }, (_, i) => i);
  return kernel({
    key: `bn:parts:${name}`,
    operands: { s: reals(true), x: tensor(), ...operands },
    scalars: { ...SHAPE, chunk: "int" },
    workgroup: WG,
    body: (l) =>
      `${l.int("c", "t % C")} ${l.int("p", "t / C")} ${l.int("count", "N * D * H * W")}
    ${prologue(l)}
    ${q.map((i) => l.realVar(`s${i}`, l.r(0))).join(" ")}
    ${
        l.walk(
          ["n", "d", "h", "w"],
          ["N", "D", "H", "W"],
          "p * chunk",
          l.min("count", "p * chunk + chunk"),
          `${l.real("xv", l.at("x", "n", "c", "d", "h", "w"))} ${term(l)}`,
        )
      }
    ${q.map((i) => `${l.at("s", `(p * ${quantities} + ${i}) * C + c`)} = s${i};`).join(" ")}`,
  });
}

/** Per channel c = t, from the folded sums at `at` (sum q of channel c at at + q·C + c). */
const finish = (name: string, operands: KernelTemplate["operands"], body: (l: Lang) => string) =>
  kernel({
    key: `bn:finish:${name}`,
    operands: { s: reals(), ...operands },
    scalars: { ...SHAPE, at: "int" },
    workgroup: WG,
    body: (l) => `${l.int("c", "t")} ${l.real("m_", perChannel(l))} ${body(l)}`,
  });

const meanParts = parts("mean", {}, 1, () => "", () => "s0 += xv;");
const meanOut = finish(
  "mean",
  { m: vector(true) },
  (l) => `${l.at("m", "c")} = ${l.at("s", "at + c")} / m_;`,
);
const squareParts = parts(
  "variance",
  { m: vector() },
  1,
  (l) => l.real("mu", l.at("m", "c")),
  (l) => `${l.real("z", "xv - mu")} s0 += z * z;`,
);
const varianceOut = finish(
  "variance",
  { v: vector(true) },
  (l) => `${l.at("v", "c")} = ${l.at("s", "at + c")} / m_;`,
);
const gradientParts = parts(
  "backward",
  { y: tensor(), m: vector(), v: vector() },
  2,
  (l) =>
    `${l.real("inv", `${l.r(1)} / sqrt(${l.at("v", "c")} + eps)`)} ${l.real("mu", l.at("m", "c"))}`,
  (l) =>
    `${l.real("dy", l.at("y", "n", "c", "d", "h", "w"))} s0 += dy; s1 += dy * (xv - mu) * inv;`,
);
const gradientsOut = finish(
  "backward",
  { ds: vector(true), db: vector(true) },
  (l) =>
    `${l.at("db", "c")} = ${l.at("s", "at + c")}; ${l.at("ds", "c")} = ${l.at("s", "at + C + c")};`,
);

/** t as (n, c, d, h, w), and the channel's 1/σ and μ. */
const entryOf = (l: Lang) =>
  `${l.intVar("e_", "t")} ${l.int("w", "e_ % W")} e_ = e_ / W; ${l.int("h", "e_ % H")} e_ = e_ / H;
    ${l.int("d", "e_ % D")} e_ = e_ / D; ${l.int("c", "e_ % C")} ${l.int("n", "e_ / C")}
    ${l.real("inv", `${l.r(1)} / sqrt(${l.at("v", "c")} + eps)`)} ${l.real("mu", l.at("m", "c"))}
    ${l.real("xv", l.at("x", "n", "c", "d", "h", "w"))}`;

/** y = γ (x − μ)/σ + β, entry by entry. */
const normalize = kernel({
  key: "bn:forward:entries",
  operands: { x: tensor(), y: tensor(true), g: vector(), b: vector(), m: vector(), v: vector() },
  scalars: SHAPE,
  workgroup: WG,
  body: (l) =>
    `${entryOf(l)}
    ${l.at("y", "n", "c", "d", "h", "w")} = ${l.at("g", "c")} * (xv - mu) * inv + ${
      l.at("b", "c")
    };`,
});

/** dx = γ/σ · (dy − dβ/m − x̂·dγ/m), y holding dy. */
const gradient = kernel({
  key: "bn:backward:entries",
  operands: {
    x: tensor(),
    y: tensor(),
    e: tensor(true),
    g: vector(),
    m: vector(),
    v: vector(),
    ds: vector(),
    db: vector(),
  },
  scalars: SHAPE,
  workgroup: WG,
  body: (l) =>
    `${entryOf(l)} ${l.real("m_", perChannel(l))} ${l.real("xhat", "(xv - mu) * inv")}
    ${l.at("e", "n", "c", "d", "h", "w")} = ${l.at("g", "c")} * inv * (${
      l.at("y", "n", "c", "d", "h", "w")
    } - ${l.at("db", "c")} / m_ - xhat * ${l.at("ds", "c")} / m_);`,
});

/** The planned batch normalization passes on a device. */
export function batchNormKernels(dev: KernelDevice): NonNullable<DnnEngine["batchNormalization"]> {
  return (pass: BatchNormPass, t, epsilon): Plan => {
    const N = t.x.shape[0], C = t.x.shape[1];
    const [D, H, W] = spatial3(t.x).e;
    const count = N * D * H * W;
    const args = {
      x: t.x,
      y: t.y,
      e: t.dx,
      g: t.scale,
      b: t.shift,
      m: t.mean,
      v: t.variance,
      ds: t.dScale,
      db: t.dShift,
      ...{ N, C, D, H, W, eps: epsilon },
    };
    // Two sums per channel at most (the backward pass's), in parts.
    const { chunk, parts } = partsOf(dev, count, 2 * C, WG);
    const length = partsScratch(2 * C, parts);
    /** Each channel's sums by `partial`, folded, and written out by `out`. */
    const sums = (partial: KernelTemplate, out: KernelTemplate, quantities: number) => {
      const s = dev.scratch("channel-parts", length);
      dev.run(partial, { ...args, s, chunk }, C * parts);
      const at = foldParts(dev, s, quantities * C, parts, "sum");
      dev.run(out, { ...args, s, at }, C);
    };
    if (pass === "inference") return () => dev.run(normalize, args, count * C);
    if (pass === "training") {
      return () => {
        if (C === 0) return;
        sums(meanParts, meanOut, 1);
        sums(squareParts, varianceOut, 1);
        dev.run(normalize, args, count * C);
      };
    }
    return () => {
      if (C === 0) return;
      sums(gradientParts, gradientsOut, 2);
      dev.run(gradient, args, count * C);
    };
  };
}

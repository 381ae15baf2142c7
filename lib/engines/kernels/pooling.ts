/**
 * Pooling as kernels, for every device: one work item per entry written, one to three spatial
 * dimensions as three (the missing ones of extent 1), each item's loop cut into spans within the
 * loop budget (a launch per span, the later spans folding into what the earlier wrote), so that
 * a window may hold any number of taps. Forward, an output entry walks its window. Backward, an
 * input entry walks the windows that hold it; for max pooling each window's first largest tap
 * (NaN first, as the js engine takes it) is found first, into scratch, over chunks of planes the
 * scratch holds, and an input entry takes the errors of the windows whose tap it is. A mean
 * over the taps inside the data counts them in closed form.
 *
 * @module
 */

import type {
  DnnEngine,
  Plan,
  PoolingGeometry,
  PoolingKind,
  TensorOperand,
} from "../../core/engine.ts";
import { padded3, spatial3 } from "../../tensor/spatial.ts";
import { type KernelArgs, type KernelDevice, spans } from "./device.ts";
import {
  ints,
  kernel,
  type KernelTemplate,
  type Lang,
  reals,
  scalars,
  tensor,
  variants,
} from "./template.ts";

const WG = 64;

/** The shape and geometry every pooling kernel takes, and its span. */
const SHAPE = scalars("int", [
  ...["N", "C", "ID", "IH", "IW", "OD", "OH", "OW"],
  ...["KD", "KH", "KW", "SD", "SH", "SW", "PD", "PH", "PW"],
  // The most windows holding one entry along each dimension.
  ...["WD", "WH", "WW"],
  // The first (n, c) plane of a chunk; this launch's span; whether it is the last.
  ...["plane0", "first", "span_n", "last"],
]);

/** t unravelled over (plane, a, b, c) with extents `ext`, the plane counted from plane0. */
function planeEntry(l: Lang, names: readonly string[], ext: readonly string[]): string {
  return `${l.intVar("e_", "t")}
    ${l.int(names[2], `e_ % ${ext[2]}`)} e_ = e_ / ${ext[2]};
    ${l.int(names[1], `e_ % ${ext[1]}`)} e_ = e_ / ${ext[1]};
    ${l.int(names[0], `e_ % ${ext[0]}`)}
    ${l.int("plane", `e_ / ${ext[0]} + plane0`)}
    ${l.int("c", "plane % C")} ${l.int("n", "plane / C")}`;
}

/** Tap (kd, kh, kw) of window (od, oh, ow): the input position, and whether it is inside. */
const tap = (l: Lang) =>
  `${l.int("id", "od * SD - PD + kd")} ${l.int("ih", "oh * SH - PH + kh")}
      ${l.int("iw", "ow * SW - PW + kw")}
      ${l.bool("inside", "id >= 0 && id < ID && ih >= 0 && ih < IH && iw >= 0 && iw < IW")}`;

/** The taps of window o inside the data along one dimension (stride s, padding p, extent e). */
const insideAlong = (l: Lang, o: string, s: string, p: string, k: string, e: string) =>
  l.max(`${l.min(`${o} * ${s} - ${p} + ${k}`, e)} - ${l.max(`${o} * ${s} - ${p}`, "0")}`, "0");

/** The divisor of window (od, oh, ow)'s mean: the whole window, or its taps inside. */
const divisor = (l: Lang, kind: PoolingKind) =>
  kind === "avg" ? l.toReal("KD * KH * KW") : l.toReal(
    `${insideAlong(l, "od", "SD", "PD", "KD", "ID")} * ${
      insideAlong(l, "oh", "SH", "PH", "KH", "IH")
    } * ${insideAlong(l, "ow", "SW", "PW", "KW", "IW")}`,
  );

/**
 * An output entry from its window's taps in this span: a max starts below every entry (a
 * window of padding alone is −∞); a mean sums, and the last span divides.
 */
const forward = variants((kind: PoolingKind) =>
  kernel({
    key: `pool:${kind}:forward`,
    operands: { x: tensor(), y: tensor(true) },
    scalars: SHAPE,
    workgroup: WG,
    body: (l) => {
      const max = kind === "max";
      const out = l.at("y", "n", "c", "od", "oh", "ow");
      return `${planeEntry(l, ["od", "oh", "ow"], ["OD", "OH", "OW"])}
    ${l.realVar("acc", l.select("first == 0", max ? l.negInf : l.r(0), out))}
    ${
        l.walk(
          ["kd", "kh", "kw"],
          ["KD", "KH", "KW"],
          "first",
          "first + span_n",
          `${tap(l)}
      if (inside) {
        ${l.real("v", l.at("x", "n", "c", "id", "ih", "iw"))}
        acc = ${max ? "max_(acc, v)" : "acc + v"};
      }`,
        )
      }
    ${out} = ${max ? "acc" : l.select("last == 1", `acc / ${divisor(l, kind)}`, "acc")};`;
    },
  })
);

/**
 * Max pooling's first largest tap of each window in this span, NaN first: its value and tap
 * number into scratch, the window's place in the chunk.
 */
const largest = kernel({
  key: "pool:max:largest",
  operands: { x: tensor(), values: reals(true), taps: ints(true) },
  scalars: SHAPE,
  workgroup: WG,
  body: (l) =>
    `${planeEntry(l, ["od", "oh", "ow"], ["OD", "OH", "OW"])}
    ${l.realVar("bv", l.select("first == 0", l.r(0), l.at("values", "t")))}
    ${l.intVar("bi", l.select("first == 0", "-1", l.toInt(l.at("taps", "t"))))}
    ${
      l.walk(
        ["kd", "kh", "kw"],
        ["KD", "KH", "KW"],
        "first",
        "first + span_n",
        `${tap(l)}
      if (inside) {
        ${l.real("v", l.at("x", "n", "c", "id", "ih", "iw"))}
        if (bi < 0 || (!isnan_(bv) && (isnan_(v) || v > bv))) { bv = v; bi = r_; }
      }`,
      )
    }
    ${l.at("values", "t")} = bv;
    ${l.at("taps", "t")} = bi;`,
});

/** The windows (od, oh, ow) that hold input entry (xd, xh, xw), in this span: od·s ≤ i + p < od·s + k. */
function holding(l: Lang, body: string): string {
  const range = (v: string, i: string, e: string) =>
    `${l.int(`${v}hi`, l.min(`(${i} + P${e}) / S${e}`, `O${e} - 1`))}
    ${l.intVar(`${v}lo`, `${i} + P${e} - K${e} + 1`)}
    ${v}lo = ${l.select(`${v}lo <= 0`, "0", `(${v}lo + S${e} - 1) / S${e}`)};`;
  return `${range("d", "xd", "D")}
    ${range("h", "xh", "H")}
    ${range("w", "xw", "W")}
    ${
    l.walk(
      ["jd", "jh", "jw"],
      ["WD", "WH", "WW"],
      "first",
      "first + span_n",
      `${l.int("od", "dlo + jd")} ${l.int("oh", "hlo + jh")} ${l.int("ow", "wlo + jw")}
      if (od <= dhi && oh <= hhi && ow <= whi) { ${body} }`,
    )
  }`;
}

/**
 * dx (z) from dy (y): each input entry gathers, in this span of the windows that hold it, a
 * mean's share of their error, or for max pooling the error of those whose first largest tap
 * it is.
 */
const backward = variants((kind: PoolingKind) =>
  kernel({
    key: `pool:${kind}:backward`,
    operands: kind === "max"
      ? { y: tensor(), z: tensor(true), taps: ints() }
      : { y: tensor(), z: tensor(true) },
    scalars: SHAPE,
    workgroup: WG,
    body: (l) => {
      const out = l.at("z", "n", "c", "xd", "xh", "xw");
      const dy = l.at("y", "n", "c", "od", "oh", "ow");
      return `${planeEntry(l, ["xd", "xh", "xw"], ["ID", "IH", "IW"])}
    ${l.realVar("acc", l.select("first == 0", l.r(0), out))}
    ${
        holding(
          l,
          kind === "max"
            ? `// This entry's tap number in the window, and the window's place in the chunk.
        ${
              l.int(
                "mine",
                "((xd + PD - od * SD) * KH + (xh + PH - oh * SH)) * KW + (xw + PW - ow * SW)",
              )
            }
        ${l.int("wl", "(((plane - plane0) * OD + od) * OH + oh) * OW + ow")}
        if (${l.toInt(l.at("taps", "wl"))} == mine) { acc += ${dy}; }`
            : `acc += ${dy} / ${divisor(l, kind)};`,
        )
      }
    ${out} = acc;`;
    },
  })
);

const count = (t: TensorOperand) => t.shape.reduce((n, e) => n * e, 1);

/** The shape and geometry words of a pooling of x into (or from) y. */
function shapeArgs(x: TensorOperand, y: TensorOperand, g: PoolingGeometry): Record<string, number> {
  const [K, S, P] = [padded3(g.kernel, 1), padded3(g.strides, 1), padded3(g.padding, 0)];
  const [ID, IH, IW] = spatial3(x).e, [OD, OH, OW] = spatial3(y).e;
  const W = [OD, OH, OW].map((o, i) => Math.min(Math.ceil(K[i] / S[i]), o));
  return {
    N: x.shape[0],
    C: x.shape[1],
    ID,
    IH,
    IW,
    OD,
    OH,
    OW,
    KD: K[0],
    KH: K[1],
    KW: K[2],
    SD: S[0],
    SH: S[1],
    SW: S[2],
    PD: P[0],
    PH: P[1],
    PW: P[2],
    WD: W[0],
    WH: W[1],
    WW: W[2],
  };
}

/** Runs `kernel` over `total` items in spans of `terms`, the last flagged. */
function spanned(
  dev: KernelDevice,
  template: KernelTemplate,
  args: KernelArgs,
  total: number,
  terms: number,
): void {
  const cut = spans(dev, total, terms, WG);
  cut.forEach(([first, span_n], i) =>
    dev.run(template, { ...args, first, span_n, last: i === cut.length - 1 ? 1 : 0 }, total)
  );
}

/** Pooling's planned passes on a device. */
export function poolingKernels(
  dev: KernelDevice,
): Required<Pick<DnnEngine, "poolingForward" | "poolingBackward">> {
  return {
    poolingForward(kind, x, y, g): Plan {
      const args = { ...shapeArgs(x, y, g), x, y, plane0: 0 };
      const taps = g.kernel.reduce((n, e) => n * e, 1);
      return () => {
        if (count(y) > 0) spanned(dev, forward(kind), args, count(y), taps);
      };
    },

    poolingBackward(kind, x, dy, dx, g): Plan {
      const shape = shapeArgs(x, dy, g);
      const holdingTerms = shape.WD * shape.WH * shape.WW;
      if (kind !== "max") {
        const args = { ...shape, y: dy, z: dx, plane0: 0 };
        return () => {
          if (count(dx) > 0) spanned(dev, backward(kind), args, count(dx), holdingTerms);
        };
      }
      const planes = x.shape[0] * x.shape[1];
      const windows = count(dy) / Math.max(planes, 1), entries = count(dx) / Math.max(planes, 1);
      // Planes in chunks whose windows' largest entries and taps fit one buffer each.
      const room = Math.floor(dev.maxBytes / Math.max(dev.realBytes, 4));
      if (windows > room) {
        throw new RangeError(
          `poolingBackward: ${windows} windows of one channel need more scratch than the ` +
            `device's largest buffer (${dev.maxBytes} bytes) holds`,
        );
      }
      const chunk = Math.max(1, Math.min(planes, Math.floor(room / Math.max(windows, 1))));
      const windowTaps = g.kernel.reduce((n, e) => n * e, 1);
      return () => {
        if (count(dx) === 0) return;
        const values = dev.scratch("pool-values", windows * chunk);
        const taps = dev.scratch("pool-taps", windows * chunk, "int");
        for (let plane0 = 0; plane0 < planes; plane0 += chunk) {
          const n = Math.min(chunk, planes - plane0);
          const args = { ...shape, x, y: dy, z: dx, values, taps, plane0 };
          spanned(dev, largest, args, n * windows, windowTaps);
          spanned(dev, backward("max"), args, n * entries, holdingTerms);
        }
      };
    },
  };
}

/**
 * Convolutions on every engine that has them against the js engine in float64: one, two and
 * three spatial dimensions, strides, padding (also where the last window stops short of the
 * padded end), dilation, with and without bias, data and weights in different layouts; NaN kept
 * as js keeps it; the js gradients against finite differences; oneDNN's primitives really run
 * natively; and the errors.
 */
import {
  type Factory,
  jsDouble,
  jsFloat,
  KnapError,
  nativeBfloat16,
  tensor,
  type TensorLayout,
  transformer,
} from "../../mod.ts";
import {
  convolution,
  convolutionBackwardData,
  convolutionBackwardWeights,
  type ConvolutionOptions,
  convolutionShape,
} from "../../lib/ops/mod.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import { assertAllClose, steered } from "../conformance/fixtures.ts";
import { allFactories, dnnl } from "../_factories.ts";
import { convolutionRoute } from "../../lib/engines/native/convolution.ts";
import { withDnnlLog } from "../engines/dnnl_log.ts";
import { webgpuConvolutionRoute } from "../../lib/engines/webgpu/convolution.ts";
import { unrolledChunk } from "../../lib/engines/kernels/im2col.ts";

/** A route whose `force` makes WebGPU's products unroll one sample at a time. */
const chunked = {
  get force(): string | undefined {
    return unrolledChunk.samples === undefined ? undefined : "chunked";
  },
  set force(v: string | undefined) {
    unrolledChunk.samples = v === undefined ? undefined : 1;
  },
};
import { valuesOf } from "./_values.ts";

const wave = (n: number, phase: number, scale = 1) =>
  Array.from({ length: n }, (_, k) => scale * Math.sin(phase + 0.61 * k));
const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const rowMajor: Record<number, TensorLayout> = { 1: "x", 3: "ncw", 4: "nchw", 5: "ncdhw" };

/** A tensor on f in `layout` holding `values` in logical row-major order. */
async function make(f: Factory, values: number[], shape: number[], layout?: TensorLayout) {
  using host = tensor(jsDouble, shape, rowMajor[shape.length], values);
  const t = tensor(f, shape, layout ?? rowMajor[shape.length]);
  await transformer(host, t).run();
  return t;
}

interface Case {
  readonly name: string;
  readonly x: number[];
  readonly w: number[];
  readonly options: ConvolutionOptions;
  readonly data: TensorLayout;
  readonly weights: TensorLayout;
  readonly bias: boolean;
}

const cases: Case[] = [
  {
    name: "2-D, padded, nchw",
    x: [2, 3, 6, 5],
    w: [4, 3, 3, 3],
    options: { padding: 1 },
    data: "nchw",
    weights: "oihw",
    bias: true,
  },
  {
    name: "2-D, strided past the padded end, nhwc",
    x: [3, 2, 8, 7],
    w: [5, 2, 3, 2],
    options: { strides: [2, 3], padding: [0, 1] },
    data: "nhwc",
    weights: "ohwi",
    bias: true,
  },
  {
    name: "2-D, dilated, no bias",
    x: [1, 4, 9, 9],
    w: [2, 4, 3, 3],
    options: { dilation: 2, padding: 2 },
    data: "nchw",
    weights: "hwio",
    bias: false,
  },
  {
    name: "1-D",
    x: [2, 3, 11],
    w: [4, 3, 4],
    options: { strides: 2, padding: 1 },
    data: "nwc",
    weights: "oiw",
    bias: true,
  },
  {
    name: "3-D",
    x: [1, 2, 5, 4, 4],
    w: [3, 2, 2, 3, 3],
    options: { padding: [0, 1, 1], strides: [1, 1, 2] },
    data: "ndhwc",
    weights: "oidhw",
    bias: true,
  },
];

/** The three passes of a case on f, each output read back in logical order. */
/** Where a test puts a NaN: an input entry, the first weight, the first error entry. */
type Poison = "x" | "w" | "dy";
const poisons: readonly Poison[] = ["x", "w", "dy"];

async function passes(f: Factory, c: Case, poison?: Poison) {
  const ys = convolutionShape(c.x, c.w, c.options);
  const xv = wave(count(c.x), 0.2), wv = wave(count(c.w), 1.1, 0.5), gv = wave(count(ys), 0.7);
  if (poison === "x") xv[5] = NaN;
  // The first weight and the first error entry meet the padding in the padded cases, where
  // PyTorch multiplies the padding's zeros into them: NaN.
  if (poison === "w") wv[0] = NaN;
  if (poison === "dy") gv[0] = NaN;
  using x = await make(f, xv, c.x, c.data);
  using w = await make(f, wv, c.w, c.weights);
  using b = await make(f, wave(c.w[0], 2.3, 0.3), [c.w[0]]);
  using g = await make(f, gv, ys, c.data);
  using y = tensor(f, ys, c.data);
  convolution(x, w, c.bias ? b : undefined, y, c.options).run();
  using dx = tensor(f, c.x, rowMajor[c.x.length]);
  convolutionBackwardData(g, w, dx, c.options).run();
  using dw = tensor(f, c.w, c.weights);
  using db = tensor(f, [c.w[0]], "x");
  convolutionBackwardWeights(x, g, dw, c.bias ? db : undefined, c.options).run();
  return {
    y: await valuesOf(y),
    dx: await valuesOf(dx),
    dw: await valuesOf(dw),
    db: c.bias ? await valuesOf(db) : [],
  };
}

const reference = new Map<string, Awaited<ReturnType<typeof passes>>>();
for (const c of cases) {
  reference.set(c.name, await passes(jsDouble, c));
  for (const p of poisons) reference.set(`${c.name} NaN ${p}`, await passes(jsDouble, c, p));
}

for (const f of await allFactories()) {
  if (f.engine.dnn?.convolution === undefined) continue; // torch_test.ts checks its error
  const routes: [string | undefined, { force: string | undefined }][] = f.name === "nativeFloat"
    ? [[undefined, convolutionRoute], ["dnnl", convolutionRoute], ["js", convolutionRoute]]
    : f.name === "webgpuFloat"
    ? [[undefined, webgpuConvolutionRoute], ["direct", webgpuConvolutionRoute], [
      "chunked",
      chunked,
    ]]
    : [[undefined, convolutionRoute]];
  for (const [force, route] of routes) {
    Deno.test(
      `[${f.name}] convolution forward and backward against js${force ? `, ${force} route` : ""}`,
      steered(route, force, async () => {
        const tol = f.dtype === "float64" ? 1e-12 : 2e-5;
        for (const c of cases) {
          const got = await passes(f, c), want = reference.get(c.name)!;
          for (const k of ["y", "dx", "dw", "db"] as const) {
            assertAllClose(got[k], want[k], tol, `${c.name} ${k}`);
          }
          // A NaN in the input, a weight or the error reaches the same entries as on js.
          for (const p of poisons) {
            const bad = await passes(f, c, p), wantBad = reference.get(`${c.name} NaN ${p}`)!;
            for (const k of ["y", "dx", "dw", "db"] as const) {
              bad[k].forEach((v, i) => {
                assertEquals(
                  Number.isNaN(v),
                  Number.isNaN(wantBad[k][i]),
                  `${c.name} NaN in ${p}: ${k}[${i}]`,
                );
              });
            }
          }
        }
      }),
    );
  }
}

Deno.test("[jsDouble] NaN spreads as PyTorch spreads it: padding is zeros that multiply", () => {
  // The padded 3×3 case: the first weight meets the padding or x at every output position of
  // its output channel, so that whole plane is NaN and the other planes are numbers.
  const c = cases[0],
    plane = convolutionShape(c.x, c.w, c.options).slice(2).reduce((a, b) => a * b);
  const { y } = reference.get(`${c.name} NaN w`)!;
  const first = y.slice(0, plane);
  assert(first.every(Number.isNaN), "output channel 0 of sample 0 is NaN throughout");
  assert(y.slice(plane, 2 * plane).every(Number.isFinite), "output channel 1 is numbers");
  const clean = reference.get(c.name)!;
  assert(clean.y.every(Number.isFinite), "without the NaN, numbers");
  // Inputs keep their windows: a NaN in x reaches only the outputs whose windows hold it.
  const fromX = reference.get(`${c.name} NaN x`)!.y;
  assert(fromX.some(Number.isNaN) && fromX.some(Number.isFinite), "x's NaN stays local");
});

Deno.test("[jsDouble] convolution gradients match finite differences", async () => {
  const c = cases[1];
  const ys = convolutionShape(c.x, c.w, c.options);
  const xv = wave(count(c.x), 0.2), wv = wave(count(c.w), 1.1, 0.5), bv = wave(c.w[0], 2.3);
  const gv = wave(count(ys), 0.7);
  const cost = (x: number[], w: number[], b: number[]) => {
    using xt = tensor(jsDouble, c.x, "nchw", x), wt = tensor(jsDouble, c.w, "oihw", w);
    using bt = tensor(jsDouble, [c.w[0]], "x", b), y = tensor(jsDouble, ys, "nchw");
    convolution(xt, wt, bt, y, c.options).run();
    return Array.from(y.toArray()).reduce((s, v, i) => s + v * gv[i], 0);
  };
  const { dx, dw, db } = await passes(jsDouble, c);
  const h = 1e-6;
  const check = (
    v: number[],
    i: number,
    at: (v: number[]) => number,
    want: number,
    what: string,
  ) => {
    const up = [...v], down = [...v];
    up[i] += h;
    down[i] -= h;
    const numeric = (at(up) - at(down)) / (2 * h);
    assert(
      Math.abs(numeric - want) < 1e-6 * Math.max(1, Math.abs(want)),
      `${what}: ${numeric} vs ${want}`,
    );
  };
  for (const i of [0, 17, 100, count(c.x) - 1]) {
    check(
      xv,
      i,
      (v) => cost(v, wv, bv),
      dx[i],
      `dx[${i}]`,
    );
  }
  for (const i of [0, 9, count(c.w) - 1]) check(wv, i, (v) => cost(xv, v, bv), dw[i], `dw[${i}]`);
  for (const i of [0, 4]) check(bv, i, (v) => cost(xv, wv, v), db[i], `db[${i}]`);
});

Deno.test("convolutions refuse what they cannot do, naming the operation", () => {
  using x = tensor(jsFloat, [1, 2, 5, 5]), w = tensor(jsFloat, [3, 2, 3, 3]);
  using y = tensor(jsFloat, [1, 3, 3, 3]), b = tensor(jsFloat, [3]);
  assertThrows(() => convolution(x, w, b, x), RangeError, "give [1, 3, 3, 3], y is [1, 2, 5, 5]");
  using w1 = tensor(jsFloat, [3, 1, 3, 3]);
  assertThrows(() => convolution(x, w1, b, y), RangeError, "x has 2 channels, w takes 1");
  assertThrows(() => convolution(x, w, b, y, { strides: 0 }), RangeError, "strides must be");
  assertThrows(() => convolution(x, w, b, y, { padding: [1] }), RangeError, "padding must be 2");
  using big = tensor(jsFloat, [3, 2, 7, 7]);
  assertThrows(() => convolutionShape(x.shape, big.shape), RangeError, "does not fit");
  using b4 = tensor(jsFloat, [4]);
  assertThrows(() => convolution(x, w, b4, y), RangeError, "b is [4], w has 3 outputs");
  using d = tensor(jsDouble, [1, 3, 3, 3]);
  assertThrows(
    () => convolution(x, w, b, d as unknown as typeof y),
    TypeError,
    "lives on jsDouble",
  );
  // In place would overwrite x while its windows are read.
  using pointwise = tensor(jsFloat, [2, 2, 1, 1]), b2 = tensor(jsFloat, [2]);
  assertThrows(() => convolution(x, pointwise, b2, x), RangeError, "shares memory");
  assertThrows(() => convolutionBackwardData(x, pointwise, x), RangeError, "shares memory");
  const plan = convolution(x, w, b, y);
  b[Symbol.dispose]();
  assertThrows(() => plan.run(), KnapError, "released");
});

Deno.test({
  name: dnnl.available
    ? "[nativeFloat] convolution runs oneDNN's primitives; bfloat16 tensors are refused"
    : `[nativeFloat] native convolution tests skipped: ${dnnl.reason}`,
  ignore: !dnnl.available,
  async fn() {
    using h = tensor(nativeBfloat16, [1, 1, 3, 3]);
    assertThrows(() => convolution(h, h, undefined, h), TypeError, "bfloat16");
    const lib = new URL("../../mod.ts", import.meta.url).href;
    const ops = new URL("../../lib/ops/mod.ts", import.meta.url).href;
    const { log, last } = await withDnnlLog(`
      import { nativeFloat, tensor } from "${lib}";
      import { convolution } from "${ops}";
      const x = tensor(nativeFloat, [8, 16, 10, 10], "nhwc");
      x.storage.buffer.forEach((_, k, a) => a[k] = Math.sin(k));
      const w = tensor(nativeFloat, [32, 16, 3, 3], "ohwi");
      w.storage.buffer.forEach((_, k, a) => a[k] = Math.cos(k) / 10);
      const y = tensor(nativeFloat, [8, 32, 10, 10], "nhwc");
      convolution(x, w, undefined, y, { padding: 1 }).run();
      console.log(JSON.stringify(Array.from(y.toArray().slice(0, 50))));
    `);
    assert(
      /exec,cpu,convolution,(?!ref)/.test(log),
      `no fast oneDNN convolution in its log:\n${log.slice(0, 2000)}`,
    );
    using x = tensor(jsDouble, [8, 16, 10, 10], "nhwc");
    (x.storage.buffer as Float64Array).forEach((_, k, a) => a[k] = Math.sin(k));
    using w = tensor(jsDouble, [32, 16, 3, 3], "ohwi");
    (w.storage.buffer as Float64Array).forEach((_, k, a) => a[k] = Math.cos(k) / 10);
    using y = tensor(jsDouble, [8, 32, 10, 10], "nhwc");
    convolution(x, w, undefined, y, { padding: 1 }).run();
    assertAllClose(JSON.parse(last), Array.from(y.toArray().slice(0, 50)), 1e-5, "y");
  },
});

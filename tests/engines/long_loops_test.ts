/**
 * Loops over data-dependent extents on the device engines, against the js engine in float64.
 * llvmpipe leaves a loop nest after 65,535 iterations (a channel of 300,000 ones had the mean
 * 0.02; a 3×3 convolution over 4,096 channels summed 26,811 of its 36,864 taps), and hardware
 * drivers reset a device whose kernel computes too long; so every kernel that loops is cut
 * into spans of dispatches or into parts summed in parallel.
 *
 * - Every looped dimension of every kernel — batch normalization's batch and spatial extents,
 *   a convolution's channels, outputs, kernel taps, batch and positions on both WebGPU routes,
 *   a pooling window's taps, softmax's column, a reduction's reduced extent, gemv's and a line
 *   sum's length, gemm's k — at an extent past 65,536 iterations of the loop that walks it,
 *   drawn by fast-check, with data whose results a cut-short loop would change (with every cut
 *   lifted, each of these cases fails on llvmpipe).
 * - A property over random shapes and geometry, NaN included, with the loop budget lowered to a
 *   few iterations on both engines, so that small shapes take the many spans, parts and folds
 *   that large ones take — including pooling windows that hold an entry 65,536 times over,
 *   which no test could afford at full size.
 */
import fc from "npm:fast-check@^4.3.0";
import {
  type Factory,
  ge,
  jsDouble,
  logSoftmax_,
  mm,
  mv,
  nrm1,
  nrmi,
  softmax_,
  tensor,
  type TensorLayout,
  transfer,
  transformer,
  vctr,
} from "../../mod.ts";
import {
  batchNormBackward,
  batchNormForward,
  convolution,
  convolutionBackwardData,
  convolutionBackwardWeights,
  type ConvolutionOptions,
  convolutionShape,
  poolingBackward,
  poolingForward,
  type PoolingOptions,
  poolingShape,
  reduction,
} from "../../lib/ops/mod.ts";
import type { PoolingKind } from "../../lib/engine/mod.ts";
import { assertAllClose } from "../conformance/fixtures.ts";
import { gpu, opencl } from "../_factories.ts";
import { missingEngine } from "../conformance/suites.ts";
import { webgpuFloat } from "../../lib/engines/webgpu/mod.ts";
import { openclFloat } from "../../lib/engines/opencl/mod.ts";
import { loopBudget as webgpuBudget } from "../../lib/engines/webgpu/wgsl.ts";
import { loopBudget as clBudget } from "../../lib/engines/kernelc/loops.ts";
import { webgpuConvolutionRoute } from "../../lib/engines/webgpu/convolution.ts";
import { valuesOf } from "../tensor/_values.ts";

const rowMajor: Record<number, TensorLayout> = {
  1: "x",
  2: "nc",
  3: "ncw",
  4: "nchw",
  5: "ncdhw",
};
const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
/** Small integers: float32 sums them exactly, so a dropped term shows as an error. */
const ints = (n: number, phase: number) =>
  Array.from({ length: n }, (_, k) => ((k * 7 + phase) % 5) - 2);

async function make(f: Factory, values: number[], shape: number[]) {
  using host = tensor(jsDouble, shape, rowMajor[shape.length], values);
  const t = tensor(f, shape, rowMajor[shape.length]);
  await transformer(host, t).run();
  return t;
}

/** One computation on a factory: named outputs, each read back in logical order. */
type Computation = (f: Factory) => Promise<Record<string, number[]>>;

/** A convolution pass whose outputs a case reads. */
type Pass = "forward" | "data" | "weights";

/** The convolution's passes (the weights' with the bias's gradient) of x by w. */
const convolutionPasses = (
  xs: number[],
  ws: number[],
  options: ConvolutionOptions = {},
  poison = -1,
  passes: readonly Pass[] = ["forward", "data", "weights"],
) =>
async (f: Factory) => {
  const ys = convolutionShape(xs, ws, options);
  const xv = ints(count(xs), 1), gv = ints(count(ys), 3);
  if (poison >= 0) xv[poison % xv.length] = NaN;
  using x = await make(f, xv, xs);
  using w = await make(f, ints(count(ws), 2), ws);
  using b = await make(f, ints(ws[0], 4), [ws[0]]);
  using g = await make(f, gv, ys);
  const out: Record<string, number[]> = {};
  if (passes.includes("forward")) {
    using y = tensor(f, ys, rowMajor[ys.length]);
    convolution(x, w, b, y, options).run();
    out.y = await valuesOf(y);
  }
  if (passes.includes("data")) {
    using dx = tensor(f, xs, rowMajor[xs.length]);
    convolutionBackwardData(g, w, dx, options).run();
    out.dx = await valuesOf(dx);
  }
  if (passes.includes("weights")) {
    using dw = tensor(f, ws, rowMajor[ws.length]);
    using db = tensor(f, [ws[0]], "x");
    convolutionBackwardWeights(x, g, dw, db, options).run();
    out.dw = await valuesOf(dw);
    out.db = await valuesOf(db);
  }
  return out;
};

/** Pooling forward and backward. */
const poolingPasses = (
  kind: PoolingKind,
  xs: number[],
  kernel: number[],
  options: PoolingOptions = {},
  poison = -1,
) =>
async (f: Factory) => {
  const ys = poolingShape(xs, kernel, options);
  // Ties and NaN: the first largest tap takes a max window's error. The last three entries of
  // each plane outweigh the rest, so that a window cut short has another largest and mean.
  const plane = count(xs.slice(2));
  const xv = ints(count(xs), 0).map((v, k) => k % plane >= plane - 3 ? 100 + k % plane : v);
  if (poison >= 0) xv[poison % xv.length] = NaN;
  using x = await make(f, xv, xs);
  using y = tensor(f, ys, rowMajor[ys.length]);
  poolingForward(x, y, kind, kernel, options).run();
  using dy = await make(f, ints(count(ys), 2), ys);
  using dx = tensor(f, xs, rowMajor[xs.length]);
  poolingBackward(x, dy, dx, kind, kernel, options).run();
  return { y: await valuesOf(y), dx: await valuesOf(dx) };
};

/** Batch normalization's training and backward passes. */
const batchNormPasses = (shape: number[], poison = -1) => async (f: Factory) => {
  const c = shape[1];
  const xv = ints(count(shape), 1);
  if (poison >= 0) xv[poison % xv.length] = NaN;
  using x = await make(f, xv, shape);
  using dy = await make(f, ints(count(shape), 3), shape);
  using scale = await make(f, ints(c, 2).map((v) => v + 3), [c]);
  using shift = await make(f, ints(c, 4), [c]);
  using mean = tensor(f, [c], "x"), variance = tensor(f, [c], "x");
  using y = tensor(f, shape, rowMajor[shape.length]);
  batchNormForward(x, y, { scale, shift, mean, variance }).run();
  using dx = tensor(f, shape, rowMajor[shape.length]);
  using dScale = tensor(f, [c], "x"), dShift = tensor(f, [c], "x");
  batchNormBackward(x, dy, dx, { scale, mean, variance, dScale, dShift }).run();
  return {
    y: await valuesOf(y),
    mean: await valuesOf(mean),
    variance: await valuesOf(variance),
    dx: await valuesOf(dx),
    dScale: await valuesOf(dScale),
    dShift: await valuesOf(dShift),
  };
};

/** softmax_ and logSoftmax_ of an m×n matrix's columns. */
const softmaxes = (m: number, n: number, poison = -1) => async (f: Factory) => {
  const v = ints(m * n, 1).map((e) => e / 4);
  if (poison >= 0) v[poison % v.length] = NaN;
  using a = ge(f, m, n, v);
  using b = ge(f, m, n, v);
  softmax_(a);
  logSoftmax_(b);
  using ha = await transfer(a);
  using hb = await transfer(b);
  return { softmax: Array.from(ha.toArray()), logSoftmax: Array.from(hb.toArray()) };
};

/** Every reduction of x into out's shape. */
const reductions = (xs: number[], outs: number[]) => async (f: Factory) => {
  using x = await make(f, ints(count(xs), 1), xs);
  const result: Record<string, number[]> = {};
  for (const alg of ["sum", "mean", "max", "min"] as const) {
    using out = tensor(f, outs, rowMajor[outs.length]);
    reduction(alg, x, out).run();
    result[alg] = await valuesOf(out);
  }
  return result;
};

/** gemv of an m×n matrix, gemm over k, and the matrix norms that sum lines of a. */
const products = (m: number, n: number, k: number) => async (f: Factory) => {
  using a = ge(f, m, n, ints(m * n, 1));
  using x = vctr(f, ints(n, 2));
  using y = mv(a, x);
  using b = ge(f, 1, k, ints(k, 3));
  using c = ge(f, k, 2, ints(2 * k, 4));
  using p = mm(b, c);
  using hy = await transfer(y);
  using hp = await transfer(p);
  return {
    mv: Array.from(hy.toArray()),
    mm: Array.from(hp.toArray()),
    norms: [await nrm1(a), await nrmi(a)],
  };
};

/** Runs c on f and on jsDouble and compares every output. */
async function agree(f: Factory, c: Computation, what: string, tol = 1e-4) {
  const expected = await c(jsDouble);
  const actual = await c(f);
  for (const [name, values] of Object.entries(expected)) {
    assertAllClose(actual[name], values, tol, `${f.name} ${what}: ${name}`);
  }
}

/** The device factories here; the missing engines are skipped with their reason. */
const devices: [string, () => Promise<Factory>][] = [];
if (gpu) devices.push(["webgpu", () => webgpuFloat()]);
else missingEngine("webgpu", "no WebGPU adapter here: the long-loop tests need one");
if (opencl.available) devices.push(["opencl", () => openclFloat()]);
else missingEngine("opencl", `OpenCL is not here (${opencl.reason}): the long-loop tests need it`);

/** An extent past 65,536, drawn. */
const long = fc.integer({ min: 65_537, max: 66_000 });
/** fast-check drawing `runs` long extents for one case. */
const atLength = async (runs: number, fn: (e: number) => Promise<void>) =>
  await fc.assert(fc.asyncProperty(long, fn), { numRuns: runs, seed: 24 });

/** The direct kernels and the products' route on WebGPU; OpenCL has one route. */
const routes = (engine: string) => engine === "webgpu" ? ["direct", "gemm"] as const : [undefined];

for (const [engine, factory] of devices) {
  Deno.test(`[${engine}] every looped dimension past 65,536 against js`, async (t) => {
    using f = await factory();
    await t.step("batch normalization over the batch, depth, height and width", async () => {
      for (
        const shape of [
          (e: number) => [e, 1],
          (e: number) => [1, 2, 1, e],
          (e: number) => [1, 1, e, 1],
          (e: number) => [1, 1, e, 1, 1],
        ]
      ) {
        await atLength(1, (e) => agree(f, batchNormPasses(shape(e)), `batch norm ${shape(e)}`));
      }
    });
    for (const route of routes(engine)) {
      await t.step(
        `convolution over channels, outputs, taps, batch, positions${route ? ` (${route})` : ""}`,
        async () => {
          webgpuConvolutionRoute.force = route;
          try {
            // Every entry of x walks every tap in the data gradient, so long kernels would cost
            // e² there: that pass's long walk is the outputs' case, its tap digit the property's.
            const cases: [(e: number) => number[][], Pass[]?][] = [
              [(e) => [[1, e, 1], [1, e, 1]]], // channels: forward
              [(e) => [[1, 1, e], [1, 1, e]], ["forward", "weights"]], // taps: forward
              [(e) => [[1, 1, 1], [e, 1, 1]]], // outputs: data gradient
              [(e) => [[e, 1, 1], [2, 1, 1]]], // batch: weights' and bias's gradients
              [(e) => [[1, 1, e], [2, 1, 1]]], // positions: weights' and bias's gradients
            ];
            for (const [shapes, passes] of cases) {
              await atLength(1, (e) => {
                const [xs, ws] = shapes(e);
                const c = convolutionPasses(xs, ws, {}, -1, passes);
                return agree(f, c, `convolution ${xs} by ${ws}`);
              });
            }
          } finally {
            webgpuConvolutionRoute.force = undefined;
          }
        },
      );
    }
    await t.step("pooling windows of every kind", async () => {
      for (const kind of ["max", "avg", "avg-exclude-padding"] as const) {
        await atLength(
          1,
          (e) => agree(f, poolingPasses(kind, [1, 2, e], [e]), `${kind} pooling ${e}`),
        );
      }
    });
    await t.step(
      "softmax down long columns",
      () => atLength(1, (e) => agree(f, softmaxes(e, 2), `softmax of ${e}×2`, 1e-3)),
    );
    await t.step("reductions over long extents", async () => {
      await atLength(1, (e) => agree(f, reductions([2, e], [2, 1]), `reduction [2, ${e}]`));
      await atLength(1, (e) => agree(f, reductions([e, 2], [1, 2]), `reduction [${e}, 2]`));
    });
    // gemv's workgroup walks 64 columns a turn and gemm 16 of k, so their loops pass 65,536
    // turns at 64 and 16 times the extent. Integer sums are exact: compared tightly.
    await t.step("gemv, gemm's k and the line sums of nrm1 and nrmi", () =>
      atLength(
        1,
        (e) => agree(f, products(2, 64 * e, 16 * e + 7), `products over ${64 * e}`, 1e-7),
      ));
  });

  Deno.test(`[${engine}] spans, parts and folds under a loop budget of a few iterations, as a property`, async (t) => {
    using f = await factory();
    const budgets = [webgpuBudget.iterations, clBudget.iterations];
    const small = fc.integer({ min: 1, max: 4 });
    /** Runs the property with both engines' budgets set to the drawn one. */
    const underBudget = <T>(arb: fc.Arbitrary<T>, fn: (v: T) => Promise<void>, runs = 12) =>
      fc.assert(
        fc.asyncProperty(small, arb, async (budget, v) => {
          webgpuBudget.iterations = clBudget.iterations = budget;
          try {
            await fn(v);
          } finally {
            [webgpuBudget.iterations, clBudget.iterations] = budgets;
          }
        }),
        { numRuns: runs, seed: 2024 },
      );
    const poison = fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 500 }));
    for (const route of routes(engine)) {
      await t.step(`convolution${route ? ` (${route})` : ""}`, () =>
        underBudget(
          fc.record({
            spatial: fc.array(
              fc.record({
                e: fc.integer({ min: 1, max: 6 }),
                k: fc.integer({ min: 1, max: 3 }),
                s: fc.integer({ min: 1, max: 2 }),
                p: fc.integer({ min: 0, max: 1 }),
                d: fc.integer({ min: 1, max: 2 }),
              }),
              { minLength: 1, maxLength: 2 },
            ),
            n: fc.integer({ min: 1, max: 3 }),
            c: fc.integer({ min: 1, max: 3 }),
            o: fc.integer({ min: 1, max: 3 }),
            poison,
          }),
          async ({ spatial, n, c, o, poison }) => {
            const xs = [n, c, ...spatial.map((s) => s.e + (s.k - 1) * s.d)];
            const ws = [o, c, ...spatial.map((s) => s.k)];
            const options = {
              strides: spatial.map((s) => s.s),
              padding: spatial.map((s) => s.p),
              dilation: spatial.map((s) => s.d),
            };
            webgpuConvolutionRoute.force = route;
            try {
              await agree(
                f,
                convolutionPasses(xs, ws, options, poison),
                `convolution ${xs} by ${ws} ${JSON.stringify(options)}`,
              );
            } finally {
              webgpuConvolutionRoute.force = undefined;
            }
          },
        ));
    }
    await t.step("pooling", () =>
      underBudget(
        fc.record({
          kind: fc.constantFrom("max", "avg", "avg-exclude-padding"),
          spatial: fc.array(
            fc.record({
              e: fc.integer({ min: 1, max: 7 }),
              k: fc.integer({ min: 1, max: 4 }),
              s: fc.integer({ min: 1, max: 3 }),
            }),
            { minLength: 1, maxLength: 2 },
          ),
          planes: fc.integer({ min: 1, max: 3 }),
          pad: fc.boolean(),
          poison,
        }),
        ({ kind, spatial, planes, pad, poison }) => {
          const xs = [planes, 2, ...spatial.map((s) => s.e + s.k - 1)];
          const kernel = spatial.map((s) => s.k);
          const options = {
            strides: spatial.map((s) => s.s),
            padding: spatial.map((s) => pad ? Math.floor(s.k / 2) : 0),
          };
          return agree(
            f,
            poolingPasses(kind, xs, kernel, options, poison),
            `${kind} pooling ${xs} by ${kernel} ${JSON.stringify(options)}`,
          );
        },
      ));
    await t.step("batch normalization", () =>
      underBudget(
        fc.record({
          shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 5 }),
          poison,
        }),
        ({ shape, poison }) => agree(f, batchNormPasses(shape, poison), `batch norm ${shape}`),
      ));
    await t.step("softmax", () =>
      underBudget(
        fc.record({
          m: fc.integer({ min: 1, max: 12 }),
          n: fc.integer({ min: 1, max: 4 }),
          poison,
        }),
        ({ m, n, poison }) => agree(f, softmaxes(m, n, poison), `softmax ${m}×${n}`, 1e-3),
      ));
    await t.step("reductions, products and line sums", () =>
      underBudget(
        fc.record({
          m: fc.integer({ min: 1, max: 9 }),
          n: fc.integer({ min: 1, max: 9 }),
          k: fc.integer({ min: 1, max: 40 }),
        }),
        async ({ m, n, k }) => {
          // Few outputs reduce in parts, many (past 8,192) in spans.
          await agree(f, reductions([m, n, 3], [m, 1, 1]), `reduction [${m}, ${n}, 3]`);
          await agree(f, reductions([8200, n], [8200, 1]), `reduction [8200, ${n}]`);
          await agree(f, products(m, n, k), `products ${m}×${n}, k ${k}`);
        },
      ));
  });
}

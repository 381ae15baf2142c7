/**
 * Planned tensor operations — eltwise forward and backward, broadcasting binary operations and
 * reductions — on every engine against a float64 reference written here: inputs and outputs in
 * different layouts and in strided views, in-place runs, NaN kept everywhere, reductions longer
 * than one WebGPU dispatch, the native engine's oneDNN and js routes both, and the errors.
 */
import {
  batchOf,
  type Factory,
  jsDouble,
  jsFloat,
  KnapError,
  nativeBfloat16,
  tensor,
  type TensorLayout,
  transformer,
} from "../../mod.ts";
import { binary, type BinaryOp, eltwise, eltwiseBackward, reduction } from "../../lib/ops/mod.ts";
import type { ReductionAlg } from "../../lib/engine/mod.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import { assertAllClose, steered } from "../conformance/fixtures.ts";
import { allFactories, dnnl } from "../_factories.ts";
import { reductionRoute } from "../../lib/engines/native/reduction.ts";
import { withDnnlLog } from "../engines/dnnl_log.ts";
import { valuesOf } from "./_values.ts";

const shape = [2, 3, 4, 5];
const size = shape.reduce((a, b) => a * b);
const wave = (n: number, phase: number, scale = 2) =>
  Array.from({ length: n }, (_, k) => scale * Math.sin(phase + 0.37 * k) + 0.1 * (k % 3));

/** A tensor on f in `layout` holding `values` in logical row-major order. */
async function make(f: Factory, values: number[], dims: number[], layout: TensorLayout) {
  using host = tensor(jsDouble, dims, "nchw", values);
  const t = tensor(f, dims, layout);
  await transformer(host, t).run();
  return t;
}

const tol = (f: Factory) => f.dtype === "float64" ? 1e-12 : 3e-6;

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
/** The reference functions and derivatives, in float64. */
const fns: Record<string, { f: (v: number) => number; df: (v: number) => number }> = {
  relu: { f: (v) => v > 0 ? v : v !== v ? v : 0, df: (v) => v > 0 ? 1 : v !== v ? v : 0 },
  tanh: { f: Math.tanh, df: (v) => 1 - Math.tanh(v) ** 2 },
  sigmoid: { f: sigmoid, df: (v) => sigmoid(v) * (1 - sigmoid(v)) },
  elu: { f: (v) => v > 0 ? v : Math.expm1(v), df: (v) => v > 0 ? 1 : Math.exp(v) },
  exp: { f: Math.exp, df: Math.exp },
  abs: { f: Math.abs, df: Math.sign },
};

/** Logical row-major strides of a shape. */
const rowMajor = (dims: readonly number[]) =>
  dims.map((_, d) => dims.slice(d + 1).reduce((a, b) => a * b, 1));

/** The index into a broadcast input of logical index k of the output. */
function source(k: number, out: readonly number[], from: readonly number[]): number {
  const os = rowMajor(out), fs = rowMajor(from);
  let at = 0;
  out.forEach((_, d) => {
    const i = Math.floor(k / os[d]) % out[d];
    at += (from[d] === 1 ? 0 : i) * fs[d];
  });
  return at;
}

const binaryRef: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: Math.max,
  min: Math.min,
};

function reduceRef(alg: ReductionAlg, x: number[], dims: number[], out: number[]): number[] {
  const groups: number[][] = Array.from({ length: out.reduce((a, b) => a * b) }, () => []);
  const xs = rowMajor(dims), os = rowMajor(out);
  x.forEach((v, k) => {
    let at = 0;
    dims.forEach((_, d) => at += (out[d] === 1 ? 0 : Math.floor(k / xs[d]) % dims[d]) * os[d]);
    groups[at].push(v);
  });
  return groups.map((g) => {
    const s = g.reduce((a, b) => a + b, 0);
    return alg === "sum"
      ? s
      : alg === "mean"
      ? s / g.length
      : alg === "max"
      ? Math.max(...g)
      : Math.min(...g);
  });
}

for (const f of await allFactories()) {
  Deno.test(`[${f.name}] eltwise and its backward pass across layouts and in place`, async () => {
    const xv = wave(size, 0.3);
    xv[17] = NaN;
    const gv = wave(size, 1.1, 1);
    using x = await make(f, xv, shape, "nhwc");
    using g = await make(f, gv, shape, "nchw");
    for (const [name, ref] of Object.entries(fns)) {
      const fn = name as keyof typeof fns & "relu";
      using y = tensor(f, shape, "nchw");
      eltwise(x, y, fn).run();
      assertAllClose(await valuesOf(y), xv.map(ref.f), tol(f), `${name}`);
      using dx = tensor(f, shape, "nhwc");
      eltwiseBackward(x, g, dx, fn).run();
      assertAllClose(await valuesOf(dx), xv.map((v, k) => ref.df(v) * gv[k]), tol(f), `${name}'`);
      // In place: the error overwritten by the derivative times itself.
      using d2 = await make(f, gv, shape, "nhwc");
      eltwiseBackward(x, d2, d2, fn).run();
      assertAllClose(await valuesOf(d2), await valuesOf(dx), 0, `${name}' in place`);
    }
    using z = await make(f, xv, shape, "nchw");
    const plan = eltwise(z, z, "linear", [2, -1]);
    plan.run();
    plan.run();
    assertAllClose(await valuesOf(z), xv.map((v) => 4 * v - 3), tol(f), "linear twice in place");
  });

  Deno.test(`[${f.name}] binary operations broadcasting either input`, async () => {
    const av = wave(size, 0.7), bv = [0.5, -1.5, 2.5];
    bv[1] = NaN;
    using a = await make(f, av, shape, "nhwc");
    using b = await make(f, bv, [1, 3, 1, 1], "nchw");
    using rows = await make(f, wave(40, 2), [2, 1, 4, 5], "nchw");
    for (const [alg, ref] of Object.entries(binaryRef) as [BinaryOp, typeof binaryRef.add][]) {
      using out = tensor(f, shape, "nchw");
      binary(alg, a, b, out).run();
      const want = av.map((v, k) => ref(v, bv[source(k, shape, [1, 3, 1, 1])]));
      assertAllClose(await valuesOf(out), want, tol(f), `${alg} per channel`);
      // The broadcast input first, into an nhwc output.
      using out2 = tensor(f, shape, "nhwc");
      binary(alg, rows, a, out2).run();
      const rv = await valuesOf(rows);
      const want2 = av.map((v, k) => ref(rv[source(k, shape, [2, 1, 4, 5])], v));
      assertAllClose(await valuesOf(out2), want2, tol(f), `${alg} per position`);
    }
    using c = await make(f, av, shape, "nhwc");
    binary("mul", c, b, c).run();
    assertAllClose(
      await valuesOf(c),
      av.map((v, k) => v * bv[source(k, shape, [1, 3, 1, 1])]),
      tol(f),
      "mul in place",
    );
  });

  const subsets: number[][] = [[1, 3, 4, 5], [2, 3, 1, 1], [2, 1, 4, 5], [1, 1, 1, 1], shape];
  const routes: ("dnnl" | "js" | undefined)[] = f.name === "nativeFloat"
    ? [undefined, "dnnl", "js"]
    : [undefined];
  for (const force of routes) {
    Deno.test(
      `[${f.name}] reductions over any dimensions, layouts and views${
        force ? `, ${force} route` : ""
      }`,
      steered(reductionRoute, force, async () => {
        const xv = wave(size, 0.2);
        using x = await make(f, xv, shape, "nhwc");
        for (const alg of ["sum", "mean", "max", "min"] as const) {
          for (const dims of subsets) {
            using out = tensor(f, dims, "nhwc");
            reduction(alg, x, out).run();
            const want = reduceRef(alg, xv, shape, dims);
            assertAllClose(await valuesOf(out), want, tol(f) * 10, `${alg} into [${dims}]`);
          }
          // A view of the second sample: strides that do not fold into one run.
          using part = tensor(f, [1, 3, 1, 5], "nchw");
          reduction(alg, batchOf(x, 1, 1), part).run();
          const want = reduceRef(alg, xv.slice(60), [1, 3, 4, 5], [1, 3, 1, 5]);
          assertAllClose(await valuesOf(part), want, tol(f) * 10, `${alg} of a view`);
        }
        // A NaN makes its reductions NaN, max and min included; the others stay numbers.
        xv[7] = NaN;
        using y = await make(f, xv, shape, "nchw");
        for (const alg of ["sum", "mean", "max", "min"] as const) {
          using out = tensor(f, [2, 1, 1, 1], "nchw");
          reduction(alg, y, out).run();
          const got = await valuesOf(out);
          assert(Number.isNaN(got[0]) && Number.isFinite(got[1]), `${alg}: ${got}`);
          // Per channel of nhwc: the kept dimension innermost, read in memory order.
          using z = await make(f, xv, shape, "nhwc");
          using perChannel = tensor(f, [1, 3, 1, 1], "nchw");
          reduction(alg, z, perChannel).run();
          const c = await valuesOf(perChannel);
          assert(
            Number.isNaN(c[0]) && c.slice(1).every(Number.isFinite),
            `${alg} per channel: ${c}`,
          );
        }
      }),
    );
  }

  Deno.test(`[${f.name}] a reduction longer than one WebGPU dispatch`, async () => {
    const dims = [1, 1, 150, 150], xv = wave(22500, 0.9, 1);
    using x = await make(f, xv, dims, "nchw");
    for (const alg of ["sum", "mean", "max", "min"] as const) {
      for (const out of [[1, 1, 1, 1], [1, 1, 150, 1]]) {
        using o = tensor(f, out, "nchw");
        reduction(alg, x, o).run();
        const want = reduceRef(alg, xv, dims, out);
        assertAllClose(await valuesOf(o), want, f.dtype === "float64" ? 1e-12 : 1e-4, alg);
      }
    }
  });
}

Deno.test("tensor operations refuse what they cannot do, naming the operation", () => {
  using x = tensor(jsFloat, [2, 3]), y = tensor(jsFloat, [3, 2]), d = tensor(jsDouble, [2, 3]);
  assertThrows(() => eltwise(x, y, "relu"), RangeError, "eltwise: x is [2, 3], out is [3, 2]");
  assertThrows(() => eltwise(x, d, "relu"), TypeError, "lives on jsDouble");
  assertThrows(() => eltwise(x, x, "mul" as "relu"), TypeError, "not a function of one");
  assertThrows(() => eltwise(x, x, "clamp"), TypeError, "clamp takes 2 parameter(s)");
  assertThrows(() => eltwise(x, x, "elu", [NaN]), RangeError, "must be finite");
  assertThrows(() => eltwise(x, x, "clamp", [1, 0]), RangeError, "lo ≤ hi");
  assertThrows(() => eltwiseBackward(x, x, x, "powx"), TypeError, "powx takes 1 parameter(s)");
  assertThrows(() => binary("pow" as BinaryOp, x, x, x), TypeError, "pow is none of");
  using b = tensor(jsFloat, [2, 2]);
  assertThrows(() => binary("add", x, b, x), RangeError, "b is [2, 2], which does not broadcast");
  using r = tensor(jsFloat, [1, 3]);
  // Writing into a broadcast input would change it while it is read.
  using wide = tensor(jsFloat, [2, 3]);
  assertThrows(
    () => binary("add", wide, batchOf(wide, 0, 1), wide),
    RangeError,
    "shares memory with b",
  );
  assertThrows(() => reduction("sum", x, y), RangeError, "x's extent or 1");
  assertThrows(() => reduction("prod" as "sum", x, r), TypeError, "prod is none of");
  assertThrows(() => reduction("sum", x, batchOf(x, 0, 1)), RangeError, "shares memory with x");
  using empty = tensor(jsFloat, [0, 3]);
  assertThrows(() => reduction("max", empty, r), RangeError, "no entries to take the max of");
  (r.storage.buffer as Float32Array).fill(5);
  reduction("sum", empty, r).run();
  assertEquals(Array.from(r.toArray()).join(), "0,0,0");
  const plan = reduction("sum", x, r);
  x[Symbol.dispose]();
  assertThrows(() => plan.run(), KnapError, "released");
});

Deno.test({
  name: dnnl.available
    ? "[nativeFloat] bfloat16 tensors are refused; per-sample sums run oneDNN's reduction"
    : `[nativeFloat] native tensor operation tests skipped: ${dnnl.reason}`,
  ignore: !dnnl.available,
  async fn() {
    using h = tensor(nativeBfloat16, [2, 3]);
    assertThrows(() => eltwise(h, h, "relu"), TypeError, "bfloat16");
    const lib = new URL("../../mod.ts", import.meta.url).href;
    const ops = new URL("../../lib/ops/mod.ts", import.meta.url).href;
    const { log, last } = await withDnnlLog(`
      import { nativeFloat, tensor } from "${lib}";
      import { reduction } from "${ops}";
      const x = tensor(nativeFloat, [64, 8, 8, 8], "nchw");
      x.storage.buffer.forEach((_, k, a) => a[k] = k % 7);
      const out = tensor(nativeFloat, [64, 1, 1, 1], "nchw");
      console.log(JSON.stringify(Array.from(reduction("sum", x, out).run().toArray())));
    `);
    assert(/exec,cpu,reduction/.test(log), `no reduction in oneDNN's log:\n${log.slice(0, 2000)}`);
    using x = tensor(jsDouble, [64, 8, 8, 8], "nchw");
    (x.storage.buffer as Float64Array).forEach((_, k, a) => a[k] = k % 7);
    using out = tensor(jsDouble, [64, 1, 1, 1], "nchw");
    assertAllClose(JSON.parse(last), Array.from(reduction("sum", x, out).run().toArray()), 0, "");
  },
});

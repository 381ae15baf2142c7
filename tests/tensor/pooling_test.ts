/**
 * Pooling on every engine that has it against the js engine in float64: max (ties, padding),
 * the two means, one to three spatial dimensions, different layouts in and out; NaN kept as js
 * keeps it; the native engine's oneDNN and js routes forced; oneDNN's primitive really runs; and
 * the errors. tests/references/torch_test.ts checks the js engine against PyTorch.
 */
import {
  type Factory,
  jsDouble,
  jsFloat,
  KnapError,
  nativeBfloat16,
  nativeFloat,
  profile,
  tensor,
  type TensorLayout,
  transformer,
} from "../../mod.ts";
import {
  poolingBackward,
  poolingForward,
  type PoolingOptions,
  poolingShape,
} from "../../lib/ops/mod.ts";
import type { PoolingKind } from "../../lib/engine/mod.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import { assertAllClose, steered } from "../conformance/fixtures.ts";
import { allFactories, dnnl } from "../_factories.ts";
import { poolingRoute } from "../../lib/engines/native/pooling.ts";
import { poolingTrainingPair } from "../../lib/tensor/pooling.ts";
import { withDnnlLog } from "../engines/dnnl_log.ts";
import { valuesOf } from "./_values.ts";

const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const rowMajor: Record<number, TensorLayout> = { 3: "ncw", 4: "nchw", 5: "ncdhw" };
// Quarters, so that windows hold ties.
const quarters = (n: number, phase: number) =>
  Array.from({ length: n }, (_, k) => Math.round(8 * Math.sin(phase + 0.57 * k)) / 4);

async function make(f: Factory, values: number[], shape: number[], layout: TensorLayout) {
  using host = tensor(jsDouble, shape, rowMajor[shape.length], values);
  const t = tensor(f, shape, layout);
  await transformer(host, t).run();
  return t;
}

interface Case {
  readonly kind: PoolingKind;
  readonly x: number[];
  readonly kernel: number[];
  readonly options: PoolingOptions;
  readonly layouts: [TensorLayout, TensorLayout];
}

const cases: Case[] = [
  { kind: "max", x: [2, 3, 8, 7], kernel: [2, 2], options: {}, layouts: ["nchw", "nhwc"] },
  {
    kind: "max",
    x: [2, 4, 7, 7],
    kernel: [3, 3],
    options: { strides: 2, padding: 1 },
    layouts: ["nhwc", "nhwc"],
  },
  {
    kind: "avg",
    x: [1, 3, 9, 6],
    kernel: [3, 2],
    options: { strides: [2, 1], padding: [1, 1] },
    layouts: ["nchw", "nchw"],
  },
  {
    kind: "avg-exclude-padding",
    x: [2, 2, 6, 6],
    kernel: [3, 3],
    options: { strides: 1, padding: 1 },
    layouts: ["nhwc", "nchw"],
  },
  { kind: "max", x: [2, 3, 10], kernel: [3], options: { strides: 2 }, layouts: ["nwc", "ncw"] },
  {
    kind: "avg",
    x: [1, 2, 4, 4, 6],
    kernel: [2, 2, 3],
    options: { strides: [2, 2, 3] },
    layouts: ["ndhwc", "ncdhw"],
  },
];

async function passes(f: Factory, c: Case, poison = false) {
  const ys = poolingShape(c.x, c.kernel, c.options);
  const xv = quarters(count(c.x), 0.4);
  if (poison) xv[3] = NaN;
  using x = await make(f, xv, c.x, c.layouts[0]);
  using g = await make(f, quarters(count(ys), 1.3), ys, c.layouts[1]);
  using y = tensor(f, ys, c.layouts[1]);
  poolingForward(x, y, c.kind, c.kernel, c.options).run();
  using dx = tensor(f, c.x, c.layouts[1].length === c.x.length ? c.layouts[1] : "nchw");
  poolingBackward(x, g, dx, c.kind, c.kernel, c.options).run();
  return { y: await valuesOf(y), dx: await valuesOf(dx) };
}

const reference = new Map<Case, Awaited<ReturnType<typeof passes>>>();
const poisoned = new Map<Case, Awaited<ReturnType<typeof passes>>>();
for (const c of cases) {
  reference.set(c, await passes(jsDouble, c));
  poisoned.set(c, await passes(jsDouble, c, true));
}

for (const f of await allFactories()) {
  if (f.engine.dnn?.poolingForward === undefined) continue; // torch_test.ts checks its error
  const routes: ("dnnl" | "js" | undefined)[] = f.name === "nativeFloat"
    ? [undefined, "dnnl", "js"]
    : [undefined];
  for (const force of routes) {
    Deno.test(
      `[${f.name}] pooling forward and backward against js${force ? `, ${force} route` : ""}`,
      steered(poolingRoute, force, async () => {
        const tol = f.dtype === "float64" ? 1e-12 : 1e-6;
        for (const c of cases) {
          const got = await passes(f, c), want = reference.get(c)!;
          const what = `${c.kind} [${c.x}] ${c.layouts}`;
          assertAllClose(got.y, want.y, tol, `${what} y`);
          assertAllClose(got.dx, want.dx, tol, `${what} dx`);
          const bad = await passes(f, c, true), wantBad = poisoned.get(c)!;
          bad.y.forEach((v, i) => {
            assertEquals(Number.isNaN(v), Number.isNaN(wantBad.y[i]), `${what} NaN y[${i}]`);
          });
          assert(bad.y.some(Number.isNaN), `${what}: the NaN is kept`);
        }
      }),
    );
  }
}

Deno.test("pooling refuses what it cannot do, naming the operation", () => {
  using x = tensor(jsFloat, [1, 2, 4, 4]), y = tensor(jsFloat, [1, 2, 2, 2]);
  using wrong = tensor(jsFloat, [1, 2, 3, 3]);
  assertThrows(() => poolingForward(x, wrong, "max", 2), RangeError, "pools into [1, 2, 2, 2]");
  assertThrows(() => poolingForward(x, y, "min" as PoolingKind, 2), TypeError, "min is none of");
  assertThrows(() => poolingForward(x, y, "max", [2]), RangeError, "kernel must be 2");
  assertThrows(() => poolingForward(x, y, "max", 2, { padding: 2 }), RangeError, "more than half");
  assertThrows(() => poolingShape([1, 1, 2, 2], 3), RangeError, "does not fit");
  assertThrows(() => poolingForward(x, x, "max", 1), RangeError, "shares memory");
  using dx = tensor(jsFloat, [1, 2, 4, 5]);
  assertThrows(() => poolingBackward(x, y, dx, "max", 2), RangeError, "dx is [1, 2, 4, 5]");
  using d = tensor(jsDouble, [1, 2, 2, 2]);
  assertThrows(() => poolingForward(x, d as unknown as typeof y, "max", 2), TypeError, "lives on");
  const plan = poolingForward(x, y, "avg", 2);
  x[Symbol.dispose]();
  assertThrows(() => plan.run(), KnapError, "released");
});

Deno.test({
  name: dnnl.available
    ? "[nativeFloat] pooling runs oneDNN's primitives; bfloat16 tensors are refused"
    : `[nativeFloat] native pooling tests skipped: ${dnnl.reason}`,
  ignore: !dnnl.available,
  async fn() {
    using h = tensor(nativeBfloat16, [1, 1, 2, 2]);
    assertThrows(() => poolingForward(h, h, "max", 1), TypeError, "bfloat16");
    const lib = new URL("../../mod.ts", import.meta.url).href;
    const ops = new URL("../../lib/ops/mod.ts", import.meta.url).href;
    const { log, last } = await withDnnlLog(`
      import { nativeFloat, tensor } from "${lib}";
      import { poolingForward, poolingBackward } from "${ops}";
      const x = tensor(nativeFloat, [8, 16, 12, 12], "nhwc");
      x.storage.buffer.forEach((_, k, a) => a[k] = Math.sin(k));
      const y = tensor(nativeFloat, [8, 16, 6, 6], "nhwc");
      poolingForward(x, y, "max", 2).run();
      const dx = tensor(nativeFloat, [8, 16, 12, 12], "nhwc");
      poolingBackward(x, y, dx, "max", 2).run();
      console.log(JSON.stringify(Array.from(dx.toArray().slice(0, 60))));
    `);
    assert(
      /exec,cpu,pooling(_v2)?,.*forward/.test(log),
      `no pooling forward in oneDNN's log`,
    );
    assert(
      /exec,cpu,pooling(_v2)?,.*backward/.test(log),
      `no pooling backward in oneDNN's log`,
    );
    using x = tensor(jsDouble, [8, 16, 12, 12], "nhwc");
    (x.storage.buffer as Float64Array).forEach((_, k, a) => a[k] = Math.fround(Math.sin(k)));
    using y = tensor(jsDouble, [8, 16, 6, 6], "nhwc");
    poolingForward(x, y, "max", 2).run();
    using dx = tensor(jsDouble, [8, 16, 12, 12], "nhwc");
    poolingBackward(x, y, dx, "max", 2).run();
    assertAllClose(JSON.parse(last), Array.from(dx.toArray().slice(0, 60)), 1e-6, "dx");
  },
});

Deno.test({
  name: "pooling's training pair (the backward reads the forward's workspace) equals the passes " +
    "planned apart, NaN included, and a backward before any forward still finds the positions",
  ignore: !dnnl.available,
  async fn() {
    const shape = [3, 4, 8, 6];
    for (const withNaN of [false, true]) {
      const xs = quarters(count(shape), 0.3);
      if (withNaN) xs[17] = NaN;
      const dys = quarters(count(poolingShape(shape, [2, 2])), 1.1);
      const results: number[][] = [];
      for (const paired of [false, true]) {
        using x = await make(nativeFloat, xs, shape, "nchw");
        using dy = await make(nativeFloat, dys, poolingShape(shape, [2, 2]), "nchw");
        using y = tensor(nativeFloat, poolingShape(shape, [2, 2]), "nchw");
        using dx = tensor(nativeFloat, shape, "nchw");
        const [forward, backward] = paired
          ? poolingTrainingPair(x, y, dy, dx, "max", [2, 2])
          : [poolingForward(x, y, "max", [2, 2]), poolingBackward(x, dy, dx, "max", [2, 2])];
        if (paired) {
          // Before any forward pass, the backward pass finds the positions itself.
          backward.run();
          results.push(await valuesOf(dx));
        }
        const report = profile(() => {
          forward.run();
          backward.run();
        });
        if (paired && !withNaN) {
          const ops = report.entries.map((e) => e.op);
          assert(ops.includes("poolingTraining max backward"), ops.join(", "));
        }
        results.push([...await valuesOf(y), ...await valuesOf(dx)]);
      }
      const [apart, early, paired] = results;
      assertAllClose(early, apart.slice(apart.length - early.length), 0, "backward first");
      assertAllClose(paired, apart, 0, `paired${withNaN ? ", with a NaN" : ""}`);
    }
  },
});

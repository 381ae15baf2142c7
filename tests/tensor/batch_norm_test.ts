/**
 * Batch normalization on every engine against the js engine in float64: training, inference and
 * backward over nc, nchw/nhwc and 3-D data, in place, NaN kept in its channel; the native
 * engine's oneDNN and js routes forced; oneDNN's primitive really runs; and the errors.
 * tests/references/torch_test.ts checks the js engine against PyTorch.
 */
import {
  type Factory,
  jsDouble,
  jsFloat,
  KnapError,
  nativeBfloat16,
  type Tensor,
  tensor,
  type TensorLayout,
  transformer,
} from "../../mod.ts";
import { batchNormBackward, batchNormForward } from "../../lib/ops/mod.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import { assertAllClose, steered } from "../conformance/fixtures.ts";
import { allFactories, dnnl } from "../_factories.ts";
import { batchNormRoute } from "../../lib/engines/native/batch_norm.ts";
import { withDnnlLog } from "../engines/dnnl_log.ts";
import { valuesOf } from "./_values.ts";

const rowMajor: Record<number, TensorLayout> = { 1: "x", 2: "nc", 4: "nchw", 5: "ncdhw" };
const wave = (n: number, phase: number, scale = 1, shift = 0) =>
  Array.from({ length: n }, (_, k) => shift + scale * Math.sin(phase + 0.73 * k));

async function make(f: Factory, values: number[], shape: number[], layout?: TensorLayout) {
  using host = tensor(jsDouble, shape, rowMajor[shape.length], values);
  const t = tensor(f, shape, layout ?? rowMajor[shape.length]);
  await transformer(host, t).run();
  return t;
}

const cases: [number[], TensorLayout][] = [
  [[8, 5], "cn"],
  [[4, 3, 5, 2], "nhwc"],
  [[3, 4, 3, 3], "nchw"],
  [[2, 2, 3, 2, 2], "ndhwc"],
];

/** Each case's layout's counterpart: x and dy in one, y, dx and an inference's output in the other. */
const other: Record<string, TensorLayout> = {
  cn: "nc",
  nhwc: "nchw",
  nchw: "nhwc",
  ndhwc: "ncdhw",
};

async function passes(
  f: Factory,
  shape: number[],
  layout: TensorLayout,
  poison = false,
  out: TensorLayout = layout,
) {
  const size = shape.reduce((a, b) => a * b), c = shape[1];
  const xv = wave(size, 0.3, 2, 0.5);
  if (poison) xv[0] = NaN;
  using x = await make(f, xv, shape, layout);
  using dy = await make(f, wave(size, 1.9), shape, layout);
  using scale = await make(f, wave(c, 0.4, 0.5, 1), [c]);
  using shift = await make(f, wave(c, 2.2, 0.3), [c]);
  using mean = tensor(f, [c]), variance = tensor(f, [c]);
  using y = tensor(f, shape, out);
  batchNormForward(x, y, { scale, shift, mean, variance }).run();
  using dx = tensor(f, shape, out);
  using dScale = tensor(f, [c]), dShift = tensor(f, [c]);
  batchNormBackward(x, dy, dx, { scale, mean, variance, dScale, dShift }).run();
  // Inference from the batch's own statistics gives the training output again; in place.
  using z = await make(f, xv, shape, layout);
  batchNormForward(z, z, { scale, shift, mean, variance }, { training: false }).run();
  using inferred = tensor(f, shape, out);
  batchNormForward(x, inferred, { scale, shift, mean, variance }, { training: false }).run();
  return {
    inferred: await valuesOf(inferred),
    y: await valuesOf(y),
    mean: await valuesOf(mean),
    variance: await valuesOf(variance),
    dx: await valuesOf(dx),
    dScale: await valuesOf(dScale),
    dShift: await valuesOf(dShift),
    z: await valuesOf(z),
  };
}

const reference = new Map<string, Awaited<ReturnType<typeof passes>>>();
for (const [shape, layout] of cases) {
  reference.set(`${shape}`, await passes(jsDouble, shape, layout));
  reference.set(`${shape} NaN`, await passes(jsDouble, shape, layout, true));
}

for (const f of await allFactories()) {
  const routes: ("dnnl" | "js" | undefined)[] = f.name === "nativeFloat"
    ? [undefined, "dnnl", "js"]
    : [undefined];
  for (const force of routes) {
    Deno.test(
      `[${f.name}] batch normalization against js${force ? `, ${force} route` : ""}`,
      steered(batchNormRoute, force, async () => {
        const tol = f.dtype === "float64" ? 1e-11 : 2e-5;
        for (const [shape, layout] of cases) {
          const got = await passes(f, shape, layout), want = reference.get(`${shape}`)!;
          for (const k of Object.keys(want) as (keyof typeof want)[]) {
            assertAllClose(got[k], want[k], tol, `[${shape}] ${layout} ${k}`);
          }
          assertAllClose(got.z, got.y, tol, `[${shape}] inference from the batch's statistics`);
          // y and dx in the other layout: the same numbers in their own places.
          const mixed = await passes(f, shape, layout, false, other[layout]);
          for (const k of Object.keys(want) as (keyof typeof want)[]) {
            assertAllClose(mixed[k], want[k], tol, `[${shape}] ${layout} → ${other[layout]} ${k}`);
          }
          // A NaN makes its own channel NaN and leaves the others numbers.
          const bad = await passes(f, shape, layout, true);
          const wantBad = reference.get(`${shape} NaN`)!;
          bad.mean.forEach((v, c) => {
            assertEquals(Number.isNaN(v), Number.isNaN(wantBad.mean[c]), `NaN mean[${c}]`);
          });
          assert(bad.mean.some(Number.isFinite) && bad.mean.some(Number.isNaN), "NaN channel");
        }
      }),
    );
  }
}

Deno.test("batch normalization refuses what it cannot do, naming the operation", () => {
  using x = tensor(jsFloat, [4, 3]), y = tensor(jsFloat, [4, 3]);
  using scale = tensor(jsFloat, [3]), shift = tensor(jsFloat, [3]);
  using mean = tensor(jsFloat, [3]), variance = tensor(jsFloat, [3]), two = tensor(jsFloat, [2]);
  const p = { scale, shift, mean, variance };
  assertThrows(() => batchNormForward(x, y, { ...p, scale: two }), RangeError, "scale is [2]");
  using wrong = tensor(jsFloat, [3, 4]);
  assertThrows(() => batchNormForward(x, wrong, p), RangeError, "y is [3, 4]");
  assertThrows(() => batchNormForward(x, y, p, { epsilon: -1 }), RangeError, "epsilon");
  assertThrows(() => batchNormForward(x, y, { ...p, mean: scale }), RangeError, "shares memory");
  using flat = tensor(jsFloat, [4]);
  assertThrows(() => batchNormForward(flat, flat, p), RangeError, "no channel dimension");
  using d = tensor(jsDouble, [3]);
  assertThrows(
    () => batchNormForward(x, y, { ...p, shift: d as unknown as Tensor<"host"> }),
    TypeError,
    "lives on",
  );
  const plan = batchNormForward(x, y, p);
  mean[Symbol.dispose]();
  assertThrows(() => plan.run(), KnapError, "released");
});

Deno.test({
  name: dnnl.available
    ? "[nativeFloat] batch normalization runs oneDNN's primitive; bfloat16 tensors are refused"
    : `[nativeFloat] native batch normalization tests skipped: ${dnnl.reason}`,
  ignore: !dnnl.available,
  async fn() {
    using h = tensor(nativeBfloat16, [2, 1]), s = tensor(nativeBfloat16, [1]);
    assertThrows(
      () => batchNormForward(h, h, { scale: s, shift: s, mean: s, variance: s }),
      TypeError,
      "bfloat16",
    );
    const lib = new URL("../../mod.ts", import.meta.url).href;
    const ops = new URL("../../lib/ops/mod.ts", import.meta.url).href;
    const { log } = await withDnnlLog(`
      import { nativeFloat, tensor } from "${lib}";
      import { batchNormForward } from "${ops}";
      const x = tensor(nativeFloat, [16, 8, 6, 6], "nhwc"), y = tensor(nativeFloat, [16, 8, 6, 6], "nhwc");
      x.storage.buffer.forEach((_, k, a) => a[k] = Math.sin(k));
      const [scale, shift, mean, variance] = [1, 2, 3, 4].map(() => tensor(nativeFloat, [8]));
      batchNormForward(x, y, { scale, shift, mean, variance }).run();
      console.log(JSON.stringify(Array.from(mean.toArray())));
    `);
    assert(/exec,cpu,batch_normalization/.test(log), "no batch normalization in oneDNN's log");
  },
});

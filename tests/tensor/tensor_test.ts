/**
 * Tensors on every engine against the js engine: entries in and out through every layout,
 * transformers between layouts and factories, views that reach BLAS with no copy, printing, and
 * refusals that keep every entry inside its memory.
 */
import {
  axpy_,
  batchOf,
  dataType,
  desc,
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  jsFloat,
  KnapError,
  layout,
  mm,
  nativeBfloat16,
  nativeDouble,
  nativeFloat,
  shape,
  Tensor,
  tensor,
  type TensorLayout,
  toArray,
  transfer,
  transformer,
  viewGe,
  viewTz,
  viewVctr,
} from "../../mod.ts";
import { iota, valuesOf } from "./_values.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import { allFactories, dnnl } from "../_factories.ts";

const rank4: TensorLayout[] = ["nchw", "nhwc", "chwn", "oihw", "hwio", "ohwi"];

for (const f of await allFactories()) {
  Deno.test(`tensor: entries in and out through every layout (${f.name})`, async () => {
    const cases: [number[], TensorLayout[]][] = [
      [[5], ["x"]],
      [[3, 4], ["nc", "cn"]],
      [[2, 3, 4], ["ncw", "nwc"]],
      [[2, 3, 4, 5], rank4],
      [[2, 3, 2, 3, 2], ["ncdhw", "ndhwc", "oidhw", "dhwio"]],
    ];
    for (const [shape, layouts] of cases) {
      const data = iota(shape.reduce((a, b) => a * b));
      for (const layout of layouts) {
        using t = tensor(f, shape, layout, data);
        assertEquals(t.layout === layout || desc(shape, f.dtype, layout).layout === t.layout, true);
        assertEquals(await valuesOf(t), data, `${layout} [${shape}]`);
      }
    }
  });

  Deno.test(`transformer: every pair of rank-4 layouts, and to and from js (${f.name})`, async () => {
    const shape = [3, 4, 5, 2];
    const data = iota(120);
    for (const from of rank4) {
      using x = tensor(f, shape, from, data);
      for (const to of rank4) {
        using y = tensor(f, shape, to);
        await transformer(x, y).run();
        assertEquals(await valuesOf(y), data, `${from} → ${to}`);
        using h = tensor(jsDouble, shape, to);
        await transformer(x, h).run();
        assertEquals(Array.from(h.toArray()), data, `${from} → js ${to}`);
        using back = tensor(f, shape, from);
        await transformer(h, back).run();
        assertEquals(await valuesOf(back), data, `js ${to} → ${from}`);
      }
    }
  });

  Deno.test(`transformer: slices of a batch, with gaps, copy exactly (${f.name})`, async () => {
    const data = iota(4 * 3 * 2 * 2);
    using whole = tensor(f, [4, 3, 2, 2], "chwn", data);
    const middle = batchOf(whole, 1, 2); // every sample's entries are 4 apart, 2 of 4 taken
    using y = tensor(f, [2, 3, 2, 2], "nchw");
    await transformer(middle, y).run();
    assertEquals(await valuesOf(y), data.slice(12, 36));
    using back = tensor(f, [4, 3, 2, 2], "nhwc");
    await transformer(y, batchOf(back, 2, 2)).run();
    const got = await valuesOf(back);
    assertEquals(got.slice(24), data.slice(12, 36));
    assertEquals(got.slice(0, 24), new Array(24).fill(0), "outside the slice");
  });

  Deno.test(`tensor views reach BLAS with no copy (${f.name})`, async () => {
    // Four samples of a 2×3 image, nchw: as a matrix, 6 features × 4 samples.
    using x = tensor(f, [4, 1, 2, 3], "nchw", iota(24));
    const a = viewGe(x);
    assertEquals([a.m, a.n, a.layout], [6, 4, "column"]);
    using w = transfer(f, ge(jsDouble, 1, 6, [1, 1, 1, 1, 1, 1]));
    using y = mm(w as GEMatrix, a);
    using yh = await transfer(jsDouble, y as GEMatrix);
    // w sums the features: sample j holds 6j+1 … 6j+6.
    assertEquals(Array.from(toArray(yh)), [21, 57, 93, 129]);
    axpy_(1, viewVctr(x), viewVctr(x)); // doubles every entry in place
    assertEquals(await valuesOf(x), iota(24).map((v) => 2 * v));
    // A cn tensor (samples innermost) is the same matrix in row layout.
    using c = tensor(f, [4, 6], "cn", iota(24));
    const ac = viewGe(c);
    assertEquals([ac.m, ac.n, ac.layout], [6, 4, "row"]);
    using yc = mm(w as GEMatrix, ac);
    using ych = await transfer(jsDouble, yc as GEMatrix);
    assertEquals(Array.from(toArray(ych)), [21, 57, 93, 129]);
  });
}

Deno.test("viewTz and batchOf: views of one memory, refused where they would not fit", () => {
  using t = tensor(jsFloat, [4, 3, 2, 2], "nchw", iota(48));
  const flat = viewTz(t, [4, 12]);
  assertEquals(flat.storage === t.storage && flat.layout === "nc", true);
  assertEquals(Array.from(flat.toArray()), iota(48));
  const asNhwc = viewTz(t, [4, 3, 2, 2], "nhwc"); // the same bytes read as channels innermost
  assertEquals(Array.from(asNhwc.toArray()).slice(0, 4), [1, 4, 7, 10]);
  assertThrows(() => viewTz(t, [5, 10]), RangeError, "50 entries", "48");
  using chwn = tensor(jsFloat, [4, 3, 2, 2], "chwn");
  assertThrows(() => viewTz(batchOf(chwn, 0, 2), [24]), RangeError, "not one run");
  assertThrows(() => viewVctr(batchOf(chwn, 0, 2)), RangeError, "not one run");
  assertThrows(() => batchOf(t, 3, 2), RangeError, "samples 3 to 4");
  assertEquals(batchOf(t, 4, 0).size, 0);
  assertThrows(() => viewGe(viewTz(t, [4, 12], [1, 16])), RangeError);
});

Deno.test("tensor: refusals keep every entry inside its memory", () => {
  using t = tensor(jsFloat, [2, 3]);
  // The constructor is internal, and checked all the same.
  assertThrows(
    () => new Tensor(jsFloat, t.storage, 1, [2, 3], [3, 1], false),
    RangeError,
    "index 6",
  );
  assertThrows(
    () => new Tensor(jsFloat, t.storage, 0, [2, 3], [1, 1], false),
    RangeError,
    "one place",
  );
  assertThrows(
    () => new Tensor(jsDouble, t.storage, 0, [2, 3], [3, 1], false),
    TypeError,
    "same factory",
  );
  assertThrows(() => tensor(jsFloat, [2, 3], "nc", [1, 2]), RangeError, "6 entries, got 2");
  assertThrows(
    () => tensor(jsFloat, [2], "x", ["1", 2] as unknown as number[]),
    TypeError,
    "data must hold numbers",
  );
  assertThrows(() => tensor(jsFloat, [2, 3], [4, 1]), RangeError, "leave gaps (6 entries over 7");
  // Strides whose entries would share memory say so — also where their span is the entry count.
  assertThrows(() => tensor(jsFloat, [2, 2], [1, 1]), RangeError, "share memory (4 entries in 3");
  assertThrows(() => tensor(jsFloat, [2, 2, 2], [1, 1, 5]), RangeError, "share memory");
  assertThrows(() => tensor(jsFloat, [3, 2], [0, 1]), RangeError, "share memory");
  assertThrows(() => viewTz(t, [2, 3], [1, 1]), RangeError, "viewTz", "share memory");
  assertThrows(() => tensor(jsFloat, desc([2], "float64")), TypeError, "float64");
  using u = tensor(jsFloat, [3, 2]);
  assertThrows(() => transformer(t, u), RangeError, "[2, 3]", "[3, 2]");
  assertThrows(() => transformer(t, viewTz(t, [2, 3], "cn")), RangeError, "share memory");
  const dead = tensor(jsFloat, [2]);
  const plan = transformer(dead, tensor(jsFloat, [2]));
  dead[Symbol.dispose]();
  assertThrows(() => plan.run(), KnapError, "released");
  assertThrows(() => viewGe(dead), KnapError, "released");
});

Deno.test("transformer: the plan is matrix copies over the two innermost dimensions", () => {
  using x = tensor(jsFloat, [4, 3, 5, 5], "nchw");
  using y = tensor(jsFloat, [4, 3, 5, 5], "nhwc");
  assertEquals(transformer(x, y).pieces, 4); // per sample: channels × pixels
  using z = tensor(jsFloat, [4, 3, 5, 5], "nchw");
  assertEquals(transformer(x, z).pieces, 1); // same layout: one run
});

Deno.test("tensor printing shows the shape, the layout and the first entries", () => {
  using t = tensor(jsFloat, [2, 2, 3], "nwc", iota(12));
  assertEquals(String(t).split("\n"), [
    "#Tensor[float, shape:[2 2 3], layout:nwc, offset:0]",
    "[1.00 2.00 3.00]",
    "[4.00 5.00 6.00]",
    "[7.00 8.00 9.00]",
    "[10.00 11.00 12.00]",
  ]);
  const dead = tensor(jsFloat, [1]);
  dead[Symbol.dispose]();
  assert(String(dead).endsWith("(released)"));
});

Deno.test({
  name: dnnl.available
    ? "tensor: toArray of a tensor the host cannot read says how to read it"
    : `tensor toArray of bfloat16 skipped: ${dnnl.reason}`,
  ignore: !dnnl.available,
  fn() {
    using t = tensor(nativeBfloat16, [2]);
    assertThrows(() => t.toArray(), TypeError, "native-bfloat16", "transformer(");
  },
});

Deno.test("tensor: a float64 tensor keeps float64 entries through transformers", async () => {
  const data = [0.1, 1 / 3, Math.PI, -2e-300];
  using t = tensor(jsDouble as Factory<"host", "float64">, [2, 2], "cn", data);
  assertEquals(await valuesOf(t), data);
});

Deno.test({
  name: dnnl.available
    ? "native: layout changes run oneDNN's reorder for float32 and bfloat16, matrix copies for float64"
    : `native reorder skipped: ${dnnl.reason}`,
  ignore: !dnnl.available,
  async fn() {
    const data = iota(3 * 4 * 5 * 2).map((v) => v / 4); // exact in bfloat16
    for (const f of [nativeFloat, nativeBfloat16, nativeDouble] as Factory<"host">[]) {
      using x = tensor(f, [3, 4, 5, 2], "nchw", data);
      using y = tensor(f, [3, 4, 5, 2], "nhwc");
      const plan = transformer(x, y);
      assertEquals(plan.primitive, f !== nativeDouble, f.name);
      plan.run();
      assertEquals(await valuesOf(y), data, f.name);
    }
    const dnn = nativeFloat.engine.dnn!;
    using t = tensor(nativeFloat, [2, 3]);
    const past = { storage: t.storage, offset: 1, shape: [2, 3], strides: [3, 1] };
    const run = dnn.reorder!(past, t, "float32")!;
    assertThrows(run, RangeError, "does not lie in its storage of 6");
  },
});

Deno.test("Deep Diamond's names: tensor(f, shape, dtype, layout), shape, layout, dataType", () => {
  using t = tensor(jsFloat, [2, 3, 4, 4], "float32", "nhwc", iota(96));
  assertEquals([shape(t), layout(t), dataType(t)], [[2, 3, 4, 4], "nhwc", "float32"]);
  assertEquals(Array.from(t.toArray()).slice(0, 3), [1, 2, 3]);
  using s = tensor(jsFloat, [2, 3], "float32");
  assertEquals(layout(s), "nc");
  const strided = batchOf(tensor(jsFloat, [4, 3], "cn"), 0, 2);
  assertEquals(layout(strided), [1, 4]);
  assertThrows(
    () => tensor(jsFloat, [2], "float64"),
    TypeError,
    "jsFloat makes float32, not float64",
  );
});

Deno.test("tensor: data passed where a descriptor's layout goes is refused, not left as zeros", () => {
  const d = desc([2, 1, 1, 2], "float32");
  assertThrows(() => tensor(jsFloat, d, [1, 2, 3, 4] as never), TypeError, "data comes fourth");
  assertThrows(() => tensor(jsFloat, d, "nhwc"), TypeError, "carries its layout");
  using same = tensor(jsFloat, d, "nchw", [1, 2, 3, 4]);
  using fourth = tensor(jsFloat, d, undefined, [1, 2, 3, 4]);
  assertEquals([...same.toArray()], [1, 2, 3, 4]);
  assertEquals([...fourth.toArray()], [1, 2, 3, 4]);
});

/** Tensor descriptors: named layouts' strides by hand, recognition, folding, and refusals. */
import { desc, tensorLayouts } from "../../mod.ts";
import { fold, layoutOf, layoutStrides } from "../../lib/tensor/desc.ts";
import { assertEquals, assertThrows } from "../conformance/assert.ts";

Deno.test("desc: each named layout's strides, worked out by hand", () => {
  const data = [2, 3, 4, 5]; // n c h w
  assertEquals(desc(data, "float32", "nchw").strides, [60, 20, 5, 1]);
  assertEquals(desc(data, "float32", "nhwc").strides, [60, 1, 15, 3]);
  assertEquals(desc(data, "float32", "chwn").strides, [1, 40, 10, 2]);
  const weights = [8, 4, 3, 3]; // o i h w
  assertEquals(desc(weights, "float32", "oihw").strides, [36, 9, 3, 1]);
  assertEquals(desc(weights, "float32", "hwio").strides, [1, 8, 96, 32]);
  assertEquals(desc(weights, "float32", "ohwi").strides, [36, 1, 12, 4]);
  assertEquals(desc([2, 3], "float64", "nc").strides, [3, 1]);
  assertEquals(desc([2, 3], "float64", "cn").strides, [1, 2]);
  assertEquals(desc([2, 3, 4], "float32", "nwc").strides, [12, 1, 3]);
  assertEquals(desc([2, 3, 4, 5, 6], "float32", "ndhwc").strides, [360, 1, 90, 18, 3]);
  assertEquals(desc([7], "float32").strides, [1]);
});

Deno.test("desc: the rank's default layout, and layouts recognized from strides", () => {
  assertEquals(desc([2, 3, 4, 5], "float32").layout, "nchw");
  assertEquals(desc([2, 3, 4, 5], "float32", [60, 1, 15, 3]).layout, "nhwc");
  assertEquals(desc([2, 3], "float32", [1, 2]).layout, "cn");
  assertEquals(desc([2, 3], "float32", [4, 1]).layout, undefined);
  // Every named layout is recognized from its own strides (as itself or a same-strides twin).
  for (const l of tensorLayouts) {
    const shape = [2, 3, 5, 7, 11].slice(0, l.length);
    const strides = layoutStrides("test", shape, l);
    assertEquals(layoutStrides("test", shape, layoutOf(shape, strides)!), strides, l);
  }
});

Deno.test("desc: refusals name the problem", () => {
  assertThrows(() => desc([2, 3], "float32", "nchw"), RangeError, "rank 4", "rank 2");
  assertThrows(() => desc([], "float32"), RangeError, "1 to 5");
  assertThrows(() => desc([1, 2, 3, 4, 5, 6], "float32"), RangeError, "1 to 5");
  assertThrows(() => desc([2, -1], "float32"), RangeError, "whole numbers");
  assertThrows(() => desc([2, 1.5], "float32"), RangeError, "whole numbers");
  // @ts-expect-error: not a layout
  assertThrows(() => desc([2, 3], "float32", "hw"), TypeError, "unknown layout");
  assertThrows(() => desc([2, 3], "float32", [1]), RangeError, "strides");
  // @ts-expect-error: not a dtype
  assertThrows(() => desc([2, 3], "int8"), TypeError, "dtype");
});

Deno.test("fold: dense tensors are one run; slices and padding keep their gaps", () => {
  assertEquals(fold([2, 3, 4, 5], [60, 20, 5, 1]), [{ extent: 120, stride: 1 }]);
  assertEquals(fold([2, 3, 4, 5], [60, 1, 15, 3]), [{ extent: 120, stride: 1 }]);
  // Samples 1 of 2 of an nchw batch: still dense.
  assertEquals(fold([1, 3, 4, 5], [60, 20, 5, 1]), [{ extent: 60, stride: 1 }]);
  // Three channels of four: the planes of each sample are one run, the samples apart.
  assertEquals(fold([2, 3, 4, 5], [80, 20, 5, 1]), [{ extent: 2, stride: 80 }, {
    extent: 60,
    stride: 1,
  }]);
  // Two of chwn's batch of four: every entry is two apart.
  assertEquals(fold([2, 3], [1, 4]), [{ extent: 3, stride: 4 }, { extent: 2, stride: 1 }]);
  assertEquals(fold([0, 3], [3, 1]), [{ extent: 0, stride: 1 }]);
  assertEquals(fold([1, 1], [1, 1]), [{ extent: 1, stride: 1 }]);
});

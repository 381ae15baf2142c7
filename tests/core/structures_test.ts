import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import * as k from "../../mod.ts";

Deno.test("vctr, dv and fv take a dimension, an array, a typed array, an iterable or numbers", () => {
  using a = k.vctr(k.jsDouble, 3);
  using b = k.vctr(k.jsDouble, [1, 2]);
  using c = k.vctr(k.jsFloat, new Float64Array([0.5, 1.5]));
  using d = k.vctr(k.jsDouble, new Set([4, 5, 6]));
  using e = k.dv(0.3, 0.9);
  using g = k.fv([1, 2, 3]);
  assertEquals([...a], [0, 0, 0]);
  assertEquals([...b], [1, 2]);
  assertEquals([...c], [0.5, 1.5]);
  assertEquals([...d], [4, 5, 6]);
  assertEquals([...e], [0.3, 0.9]);
  assert(g.factory === k.defaultFloat() && e.factory === k.defaultDouble(), "default factories");
  assert(c.toArray() instanceof Float32Array, "float32 storage");
  assertThrows(() => k.dv(1, [2] as unknown as number), TypeError, "dv");
  assertThrows(
    () => k.vctr(k.jsDouble, ["a"] as unknown as number[]),
    TypeError,
    "vctr",
    "numbers",
  );
});

Deno.test("ge reads data in its layout's order, flat or nested", () => {
  using col = k.dge(2, 3, [1, 2, 3, 4, 5, 6]);
  using row = k.dge(2, 3, [1, 2, 3, 4, 5, 6], { layout: "row" });
  using nested = k.dge(2, 3, [[1, 2, 3], [4, 5, 6]], { layout: "row" });
  assertEquals([k.entry(col, 0, 1), k.entry(col, 1, 0)], [3, 2]);
  assertEquals([k.entry(row, 0, 1), k.entry(row, 1, 0)], [2, 4]);
  assertEquals(nested.toArray(), row.toArray());
  assertEquals([...row], [1, 2, 3, 4, 5, 6]);
  assertEquals([col.ld, row.ld], [2, 3]);
  assertThrows(
    () => k.dge(2, 2, [1, 2, 3, 4], { layout: "diagonal" as k.Layout }),
    TypeError,
    "layout",
  );
});

Deno.test("entry and entry_ address views through their offsets and strides", () => {
  using a = k.dge(4, 5, Array.from({ length: 20 }, (_, i) => i));
  const s = k.submatrix(a, 1, 2, 2, 3);
  assertEquals(k.entry(s, 1, 2), k.entry(a, 2, 4));
  k.entry_(s, 0, 1, -1);
  assertEquals(k.entry(a, 1, 3), -1);
  const t = k.trans(s);
  assertEquals([t.m, t.n, t.layout], [3, 2, "row"]);
  assertEquals(k.entry(t, 2, 1), k.entry(s, 1, 2));
  const r = k.row(a, 3), c = k.col(a, 4), d = k.dia(a);
  assertEquals([...r], [3, 7, 11, 15, 19]);
  assertEquals([...c], [16, 17, 18, 19]);
  assertEquals([...d], [0, 5, 10, 15]);
  assertEquals(k.rows(s).map((v) => [...v]), [[9, -1, 17], [10, 14, 18]]);
  assertEquals(k.cols(s).map((v) => [...v]), [[9, 10], [-1, 14], [17, 18]]);
  assertThrows(() => k.entry(s, 2, 0), RangeError, "entry", "row 2");
  assertThrows(
    () => k.entry_(a as unknown as k.Vector<"host">, 0, 1),
    TypeError,
    "entry_",
    "matrix",
  );
});

Deno.test("views share memory both ways and never free it", () => {
  using x = k.dv(1, 2, 3, 4, 5, 6);
  const m = k.viewGe(x, 2, 3);
  k.scal_(10, k.col(m, 1));
  assertEquals([...x], [1, 2, 30, 40, 5, 6]);
  const back = k.viewVctr(k.trans(m));
  assertEquals([...back], [1, 2, 30, 40, 5, 6]);
  const v = k.view(x);
  v[Symbol.dispose]();
  m[Symbol.dispose]();
  assertEquals(k.sum(x), 84);
  assertThrows(
    () => k.viewVctr(k.submatrix(k.dge(3, 3), 0, 0, 2, 2)),
    RangeError,
    "viewVctr",
    "gaps",
  );
  using a = k.dge(3, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assertEquals([...k.viewVctr(k.submatrix(a, 1, 0, 1, 3))], [2, 5, 8]);
});

Deno.test("toArray gives a fresh copy in the structure's order", () => {
  using a = k.dge(2, 2, [1, 2, 3, 4], { layout: "row" });
  const arr = k.toArray(a);
  arr[0] = 99;
  assertEquals(k.entry(a, 0, 0), 1);
  assertEquals([...k.toArray(k.trans(a))], [1, 2, 3, 4]);
  assertEquals([...k.toArray(k.col(a, 1))], [2, 4]);
});

Deno.test("using and DisposableStack release; released structures refuse to work", () => {
  let outer: k.Vector;
  {
    using x = k.dv(1, 2);
    outer = x;
  }
  assert(outer.storage.released, "released at scope end");
  assertThrows(() => k.nrm2(outer), k.KnapError, "nrm2", "released");
  const stack = new DisposableStack();
  const a = stack.use(k.dge(2, 2));
  const b = stack.use(k.dv(2));
  stack.dispose();
  assert(a.storage.released && b.storage.released, "let-release frees all");
  assertThrows(() => [...b], k.KnapError, "released");
  assertThrows(() => k.entry(b, 0), k.KnapError, "entry", "released");
});

Deno.test("dim, mrows and ncols", () => {
  using a = k.dge(4, 3);
  using x = k.dv(7);
  assertEquals([k.dim(a), k.mrows(a), k.ncols(a), k.dim(x)], [12, 4, 3, 7]);
});

Deno.test("the shared CPU factories survive dispose", () => {
  k.jsDouble[Symbol.dispose]();
  assert(!k.jsDouble.released, "still alive");
  using x = k.vctr(k.jsDouble, 1);
  assertEquals(x.dim, 1);
});

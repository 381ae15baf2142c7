import { assertEquals } from "../conformance/assert.ts";
import * as k from "../../mod.ts";

Deno.test("vectors print as Neanderthal's RealBlockVector with two decimals", () => {
  using x = k.dv(0.63, 1.83, 3.6, 0.9);
  assertEquals(
    Deno.inspect(x),
    "#RealBlockVector[double, n:4, offset: 0, stride:1]\n[ 0.63 1.83 3.60 0.90 ]",
  );
  using f = k.fv(-0.07, 1e-7, 123456);
  assertEquals(Deno.inspect(f).split("\n")[1], "[ -0.07 1.00e-7 1.23e+5 ]");
});

Deno.test("matrices print row by row, long dimensions elided", () => {
  using a = k.dge(2, 2, [1, 2, 3, 4], { layout: "row" });
  assertEquals(
    Deno.inspect(a),
    "#RealGEMatrix[double, mxn:2x2, layout:row, offset:0]\n   1.00  2.00\n   3.00  4.00",
  );
  using big = k.dge(20, 30);
  const lines = Deno.inspect(big).split("\n");
  assertEquals(lines.length, 1 + 8);
  assertEquals(lines[6].trim().split(/\s+/)[0], "⋮");
  using v = k.dv(100);
  assertEquals(Deno.inspect(v).split("\n")[1].split(" ").length, 2 + 8);
});

Deno.test("released structures and factories print without touching memory", () => {
  const x = k.dv(1);
  x[Symbol.dispose]();
  assertEquals(Deno.inspect(x).split("\n")[1], "(released)");
  assertEquals(Deno.inspect(k.jsFloat), "#Factory[jsFloat, float32, engine:js]");
});

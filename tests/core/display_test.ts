/**
 * Host arrays typed by dtype (ordinary array code type-checks: this file is type-checked in
 * CI), toString as printing shows, and rich display in notebooks.
 */
import { assert, assertEquals } from "../conformance/assert.ts";
import * as k from "../../mod.ts";

Deno.test("toArray's type follows the factory's dtype, through views, copies and transfers", () => {
  using x = k.dv(1, 2, 3), a = k.dge(2, 2, [1, 2, 3, 4]);
  const doubles: Float64Array = k.toArray(x);
  const fromRow: Float64Array = k.toArray(k.row(a, 0));
  const fromProduct: Float64Array = k.toArray(k.mm(a, k.trans(a)));
  using f = k.transfer(k.jsFloat, x);
  const floats: Float32Array = k.toArray(f);
  // Array methods on the result type-check: a union of typed arrays would not allow reduce.
  const total = k.toArray(x).reduce((s, v) => s + v, 0);
  const halves = k.toArray(k.fv(2, 4)).map((v) => v / 2);
  assertEquals([doubles[2], fromRow[1], fromProduct[0], floats[0], total], [3, 3, 10, 1, 6]);
  assert(halves instanceof Float32Array && halves[1] === 2, "map keeps the array type");
});

Deno.test("toString prints like the console; notebooks get an HTML table", () => {
  using x = k.vctr(k.jsDouble, [0.5, 1]), a = k.ge(k.jsFloat, 2, 2, [1, 2, 3, 4]);
  assertEquals(String(x), "#RealBlockVector[double, n:2, offset: 0, stride:1]\n[ 0.50 1.00 ]");
  assert(`${a}`.startsWith("#RealGEMatrix[float, mxn:2x2"), String(a));
  const display = (s: unknown) =>
    (s as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();
  const html = display(a)["text/html"];
  assert(html.startsWith("<table>") && html.includes("<caption"), html);
  assert(html.includes(">4.00</td>") && html.includes("mxn:2x2"), html);
  assertEquals(display(x)["text/plain"], String(x));
  x[Symbol.dispose]();
  assert(display(x)["text/html"].includes("released"), "a released structure says so");
});

/** gatherColumns_ on every engine, nativeBfloat16 included: the columns asked for, in order. */
import { copy_, ge, type GEMatrix, jsDouble, submatrix, toArray, transfer } from "../../mod.ts";
import { gatherColumns_ } from "../../lib/ops/mod.ts";
import { assertEquals, assertThrows } from "../conformance/assert.ts";
import { everyFactory } from "../_factories.ts";

/** The column-major entries of a, read through js. */
async function entries(a: GEMatrix): Promise<number[]> {
  using c = ge(a.factory, a.m, a.n);
  copy_(a, c);
  using h = await transfer(jsDouble, c as GEMatrix);
  return Array.from(toArray(h));
}

const data = Array.from({ length: 3 * 6 }, (_, i) => i + 1); // column j holds 3j+1 … 3j+3
const column = (j: number) => [3 * j + 1, 3 * j + 2, 3 * j + 3];

for (const f of await everyFactory()) {
  Deno.test(`gatherColumns_: the asked-for columns, from any layout into any layout (${f.name})`, async () => {
    using x = transfer(f, ge(jsDouble, 3, 6, data));
    using out = ge(f, 3, 4);
    gatherColumns_(x as GEMatrix, [5, 0, 5, 2], out as GEMatrix);
    assertEquals(await entries(out as GEMatrix), [
      ...column(5),
      ...column(0),
      ...column(5),
      ...column(2),
    ]);
    // A row-layout source and destination, and a strided block of a wider matrix.
    using xr = ge(f, 3, 6, undefined, { layout: "row" });
    copy_(x as GEMatrix, xr as GEMatrix);
    using outr = ge(f, 3, 2, undefined, { layout: "row" });
    gatherColumns_(xr as GEMatrix, [1, 4], outr as GEMatrix);
    assertEquals(await entries(outr as GEMatrix), [...column(1), ...column(4)]);
    using wide = ge(f, 5, 3);
    const block = submatrix(wide as GEMatrix, 1, 0, 3, 3);
    gatherColumns_(x as GEMatrix, [3, 3, 1], block);
    assertEquals(await entries(block), [...column(3), ...column(3), ...column(1)]);
    assertEquals((await entries(wide as GEMatrix)).filter((_, k) => k % 5 === 0 || k % 5 === 4), [
      0,
      0,
      0,
      0,
      0,
      0,
    ]);
  });
}

Deno.test("gatherColumns_ refuses what it cannot do exactly", () => {
  using x = ge(jsDouble, 3, 6, data);
  using out = ge(jsDouble, 3, 2);
  using short = ge(jsDouble, 2, 2);
  assertThrows(() => gatherColumns_(x, [0, 6], out), RangeError, "index 1 is 6", "0 to 5");
  assertThrows(() => gatherColumns_(x, [0, 1.5], out), RangeError, "index 1");
  assertThrows(() => gatherColumns_(x, [0], out), RangeError, "a column per index");
  assertThrows(() => gatherColumns_(x, [0, 1], short), RangeError, "3 rows");
  assertThrows(
    () => gatherColumns_(x, [0, 1], submatrix(x, 0, 4, 3, 2)),
    RangeError,
    "shares memory",
  );
});

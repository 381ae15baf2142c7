/**
 * Level 1 between native matrices in opposite orders goes through a transposing copy: these
 * check it against the js engine for gapless operands, views with gaps, operands larger than
 * the scratch (so in blocks), and both precisions, and that nothing outside y is written.
 */
import {
  axpby_,
  axpy_,
  copy_,
  entry,
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  type Layout,
  nativeAvailability,
  nativeDouble,
  nativeFloat,
  transfer,
} from "../../mod.ts";
import { submatrix } from "../../lib/core/views.ts";
import { randUniform_ } from "../../lib/random.ts";
import { assert } from "../conformance/assert.ts";

const native = nativeAvailability();

/** An m×n matrix in a layout: the whole of its storage, or a view at (1, 2) with a frame. */
function matrix(
  f: Factory<"host">,
  m: number,
  n: number,
  layout: Layout,
  framed: boolean,
  seed: number,
): [GEMatrix, GEMatrix] {
  const parent = ge(f, framed ? m + 3 : m, framed ? n + 4 : n, undefined, { layout });
  randUniform_(parent, { seed, lo: -1, hi: 1 });
  return [framed ? submatrix(parent, 1, 2, m, n) : parent, parent];
}

const ops: [string, (x: GEMatrix, y: GEMatrix) => unknown, (x: number, y: number) => number][] = [
  ["copy_", (x, y) => copy_(x, y), (x) => x],
  ["axpy_(-0.5)", (x, y) => axpy_(-0.5, x, y), (x, y) => y - 0.5 * x],
  ["axpby_(2, 0.25)", (x, y) => axpby_(2, x, 0.25, y), (x, y) => 2 * x + 0.25 * y],
  ["axpby_(3, 0)", (x, y) => axpby_(3, x, 0, y), (x) => 3 * x],
];

// [m, n, framed]: IMDB's gradient shape; more entries than the scratch (blocks); a view with
// long slices (transposed slice by slice); a view with short slices (walked as before).
const shapes: [number, number, boolean][] = [[16, 10000, false], [3, 100000, false], [
  100,
  3000,
  true,
], [
  20,
  300,
  true,
]];

Deno.test({
  name: native.available
    ? "[native] copy_, axpy_, axpby_ between opposite layouts match js, inside views and in blocks"
    : `[native] opposite-layout level 1 tests skipped: ${native.reason}`,
  ignore: !native.available,
  async fn() {
    for (const f of [nativeFloat, nativeDouble]) {
      const tol = f.dtype === "float32" ? 1e-6 : 1e-14;
      for (const [m, n, framed] of shapes) {
        for (const [ly, lx] of [["column", "row"], ["row", "column"]] as [Layout, Layout][]) {
          for (const [name, op, want] of ops) {
            const [x, px] = matrix(f, m, n, lx, framed, 1);
            const [y, py] = matrix(f, m, n, ly, framed, 2);
            using xs = await transfer(jsDouble, x), before = await transfer(jsDouble, py);
            op(x, y);
            using after = await transfer(jsDouble, py);
            const label = `${f.name} ${m}×${n}${framed ? " view" : ""}, y ${ly}, x ${lx}: ${name}`;
            let worst = 0;
            for (let i = 0; i < py.m; i++) {
              for (let j = 0; j < py.n; j++) {
                const inside = !framed || (i >= 1 && i < 1 + m && j >= 2 && j < 2 + n);
                const old = entry(before, i, j), got = entry(after, i, j);
                if (!inside) {
                  assert(got === old, `${label}: wrote (${i}, ${j}) outside y`);
                  continue;
                }
                const w = want(entry(xs, framed ? i - 1 : i, framed ? j - 2 : j), old);
                worst = Math.max(worst, Math.abs(got - w) / (1 + Math.abs(w)));
              }
            }
            assert(worst <= tol, `${label}: off by ${worst}`);
            px[Symbol.dispose]();
            py[Symbol.dispose]();
          }
        }
      }
    }
  },
});

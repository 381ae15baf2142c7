/**
 * The vect-math functions at their special values on every engine: ±0 with its sign, ±∞, NaN
 * and the ends of each domain, as C99's Annex F gives them for C's functions (and as the
 * definitions give them for erfInv, erfcInv, cdfNorm and cdfNormInv, which C lacks).
 */
import { toArray, transfer, vctr } from "../../mod.ts";
import * as vm from "../../lib/vect_math/mod.ts";
import { allFactories } from "../_factories.ts";
import { assert } from "../conformance/assert.ts";

const I = Infinity, P = Math.PI;
type Case = [number, number] | [number, number, number];
/** function → [x, want] or [x, y, want]. */
const cases: Record<string, Case[]> = {
  tan: [[0, 0], [-0, -0], [I, NaN], [-I, NaN], [NaN, NaN]],
  asin: [[0, 0], [-0, -0], [1, P / 2], [-1, -P / 2], [1.5, NaN], [NaN, NaN]],
  acos: [[1, 0], [-1, P], [0, P / 2], [-1.5, NaN]],
  atan: [[0, 0], [-0, -0], [I, P / 2], [-I, -P / 2], [NaN, NaN]],
  atan2: [
    [0, -0, P],
    [-0, -0, -P],
    [0, 0, 0],
    [-0, 0, -0],
    [0, -1, P],
    [I, I, P / 4],
    [-I, -I, -3 * P / 4],
    [1, -I, P],
    [-1, I, -0],
    [NaN, 1, NaN],
  ],
  sinh: [[0, 0], [-0, -0], [I, I], [-I, -I], [NaN, NaN]],
  cosh: [[0, 1], [-0, 1], [I, I], [-I, I], [NaN, NaN]],
  asinh: [[0, 0], [-0, -0], [I, I], [-I, -I]],
  acosh: [[1, 0], [0.5, NaN], [I, I], [-I, NaN]],
  atanh: [[0, 0], [-0, -0], [1, I], [-1, -I], [1.5, NaN]],
  hypot: [[I, NaN, I], [NaN, -I, I], [3, 0, 3], [-3, -0, 3], [0, 0, 0]],
  cbrt: [[0, 0], [-0, -0], [I, I], [-I, -I], [-27, -3]],
  invSqrt: [[0, I], [I, 0], [-1, NaN]],
  pow23: [[0, 0], [-8, 4], [I, I]],
  pow32: [[0, 0], [4, 8], [I, I], [-1, NaN]],
  log10: [[0, -I], [-0, -I], [1, 0], [-1, NaN], [I, I], [1000, 3]],
  erf: [[0, 0], [-0, -0], [I, 1], [-I, -1], [NaN, NaN]],
  erfc: [[-I, 2], [I, 0], [0, 1]],
  erfInv: [[0, 0], [-0, -0], [1, I], [-1, -I], [1.5, NaN], [NaN, NaN]],
  erfcInv: [[0, I], [2, -I], [1, 0], [-0.5, NaN], [2.5, NaN]],
  cdfNorm: [[-I, 0], [I, 1], [0, 0.5], [NaN, NaN]],
  cdfNormInv: [[0, -I], [1, I], [0.5, 0], [1.5, NaN]],
  gamma: [[0, I], [-0, -I], [-1, NaN], [-I, NaN], [I, I], [1, 1], [5, 24], [NaN, NaN]],
  lgamma: [[1, 0], [2, 0], [0, I], [-0, I], [-3, I], [I, I], [-I, I], [NaN, NaN]],
  trunc: [[0, 0], [-0, -0], [-2.5, -2], [I, I], [-I, -I], [NaN, NaN]],
  frac: [[-2.5, -0.5], [I, 0], [-I, -0], [-3, -0], [NaN, NaN]],
  copySign: [[3, -0, -3], [-3, 0, 3], [0, -1, -0], [I, -1, -I]],
  fmod: [[0, 3, 0], [-0, 3, -0], [5, I, 5], [I, 2, NaN], [5, 0, NaN], [-7, 2, -1]],
  frem: [[5, 0, NaN], [I, 2, NaN], [5, I, 5], [7, 2, -1], [5, 2, 1], [-0, 2, -0]],
};

const fns = vm as unknown as Record<string, (x: unknown, y?: unknown) => unknown>;

for (const f of await allFactories()) {
  if (f.dtype === "bfloat16") continue;
  const tol = f.dtype === "float32" ? 3e-7 : 1e-15;
  Deno.test(`[${f.name}] vect-math special values are C's`, async () => {
    const wrong: string[] = [];
    for (const [name, rows] of Object.entries(cases)) {
      const binary = rows[0].length === 3;
      using x = vctr(f, rows.map((r) => r[0]));
      using y = vctr(f, rows.map((r) => (binary ? r[1] : 0)));
      using out = (binary ? fns[name](x, y) : fns[name](x)) as typeof x;
      const got = toArray(await transfer(out));
      rows.forEach((r, i) => {
        const want = r[r.length - 1], g = got[i];
        const ok = Number.isNaN(want)
          ? Number.isNaN(g)
          : want === 0
          ? Object.is(g, want)
          : !Number.isFinite(want)
          ? g === want
          : Math.abs(g - want) <= tol * Math.abs(want);
        if (!ok) {
          wrong.push(
            `${name}(${r.slice(0, -1).map((v) => Object.is(v, -0) ? "-0" : v)}): got ${
              Object.is(g, -0) ? "-0" : g
            }, want ${Object.is(want, -0) ? "-0" : want}`,
          );
        }
      });
    }
    assert(wrong.length === 0, `${f.name}:\n${wrong.join("\n")}`);
  });
}

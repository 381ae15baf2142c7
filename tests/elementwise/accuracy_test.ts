/**
 * The accuracy of the vect-math functions beyond JavaScript's Math, on every engine, against
 * 40-digit values (special_reference.json, written by special_reference.py with mpmath) at
 * inputs every engine holds exactly: float64 within 1e-13 relative, float32 within 4 ulp (of
 * results in float32's normal range) — WebGPU included, whose float32 algorithms have no double
 * to round from (lib/engines/webgpu/wgsl_special.ts).
 *
 * `KNAP_ACCURACY_TABLE=1 deno test -A tests/elementwise/accuracy_test.ts` prints every engine's
 * worst error per function.
 */
import { type Factory, toArray, transfer, vctr } from "../../mod.ts";
import * as vm from "../../lib/vect_math/mod.ts";
import { allFactories } from "../_factories.ts";
import { assert } from "../conformance/assert.ts";

type Row = [number | [number, number], number];
const reference: Record<string, Row[]> = JSON.parse(
  await Deno.readTextFile(new URL("./special_reference.json", import.meta.url)),
);

/** The distance from got to want in units of float32's last place at want. */
function ulps32(got: number, want: number): number {
  const e = Math.floor(Math.log2(Math.abs(want)));
  return Math.abs(got - want) / 2 ** (e - 23);
}

const fns = vm as unknown as Record<string, (x: unknown, y?: unknown) => unknown>;

/** The worst error per function: relative in float64, ulps in float32. */
async function measure(f: Factory): Promise<Record<string, [number, string]>> {
  const out: Record<string, [number, string]> = {};
  for (const [name, rows] of Object.entries(reference)) {
    const binary = Array.isArray(rows[0][0]);
    const xs = rows.map(([x]) => (binary ? (x as number[])[0] : (x as number)));
    const ys = rows.map(([x]) => (binary ? (x as number[])[1] : 0));
    using x = vctr(f, xs);
    using y = vctr(f, ys);
    using r = (binary ? fns[name](x, y) : fns[name](x)) as typeof x;
    using host = await transfer(r);
    const got = toArray(host);
    let worst = 0, at = "";
    rows.forEach(([input, want], i) => {
      let e: number;
      if (f.dtype === "float64") {
        e = want === 0 ? Math.abs(got[i]) / 1e-300 : Math.abs(got[i] - want) / Math.abs(want);
      } else {
        // Results outside float32's normal range have no ulp to count in.
        if (want !== 0 && (Math.abs(want) < 2 ** -126 || Math.abs(want) > 3.4e38)) return;
        e = want === 0 ? (got[i] === 0 ? 0 : Infinity) : ulps32(got[i], want);
      }
      if (!(e <= worst)) {
        worst = e;
        at = `${JSON.stringify(input)}: got ${got[i]}, want ${want}`;
      }
    });
    out[name] = [worst, at];
  }
  return out;
}

const table: Record<string, Record<string, number>> = {};
for (const f of await allFactories()) {
  if (f.dtype !== "float32" && f.dtype !== "float64") continue;
  Deno.test(`[${f.name}] vect-math accuracy against 40-digit references`, async () => {
    const errors = await measure(f);
    const wrong: string[] = [];
    table[f.name] = {};
    for (const [name, [worst, at]] of Object.entries(errors)) {
      table[f.name][name] = worst;
      const bound = f.dtype === "float64" ? 1e-13 : 4;
      if (!(worst <= bound)) wrong.push(`${name}: ${worst.toPrecision(3)} > ${bound} at ${at}`);
    }
    assert(wrong.length === 0, `${f.name}:\n${wrong.join("\n")}`);
  });
}

if (Deno.env.get("KNAP_ACCURACY_TABLE") === "1") {
  Deno.test("the accuracy table", () => {
    const names = Object.keys(table);
    console.log(`| function | ${names.join(" | ")} |`);
    console.log(`|---|${names.map(() => "---").join("|")}|`);
    for (const fn of Object.keys(reference)) {
      const cells = names.map((n) => {
        const v = table[n][fn];
        return n.endsWith("Double") ? v.toExponential(1) : `${v.toFixed(2)} ulp`;
      });
      console.log(`| ${fn} | ${cells.join(" | ")} |`);
    }
  });
}

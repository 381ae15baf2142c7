/**
 * Where oneDNN's elementwise calls overtake the js loops on the native engine's memory, per
 * function: each function (and each derivative oneDNN computes) timed both ways on gapless
 * float32 operands of 64 to 65536 entries. Prints each one's crossing point — the smallest
 * length from which oneDNN stays faster — as the table lib/engines/native/eltwise.ts routes by.
 *
 * `deno run -A bench/eltwise_route.ts`
 */
import { nativeAvailability, nativeFloat, randUniform_, vctr } from "../mod.ts";
import { type OpName, ops } from "../lib/engine/mod.ts";
import { dnnlMappings, eltwiseRoute } from "../lib/engines/native/eltwise.ts";
import { derivativeOf, outputDerivativeOf } from "../lib/elementwise/table.ts";

if (!nativeAvailability().available) {
  const why = nativeAvailability();
  console.log(`native engine unavailable: ${why.available ? "" : why.reason}`);
  Deno.exit(0);
}

const sizes = [64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 65536];
const params: Partial<Record<OpName, number[]>> = {
  elu: [1],
  linear: [1.5, 0.5],
  powx: [1.7],
  clamp: [-0.5, 0.5],
};
const engine = nativeFloat.engine;

/** ns per call, best of a few rounds. */
function time(run: () => void, n: number): number {
  const reps = Math.max(50, Math.round(2e6 / (n + 200)));
  for (let i = 0; i < reps / 5; i++) run();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) run();
    best = Math.min(best, ((performance.now() - t) * 1e6) / reps);
  }
  return best;
}

const table: Record<string, number> = {};
const rows: string[] = [];
for (const name of Object.keys(dnnlMappings) as OpName[]) {
  const base = ops[name];
  const variants = [base];
  if (base.df !== undefined && base.arity === 1) variants.push(derivativeOf(base));
  if (base.dfOut !== undefined) variants.push(outputDerivativeOf(base));
  for (const op of variants) {
    const p = params[name] ?? [];
    let from = Infinity;
    const cells: string[] = [];
    for (const n of sizes) {
      using x = randUniform_(vctr(nativeFloat, n), { lo: 0.1, hi: 2, seed: 1 });
      using y = randUniform_(vctr(nativeFloat, n), { lo: 0.1, hi: 2, seed: 2 });
      using out = vctr(nativeFloat, n);
      const two = op.arity === 2;
      const call = () => engine.math.map(op, p, out, x, two ? y : undefined);
      eltwiseRoute.force = "js";
      const js = time(call, n);
      eltwiseRoute.force = "dnnl";
      const dnnl = time(call, n);
      eltwiseRoute.force = undefined;
      cells.push(`${(js / n).toFixed(2)}/${(dnnl / n).toFixed(2)}`);
      if (dnnl < js) from = Math.min(from, n);
      else from = Infinity;
    }
    table[op.name] = from === Infinity ? 1 << 30 : from;
    rows.push(`${op.name.padEnd(12)} ${String(table[op.name]).padStart(10)}  ${cells.join(" ")}`);
    console.log(rows.at(-1));
  }
}
console.log("\nns per entry, js/oneDNN, at", sizes.join(", "));
console.log("\nconst ROUTE_TABLE: Record<string, number> =", JSON.stringify(table, null, 2), ";");

/**
 * What the profiler costs when it is off: each engine method is wrapped once for it, and off the
 * wrapper is a flag test before the method. The groups call an engine method through its table
 * (wrapped, profiler off) beside the same method unwrapped, on calls small enough that any cost
 * would show — a 16-entry dot, a 1,000-entry relu — and one profiled, for the cost when on.
 * `deno bench -A bench/profile.bench.ts`.
 */
import { jsFloat, nativeAvailability, nativeFloat, profile } from "../mod.ts";
import type { Operand } from "../lib/engine/mod.ts";
import { unwrapped } from "../lib/core/profile.ts";
import { ops } from "../lib/elementwise/table.ts";

function operand(n: number): Operand {
  const buffer = new Float32Array(n).map((_, i) => Math.sin(i));
  return {
    storage: { buffer, length: n, released: false },
    offset: 0,
    rows: n,
    cols: 1,
    rowStride: 1,
    colStride: n,
  };
}

const factories = nativeAvailability().available ? [jsFloat, nativeFloat] : [jsFloat];
for (const f of factories) {
  const { blas, math } = f.engine;
  const x = operand(16), y = operand(16);
  const dot = blas.dot, rawDot = unwrapped(blas.dot);
  const group = `dot 16 floats, ${f.engine.name}`;
  Deno.bench(`${group}: unwrapped`, { group, baseline: true }, () => {
    rawDot(x, y);
  });
  Deno.bench(`${group}: wrapped, profiler off`, { group }, () => {
    dot(x, y);
  });
  Deno.bench(`${group}: profiled`, { group }, () => {
    profile(() => dot(x, y));
  });

  const a = operand(1000), out = operand(1000);
  const map = math.map, rawMap = unwrapped(math.map);
  const relu = `relu 1,000 floats, ${f.engine.name}`;
  Deno.bench(`${relu}: unwrapped`, { group: relu, baseline: true }, () => {
    rawMap(ops.relu, [], out, a);
  });
  Deno.bench(`${relu}: wrapped, profiler off`, { group: relu }, () => {
    map(ops.relu, [], out, a);
  });
}

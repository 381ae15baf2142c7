/**
 * The profiler's table, laid out as `torch.profiler`'s: one row per operation, engine and route,
 * the heaviest first, with the time between engine calls (the TypeScript around them) last.
 *
 * @module
 */

/** One kind of call: an engine's operation by one route. */
export interface ProfileEntry {
  /** The engine's name: `"native"`, `"js"`, `"webgpu"`. */
  readonly engine: string;
  /** The operation: `"gemm"`, `"map relu"`, `"convolution forward"`, `"plan innerProduct"`. */
  readonly op: string;
  /** The route that ran it: `"oneDNN eltwise"`, `"OpenBLAS"`, `"js loop"`, `"WebGPU dispatch"`. */
  readonly route: string;
  /** How many calls. */
  calls: number;
  /** Their time in milliseconds. */
  ms: number;
}

const pad = (s: string, n: number) => s.length >= n ? s : s + " ".repeat(n - s.length);
const num = (v: number, n: number, digits: number) => v.toFixed(digits).padStart(n);

/** The entries, heaviest first, as a printable table over `wallMs` of wall time. */
export function profileTable(entries: readonly ProfileEntry[], wallMs: number): string {
  const inside = entries.reduce((s, e) => s + e.ms, 0);
  const rows = [...entries].sort((a, b) => b.ms - a.ms);
  const opW = Math.max(9, ...rows.map((r) => r.op.length));
  const engW = Math.max(6, ...rows.map((r) => r.engine.length));
  const routeW = Math.max(5, ...rows.map((r) => r.route.length));
  const share = (ms: number) => wallMs > 0 ? `${num((100 * ms) / wallMs, 6, 1)}%` : "     -";
  const lines = [
    `knap profile: ${wallMs.toFixed(1)} ms in all, ${
      wallMs > 0 ? ((100 * inside) / wallMs).toFixed(1) : "0.0"
    }% inside engine calls`,
    `${pad("operation", opW)}  ${pad("engine", engW)}  ${pad("route", routeW)}     calls` +
    `    total ms     mean µs    share`,
  ];
  for (const r of rows) {
    lines.push(
      `${pad(r.op, opW)}  ${pad(r.engine, engW)}  ${pad(r.route, routeW)}  ${
        String(r.calls).padStart(8)
      }  ${num(r.ms, 10, 2)}  ${num((1000 * r.ms) / r.calls, 10, 1)}  ${share(r.ms)}`,
    );
  }
  const between = Math.max(0, wallMs - inside);
  lines.push(
    `${pad("between engine calls (TypeScript)", opW + engW + routeW + 14)}  ${
      num(between, 10, 2)
    }  ${" ".repeat(10)}  ${share(between)}`,
  );
  return lines.join("\n");
}

/**
 * Elementwise functions, knap beside PyTorch in one run: relu, sigmoid, tanh, exp, sqr and mul on
 * float32 vectors of 10³, 10⁵ and 10⁷ entries, each written into a preallocated output, the best
 * of five timed runs — the same method as `elementwise_pytorch.py`, which this script runs with
 * one thread and with all cores. Prints nanoseconds per entry and knap's share of PyTorch's
 * time for its better thread setting. `deno run -A bench/elementwise_compare.ts [--js]`
 */
import { jsFloat, nativeAvailability, nativeFloat, randUniform_, vctr } from "../mod.ts";
import type { Vector } from "../mod.ts";
import { exp_, mul_, relu_, sigmoid_, sqr_, tanh_ } from "../lib/vect_math/mod.ts";

type F = (x: Vector<"host", "float32">, y: Vector<"host", "float32">) => unknown;
const functions: [string, F][] = [
  ["relu", (x, y) => relu_(x, y)],
  ["sigmoid", (x, y) => sigmoid_(x, y)],
  ["tanh", (x, y) => tanh_(x, y)],
  ["exp", (x, y) => exp_(x, y)],
  ["sqr", (x, y) => sqr_(x, y)],
  ["mul", (x, y) => mul_(x, y, y)],
];
const lengths = [1_000, 100_000, 10_000_000];
const f = Deno.args.includes("--js") || !nativeAvailability().available ? jsFloat : nativeFloat;

/** Nanoseconds per entry: the best of five runs of enough calls to take some time. */
function time(fn: F, n: number): number {
  using x = randUniform_(vctr(f, n), { lo: -3, hi: 3, seed: 1 }), y = vctr(f, n);
  const reps = Math.max(3, Math.min(20000, Math.floor(20_000_000 / n)));
  for (let i = 0; i < Math.max(1, reps / 10); i++) fn(x, y);
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) fn(x, y);
    best = Math.min(best, (performance.now() - start) / reps);
  }
  return (best * 1e6) / n;
}

async function pytorch(threads: number): Promise<Record<string, Record<string, number>> | string> {
  try {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [
        new URL("elementwise_pytorch.py", import.meta.url).pathname,
        String(threads),
        ...lengths.map(String),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) return new TextDecoder().decode(out.stderr).trim().split("\n").pop()!;
    return JSON.parse(new TextDecoder().decode(out.stdout)).ns;
  } catch {
    return "PyTorch not found (Debian: apt install python3-torch)";
  }
}

const ours = functions.map(([name, fn]) => [name, lengths.map((n) => time(fn, n))] as const);
const one = await pytorch(1), all = await pytorch(navigator.hardwareConcurrency);
const ns = (v: number) => v.toFixed(3).padStart(7);
console.log(
  `knap ${f.engine.name} against PyTorch's better of 1 and ${navigator.hardwareConcurrency} threads, ns an entry`,
);
console.log(`function   ${lengths.map((n) => `n=${n.toExponential(0)}`.padEnd(28)).join("")}`);
for (const [name, times] of ours) {
  const cells = times.map((t, i) => {
    if (typeof one === "string" || typeof all === "string") return `${ns(t)}`.padEnd(28);
    const key = String(lengths[i]);
    const theirs = Math.min(one[name][key], all[name][key]);
    return `${ns(t)} / ${ns(theirs)} = ${(t / theirs).toFixed(2)}`.padEnd(28);
  });
  console.log(`${name.padEnd(11)}${cells.join("")}`);
}
if (typeof one === "string") console.log(`PyTorch skipped: ${one}`);

/**
 * GEMM throughput of the js engine: 1024³ in float32 and float64, square and with transposed
 * operands, beside a naive triple loop over the same data. Run `deno task bench`; GFLOPS =
 * 2·n³ / time.
 */
import { ge, jsDouble, jsFloat, mm_, randUniform_, trans } from "../mod.ts";
import type { Factory } from "../mod.ts";

const N = 1024;

function operands(f: Factory<"host">) {
  const a = randUniform_(ge(f, N, N), { seed: 1 });
  const b = randUniform_(ge(f, N, N), { seed: 2 });
  const c = ge(f, N, N);
  return { a, b, c };
}

for (const f of [jsFloat, jsDouble]) {
  const { a, b, c } = operands(f);
  Deno.bench(`mm_ ${N}³ ${f.dtype}`, { group: `gemm ${f.dtype}`, baseline: true }, () => {
    mm_(a, b, c);
  });
  Deno.bench(`mm_ ${N}³ ${f.dtype}, aᵀ·bᵀ`, { group: `gemm ${f.dtype}` }, () => {
    mm_(trans(a), trans(b), c);
  });
}

// The naive triple loop that the blocked kernel replaces, on 256³ (1/64 of the work).
const M = 256;
const x = new Float64Array(M * M).fill(1.5), y = new Float64Array(M * M).fill(0.5);
const z = new Float64Array(M * M);
Deno.bench(`naive loop ${M}³ float64 (×64 for ${N}³)`, { group: "reference" }, () => {
  for (let j = 0; j < M; j++) {
    for (let p = 0; p < M; p++) {
      const t = y[p + j * M];
      for (let i = 0; i < M; i++) z[i + j * M] += x[i + p * M] * t;
    }
  }
});
Deno.bench(`mm_ ${M}³ float64`, { group: "reference" }, () => {
  mm_(sm.a, sm.b, sm.c);
});
const sm = {
  a: ge(jsDouble, M, M, x),
  b: ge(jsDouble, M, M, y),
  c: ge(jsDouble, M, M),
};

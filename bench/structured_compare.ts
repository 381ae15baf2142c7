/**
 * knap's structured products on the native engine beside the raw OpenBLAS call and SciPy's
 * wrapper of the same routine (Debian's python3-scipy over its BLAS), float64, in one run:
 *
 * ```sh
 * deno run -A bench/structured_compare.ts [rounds]
 * KNAP_OPENBLAS_THREADS=2 deno run -A bench/structured_compare.ts [rounds]
 * ```
 *
 * knap and raw alternate call by call so a busy neighbour slows both alike; each figure is the
 * median. SciPy's wrappers return a new array (they copy x or B), so its column includes an
 * allocation the BLAS call does not make.
 */
import { structuredCases } from "./structured_cases.ts";
import { openOpenBLAS } from "../ffi/openblas.ts";

const rounds = Number(Deno.args[0] ?? 40);
const median = (t: number[]) => t.sort((a, b) => a - b)[t.length >> 1];

// The cases load the native engine, which sets OpenBLAS's threads (KNAP_OPENBLAS_THREADS, 1 by
// default); SciPy's OpenBLAS gets as many, so the columns compare one routine with one routine.
const cases = structuredCases();
const threads = openOpenBLAS().symbols.openblas_get_num_threads();
let scipy: Record<string, number> = {};
try {
  const py = new Deno.Command("/usr/bin/python3", {
    args: [new URL("./structured_scipy.py", import.meta.url).pathname, String(rounds)],
    env: { OPENBLAS_NUM_THREADS: String(threads) },
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  if (py.success) scipy = JSON.parse(new TextDecoder().decode(py.stdout));
  else console.error(`SciPy side failed: ${new TextDecoder().decode(py.stderr).trim()}`);
} catch (e) {
  console.error(`SciPy side not run: ${(e as Error).message}`);
}

const ms = (s: number) => (s * 1e3).toFixed(3).padStart(8);
console.log(`OpenBLAS threads: ${threads} (knap, raw and SciPy alike)`);
console.log("routine          |  raw ms | knap ms | knap/raw | SciPy ms | SciPy/knap");
for (const c of cases) {
  c.raw();
  c.knap();
  const raw: number[] = [], knap: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    c.raw();
    raw.push((performance.now() - t) / 1e3);
    t = performance.now();
    c.knap();
    knap.push((performance.now() - t) / 1e3);
  }
  const R = median(raw), K = median(knap), S = scipy[c.scipy];
  console.log(
    `${c.name.padEnd(16)} | ${ms(R)} | ${ms(K)} | ${(K / R).toFixed(2).padStart(8)} | ${
      S === undefined ? "       —" : ms(S)
    } | ${S === undefined ? "—" : (S / K).toFixed(2).padStart(10)}`,
  );
}

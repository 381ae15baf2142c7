/**
 * The native engine's structured products beside the raw OpenBLAS call on the same memory
 * (float64): `deno bench -A bench/structured.bench.ts`. `structured_compare.ts` prints the
 * same cases with SciPy's beside them.
 */
import { nativeAvailability } from "../mod.ts";
import { structuredCases } from "./structured_cases.ts";

if (nativeAvailability().available) {
  for (const c of structuredCases()) {
    Deno.bench(`raw cblas ${c.name}`, { group: c.name, baseline: true }, c.raw);
    Deno.bench(`knap ${c.name}`, { group: c.name }, c.knap);
  }
}

/**
 * Native level 1 against the raw OpenBLAS calls it replaced. `deno bench -A bench/level1.bench.ts`
 *
 * Between matrices in opposite orders: Adam's step of a row-major gradient into
 * IMDB's column-major first-layer weights (16×10000), through axpy_ (a transposing copy into
 * scratch, then one gapless saxpy) against the 16 strided saxpy calls it replaced, called raw.
 * Measured here (2 cores, OpenBLAS 0.3.21, one thread): 37 µs through axpy_, against 176 µs
 * for the raw strided calls (4.8×).
 *
 * y ← αx + βy over 160000 floats (Adam's running averages for that layer): sscal then saxpy
 * through axpby_, against one raw saxpby, a scalar loop in OpenBLAS 0.3.21.
 */
import { axpby_, axpy_, ge, nativeAvailability, nativeFloat } from "../mod.ts";
import { openOpenBLAS } from "../ffi/openblas.ts";
import { randUniform_ } from "../lib/random.ts";

const native = nativeAvailability();
if (!native.available) {
  console.log(`skipped: ${native.reason}`);
} else {
  const blas = openOpenBLAS().symbols;
  blas.openblas_set_num_threads(1);
  const w = randUniform_(ge(nativeFloat, 16, 10000), { seed: 1 });
  const g = randUniform_(ge(nativeFloat, 16, 10000, undefined, { layout: "row" }), { seed: 2 });
  const wRaw = w.toArray(), gRaw = g.toArray();
  const group = "W (16×10000, column-major) += α G (row-major)";
  Deno.bench("axpy_ (transposing copy + saxpy)", { group, baseline: true }, () => {
    axpy_(1e-9, g, w);
  });
  Deno.bench("raw: 16 strided saxpy calls", { group }, () => {
    for (let i = 0; i < 16; i++) {
      blas.cblas_saxpy(10000, 1e-9, gRaw.subarray(i * 10000), 1, wRaw.subarray(i), 16);
    }
  });
  const x = randUniform_(ge(nativeFloat, 160000, 1), { seed: 3 });
  const y = randUniform_(ge(nativeFloat, 160000, 1), { seed: 4 });
  const xRaw = x.toArray(), yRaw = y.toArray();
  const running = "y ← 0.1x + 0.9y, 160000 floats";
  Deno.bench("axpby_ (sscal + saxpy)", { group: running, baseline: true }, () => {
    axpby_(0.1, x, 0.9, y);
  });
  Deno.bench("raw saxpby", { group: running }, () => {
    blas.cblas_saxpby(160000, 0.1, xRaw, 1, 0.9, yRaw, 1);
  });
}

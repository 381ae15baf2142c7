import {
  axpby_,
  jsDouble,
  jsFloat,
  nativeAvailability,
  nativeDouble,
  nativeFloat,
  sum,
  vctr,
} from "../../mod.ts";
import { blasConformance } from "../conformance/blas.ts";
import { mathConformance } from "../conformance/math.ts";
import { errorConformance } from "../conformance/errors.ts";
import { randomConformance } from "../conformance/random.ts";
import { aliasingConformance } from "../conformance/aliasing.ts";
import { nanConformance } from "../conformance/nan.ts";
import { eltwiseRoute } from "../../lib/engines/native/eltwise.ts";

const native = nativeAvailability();
if (native.available) {
  for (const [f, other] of [[nativeFloat, nativeDouble], [nativeDouble, nativeFloat]]) {
    blasConformance(f);
    mathConformance(f);
    errorConformance(f, other);
    errorConformance(f, f.dtype === "float32" ? jsFloat : jsDouble);
    randomConformance(f);
    aliasingConformance(f);
    nanConformance(f);
    if (f === nativeFloat) {
      aliasingConformance(f, ["oneDNN", () => {
        eltwiseRoute.force = "dnnl";
        return () => (eltwiseRoute.force = undefined);
      }]);
    }
  }
} else if ((Deno.env.get("KNAP_REQUIRE_ENGINES") ?? "").split(",").includes("native")) {
  // CI installs the libraries: there a missing engine is a failure, not a skip.
  Deno.test("[native] required by KNAP_REQUIRE_ENGINES but unavailable", () => {
    throw new Error(native.reason);
  });
} else {
  Deno.test({ name: `[native] skipped: ${native.reason}`, ignore: true, fn() {} });
}

// OpenBLAS 0.3.21 (Debian 12) sums 16 floats wrongly on AVX-512; knap must not inherit that.
Deno.test({
  name: "[nativeFloat] sum of 16 and 64 entries is exact (OpenBLAS ssum is not)",
  ignore: !native.available,
  fn() {
    for (const n of [16, 17, 64]) {
      using x = vctr(nativeFloat, Array.from({ length: n }, (_, i) => (i % 3) - 1.25));
      const want = Array.from({ length: n }, (_, i) => (i % 3) - 1.25).reduce((a, v) => a + v, 0);
      if (sum(x) !== want) throw new Error(`sum of ${n}: ${sum(x)}, expected ${want}`);
    }
  },
});

// Float axpby_ takes sscal + saxpy on gapless slices of 1024 to 2¹⁹ entries, saxpby elsewhere.
Deno.test({
  name: "[nativeFloat] axpby_ matches js on both sides of its two-pass range",
  ignore: !native.available,
  fn() {
    for (const n of [1023, 1024, 5000, (1 << 19) - 1, 1 << 19]) {
      const xs = Array.from({ length: n }, (_, i) => (i % 7) - 3);
      const ys = Array.from({ length: n }, (_, i) => (i % 5) * 0.25);
      using x = vctr(nativeFloat, xs), y = vctr(nativeFloat, ys);
      axpby_(1.5, x, -0.75, y);
      const got = y.toArray();
      for (let i = 0; i < n; i++) {
        const want = 1.5 * xs[i] - 0.75 * ys[i];
        if (got[i] !== want) throw new Error(`n ${n}, entry ${i}: ${got[i]}, expected ${want}`);
      }
      // x as its own y (exact aliasing): the two passes must not scale x before reading it.
      axpby_(1.5, x, -0.75, x);
      const self = x.toArray();
      for (let i = 0; i < n; i++) {
        const want = Math.fround(1.5 * xs[i] - 0.75 * xs[i]);
        if (self[i] !== want) throw new Error(`self, n ${n}, entry ${i}: ${self[i]} for ${want}`);
      }
    }
  },
});

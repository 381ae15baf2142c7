/**
 * The OpenCL engine (PoCL on the CPU in CI): the conformance suites in float32 and float64, its
 * kernels compiled once, its errors, and its own limits.
 */
import { jsDouble, jsFloat } from "../../mod.ts";
import { openclAvailability, openclDouble, openclFloat } from "../../lib/engines/opencl/mod.ts";
import { blasConformance } from "../conformance/blas.ts";
import { mathConformance } from "../conformance/math.ts";
import { errorConformance } from "../conformance/errors.ts";
import { randomConformance } from "../conformance/random.ts";
import { aliasingConformance } from "../conformance/aliasing.ts";
import { nanConformance } from "../conformance/nan.ts";

const cl = await openclAvailability();
if (cl.available) {
  for (
    const [f, host] of [
      [await openclFloat(), jsFloat],
      ...(cl.fp64 ? [[await openclDouble(), jsDouble]] : []),
    ] as const
  ) {
    blasConformance(f);
    mathConformance(f);
    errorConformance(f, host);
    randomConformance(f);
    aliasingConformance(f);
    nanConformance(f);
  }
} else if ((Deno.env.get("KNAP_REQUIRE_ENGINES") ?? "").split(",").includes("opencl")) {
  Deno.test("[opencl] required by KNAP_REQUIRE_ENGINES but unavailable", () => {
    throw new Error(cl.reason);
  });
} else {
  Deno.test({ name: `[opencl] skipped: ${cl.reason}`, ignore: true, fn() {} });
}

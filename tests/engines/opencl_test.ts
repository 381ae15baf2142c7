/**
 * The OpenCL engine (PoCL on the CPU in CI): the conformance suites in float32 and float64, its
 * kernels compiled once, its errors, and its own limits.
 */
import { entry_, jsDouble, jsFloat, KnapError, tanh_, transfer, vctr } from "../../mod.ts";
import type { ClRuntime } from "../../lib/engines/opencl/runtime.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import { openclAvailability, openclDouble, openclFloat } from "../../lib/engines/opencl/mod.ts";
import { allConformance, missingEngine } from "../conformance/suites.ts";

const cl = await openclAvailability();
if (cl.available) {
  for (
    const [f, host] of [
      [await openclFloat(), jsFloat],
      ...(cl.fp64 ? [[await openclDouble(), jsDouble]] : []),
    ] as const
  ) {
    allConformance(f, host);
  }
} else {
  missingEngine("opencl", cl.reason);
}

Deno.test({
  name: "[opencl] kernels compile once; a failed build is a KnapError with the compiler's log",
  ignore: !cl.available,
  async fn() {
    using f = await openclFloat();
    const rt = (f.engine as unknown as { runtime: ClRuntime }).runtime;
    using x = vctr(f, 1000);
    entry_(x, 0.5);
    tanh_(x);
    const programs = rt.programs;
    tanh_(x);
    tanh_(x);
    assertEquals(rt.programs, programs, "no new programs for repeated ops");
    using back = await transfer(x);
    assert(Math.abs(back.toArray()[0] - Math.tanh(Math.tanh(Math.tanh(0.5)))) < 1e-6, "tanh³");
    const e = assertThrows(
      () => rt.kernel("broken", "broken", () => "__kernel void broken() { int x = ; }"),
      KnapError,
      "CL_BUILD_PROGRAM_FAILURE",
    );
    assert(String(e.message).includes("error"), `the log: ${e.message}`);
  },
});

Deno.test("[opencl] a missing ICD loader or CLBlast is a KnapError naming it and its package", async () => {
  for (const [variable, names] of [["KNAP_OPENCL", "OpenCL"], ["KNAP_CLBLAST", "CLBlast"]]) {
    const before = Deno.env.get(variable);
    Deno.env.set(variable, "/nonexistent/lib.so");
    try {
      const a = await openclAvailability();
      // Where the ICD loader itself is missing (or hidden with KNAP_OPENCL, as the Deno-alone
      // run hides it), CLBlast is never reached: the loader is what is named.
      const reason = a.available ? "" : a.reason;
      const [missing, named] = variable === "KNAP_CLBLAST" && reason.includes("OpenCL was not")
        ? ["OpenCL", "KNAP_OPENCL"]
        : [names, variable];
      assert(reason.includes(`${missing} was not found`), JSON.stringify(a));
      const e = await openclFloat().catch((e) => e);
      assert(e instanceof KnapError && e.message.includes(named), String(e));
      assert(/apt install (ocl-icd-libopencl1|libclblast1)/.test(e.message), e.message);
    } finally {
      if (before === undefined) Deno.env.delete(variable);
      else Deno.env.set(variable, before);
    }
  }
});

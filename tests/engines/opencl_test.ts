/**
 * The OpenCL engine (PoCL on the CPU in CI): the conformance suites in float32 and float64, its
 * kernels compiled once, its errors, and its own limits.
 */
import { entry_, jsDouble, jsFloat, KnapError, transfer, vctr } from "../../mod.ts";
import { tanh_ } from "../../lib/vect_math/mod.ts";
import type { ClRuntime } from "../../lib/engines/opencl/runtime.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import { openclAvailability, openclDouble, openclFloat } from "../../lib/engines/opencl/mod.ts";
import { allConformance, missingEngine } from "../conformance/suites.ts";
import { clblastErrors } from "../../ffi/clblast.ts";

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
  const libraries = [["KNAP_OPENCL", "OpenCL"], ["KNAP_CLBLAST", "CLBlast"]] as const;
  const saved = libraries.map(([variable]) => Deno.env.get(variable));
  try {
    for (const [variable, name] of libraries) {
      // This library pointed nowhere, the other looked for where the system keeps it.
      for (const [other] of libraries) if (other !== variable) Deno.env.delete(other);
      Deno.env.set(variable, "/nonexistent/lib.so");
      const a = await openclAvailability();
      const reason = a.available ? "" : a.reason;
      // On a machine without the other library (or a run that hides both), that one may be the
      // first found missing: either way the reason and the error name a missing library.
      const [, missing] = libraries.find(([, n]) => reason.startsWith(`${n} was not found`)) ??
        [variable, name];
      assert(reason.includes(`${missing} was not found`), JSON.stringify(a));
      const named = libraries.find(([, n]) => n === missing)![0];
      if (missing !== name) console.log(`${name}'s message not seen: ${missing} is missing here`);
      const e = await openclFloat().catch((e) => e);
      assert(e instanceof KnapError && e.message.includes(named), String(e));
      assert(/apt install (ocl-icd-libopencl1|libclblast1)/.test(e.message), e.message);
    }
  } finally {
    libraries.forEach(([variable], i) => {
      if (saved[i] === undefined) Deno.env.delete(variable);
      else Deno.env.set(variable, saved[i]!);
    });
  }
});

Deno.test("CLBlast's status codes are named as clblast_c.h numbers them", () => {
  // Spot checks across CLBlast's own range, where a shift by one once named -2039 UnknownError.
  assertEquals(clblastErrors.get(-1024), "CLBlastNotImplemented");
  assertEquals(clblastErrors.get(-1007), "CLBlastInsufficientMemoryY");
  assertEquals(clblastErrors.get(-2050), "CLBlastInsufficientMemoryTemp");
  assertEquals(clblastErrors.get(-2041), "CLBlastDatabaseError");
  assertEquals(clblastErrors.get(-2040), "CLBlastUnknownError");
  assertEquals(clblastErrors.get(-2039), "CLBlastUnexpectedError");
  assertEquals(clblastErrors.get(-2036), "CLBlastInsufficientMemoryZ");
  assertEquals(new Set(clblastErrors.values()).size, clblastErrors.size);
});

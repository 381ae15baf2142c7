/**
 * The CUDA engine: the conformance suites in float32 and float64 where a GPU, its driver, NVRTC
 * and cuBLAS are present (skipped with the reason elsewhere, as in CI); and everywhere, how the
 * libraries are found — toolkits, Python's nvidia-* packages — and what a user without them is
 * told.
 */
import { jsDouble, jsFloat, KnapError } from "../../mod.ts";
import { cudaAvailability, cudaDouble, cudaFloat } from "../../lib/engines/cuda/mod.ts";
import { candidates, cublasLibrary, sitePackages } from "../../ffi/cuda_paths.ts";
import { allConformance, missingEngine } from "../conformance/suites.ts";
import { assert, assertEquals } from "../conformance/assert.ts";

const cuda = await cudaAvailability();
if (cuda.available) {
  for (const [f, host] of [[await cudaFloat(), jsFloat], [await cudaDouble(), jsDouble]] as const) {
    allConformance(f, host);
  }
} else {
  missingEngine("cuda", cuda.reason);
}

Deno.test("[cuda] libraries are found in toolkits and in Python's nvidia-* packages, in that order", async () => {
  const root = await Deno.makeTempDir();
  try {
    const toolkit = `${root}/cuda-12`, venv = `${root}/venv`;
    const site = `${venv}/lib/python3.11/site-packages`;
    await Deno.mkdir(`${toolkit}/lib64`, { recursive: true });
    await Deno.mkdir(`${site}/nvidia/cublas/lib`, { recursive: true });
    await Deno.writeFile(`${toolkit}/lib64/libcublas.so.12`, new Uint8Array());
    await Deno.writeFile(`${site}/nvidia/cublas/lib/libcublas.so.12`, new Uint8Array());
    assertEquals(sitePackages([venv]), [site], "the venv's site-packages, which holds nvidia/");
    const found = candidates(cublasLibrary, [toolkit], [site], "linux");
    assertEquals(found.slice(0, 2), [
      `${toolkit}/lib64/libcublas.so.12`,
      `${site}/nvidia/cublas/lib/libcublas.so.12`,
    ]);
    assertEquals(found.slice(2), ["libcublas.so.12", "libcublas.so.11", "libcublas.so"]);
    assertEquals(candidates(cublasLibrary, [], [], "windows"), [
      "cublas64_12.dll",
      "cublas64_11.dll",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("[cuda] a missing driver is a KnapError that says it comes with NVIDIA's driver", async () => {
  const before = Deno.env.get("KNAP_CUDA");
  Deno.env.set("KNAP_CUDA", "/nonexistent/libcuda.so.1");
  try {
    const a = await cudaAvailability();
    assert(!a.available && a.reason.includes("NVIDIA's GPU driver"), JSON.stringify(a));
    const e = await cudaFloat().catch((e) => e);
    assert(e instanceof KnapError && e.message.includes("KNAP_CUDA"), String(e));
  } finally {
    if (before === undefined) Deno.env.delete("KNAP_CUDA");
    else Deno.env.set("KNAP_CUDA", before);
  }
});

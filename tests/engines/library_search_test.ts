/**
 * Where the native libraries are looked for, per platform: macOS's Homebrew paths (Apple silicon
 * and Intel) and `.dylib` names are written to the same rules as Linux's sonames and checked here,
 * untested on a Mac; oneDNN 3.x's names come before 2.x's; an environment variable's path is the
 * only one tried; the install hint names every distribution.
 */
import { candidates } from "../../ffi/load.ts";
import { openblasSpec } from "../../ffi/openblas.ts";
import { dnnlSpec } from "../../ffi/dnnl.ts";
import { assert, assertEquals } from "../conformance/assert.ts";

Deno.test("library search: Homebrew's paths on macOS, oneDNN 3.x before 2.x, KNAP_* alone when set", () => {
  const macDnnl = candidates(dnnlSpec, "darwin", null);
  for (
    const path of [
      "/opt/homebrew/lib/libdnnl.3.dylib",
      "/opt/homebrew/lib/libdnnl.dylib",
      "/usr/local/lib/libdnnl.3.dylib",
      "/usr/local/lib/libdnnl.dylib",
    ]
  ) assert(macDnnl.includes(path), `${path} in ${macDnnl}`);
  assert(macDnnl.every((p) => p.endsWith(".dylib")), `only .dylib names: ${macDnnl}`);
  const macBlas = candidates(openblasSpec, "darwin", null);
  for (
    const path of [
      "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
      "/usr/local/opt/openblas/lib/libopenblas.dylib",
      "/opt/homebrew/lib/libopenblas.dylib",
      "/usr/local/lib/libopenblas.dylib",
    ]
  ) assert(macBlas.includes(path), `${path} in ${macBlas}`);
  const linux = candidates(dnnlSpec, "linux", null);
  assert(linux.indexOf("libdnnl.so.3") < linux.indexOf("libdnnl.so.2"), `3.x first: ${linux}`);
  assertEquals(candidates(openblasSpec, "linux", null), [
    "libopenblas.so.0",
    "libopenblas.so",
  ]);
  assertEquals(candidates(dnnlSpec, "darwin", "/opt/mine/libdnnl.so.3"), [
    "/opt/mine/libdnnl.so.3",
  ]);
  for (const spec of [dnnlSpec, openblasSpec]) {
    for (
      const manager of ["apt install", "dnf install", "pacman -S", "brew install", "conda install"]
    ) {
      assert(
        spec.install.includes(manager),
        `${spec.name}'s hint names ${manager}: ${spec.install}`,
      );
    }
  }
});

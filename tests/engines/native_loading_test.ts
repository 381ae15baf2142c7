/**
 * How the native engine loads: lazily, with clear errors when a library or the permission is
 * missing, and with the default factories falling back to js only then. Each case runs in a
 * fresh process, because a process opens its libraries once.
 */
import { assert } from "../conformance/assert.ts";
import { nativeAvailability } from "../../mod.ts";

async function run(
  code: string,
  env: Record<string, string> = {},
  allowFfi = true,
  flags = ["--allow-env", "--allow-read"],
) {
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(
    script,
    `import * as k from "${new URL("../../mod.ts", import.meta.url)}";\n` +
      `import { sigmoid } from "${new URL(
        "../../lib/vect_math/mod.ts",
        import.meta.url,
      )}";\n${code}`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...(allowFfi ? ["--allow-ffi"] : []), ...flags, script],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(script);
  const d = new TextDecoder();
  return { ok: out.success, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

Deno.test("a missing OpenBLAS is a KnapError naming it, its package and KNAP_OPENBLAS", async () => {
  const r = await run(
    `try { k.vctr(k.nativeFloat, 3); } catch (e) { console.log(e.name, e.message); }
     console.log("default:", k.defaultFloat().name);`,
    { KNAP_OPENBLAS: "/nonexistent/libopenblas.so.0" },
  );
  assert(r.ok, r.stderr);
  for (
    const want of [
      "KnapError",
      "OpenBLAS was not found",
      "libopenblas0-pthread",
      "KNAP_OPENBLAS",
      "default: jsFloat",
    ]
  ) {
    assert(r.stdout.includes(want), `missing "${want}" in: ${r.stdout}`);
  }
});

const native = nativeAvailability();
Deno.test({
  name: native.available
    ? "without oneDNN the native engine runs on OpenBLAS alone, says so once, and KNAP_QUIET silences it"
    : `OpenBLAS-alone test skipped: ${native.reason}`,
  ignore: !native.available,
  fn: async () => {
    const code = `using a = k.ge(k.nativeFloat, 2, 3, [1, 2, 3, 4, 5, 6]);
     using b = k.ge(k.nativeFloat, 3, 2, [1, 0, 0, 1, 1, 1]);
     using c = k.mm(a, b);
     using s = sigmoid(k.vctr(k.nativeFloat, [0]));
     console.log("mm", Array.from(k.toArray(c)).join(), "sigmoid", k.toArray(s)[0]);
     console.log("default", k.defaultFloat().name);
     for (const l of k.nativeAvailability().libraries ?? []) console.log(l.name, l.loaded, l.detail);
     try { k.vctr(k.nativeBfloat16, 2); } catch (e) { console.log(e.name, e.message); }`;
    // KNAP_QUIET=0: a parent run that silences the notice (CI's OpenBLAS-alone run) must not here.
    const r = await run(code, { KNAP_DNNL: "/nonexistent/libdnnl.so.2", KNAP_QUIET: "0" });
    assert(r.ok, r.stderr);
    // [[1, 3, 5], [2, 4, 6]]·[[1, 1], [0, 1], [0, 1]] = [[1, 9], [2, 12]], column-major.
    for (
      const want of [
        "mm 1,2,9,12 sigmoid 0.5",
        "default nativeFloat",
        "OpenBLAS true",
        "oneDNN false oneDNN was not found",
        "KNAP_DNNL",
        "KnapError nativeBfloat16 needs oneDNN",
      ]
    ) {
      assert(r.stdout.includes(want), `missing "${want}" in: ${r.stdout}`);
    }
    const lines = r.stderr.trim().split("\n").filter((l) => l.includes("oneDNN did not load"));
    assert(
      lines.length === 1 && lines[0].includes("KNAP_QUIET"),
      `one line on stderr: ${r.stderr}`,
    );
    const quiet = await run(code, { KNAP_DNNL: "/nonexistent/libdnnl.so.2", KNAP_QUIET: "1" });
    assert(quiet.ok && !quiet.stderr.includes("oneDNN"), quiet.stderr);
  },
});

Deno.test("without --allow-ffi, knap imports and runs on js; native says what it needs", async () => {
  const r = await run(
    `using x = k.dv(3, 4);
     console.log("nrm2", k.nrm2(x), x.factory.name);
     try { k.vctr(k.nativeFloat, 1); } catch (e) { console.log(e.message); }`,
    {},
    false,
  );
  assert(r.ok, r.stderr);
  assert(r.stdout.includes("nrm2 5 jsDouble"), r.stdout);
  assert(r.stdout.includes("needs --allow-ffi"), r.stdout);
});

Deno.test("--allow-ffi alone loads the native engine: overrides it may not read are skipped", async () => {
  const r = await run(
    `const a = k.nativeAvailability();
     console.log("available", a.available, a.available ? "" : a.reason);`,
    { KNAP_OPENBLAS: "/nonexistent/libopenblas.so.0" },
    true,
    [],
  );
  assert(r.ok, r.stderr);
  assert(!/Requires env access|NotCapable/.test(r.stdout + r.stderr), r.stdout + r.stderr);
  // Present here, it loads from the usual names; absent, the reason says how to point at it.
  assert(
    r.stdout.includes("available true") || r.stdout.includes("--allow-env=KNAP_OPENBLAS"),
    r.stdout,
  );
});

Deno.test("fetchDataset without its permissions is a KnapError saying which to grant", async () => {
  const r = await run(
    `import { fetchDataset } from "${new URL("../../lib/data/mod.ts", import.meta.url)}";
     const file = { name: "x.csv", url: "http://127.0.0.1:9/x.csv", sha256: "00" };
     for (const options of [{}, { cache: "/tmp/knap-no-write" }]) {
       try { await fetchDataset(file, options); } catch (e) { console.log(e.name, e.code, e.message); }
     }`,
    {},
    false,
    [],
  );
  assert(r.ok, r.stderr);
  const [first, second] = r.stdout.trim().split("\n");
  assert(first.includes("KnapError permission") && first.includes("--allow-env"), first);
  assert(second.includes("KnapError permission") && second.includes("--allow-read"), second);
});

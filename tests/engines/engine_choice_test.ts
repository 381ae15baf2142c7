/**
 * Which engine computes is never silent: a program whose best engine does not load hears once on
 * stderr which engine computes instead and why (KNAP_QUIET=1 silences it, and the line says how
 * to let knap read that variable), and `engines()` lists every engine, available or not, with
 * what it runs on or why not. Each case runs in a fresh process, as a user's program would.
 */
import { assert } from "../conformance/assert.ts";
import { webgpuAvailability } from "../../mod.ts";

const script = `import * as k from "${new URL("../../mod.ts", import.meta.url)}";
using x = k.dv(3, 4);
using y = k.fv(1, 2);
console.log("computed", k.nrm2(x), "on", x.factory.name, y.factory.name);
for (const e of await k.engines()) console.log("engine", e.name, e.location, e.available, e.detail);`;

async function run(flags: string[], env: Record<string, string> = {}) {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, script);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, file],
    // KNAP_QUIET from the parent's run would silence what the loud cases look for.
    env: { KNAP_QUIET: "0", ...env, XDG_RUNTIME_DIR: Deno.env.get("XDG_RUNTIME_DIR") ?? "/tmp" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(file);
  const d = new TextDecoder();
  return { ok: out.success, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

const notices = (stderr: string) =>
  stderr.split("\n").filter((l) => l.startsWith("knap: computing"));

Deno.test("without --allow-ffi: one line says the js engine computes and why; engines() lists them all", async () => {
  const r = await run(["--allow-read"]);
  assert(r.ok, r.stderr);
  assert(r.stdout.includes("computed 5 on jsDouble jsFloat"), r.stdout);
  const lines = notices(r.stderr);
  assert(lines.length === 1, `one notice, once for both factories: ${r.stderr}`);
  for (
    const want of [
      "js engine",
      "native engine did not load",
      "--allow-ffi",
      "KNAP_QUIET=1 with --allow-env=KNAP_QUIET",
    ]
  ) {
    assert(lines[0].includes(want), `"${want}" in ${lines[0]}`);
  }
  for (
    const want of [
      "engine native host false loading native libraries needs --allow-ffi",
      "engine js host true",
      "engine webgpu device",
      "engine opencl device false",
      "engine cuda device false",
    ]
  ) {
    assert(r.stdout.includes(want), `"${want}" in ${r.stdout}`);
  }
});

Deno.test("KNAP_QUIET=1, readable, silences the notice", async () => {
  const r = await run(["--allow-env", "--allow-read"], { KNAP_QUIET: "1" });
  assert(r.ok && r.stdout.includes("on jsDouble"), r.stderr);
  assert(notices(r.stderr).length === 0, r.stderr);
});

Deno.test("where the native engine loads, it computes and nothing is said", async () => {
  const r = await run(["-A"]);
  assert(r.ok, r.stderr);
  if (!r.stdout.includes("engine native host true")) return; // no OpenBLAS here: the first test covers it
  assert(r.stdout.includes("on nativeDouble nativeFloat"), r.stdout);
  assert(notices(r.stderr).length === 0, r.stderr);
  assert(/engine native host true .*OpenBLAS/.test(r.stdout), r.stdout);
});

const gpu = await webgpuAvailability();
Deno.test({
  name: gpu.available
    ? "WebGPU without XDG_RUNTIME_DIR: no driver noise, and the private folder is gone at exit"
    : `the XDG_RUNTIME_DIR test skipped: ${gpu.reason}`,
  ignore: !gpu.available,
  async fn() {
    const file = await Deno.makeTempFile({ suffix: ".ts" });
    await Deno.writeTextFile(
      file,
      `import { webgpuFloat, vctr, transfer } from "${new URL("../../mod.ts", import.meta.url)}";
       using f = await webgpuFloat();
       using x = vctr(f, [1, 2]);
       using back = await transfer(x);
       console.log("dir", Deno.env.get("XDG_RUNTIME_DIR"), back.toArray().join());`,
    );
    // A clean environment: no XDG_RUNTIME_DIR, as on a server or in a container.
    const env: Record<string, string> = { KNAP_QUIET: "1" };
    for (const k of ["PATH", "HOME", "DENO_DIR", "DENO_WEBGPU_BACKEND", "TMPDIR"]) {
      const v = Deno.env.get(k);
      if (v !== undefined) env[k] = v;
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", file],
      clearEnv: true,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert(out.success, stderr);
    assert(!stderr.includes("XDG_RUNTIME_DIR"), `driver noise on stderr:\n${stderr}`);
    const [, dir, values] = stdout.trim().split(" ");
    assert(values === "1,2" && dir.includes("knap-runtime-"), stdout);
    assert(!(await Deno.stat(dir).then(() => true, () => false)), `${dir} left behind`);
    await Deno.remove(file);
  },
});

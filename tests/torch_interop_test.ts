/**
 * The README's PyTorch interop example as written, end to end: its TypeScript runs in a project
 * outside the repository and saves a CNN, then its Python loads that file into PyTorch's
 * nn.Sequential with Debian's python3-torch and compares the outputs.
 */
import { assert } from "./conformance/assert.ts";
import { userProject } from "./_project.ts";

const root = new URL("../", import.meta.url);
const python = "/usr/bin/python3";
const torch = await new Deno.Command(python, { args: ["-c", "import torch"], stderr: "null" })
  .output().then((o) => o.success, () => false);

Deno.test({
  name: torch
    ? "README: a knap CNN saved as safetensors loads into PyTorch and gives knap's outputs"
    : "the README's PyTorch interop example skipped: no python3-torch (apt install python3-torch)",
  ignore: !torch,
  async fn() {
    const readme = await Deno.readTextFile(new URL("README.md", root));
    const section = readme.slice(readme.indexOf("## PyTorch interop"));
    const ts = /```ts ignore\n([\s\S]*?)```/.exec(section)?.[1];
    const py = /```python\n([\s\S]*?)```/.exec(section)?.[1];
    assert(ts !== undefined && py !== undefined, "the interop section's two examples");
    const dir = await userProject("knap-interop-");
    await Deno.writeTextFile(`${dir}/save.ts`, ts);
    await Deno.writeTextFile(`${dir}/load.py`, py);
    const decoder = new TextDecoder();
    const saved = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-write", "save.ts"],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert(saved.success, decoder.decode(saved.stderr));
    const loaded = await new Deno.Command(python, {
      args: ["load.py"],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = decoder.decode(loaded.stdout);
    assert(loaded.success, `${out}\n${decoder.decode(loaded.stderr)}`);
    const m = /differ by at most ([\d.e+-]+)/.exec(out);
    assert(m !== null && Number(m[1]) < 1e-6, out);
    await Deno.remove(dir, { recursive: true });
  },
});

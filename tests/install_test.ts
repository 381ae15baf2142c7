/**
 * knap as a user's project sees it: a folder outside this repository whose import map names
 * knap's entry points by path (what `deno add jsr:@knap/knap` writes, with a registry address
 * instead), running every example of the README with the permissions the README lists —
 * which also proves that knap needs no import map of the user's.
 */
import { assert } from "./conformance/assert.ts";
import { knapImports, userProject } from "./_project.ts";

const root = new URL("../", import.meta.url);

Deno.test("a project outside the repository imports every entry point of knap and runs the README", async () => {
  const project = await userProject();
  const imports = await knapImports();
  const readme = await Deno.readTextFile(new URL("README.md", root));
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert(blocks.length >= 3, `README examples: ${blocks.length}`);
  // And the entry points by plain path, with no import map at all.
  blocks.push(
    Object.values(imports)
      .map((p, i) => `import * as m${i} from "${p}";\nif (!m${i}) throw new Error();`)
      .join("\n"),
  );
  for (const [i, code] of blocks.entries()) {
    const file = `${project}/example${i}.ts`;
    await Deno.writeTextFile(file, code);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-ffi", "--allow-env", "--allow-read", file],
      cwd: project,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    assert(out.success, `README example ${i + 1} failed:\n${code}\n${err}`);
  }
  await Deno.remove(project, { recursive: true });
});

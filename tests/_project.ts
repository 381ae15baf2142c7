/**
 * A user's project for tests: a fresh folder whose `deno.json` names knap's entry points by path
 * in an import map, as `deno add jsr:@knap/knap` would with a registry address.
 */
const root = new URL("../", import.meta.url);

/** knap's entry points as a user's import map names them: `@knap/knap`, `@knap/knap/nn`, … */
export async function knapImports(): Promise<Record<string, string>> {
  const { exports } = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  return Object.fromEntries(
    Object.entries(exports as Record<string, string>).map((
      [key, path],
    ) => [key === "." ? "@knap/knap" : `@knap/knap${key.slice(1)}`, new URL(path, root).href]),
  );
}

/** A new folder with a `deno.json` whose import map links this checkout. */
export async function userProject(prefix = "knap-user-"): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ imports: await knapImports() }));
  return dir;
}

/**
 * `deno task web`: builds knap's pages into web/dist — each page's script and the MNIST worker
 * as ES modules sharing their chunks, and `knap.js`, the whole library in one module for pages
 * of your own — with `deno bundle` for the browser. Then serve web/ (`deno task web:serve`).
 *
 * @module
 */

const root = new URL("..", import.meta.url).pathname;
const dist = `${root}web/dist`;
const pages = [
  "index",
  "layers",
  "gpu",
  "regression",
  "mnist",
  "mnist_worker",
  "fashion",
  "conformance",
];

/** Runs deno bundle with the arguments; throws with its output when it fails. */
async function bundle(args: string[]): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform", "browser", "--format", "esm", ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    throw new Error(`deno bundle ${args.join(" ")} failed:\n${text}`);
  }
}

/** Builds the site into web/dist; returns the seconds it took. */
export async function buildSite(): Promise<number> {
  const t0 = performance.now();
  await Deno.remove(dist, { recursive: true }).catch(() => {});
  await bundle([
    "--code-splitting",
    "--outdir",
    dist,
    ...pages.map((p) => `web/src/${p}.ts`),
  ]);
  await bundle(["-o", `${dist}/knap.js`, "web/src/knap.ts"]);
  return (performance.now() - t0) / 1000;
}

if (import.meta.main) {
  const s = await buildSite();
  const files = [...Deno.readDirSync(dist)].map((e) => e.name).sort();
  console.log(`built web/dist in ${s.toFixed(1)} s: ${files.join(", ")}`);
  console.log("serve it: deno task web:serve, then open http://127.0.0.1:8000/");
}

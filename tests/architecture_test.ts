/**
 * The library's import graph, read from the sources (type-only imports included), keeps its
 * layers: nothing in core reaches up to tensors, engines, learning or networks; nothing in the
 * engines or tensors reaches up to learning or networks; no module outside `lib/engines` imports
 * a particular engine (the registry and the engines' public `mod.ts` files aside); and no module
 * imports itself through others.
 */
import { assertEquals } from "./conformance/assert.ts";

const root = new URL("../", import.meta.url).pathname;

/** Every .ts file of the library: `mod.ts`, `lib/`, `ffi/`, relative to the root. */
async function sources(): Promise<string[]> {
  const out = ["mod.ts"];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(`${root}${dir}`)) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(path);
      else if (e.name.endsWith(".ts")) out.push(path);
    }
  };
  await walk("lib");
  await walk("ffi");
  return out.sort();
}

/** The relative imports of a file (static, type-only, re-exports, dynamic), resolved. */
function imports(file: string, text: string): string[] {
  const found = new Set<string>();
  // Comments may show imports in examples: only code counts.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const specifier =
    /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g;
  for (const m of code.matchAll(specifier)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith(".")) continue;
    const url = new URL(spec, `file://${root}${file}`);
    found.add(url.pathname.slice(root.length));
  }
  return [...found];
}

const files = await sources();
const graph = new Map<string, string[]>();
for (const f of files) graph.set(f, imports(f, await Deno.readTextFile(`${root}${f}`)));

const layer = (f: string) => f.startsWith("lib/") ? f.split("/")[1].replace(/\.ts$/, "") : f;

Deno.test("architecture: every import the graph reads resolves to a source file", () => {
  const missing = [...graph].flatMap(([f, to]) =>
    to.filter((t) => !graph.has(t)).map((t) => `${f} → ${t}`)
  );
  assertEquals(missing, []);
});

Deno.test("architecture: no import runs up from core, nor from engines or tensors to learning", () => {
  const above: Record<string, readonly string[]> = {
    core: ["tensor", "engines", "nn", "dnn", "data", "distributed"],
    engines: ["nn", "dnn"],
    tensor: ["nn", "dnn"],
  };
  const upward = [...graph].flatMap(([f, to]) =>
    to.filter((t) => above[layer(f)]?.includes(layer(t))).map((t) => `${f} → ${t}`)
  );
  assertEquals(upward, []);
});

Deno.test("architecture: outside lib/engines, only the registry and engines' mod.ts are imported", () => {
  const open = (t: string) =>
    t === "lib/engines/registry.ts" || /^lib\/engines\/[a-z]+\/mod\.ts$/.test(t);
  const reaching = [...graph].flatMap(([f, to]) =>
    f.startsWith("lib/engines/")
      ? []
      : to.filter((t) => t.startsWith("lib/engines/") && !open(t)).map((t) => `${f} → ${t}`)
  );
  assertEquals(reaching, []);
});

Deno.test("architecture: no import circles, type-only ones included", () => {
  // Tarjan's strongly connected components: a component of more than one file is a circle.
  let index = 0;
  const at = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], on = new Set<string>(), circles: string[][] = [];
  const visit = (v: string) => {
    at.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!at.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, at.get(w)!));
    }
    if (low.get(v) === at.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) circles.push(component.sort());
    }
  };
  for (const f of files) if (!at.has(f)) visit(f);
  assertEquals(circles, []);
});

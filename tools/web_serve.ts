/**
 * Serves the built site (`deno task web`) on 127.0.0.1, with the book's data sets and a model
 * under /data/ where a folder is named: `deno task web:serve [--port=8000] [--data=DIR]`. DIR
 * holds MNIST's test IDX files as `mnist/` and
 * `fashion_cnn.safetensors` for chapter 30's page.
 *
 * @module
 */

const types: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  png: "image/png",
  svg: "image/svg+xml",
  wasm: "application/wasm",
};

/**
 * Folders served under URL prefixes, tried in order: ["/data/", DIR] before ["/", site] serves
 * /data/x from DIR where it is there, else from the site's own data folder.
 */
export type Mounts = readonly (readonly [prefix: string, folder: string])[];

/** Serves the mounts on 127.0.0.1 (port 0: any free one) until the signal aborts. */
export function serveSite(
  mounts: Mounts,
  port = 0,
  signal?: AbortSignal,
): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port, signal, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.split("/").includes("..")) return new Response("not found", { status: 404 });
    for (const [prefix, folder] of mounts) {
      if (!path.startsWith(prefix)) continue;
      let file = `${folder}/${path.slice(prefix.length)}`;
      if (file.endsWith("/")) file += "index.html";
      try {
        const body = await Deno.readFile(file);
        const type = types[file.slice(file.lastIndexOf(".") + 1)] ?? "application/octet-stream";
        return new Response(body, {
          headers: { "content-type": type, "cache-control": "no-cache" },
        });
      } catch {
        // Not in this folder: the next mount may have it.
      }
    }
    return new Response("not found", { status: 404 });
  });
}

if (import.meta.main) {
  const flag = (name: string) =>
    Deno.args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const site = new URL("../web", import.meta.url).pathname;
  const data = flag("data");
  const mounts: Mounts = data === undefined ? [["/", site]] : [["/data/", data], ["/", site]];
  const server = serveSite(mounts, Number(flag("port") ?? 8000));
  console.log(`knap's pages: http://127.0.0.1:${server.addr.port}/`);
}

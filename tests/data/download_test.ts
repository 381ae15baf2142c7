/**
 * The dataset cache against a local HTTP server: a good file is downloaded once and then served
 * from the cache; a corrupted, a truncated and a failing download are errors that leave the
 * cache as it was; a local copy is verified too.
 */
import { assert, assertEquals } from "../conformance/assert.ts";
import { fetchDataset, KnapErrorLike } from "./_helpers.ts";

const good = new TextEncoder().encode("a,b\n1,2\n3,4\n".repeat(1000));
const goodHash = Array.from(
  new Uint8Array(await crypto.subtle.digest("SHA-256", good)),
  (b) => b.toString(16).padStart(2, "0"),
).join("");

let requests = 0;
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
  requests++;
  const path = new URL(req.url).pathname;
  if (path === "/good.csv") return new Response(good);
  if (path === "/corrupted.csv") {
    const bad = good.slice();
    bad[100] ^= 1;
    return new Response(bad);
  }
  if (path === "/truncated.csv") {
    // Announces the full length, sends half, then ends the stream with an error.
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(good.slice(0, good.length / 2));
        c.error(new Error("connection dropped"));
      },
    });
    return new Response(body, { headers: { "content-length": String(good.length) } });
  }
  return new Response("missing", { status: 404 });
});
const base = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;

async function cacheFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

Deno.test("a good download is verified, cached atomically, and served from the cache next time", async () => {
  const cache = await Deno.makeTempDir();
  requests = 0;
  const seen: number[] = [];
  const file = { name: "good.csv", url: `${base}/good.csv`, sha256: goodHash };
  const path = await fetchDataset(file, { cache, onProgress: (r) => seen.push(r) });
  assertEquals(path, `${cache}/good.csv`);
  assertEquals(await Deno.readFile(path), good);
  assert(seen.at(-1) === good.length, "progress reaches the full size");
  assertEquals(await fetchDataset(file, { cache }), path);
  assertEquals(requests, 1, "the second call reads the cache");
  assertEquals(await cacheFiles(cache), ["good.csv"]);
});

for (
  const [kind, code] of [["corrupted", "checksum"], ["truncated", "truncated"], [
    "missing",
    "http-404",
  ]] as const
) {
  Deno.test(`a ${kind} download is a KnapError (${code}) and leaves nothing in the cache`, async () => {
    const cache = await Deno.makeTempDir();
    let error: unknown;
    try {
      await fetchDataset({ name: "data.csv", url: `${base}/${kind}.csv`, sha256: goodHash }, {
        cache,
      });
    } catch (e) {
      error = e;
    }
    assert(KnapErrorLike(error, code), `expected KnapError ${code}, got ${String(error)}`);
    assertEquals(await cacheFiles(cache), []);
  });
}

Deno.test("a damaged cache entry is replaced; a local copy is verified before use", async () => {
  const cache = await Deno.makeTempDir();
  await Deno.writeTextFile(`${cache}/good.csv`, "stale");
  const file = { name: "good.csv", url: `${base}/good.csv`, sha256: goodHash };
  assertEquals(await Deno.readFile(await fetchDataset(file, { cache })), good);
  const local = await Deno.makeTempFile();
  await Deno.writeFile(local, good);
  const other = await Deno.makeTempDir();
  assertEquals(await Deno.readFile(await fetchDataset(file, { cache: other, local })), good);
  await Deno.writeTextFile(local, "not it");
  const third = await Deno.makeTempDir();
  let error: unknown;
  try {
    await fetchDataset(file, { cache: third, local });
  } catch (e) {
    error = e;
  }
  assert(KnapErrorLike(error, "checksum"), String(error));
  assertEquals(await cacheFiles(third), []);
});

Deno.test({
  name: "the local server stops",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await server.shutdown();
  },
});

/**
 * The dataset cache against a local HTTP server: a good file is downloaded once and then served
 * from the cache; a corrupted, a truncated and a failing download are errors that leave the
 * cache as it was; a local copy is verified too. Downloads are bounded: an endless body past
 * the declared size, a trickle past the timeout, a file past the disk's free space; stall limits
 * past setTimeout's range work.
 */
import { assert, assertEquals } from "../conformance/assert.ts";
import { fetchDataset, KnapErrorLike } from "./_helpers.ts";

const good = new TextEncoder().encode("a,b\n1,2\n3,4\n".repeat(1000));
const goodHash = Array.from(
  new Uint8Array(await crypto.subtle.digest("SHA-256", good)),
  (b) => b.toString(16).padStart(2, "0"),
).join("");

let requests = 0, flaky = 0;
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
  if (path === "/flaky.csv") {
    // Drops the connection mid-body on the first two requests, then serves the file.
    flaky++;
    if (flaky <= 2) {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(good.slice(0, 1000));
          c.error(new Error("connection dropped"));
        },
      });
      return new Response(body, { headers: { "content-length": String(good.length) } });
    }
    return new Response(good);
  }
  if (path === "/gzipped.csv") {
    // A valid compressed response: fetch decompresses it; its length counts compressed bytes.
    const body = new Blob([good]).stream().pipeThrough(new CompressionStream("gzip"));
    return new Response(body, { headers: { "content-encoding": "gzip" } });
  }
  if (path === "/stalls.csv") {
    // Sends a little, then nothing more.
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(good.slice(0, 100));
      },
    });
    return new Response(body, { headers: { "content-length": String(good.length) } });
  }
  if (path === "/endless.csv") {
    // Never ends, and announces no length.
    const chunk = new Uint8Array(65536).fill(65);
    return new Response(new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(chunk) }));
  }
  if (path === "/announces.csv") {
    // Announces a gigabyte.
    const body = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(good.slice(0, 10)) });
    return new Response(body, { headers: { "content-length": String(2 ** 30) } });
  }
  if (path === "/trickle.csv") {
    // A byte every 20 ms, forever: never stalled, never done.
    return new Response(
      new ReadableStream<Uint8Array>({
        pull: (c) =>
          new Promise<void>((r) =>
            setTimeout(() => {
              try {
                c.enqueue(good.slice(0, 1));
              } catch {
                // The client went away.
              }
              r();
            }, 20)
          ),
      }),
    );
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
        retryDelay: 5,
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

Deno.test("a name that reaches outside the cache is refused before any file is touched", async () => {
  const root = await Deno.makeTempDir();
  const cache = `${root}/cache`;
  await Deno.mkdir(cache);
  await Deno.writeTextFile(`${root}/victim.csv`, "keep me");
  for (const name of ["../victim.csv", "a/b.csv", "..", ".", "", ".hidden", "x\\y"]) {
    let error: unknown;
    try {
      await fetchDataset({ name, url: `${base}/good.csv`, sha256: goodHash }, { cache });
    } catch (e) {
      error = e;
    }
    assert(error instanceof RangeError && error.message.includes("fetchDataset"), String(error));
  }
  assertEquals(await Deno.readTextFile(`${root}/victim.csv`), "keep me");
  assertEquals(await cacheFiles(cache), []);
});

Deno.test("a gzip-encoded response is accepted; the checksum vouches for it", async () => {
  const cache = await Deno.makeTempDir();
  const file = { name: "good.csv", url: `${base}/gzipped.csv`, sha256: goodHash };
  assertEquals(await Deno.readFile(await fetchDataset(file, { cache })), good);
});

Deno.test("a dropped connection is tried again with backoff; retries: 0 gives up at once", async () => {
  const file = { name: "f.csv", url: `${base}/flaky.csv`, sha256: goodHash };
  flaky = 0;
  const start = performance.now();
  const path = await fetchDataset(file, { cache: await Deno.makeTempDir(), retryDelay: 20 });
  assertEquals(await Deno.readFile(path), good);
  assertEquals(flaky, 3, "two dropped, the third served");
  assert(performance.now() - start >= 20 + 40, "waits 20 ms, then 40 ms");
  flaky = 0;
  let error: unknown;
  try {
    await fetchDataset(file, { cache: await Deno.makeTempDir(), retries: 0 });
  } catch (e) {
    error = e;
  }
  assert(KnapErrorLike(error, "truncated") && flaky === 1, `${String(error)}, ${flaky} requests`);
});

Deno.test("a stalled download ends with a KnapError and leaves nothing behind", async () => {
  const cache = await Deno.makeTempDir();
  let error: unknown;
  try {
    await fetchDataset({ name: "s.csv", url: `${base}/stalls.csv`, sha256: goodHash }, {
      cache,
      stallTimeout: 300,
      retries: 1,
      retryDelay: 5,
    });
  } catch (e) {
    error = e;
  }
  assert(KnapErrorLike(error, "stalled"), String(error));
  assertEquals(await cacheFiles(cache), []);
});

Deno.test("a partial file left by a killed download is cleaned; a fresh one is kept", async () => {
  const cache = await Deno.makeTempDir();
  const stale = `${cache}/.good.csv.abc123.part`, fresh = `${cache}/.good.csv.def456.part`;
  await Deno.writeTextFile(stale, "half");
  await Deno.writeTextFile(fresh, "half");
  const old = new Date(Date.now() - 3_600_000);
  await Deno.utime(stale, old, old);
  const file = { name: "good.csv", url: `${base}/good.csv`, sha256: goodHash };
  await fetchDataset(file, { cache });
  assertEquals(await cacheFiles(cache), [".good.csv.def456.part", "good.csv"]);
});

Deno.test("an error thrown by onProgress reaches the caller as it is", async () => {
  const cache = await Deno.makeTempDir();
  const mine = new Error("the caller's own");
  let error: unknown;
  try {
    await fetchDataset({ name: "good.csv", url: `${base}/good.csv`, sha256: goodHash }, {
      cache,
      onProgress: () => {
        throw mine;
      },
    });
  } catch (e) {
    error = e;
  }
  assert(error === mine, `got ${String(error)}`);
  assertEquals(await cacheFiles(cache), []);
});

/** The error a fetch ends with, and how long it took. */
async function failure(file: Parameters<typeof fetchDataset>[0], options: object) {
  const started = performance.now();
  try {
    await fetchDataset(file, options);
  } catch (e) {
    return { error: e, seconds: (performance.now() - started) / 1000 };
  }
  throw new Error(`${file.name}: no error`);
}

Deno.test("an endless body is refused past the file's declared size, or maxBytes", async () => {
  const cache = await Deno.makeTempDir();
  const declared = { name: "e.csv", url: `${base}/endless.csv`, sha256: goodHash, bytes: 4000 };
  const a = await failure(declared, { cache });
  assert(KnapErrorLike(a.error, "too-large"), String(a.error));
  assert(String(a.error).includes("4000"), String(a.error));
  const b = await failure({ ...declared, bytes: undefined }, { cache, maxBytes: 100_000 });
  assert(KnapErrorLike(b.error, "too-large"), String(b.error));
  assert(a.seconds < 5 && b.seconds < 5, `${a.seconds} s, ${b.seconds} s`);
  // An announced length past the declared size is refused before a byte is written.
  const c = await failure({ ...declared, url: `${base}/announces.csv` }, { cache });
  assert(KnapErrorLike(c.error, "too-large"), String(c.error));
  assert(String(c.error).includes("announces 1073741824"), String(c.error));
  assertEquals(await cacheFiles(cache), []);
  // A maxBytes that is not a whole number of bytes is refused.
  const d = await failure(declared, { cache, maxBytes: -1 });
  assert(d.error instanceof RangeError && String(d.error).includes("maxBytes"), String(d.error));
});

Deno.test("a trickle that never stalls ends at the timeout", async () => {
  const cache = await Deno.makeTempDir();
  const file = { name: "t.csv", url: `${base}/trickle.csv`, sha256: goodHash };
  const f = await failure(file, { cache, timeout: 600 });
  assert(KnapErrorLike(f.error, "timeout"), String(f.error));
  assert(f.seconds < 5, `ended after ${f.seconds} s`);
  assertEquals(await cacheFiles(cache), []);
});

Deno.test("a stall limit past setTimeout's 2³¹ ms, or Infinity, lets a healthy download finish", async () => {
  for (const stallTimeout of [2 ** 31, 2 ** 40, Infinity]) {
    const cache = await Deno.makeTempDir();
    const file = { name: "good.csv", url: `${base}/good.csv`, sha256: goodHash };
    const path = await fetchDataset(file, { cache, stallTimeout, timeout: Infinity });
    assertEquals(await Deno.readFile(path), good, `stallTimeout ${stallTimeout}`);
  }
  for (const bad of [0, -1, NaN, "5"]) {
    const cache = await Deno.makeTempDir();
    const f = await failure({ name: "good.csv", url: `${base}/good.csv`, sha256: goodHash }, {
      cache,
      stallTimeout: bad,
    });
    assert(
      f.error instanceof RangeError && String(f.error).includes("stallTimeout"),
      String(f.error),
    );
  }
});

Deno.test("a file larger than the disk holds is refused before it is written", async () => {
  const cache = await Deno.makeTempDir();
  const file = { name: "good.csv", url: `${base}/good.csv`, sha256: goodHash, bytes: 2 ** 60 };
  const f = await failure(file, { cache });
  assert(KnapErrorLike(f.error, "disk-full"), String(f.error));
  assert(String(f.error).includes(cache), String(f.error));
  assertEquals(await cacheFiles(cache), []);
});

Deno.test({
  name: "the local server stops",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await server.shutdown();
  },
});

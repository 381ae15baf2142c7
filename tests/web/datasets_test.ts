import { fetchDatasetFile, fetchImages, registry } from "../../lib/web/mod.ts";
import { md5Hex } from "../../lib/web/md5.ts";
import { createHash } from "node:crypto";
import { KnapError } from "../../mod.ts";
import { assert, assertEquals } from "../conformance/assert.ts";
import { serveSite } from "../../tools/web_serve.ts";

const shared = new URL("../../../shared/data/mnist/", import.meta.url).pathname;
const haveMnist = await Deno.stat(shared + "t10k-labels-idx1-ubyte.gz").then(
  () => true,
  () => false,
);

Deno.test("md5Hex equals node:crypto's MD5 at every padding boundary", () => {
  for (const n of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 65_537]) {
    const b = new Uint8Array(n).map((_, i) => (i * 7919 + 13) & 255);
    assertEquals(md5Hex(b), createHash("md5").update(b).digest("hex"), `${n} bytes`);
  }
});

Deno.test("fetchDatasetFile checks the published checksum, caches, and refuses a wrong file", async () => {
  const dir = await Deno.makeTempDir();
  const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]);
  await Deno.writeFile(`${dir}/labels.idx`, labels);
  const hex = createHash("sha256").update(labels).digest("hex");
  let served = 0;
  const inner = serveSite([["/", dir]]);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    served++;
    return fetch(new URL(new URL(req.url).pathname, `http://127.0.0.1:${inner.addr.port}`));
  });
  const base = `http://127.0.0.1:${server.addr.port}/`;
  try {
    await caches.delete("knap-datasets");
    const file = { name: "labels.idx", url: "unused", sha256: hex };
    const seen: number[] = [];
    const got = await fetchDatasetFile(file, base, { onProgress: (_, r) => seen.push(r) });
    assertEquals([...got], [...labels]);
    assertEquals(seen.at(-1), labels.length, "progress reaches the whole file");
    await fetchDatasetFile(file, base);
    assertEquals(served, 1, "the second fetch comes from the cache");
    const md5 = { name: "labels.idx", url: "unused", md5: md5Hex(labels) };
    assertEquals((await fetchDatasetFile(md5, base, { cache: false })).length, labels.length);
    let refused: unknown;
    try {
      await fetchDatasetFile({ ...file, name: "labels.idx", sha256: "00" + hex.slice(2) }, base);
    } catch (e) {
      refused = e;
    }
    assert(refused instanceof KnapError && refused.message.includes(hex), String(refused));
    let missing: unknown;
    try {
      await fetchDatasetFile({ ...file, name: "nothing.idx" }, base, { cache: false });
    } catch (e) {
      missing = e;
    }
    assert(missing instanceof KnapError && missing.message.includes("404"), String(missing));
  } finally {
    await caches.delete("knap-datasets");
    await server.shutdown();
    await inner.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "fetchImages decodes MNIST's test split fetched over HTTP, checked against the registry (needs ../shared/data/mnist)",
  ignore: !haveMnist,
  async fn() {
    const server = serveSite([["/", shared]]);
    try {
      const test = await fetchImages(
        registry.mnist,
        "test",
        `http://127.0.0.1:${server.addr.port}/`,
        {
          cache: false,
        },
      );
      assertEquals([test.count, test.rows, test.cols], [10000, 28, 28]);
      assertEquals([...test.labels.subarray(0, 5)], [7, 2, 1, 0, 4]);
    } finally {
      await server.shutdown();
    }
  },
});

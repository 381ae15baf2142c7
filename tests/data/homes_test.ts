/**
 * The data sets from their homes, served here by a local server: Boston housing and MNIST
 * download with progress, land verified in the cache and are reused; a wrong file is refused;
 * local copies are taken by content (Debian's Fashion-MNIST too); and IMDB read from an
 * aclImdb archive gives the rows of the book's CSV, in its order.
 */
import { assert, assertEquals } from "../conformance/assert.ts";
import { KnapError, nativeAvailability, nativeBfloat16, toArray, transfer } from "../../mod.ts";
import {
  bostonHousing,
  fashionMnist,
  imdb,
  loadImdb,
  mnist,
  readCsv,
  reviews,
} from "../../lib/data/mod.ts";
import { sharedData } from "./_helpers.ts";

const shared = {
  boston: await sharedData("BostonHousing.csv"),
  mnist: await sharedData("mnist/t10k-labels-idx1-ubyte.gz"),
  imdb: await sharedData("imdb_master.csv.gz"),
};
const requests: string[] = [];
let serve: (path: string) => Promise<Uint8Array<ArrayBuffer> | undefined> = () =>
  Promise.resolve(undefined);
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
  const path = new URL(req.url).pathname;
  requests.push(path);
  const body = await serve(path);
  return body === undefined ? new Response("missing", { status: 404 }) : new Response(body);
});
const base = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;

Deno.test({
  name: shared.boston
    ? "Boston housing downloads once with progress, verified, then comes from the cache"
    : "Boston download skipped: ../shared/data/BostonHousing.csv is absent",
  ignore: shared.boston === undefined,
  async fn() {
    const cache = await Deno.makeTempDir(), empty = await Deno.makeTempDir();
    const bytes = await Deno.readFile(shared.boston!);
    serve = (p) => Promise.resolve(p === "/BostonHousing.csv" ? bytes : undefined);
    requests.length = 0;
    const seen: number[] = [];
    const options = { cache, data: empty, baseUrl: base, onProgress: (r: number) => seen.push(r) };
    const b = await bostonHousing(options);
    assertEquals([b.count, b.features.length, b.y[0]], [506, 13, 24]);
    assertEquals(seen.at(-1), 35735, "progress reached the whole file");
    await bostonHousing(options);
    assertEquals(requests, ["/BostonHousing.csv"], "the second call used the cache");
    const wrong = bytes.slice();
    wrong[100] ^= 1;
    serve = () => Promise.resolve(wrong);
    let error: unknown;
    try {
      await bostonHousing({ cache: await Deno.makeTempDir(), data: empty, baseUrl: base });
    } catch (e) {
      error = e;
    }
    assert(error instanceof KnapError && error.code === "checksum", String(error));
  },
});

Deno.test("a data set neither in the given folder nor downloadable says where knap looked and what a folder must hold", async () => {
  const cache = await Deno.makeTempDir(), empty = await Deno.makeTempDir();
  serve = () => Promise.resolve(undefined);
  for (
    const [load, holds] of [
      [() => bostonHousing({ cache, data: empty, baseUrl: base }), "BostonHousing.csv"],
      [() => mnist({ cache, data: empty, baseUrl: base }), "train-images-idx3-ubyte.gz, "],
    ] as const
  ) {
    let error: unknown;
    try {
      await load();
    } catch (e) {
      error = e;
    }
    const m = String(error);
    assert(error instanceof KnapError && error.code === "http-404", m);
    assert(m.includes(`${empty} has no`) && m.includes(`must hold ${holds}`), m);
    assert(m.includes(`download ${base}/`) && m.includes("by hand"), m);
  }
});

/** A gzipped IDX file of zeros: n images of 28×28 (rank 3), or n labels. */
async function idx(n: number, images: boolean): Promise<Uint8Array> {
  const header = images ? 16 : 8;
  const bytes = new Uint8Array(header + n * (images ? 784 : 1));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, images ? 0x803 : 0x801);
  view.setUint32(4, n);
  if (images) view.setUint32(8, 28), view.setUint32(12, 28);
  const gz = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(gz).arrayBuffer());
}

Deno.test({
  name: shared.mnist
    ? "MNIST: the published files download verified; a local file is taken by its content"
    : "MNIST download skipped: ../shared/data/mnist is absent",
  ignore: shared.mnist === undefined,
  async fn() {
    // The shared folder lacks the training images: a local stand-in of the right shape serves,
    // and the three published files come from the server, checked against their SHA-256.
    const dir = shared.mnist!.replace(/\/[^/]+$/, "");
    const local = await Deno.makeTempDir(), cache = await Deno.makeTempDir();
    await Deno.writeFile(`${local}/train-images-idx3-ubyte.gz`, await idx(60000, true));
    serve = async (p) => await Deno.readFile(`${dir}${p}`).catch(() => undefined);
    requests.length = 0;
    const m = await mnist({ data: local, cache, baseUrl: base });
    assertEquals([m.train.count, m.test.count, m.test.rows, m.test.cols], [60000, 10000, 28, 28]);
    assertEquals(Array.from(m.test.labels.slice(0, 5)), [7, 2, 1, 0, 4]);
    assertEquals(requests.length, 3, "three files downloaded, one taken locally");
  },
});

Deno.test("a local MNIST-shaped folder is checked by content: a short file is refused", async () => {
  const local = await Deno.makeTempDir();
  await Deno.writeFile(`${local}/train-images-idx3-ubyte.gz`, await idx(60000, true));
  await Deno.writeFile(`${local}/train-labels-idx1-ubyte.gz`, await idx(60000, false));
  await Deno.writeFile(`${local}/t10k-images-idx3-ubyte.gz`, await idx(10000, true));
  await Deno.writeFile(`${local}/t10k-labels-idx1-ubyte.gz`, await idx(9999, false));
  let error: unknown;
  try {
    await fashionMnist({ data: local, baseUrl: base });
  } catch (e) {
    error = e;
  }
  assert(error instanceof KnapError && /not 10000/.test(error.message), String(error));
});

const debian = "/usr/share/datasets/fashion-mnist";
const hasDebian = await Deno.stat(`${debian}/t10k-labels-idx1-ubyte.gz`).then(
  () => true,
  () => false,
);
Deno.test({
  name: hasDebian
    ? "Fashion-MNIST comes from Debian's dataset-fashion-mnist, checked by content"
    : "Fashion-MNIST from Debian skipped: dataset-fashion-mnist is not installed",
  ignore: !hasDebian,
  async fn() {
    const f = await fashionMnist({ baseUrl: base, cache: await Deno.makeTempDir() });
    assertEquals([f.train.count, f.test.count], [60000, 10000]);
    assertEquals(Array.from(f.train.labels.slice(0, 10)), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
  },
});

/**
 * A .tar.gz in aclImdb's layout of the given reviews, files named as the archive names them,
 * written by the system's GNU tar as the real archive was.
 */
async function archive(
  rows: { type: string; label: string; file: string; text: string }[],
): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir();
  const files = new Map<string, string>([["aclImdb/README", "not a review"]]);
  // The archive's own order is not the book's: write them backwards.
  for (const r of [...rows].reverse()) files.set(`aclImdb/${r.type}/${r.label}/${r.file}`, r.text);
  files.set("aclImdb/train/unsup/0_0.txt", "unlabeled");
  for (const [name, text] of files) {
    await Deno.mkdir(`${dir}/${name.slice(0, name.lastIndexOf("/"))}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/${name}`, text);
  }
  await Deno.writeTextFile(`${dir}/list`, [...files.keys()].join("\n"));
  const tar = await new Deno.Command("tar", {
    args: ["-C", dir, "--no-recursion", "-czf", `${dir}/a.tar.gz`, "-T", `${dir}/list`],
  }).output();
  assert(tar.success, new TextDecoder().decode(tar.stderr));
  const bytes = await Deno.readFile(`${dir}/a.tar.gz`);
  await Deno.remove(dir, { recursive: true });
  return bytes;
}

Deno.test("IMDB from an aclImdb archive: the book's CSV rows, in its order", async () => {
  // The first reviews of each group of the book's CSV when it is here, made-up ones otherwise.
  const rows: { type: string; label: string; file: string; text: string }[] = [];
  if (shared.imdb !== undefined) {
    const perGroup = new Map<string, number>();
    for await (const r of readCsv(shared.imdb, { columns: true })) {
      const group = `${r.type}/${r.label}`;
      const k = perGroup.get(group) ?? 0;
      if (k < 6) rows.push({ type: r.type, label: r.label, file: r.file, text: r.review });
      perGroup.set(group, k + 1);
    }
  } else {
    for (const type of ["test", "train"]) {
      for (const label of ["neg", "pos"]) {
        for (const file of ["0_2.txt", "10_1.txt", "2_3.txt"]) {
          rows.push({ type, label, file, text: `${type} ${label} ${file} a film` });
        }
      }
    }
  }
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(`${dir}/aclImdb_v1.tar.gz`, await archive(rows));
  const got = await Array.fromAsync(reviews(`${dir}/aclImdb_v1.tar.gz`));
  assertEquals(got.length, rows.length);
  got.forEach((r, i) => {
    assertEquals(
      [r.type, r.positive, r.text],
      [rows[i].type, rows[i].label === "pos", rows[i].text],
      `row ${i}`,
    );
  });
  // imdb() finds the archive locally and encodes it; with bfloat16 inputs where native runs.
  const factory = nativeAvailability().available ? nativeBfloat16 : undefined;
  if (factory !== undefined) {
    using data = await imdb({ data: dir, words: 50, seed: 1, factory, quiet: true });
    assertEquals([data.train.count, data.test.count, data.train.x.m], [
      rows.length / 2,
      rows.length / 2,
      Math.min(50, data.words.length),
    ]);
    using back = await transfer(data.train.x);
    const plain = await loadImdb(`${dir}/aclImdb_v1.tar.gz`, { words: 50, seed: 1 });
    assertEquals(Array.from(toArray(back)), Array.from(plain.train.x), "the same encoding");
  }
});

Deno.test({
  name: "the local server stops",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await server.shutdown();
  },
});

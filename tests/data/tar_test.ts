/**
 * knap's tar reader against archives the system's GNU tar writes in each of its formats: long
 * names (GNU `L` entries, pax `path` records, ustar's prefix), sizes at and around the block
 * size, empty files, directories and links passed over, and files it is not asked for skipped;
 * a damaged or cut archive is an error, not an empty list.
 */
import { assert, assertEquals } from "../conformance/assert.ts";
import { tarFiles } from "../../lib/data/tar.ts";

const deep = `d/${"long-folder-name/".repeat(7)}file-with-a-long-name.txt`; // 150 bytes
const files = new Map<string, Uint8Array>([
  ["a.txt", new TextEncoder().encode("α and ω")],
  ["empty.txt", new Uint8Array(0)],
  ["block.bin", Uint8Array.from({ length: 512 }, (_, i) => i % 251)],
  ["over.bin", Uint8Array.from({ length: 513 }, (_, i) => (i * 7) % 256)],
  ["big.bin", Uint8Array.from({ length: 70_001 }, (_, i) => (i * 13) % 256)],
  [deep, new TextEncoder().encode("deep")],
]);

/** An archive of `files` (and a directory and a link) written by tar in `format`. */
async function written(format: string, gzip: boolean): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir();
  for (const [name, bytes] of files) {
    await Deno.mkdir(`${dir}/${name.slice(0, name.lastIndexOf("/") + 1) || "."}`, {
      recursive: true,
    });
    await Deno.writeFile(`${dir}/${name}`, bytes);
  }
  await Deno.symlink("a.txt", `${dir}/link.txt`);
  const out = await Deno.makeTempFile({ suffix: ".tar" });
  const list = ["a.txt", "empty.txt", "block.bin", "link.txt", "over.bin", "d", "big.bin"];
  const tar = await new Deno.Command("tar", {
    args: ["-C", dir, `--format=${format}`, gzip ? "-czf" : "-cf", out, ...list],
  }).output();
  assert(tar.success, new TextDecoder().decode(tar.stderr));
  const bytes = await Deno.readFile(out);
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(out);
  return bytes;
}

/** A stream of `bytes` in chunks of `size`, to cross every boundary the reader meets. */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array<ArrayBuffer>> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at += size));
    },
  });
}

for (const format of ["gnu", "pax", "ustar"]) {
  Deno.test(`tar: GNU tar's ${format} format, every file whole, in any chunking`, async () => {
    const archive = await written(format, false);
    for (const size of [1, 100, 512, 4096, archive.length]) {
      const got = new Map<string, Uint8Array>();
      for await (const f of tarFiles(chunked(archive, size), () => true)) got.set(f.name, f.bytes);
      assertEquals([...got.keys()].sort(), [...files.keys()].sort(), `chunks of ${size}`);
      for (const [name, bytes] of files) assertEquals(got.get(name), bytes, `${name}, ${size}`);
    }
  });
}

Deno.test("tar: gzip through DecompressionStream, and only the files asked for", async () => {
  const archive = await written("gnu", true);
  const stream = chunked(archive, 1000).pipeThrough(new DecompressionStream("gzip"));
  const names: string[] = [];
  for await (const f of tarFiles(stream, (n) => n.endsWith(".bin"))) names.push(f.name);
  assertEquals(names, ["block.bin", "over.bin", "big.bin"]);
});

Deno.test("tar: a damaged header or a cut archive is an error", async () => {
  const archive = await written("gnu", false);
  const read = (bytes: Uint8Array) => Array.fromAsync(tarFiles(chunked(bytes, 300), () => true));
  const damaged = archive.slice();
  damaged[512 * 2 + 3] ^= 1; // inside the second header (after a.txt's header and block)
  const errors = [
    [damaged, /header 1 has a wrong checksum/],
    [archive.slice(0, 512 + 100), /ends inside a\.txt/],
    [archive.slice(0, 300), /ends inside a header/],
    [new TextEncoder().encode("name,value\n".repeat(100)), /wrong checksum/],
    [new Uint8Array(0), /ends inside a header/],
  ] as const;
  for (const [bytes, message] of errors) {
    let error: unknown;
    try {
      await read(bytes);
    } catch (e) {
      error = e;
    }
    assert(error instanceof TypeError && message.test(error.message), `${error}, ${message}`);
  }
});

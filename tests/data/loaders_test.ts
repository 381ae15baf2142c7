/**
 * The loaders read paths as paths, close their files however reading ends, and refuse a file
 * that is not the data set they load, naming the file, the row and the column.
 */
import { assert, assertEquals } from "../conformance/assert.ts";
import process from "node:process";
import { KnapError } from "../../mod.ts";
import { loadBoston, loadImdb, readCsv, reviews } from "../../lib/data/mod.ts";

async function fails(run: () => Promise<unknown>, ...fragments: string[]): Promise<void> {
  try {
    await run();
  } catch (e) {
    assert(e instanceof KnapError && e.code === "bad-data", `got ${String(e)}`);
    for (const f of fragments) assert(e.message.includes(f), `"${e.message}" lacks "${f}"`);
    return;
  }
  throw new Error("the wrong file was accepted");
}

Deno.test("readCsv takes a path as a path: % and # are characters of the name", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a%41.csv`, "x\n1\n");
  await Deno.writeTextFile(`${dir}/A.csv`, "x\n2\n");
  await Deno.writeTextFile(`${dir}/b#c.csv`, "x\n3\n");
  assertEquals(await Array.fromAsync(readCsv(`${dir}/a%41.csv`)), [["x"], ["1"]]);
  assertEquals(await Array.fromAsync(readCsv(`${dir}/b#c.csv`)), [["x"], ["3"]]);
});

Deno.test("readCsv of a long file read slowly leaves no listeners behind (no Node warning)", async () => {
  const warnings: string[] = [];
  const heard = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on("warning", heard);
  try {
    // Small chunks and a reader that yields to the event loop on every record: the parser's
    // buffer fills and drains hundreds of times.
    const text = new TextEncoder().encode("a,b\n" + "12345,67890\n".repeat(60_000));
    let at = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(c) {
        if (at >= text.length) return c.close();
        c.enqueue(text.slice(at, at += 4096));
      },
    });
    let rows = 0;
    for await (const _ of readCsv(source)) {
      if (++rows % 64 === 0) await new Promise((r) => setTimeout(r, 0));
    }
    assertEquals(rows, 60_001);
    await new Promise((r) => setTimeout(r, 10)); // Node emits warnings on a later tick
  } finally {
    process.off("warning", heard);
  }
  assertEquals(warnings, []);
});

// The test sanitizer fails a test that leaves a file open.
Deno.test("readCsv closes its file on an early break and on a parse error", async () => {
  const dir = await Deno.makeTempDir();
  const long = `${dir}/long.csv`;
  await Deno.writeTextFile(long, "a,b\n" + "1,2\n".repeat(200_000));
  for await (const _ of readCsv(long)) break;
  const broken = `${dir}/broken.csv`;
  await Deno.writeTextFile(broken, "a,b\n1,2\n3\n" + "4,5\n".repeat(100_000));
  let error: unknown;
  try {
    for await (const _ of readCsv(broken)) { /* reads until the short row */ }
  } catch (e) {
    error = e;
  }
  assert(error instanceof Error, "a row with too few fields is an error");
});

Deno.test("loadBoston refuses empty, NA and foreign files, naming file, row and column", async () => {
  const dir = await Deno.makeTempDir();
  const write = async (name: string, text: string) => {
    await Deno.writeTextFile(`${dir}/${name}`, text);
    return `${dir}/${name}`;
  };
  await fails(
    async () => loadBoston(await write("empty.csv", "crim,rm,medv\n0.1,,24\n")),
    "empty.csv",
    "row 2",
    "column rm",
  );
  await fails(
    async () => loadBoston(await write("na.csv", "crim,rm,medv\n0.1,6,24\n0.2,NA,21\n")),
    "row 3",
    "column rm",
    '"NA"',
  );
  await fails(
    async () =>
      loadBoston(await write("imdb.csv", ',type,review,label,file\n0,test,"fine",neg,0_2.txt\n')),
    "imdb.csv",
    "medv",
  );
  const ok = await loadBoston(await write("ok.csv", "crim,rm,medv\n0.1,6.5,24\n"));
  assertEquals([ok.count, ok.y[0]], [1, 24]);
});

Deno.test("loadImdb and reviews refuse a file without reviews or with unknown labels", async () => {
  const dir = await Deno.makeTempDir();
  const boston = `${dir}/boston.csv`;
  await Deno.writeTextFile(boston, "crim,rm,medv\n0.1,6.5,24\n");
  await fails(() => loadImdb(boston), "boston.csv", "type, review, label");
  const odd = `${dir}/odd.csv`;
  await Deno.writeTextFile(odd, ',type,review,label,file\n0,test,"a film",good,0_2.txt\n');
  await fails(() => Array.fromAsync(reviews(odd)), "row 2", "label", '"good"');
  const none = `${dir}/none.csv`;
  await Deno.writeTextFile(none, ",type,review,label,file\n");
  await fails(() => loadImdb(none), "no reviews");
});

/**
 * The book's data sets from ../shared/data: the facts the book prints about IMDB's first 100
 * reviews, the encoding and its decoder, and Boston housing's normalization. Skipped, with the
 * reason, when the shared data is absent.
 */
import { assert, assertEquals } from "../conformance/assert.ts";
import {
  decodeMultiHot,
  loadBoston,
  multiHot,
  normalize_,
  readCsv,
  reviews,
  scaling,
  topWords,
  vocabulary,
  wordFrequencies,
} from "../../lib/data/mod.ts";
import { sharedData } from "./_helpers.ts";

const imdb = await sharedData("imdb_master.csv.gz");
const boston = await sharedData("boston-housing.csv");

Deno.test({
  name: imdb
    ? "IMDB: the first 100 reviews hold the book's word counts"
    : "IMDB skipped: ../shared/data/imdb_master.csv.gz is absent",
  ignore: imdb === undefined,
  async fn() {
    const first: string[] = [];
    for await (const r of reviews(imdb!)) {
      first.push(r.text);
      if (first.length === 100) break;
    }
    const f = wordFrequencies(first);
    assertEquals(f.size, 5978);
    assertEquals(f.get("is"), 327);
    const top = topWords(f, 10);
    assertEquals(top, ["the", "a", "of", "and", "to", "is", "in", "I", "this", "that"]);
    assertEquals(top.map((w) => f.get(w)), [1060, 561, 521, 520, 488, 327, 308, 235, 227, 223]);
    // Encoding and decoding a review with this vocabulary.
    const words = topWords(f, 1000);
    const encoded = multiHot(first[0], vocabulary(words), new Float32Array(words.length));
    const decoded = decodeMultiHot(encoded, words);
    const inReview = new Set(first[0].split(" ").filter((w) => words.includes(w)));
    assertEquals(decoded.sort(), [...inReview].sort());
  },
});

Deno.test({
  name: imdb
    ? "IMDB: 50000 labeled reviews, 12500 of each kind in each split"
    : "IMDB count skipped: shared data absent",
  ignore: imdb === undefined,
  async fn() {
    const counts = new Map<string, number>();
    for await (const r of reviews(imdb!)) {
      const key = `${r.type} ${r.positive ? "pos" : "neg"}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assertEquals([...counts].sort(), [["test neg", 12500], ["test pos", 12500], [
      "train neg",
      12500,
    ], ["train pos", 12500]]);
  },
});

Deno.test({
  name: boston
    ? "Boston housing: 506 houses, 13 features; normalization centers and scales them"
    : "Boston skipped: shared data absent",
  ignore: boston === undefined,
  async fn() {
    const b = await loadBoston(boston!);
    assertEquals([b.count, b.features.length, b.features[5]], [506, 13, "rm"]);
    assert(Math.abs(b.y.reduce((a, v) => a + v, 0) / 506 - 22.5328) < 1e-4, "mean MEDV");
    const s = scaling(b.x, 13);
    assert(
      Math.abs(s.mean[5] - 6.2846) < 1e-4 && Math.abs(s.mean[9] - 408.2372) < 1e-4,
      "feature means",
    );
    normalize_(b.x, s);
    const after = scaling(b.x, 13);
    assert(after.mean.every((m) => Math.abs(m) < 1e-9), "centered");
    assert(after.deviation.every((d) => Math.abs(d - 1) < 1e-9), "unit deviation");
  },
});

Deno.test("readCsv streams quoted fields, embedded newlines and gzip", async () => {
  const text = 'a,b\n1,"x, y"\n2,"two\nlines"\n';
  assertEquals(await Array.fromAsync(readCsv(new Blob([text]).stream(), { skip: 1 })), [[
    "1",
    "x, y",
  ], ["2", "two\nlines"]]);
  const path = await Deno.makeTempFile({ suffix: ".csv.gz" });
  const gz = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  await Deno.writeFile(path, gz);
  const rows = await Array.fromAsync(readCsv(path, { columns: true }));
  assertEquals(rows.map((r) => r.b), ["x, y", "two\nlines"]);
});

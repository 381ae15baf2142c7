/**
 * The IMDB sentiment data set in the book's `imdb_master.csv` layout (`,type,review,label,file`;
 * type "train" or "test", label "pos" or "neg"), encoded as the book does: the most frequent
 * words form the vocabulary, each review becomes a multi-hot column, labels 0 (neg) and 1
 * (pos), and each split is shuffled.
 *
 * @module
 */

import { readCsv } from "./csv.ts";
import { KnapError } from "../core/errors.ts";
import { multiHot, topWords, vocabulary, wordFrequencies } from "./text.ts";
import { mulberry32, shuffle } from "../core/seeded.ts";
import { seed as checkSeed } from "../core/checks.ts";

/** One labeled review. */
export interface Review {
  /** Which split the file puts it in. */
  readonly type: "train" | "test";
  /** The review's text, unchanged. */
  readonly text: string;
  /** Its label: true for "pos". */
  readonly positive: boolean;
}

/**
 * The labeled reviews of an imdb_master.csv (or .csv.gz), streamed; unlabeled rows are skipped.
 *
 * @example
 * ```ts ignore
 * import { reviews } from "@knap/knap/data";
 * for await (const r of reviews("imdb_master.csv.gz")) console.log(r.type, r.positive);
 * ```
 */
export async function* reviews(path: string | URL): AsyncIterable<Review> {
  const file = String(path);
  let row = 1;
  for await (const r of readCsv(path, { columns: true })) {
    row++;
    if (row === 2) {
      const missing = ["type", "review", "label"].filter((c) => !(c in r));
      if (missing.length > 0) {
        throw new KnapError(
          `reviews: ${file} is not in the imdb_master.csv layout (,type,review,label,file): ` +
            `it has no ${missing.join(", ")} column`,
          "bad-data",
        );
      }
    }
    const label = r.label;
    if (label === "unsup") continue; // the unlabeled reviews some copies carry
    if (label !== "pos" && label !== "neg") throw bad(file, row, "label", label);
    if (r.type !== "train" && r.type !== "test") throw bad(file, row, "type", r.type);
    yield { type: r.type, text: r.review, positive: label === "pos" };
  }
  if (row === 1) throw new KnapError(`reviews: ${file} holds no reviews`, "bad-data");
}

function bad(file: string, row: number, column: string, value: string): KnapError {
  return new KnapError(
    `reviews: ${file}, row ${row}, column ${column}: ${JSON.stringify(value)} is not one of ${
      column === "label" ? "pos, neg, unsup" : "train, test"
    }`,
    "bad-data",
  );
}

/** One split, encoded: x is vocabulary × n (one review per column, column-major), y is 1 × n. */
export interface EncodedSplit {
  /** vocabulary × n multi-hot columns. */
  readonly x: Float32Array;
  /** The labels, 0 or 1. */
  readonly y: Float32Array;
  /** n, the number of reviews. */
  readonly count: number;
}

/** The encoded data set. */
export interface Imdb {
  /** The vocabulary, most frequent word first. */
  readonly words: readonly string[];
  /** The training split, shuffled. */
  readonly train: EncodedSplit;
  /** The test split, shuffled. */
  readonly test: EncodedSplit;
}

/** Options of {@linkcode loadImdb}. */
export interface ImdbOptions {
  /** Vocabulary size (default 10000). */
  readonly words?: number;
  /** Seed for the shuffles of both splits. */
  readonly seed?: number;
}

function shuffled<T>(items: T[], seed: number): T[] {
  return shuffle(items, mulberry32(seed));
}

function encode(items: Review[], vocab: ReadonlyMap<string, number>): EncodedSplit {
  const n = items.length, v = vocab.size;
  const x = new Float32Array(n * v), y = new Float32Array(n);
  items.forEach((r, j) => {
    multiHot(r.text, vocab, x, j * v);
    y[j] = r.positive ? 1 : 0;
  });
  return { x, y, count: n };
}

/**
 * Reads, counts, encodes and shuffles the data set: the vocabulary comes from all labeled
 * reviews, the splits from the file's type column.
 *
 * @example
 * ```ts ignore
 * import { loadImdb } from "@knap/knap/data";
 * const imdb = await loadImdb("imdb_master.csv.gz", { words: 10000, seed: 1 });
 * console.log(imdb.train.count, imdb.words.slice(0, 10));
 * ```
 */
export async function loadImdb(path: string | URL, options: ImdbOptions = {}): Promise<Imdb> {
  if (options.seed !== undefined) checkSeed("loadImdb", options.seed);
  const size = options.words ?? 10000;
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`loadImdb: words must be a positive integer, got ${size}`);
  }
  const all: Review[] = [];
  for await (const r of reviews(path)) all.push(r);
  const frequencies = wordFrequencies(all.map((r) => r.text));
  const words = topWords(frequencies, size);
  const vocab = vocabulary(words);
  const seed = options.seed ?? 1;
  return {
    words,
    train: encode(shuffled(all.filter((r) => r.type === "train"), seed), vocab),
    test: encode(shuffled(all.filter((r) => r.type === "test"), seed + 1), vocab),
  };
}

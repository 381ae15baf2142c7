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
import { archiveReviews, folderReviews, type Review } from "./aclimdb.ts";

export type { Review };
import { ProgressBar } from "../core/progress.ts";
import type { Factory } from "../core/factory.ts";
import type { GEMatrix } from "../core/structures.ts";
import type { DType, Loc } from "../core/types.ts";
import { ge } from "../core/construct.ts";
import { submatrix } from "../core/views.ts";
import { transfer_ } from "../access.ts";
import { hostFactory } from "../engines/registry.ts";

/**
 * The labeled reviews of an IMDB source, in the book's order: the book's imdb_master.csv (or
 * .csv.gz; unlabeled rows are skipped), Stanford's aclImdb_v1.tar.gz archive, or the folder it
 * was extracted to. `onProgress` hears the bytes read of a file, for a progress display.
 *
 * @example
 * ```ts ignore
 * import { reviews } from "@knap/knap/data";
 * for await (const r of reviews("aclImdb_v1.tar.gz")) console.log(r.type, r.positive);
 * ```
 */
export async function* reviews(
  path: string | URL,
  onProgress?: (read: number, size: number | undefined) => void,
): AsyncIterable<Review> {
  const file = path instanceof URL ? path.pathname : path;
  if (/\.(tar\.gz|tgz)$/.test(file)) return yield* archiveReviews(file, onProgress);
  if ((await Deno.stat(file).catch(() => undefined))?.isDirectory) {
    return yield* folderReviews(file);
  }
  let row = 1;
  for await (const r of readCsv(path, { columns: true, onProgress })) {
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
  /** No progress bars (they are drawn only on a terminal anyway). */
  readonly quiet?: boolean;
}

/** One split encoded into a factory's structures: x is words × n, y is 1 × n. */
export interface ImdbSplit<L extends Loc = Loc, D extends DType = DType> {
  /** words × n multi-hot columns, one review each. */
  readonly x: GEMatrix<L, D>;
  /** The labels, 0 or 1, on x's factory — or, for bfloat16 inputs, on the one that computes with them. */
  readonly y: GEMatrix<L>;
  /** n, the number of reviews. */
  readonly count: number;
}

/** The data set encoded into structures: train them, and release them when done. */
export interface ImdbData<L extends Loc = Loc, D extends DType = DType> extends Disposable {
  /** The vocabulary, most frequent word first. */
  readonly words: readonly string[];
  /** The training split, shuffled. */
  readonly train: ImdbSplit<L, D>;
  /** The test split, shuffled. */
  readonly test: ImdbSplit<L, D>;
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

/** Reviews encoded at a time into a host block, then moved into the structure. */
const BLOCK = 256;

/**
 * Encodes reviews straight into a new words × n matrix on `factory` — a block of columns at a
 * time through one small host buffer, so the whole data set is never held twice.
 */
function encodeInto<L extends Loc, D extends DType>(
  items: Review[],
  vocab: ReadonlyMap<string, number>,
  factory: Factory<L, D>,
  bar: ProgressBar,
  done: number,
): ImdbSplit<L, D> {
  const n = items.length, v = vocab.size;
  const x = ge(factory, v, n);
  const labels = factory.productFactory ?? factory;
  const y = ge(labels, 1, n, items.map((r) => (r.positive ? 1 : 0)));
  using block = ge(hostFactory("float32"), v, Math.min(BLOCK, Math.max(n, 1)));
  const host = block.storage.buffer as Float32Array;
  try {
    for (let j0 = 0; j0 < n; j0 += BLOCK) {
      const b = Math.min(BLOCK, n - j0);
      for (let j = 0; j < b; j++) multiHot(items[j0 + j].text, vocab, host, j * v);
      transfer_(submatrix(block, 0, 0, v, b), submatrix(x, 0, j0, v, b));
      bar.update(done + j0 + b);
    }
  } catch (e) {
    x[Symbol.dispose]();
    y[Symbol.dispose]();
    throw e;
  }
  return { x, y, count: n };
}

/**
 * Reads, counts, encodes and shuffles the data set: the vocabulary comes from all labeled
 * reviews, the splits from their type (train or test). The source is the book's
 * imdb_master.csv(.gz), Stanford's aclImdb_v1.tar.gz, or its extracted folder. Given a
 * `factory`, the reviews are encoded straight into its structures (GE matrices, words × n) —
 * `nativeBfloat16` holds the 0/1 inputs in half the memory — and nothing else of that size is
 * kept; without one, into Float32Arrays.
 *
 * @example
 * ```ts ignore
 * import { nativeFloat } from "@knap/knap";
 * import { loadImdb } from "@knap/knap/data";
 * using imdb = await loadImdb("aclImdb_v1.tar.gz", { words: 10000, seed: 1, factory: nativeFloat });
 * console.log(imdb.train.x.n, imdb.words.slice(0, 10));
 * ```
 */
export function loadImdb(path: string | URL, options?: ImdbOptions): Promise<Imdb>;
/** The form with a factory: the splits encoded into its structures. */
export function loadImdb<L extends Loc, D extends DType>(
  path: string | URL,
  options: ImdbOptions & { readonly factory: Factory<L, D> },
): Promise<ImdbData<L, D>>;
export async function loadImdb(
  path: string | URL,
  options: ImdbOptions & { readonly factory?: Factory } = {},
): Promise<Imdb | ImdbData> {
  if (options.seed !== undefined) checkSeed("loadImdb", options.seed);
  const size = options.words ?? 10000;
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`loadImdb: words must be a positive integer, got ${size}`);
  }
  const reading = new ProgressBar("reading reviews", undefined, "bytes", options.quiet);
  const all: Review[] = [];
  try {
    for await (
      const r of reviews(path, (read, total) => {
        reading.total = total;
        reading.update(read);
      })
    ) all.push(r);
  } finally {
    reading.finish();
  }
  const frequencies = wordFrequencies(all.map((r) => r.text));
  const words = topWords(frequencies, size);
  const vocab = vocabulary(words);
  const seed = options.seed ?? 1;
  const train = shuffled(all.filter((r) => r.type === "train"), seed);
  const test = shuffled(all.filter((r) => r.type === "test"), seed + 1);
  all.length = 0; // the texts go as soon as the splits hold them
  if (options.factory === undefined) {
    return { words, train: encode(train, vocab), test: encode(test, vocab) };
  }
  const encoding = new ProgressBar(
    "encoding",
    train.length + test.length,
    "reviews",
    options.quiet,
  );
  try {
    const tr = encodeInto(train, vocab, options.factory, encoding, 0);
    let te: ImdbSplit;
    try {
      te = encodeInto(test, vocab, options.factory, encoding, train.length);
    } catch (e) {
      tr.x[Symbol.dispose]();
      tr.y[Symbol.dispose]();
      throw e;
    }
    const parts = [tr.x, tr.y, te.x, te.y];
    return {
      words,
      train: tr,
      test: te,
      [Symbol.dispose]: () => parts.forEach((s) => s[Symbol.dispose]()),
    };
  } finally {
    encoding.finish();
  }
}

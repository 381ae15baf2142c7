/**
 * The book's text pipeline for sentiment classification: split reviews into words, count them,
 * keep the most frequent as the vocabulary, and encode each review as a multi-hot vector (1
 * where a vocabulary word occurs, 0 elsewhere) — and back.
 *
 * @module
 */

/** Words of a text, split on single spaces as the book does (punctuation stays attached). */
export function words(text: string): string[] {
  return text.split(" ");
}

/**
 * How often each word occurs across texts.
 *
 * @example
 * ```ts
 * import { wordFrequencies } from "@knap/knap/data";
 * const f = wordFrequencies(["the cat", "the dog"]);
 * if (f.get("the") !== 2 || f.size !== 3) throw new Error("unexpected");
 * ```
 */
export function wordFrequencies(
  texts: Iterable<string>,
  into: Map<string, number> = new Map(),
): Map<string, number> {
  for (const text of texts) {
    for (const w of words(text)) into.set(w, (into.get(w) ?? 0) + 1);
  }
  return into;
}

/**
 * The n most frequent words, most frequent first (ties in first-seen order).
 *
 * @example
 * ```ts
 * import { topWords, wordFrequencies } from "@knap/knap/data";
 * if (topWords(wordFrequencies(["a b b c c c"]), 2).join() !== "c,b") throw new Error();
 * ```
 */
export function topWords(frequencies: Map<string, number>, n: number): string[] {
  return [...frequencies].sort((a, b) => b[1] - a[1]).slice(0, n).map(([w]) => w);
}

/** Word → position in the vocabulary. */
export type Vocabulary = ReadonlyMap<string, number>;

/**
 * A vocabulary index of words.
 *
 * @example
 * ```ts
 * import { vocabulary } from "@knap/knap/data";
 * if (vocabulary(["x", "y"]).get("y") !== 1) throw new Error();
 * ```
 */
export function vocabulary(words: readonly string[]): Vocabulary {
  return new Map(words.map((w, i) => [w, i]));
}

/**
 * Writes the multi-hot encoding of a text into `out` at `offset` (vocabulary-size entries: 1
 * for each vocabulary word the text contains, 0 for the others); returns out.
 *
 * @example
 * ```ts
 * import { multiHot, vocabulary } from "@knap/knap/data";
 * const v = multiHot("the cat the", vocabulary(["the", "dog", "cat"]), new Float32Array(3));
 * if (v.join() !== "1,0,1") throw new Error();
 * ```
 */
export function multiHot<T extends Float32Array | Float64Array>(
  text: string,
  vocab: Vocabulary,
  out: T,
  offset = 0,
): T {
  out.fill(0, offset, offset + vocab.size);
  for (const w of words(text)) {
    const i = vocab.get(w);
    if (i !== undefined) out[offset + i] = 1;
  }
  return out;
}

/**
 * The vocabulary words a multi-hot vector marks, in vocabulary order: the decoder.
 *
 * @example
 * ```ts
 * import { decodeMultiHot } from "@knap/knap/data";
 * if (decodeMultiHot([1, 0, 1], ["the", "dog", "cat"]).join(" ") !== "the cat") throw new Error();
 * ```
 */
export function decodeMultiHot(encoded: ArrayLike<number>, words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) if (encoded[i] >= 0.5) out.push(words[i]);
  return out;
}

/**
 * Data for the book's examples: streamed CSV, verified and cached downloads, the IMDB text
 * pipeline (words, frequencies, vocabulary, multi-hot encoding) and Boston housing with feature
 * normalization.
 *
 * @example
 * ```ts
 * import { multiHot, topWords, vocabulary, wordFrequencies } from "@knap/knap/data";
 * const reviews = ["a great film", "a dull film", "great great cast"];
 * const vocab = vocabulary(topWords(wordFrequencies(reviews), 3));
 * const encoded = multiHot(reviews[0], vocab, new Float32Array(vocab.size));
 * if (encoded.reduce((s, v) => s + v, 0) !== 3) throw new Error("unexpected");
 * ```
 *
 * @module
 */

export { type CsvOptions, type CsvSource, readCsv } from "./csv.ts";
export { cacheDir, type DatasetFile, fetchDataset, type FetchOptions } from "./download.ts";
export { type DatasetSource, registry } from "./registry.ts";
export {
  decodeMultiHot,
  multiHot,
  topWords,
  type Vocabulary,
  vocabulary,
  wordFrequencies,
  words,
} from "./text.ts";
export {
  type EncodedSplit,
  type Imdb,
  type ImdbData,
  type ImdbOptions,
  type ImdbSplit,
  loadImdb,
  type Review,
  reviews,
} from "./imdb.ts";
export {
  bostonHousing,
  type DatasetOptions,
  fashionMnist,
  type ImageDataset,
  type ImageSplit,
  imdb,
  imdbSource,
  mnist,
} from "./datasets.ts";
export { decodeIdx, type IdxArray, readIdx } from "./idx.ts";
export { type Boston, loadBoston, normalize_, type Scaling, scaling } from "./boston.ts";
export {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  type SafeTensor,
  type Safetensors,
  type SafetensorsDType,
  tensorValues,
  writeSafetensors,
} from "./safetensors.ts";
export { imageColumns, imageTensor, oneHot, oneHotTensor } from "./images.ts";

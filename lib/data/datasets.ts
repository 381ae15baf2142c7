/**
 * The book's data sets by name: `bostonHousing()`, `imdb()`, `mnist()`, `fashionMnist()`. Each
 * takes a local copy where one is — the folder `data` names, else `$KNAP_DATA`, else a system
 * package's folder (Debian's `/usr/share/datasets/fashion-mnist`) — checked by its content;
 * otherwise it downloads the files from their homes once into the cache (`$KNAP_CACHE`, else the
 * platform's cache folder), verifies them against their published checksums, and reuses them.
 *
 * @module
 */

import { KnapError } from "../core/errors.ts";
import { envAsk, unreadNote } from "../core/env.ts";
import type { Factory } from "../core/factory.ts";
import type { DType, Loc } from "../core/types.ts";
import { type DatasetFile, fetchDataset, type FetchOptions } from "./download.ts";
import { type DatasetSource, registry } from "./registry.ts";
import { type Boston, loadBoston } from "./boston.ts";
import { type Imdb, type ImdbData, type ImdbOptions, loadImdb } from "./imdb.ts";
import { readIdx } from "./idx.ts";

/** Options of the data-set functions: where local copies are, and how downloads go. */
export interface DatasetOptions extends Omit<FetchOptions, "local"> {
  /** A folder holding the data set's files (default `$KNAP_DATA`). */
  readonly data?: string;
  /** Download from here instead of the data set's home (a mirror, or a test's server). */
  readonly baseUrl?: string;
}

/** Whether a file or a folder is at path (one that cannot be read counts as absent). */
async function present(path: string): Promise<boolean> {
  return await Deno.stat(path).then((s) => s.isFile || s.isDirectory, () => false);
}

/** Whether a plain file is at path. */
async function isFile(path: string): Promise<boolean> {
  return await Deno.stat(path).then((s) => s.isFile, () => false);
}

/**
 * The first of `names` in the local folders, or undefined. `data` may name the file itself: a
 * file of one of `names`, or any file for a data set of one file; other files are refused.
 */
async function local(
  source: DatasetSource,
  names: readonly string[],
  options: DatasetOptions,
): Promise<string | undefined> {
  if (options.data !== undefined && await isFile(options.data)) {
    const base = options.data.split(/[\\/]/).pop()!;
    if (names.includes(base) || source.files.length === 1) return options.data;
    throw new KnapError(
      `${source.name}: { data: "${options.data}" } is a file; give the folder that holds ` +
        `${source.files.map((f) => f.name).join(", ")}`,
      "not-a-folder",
    );
  }
  const dirs = [options.data, envAsk("KNAP_DATA"), ...(source.system ?? [])];
  for (const dir of dirs) {
    if (dir === undefined) continue;
    for (const name of names) {
      if (await present(`${dir}/${name}`)) return `${dir}/${name}`;
    }
  }
  return undefined;
}

/** A file's download address, moved to `baseUrl` when one is given. */
function from(file: DatasetFile, options: DatasetOptions): DatasetFile {
  if (options.baseUrl === undefined) return file;
  return { ...file, url: `${options.baseUrl.replace(/\/$/, "")}/${file.name}` };
}

/** A verified copy of each file: local, cached or downloaded. */
/**
 * The path of a local copy of `file` (under any of `names`), else of a download; a download that
 * fails says where knap looked, what a folder must hold and where the file comes from.
 */
async function localOrFetched(
  source: DatasetSource,
  file: DatasetFile,
  names: readonly string[],
  options: DatasetOptions,
): Promise<string> {
  const found = await local(source, names, options);
  if (found !== undefined) return found;
  const remote = from(file, options);
  try {
    return await fetchDataset(remote, options);
  } catch (e) {
    if (!(e instanceof KnapError) || e.code === "permission") throw e;
    const looked = [options.data, envAsk("KNAP_DATA"), ...(source.system ?? [])]
      .filter((d): d is string => d !== undefined);
    const folders = looked.length === 0
      ? "no folder was given ({ data } or KNAP_DATA)"
      : `${looked.join(", ")} ${looked.length === 1 ? "has" : "have"} no ${names.join(" or ")}`;
    throw new KnapError(
      `${source.name}: ${folders}, and downloading ${file.name} failed (${e.message}). A folder ` +
        `given by { data } or KNAP_DATA must hold ${
          source.files.map((f) => f.name).join(", ")
        }; download ${remote.url} by hand into one${unreadNote(["KNAP_DATA", "KNAP_CACHE"])}`,
      e.code,
    );
  }
}

async function files(source: DatasetSource, options: DatasetOptions): Promise<string[]> {
  const paths: string[] = [];
  for (const file of source.files) {
    paths.push(await localOrFetched(source, file, [file.name], options));
  }
  return paths;
}

/**
 * Boston housing: 506 houses, 13 features and the median value — the public BostonHousing.csv
 * (or a local boston-housing.csv), downloaded once and verified.
 *
 * @example
 * ```ts ignore
 * import { bostonHousing } from "@knap/knap/data";
 * const b = await bostonHousing();
 * console.log(b.count, b.features.join(", "));
 * ```
 */
export async function bostonHousing(options: DatasetOptions = {}): Promise<Boston> {
  const path = await localOrFetched(
    registry.boston,
    registry.boston.files[0],
    ["BostonHousing.csv", "boston-housing.csv"],
    options,
  );
  return await loadBoston(path);
}

/**
 * IMDB's 50,000 labeled reviews, encoded as the book does (see `loadImdb`): from a local copy —
 * the archive, its extracted folder, or the book's imdb_master.csv(.gz) — or from Stanford's
 * aclImdb_v1.tar.gz, downloaded once (84 MB) and read as a stream.
 *
 * @example
 * ```ts ignore
 * import { nativeBfloat16 } from "@knap/knap";
 * import { imdb } from "@knap/knap/data";
 * using data = await imdb({ factory: nativeBfloat16 });
 * console.log(data.train.count, data.words.slice(0, 5));
 * ```
 */
export function imdb(options?: DatasetOptions & ImdbOptions): Promise<Imdb>;
/** The form with a factory: the splits encoded into its structures. */
export function imdb<L extends Loc, D extends DType>(
  options: DatasetOptions & ImdbOptions & { readonly factory: Factory<L, D> },
): Promise<ImdbData<L, D>>;
export async function imdb(
  options: DatasetOptions & ImdbOptions & { readonly factory?: Factory } = {},
): Promise<Imdb | ImdbData> {
  return await loadImdb(await imdbSource(options), options as ImdbOptions & { factory: Factory });
}

/**
 * The path of an IMDB source `reviews` and `loadImdb` read: a local copy (the archive, its
 * folder, or the book's CSV) or the archive, downloaded once and verified.
 *
 * @example
 * ```ts ignore
 * import { imdbSource, reviews } from "@knap/knap/data";
 * for await (const r of reviews(await imdbSource())) { console.log(r.text); break; }
 * ```
 */
export async function imdbSource(options: DatasetOptions = {}): Promise<string> {
  const names = ["aclImdb_v1.tar.gz", "aclImdb", "imdb_master.csv.gz", "imdb_master.csv"];
  return await localOrFetched(registry.imdb, registry.imdb.files[0], names, options);
}

/** One split of an image data set: n images of rows × cols bytes, and their labels. */
export interface ImageSplit {
  /** The pixels, 0–255, image after image, each row by row. */
  readonly images: Uint8Array;
  /** Each image's class, 0–9. */
  readonly labels: Uint8Array;
  /** n, the number of images. */
  readonly count: number;
  /** Rows of an image. */
  readonly rows: number;
  /** Columns of an image. */
  readonly cols: number;
}

/** An image data set: its training and test splits. */
export interface ImageDataset {
  /** 60,000 training images. */
  readonly train: ImageSplit;
  /** 10,000 test images. */
  readonly test: ImageSplit;
}

/** The four IDX files of an MNIST-shaped data set, checked to be what they should. */
async function images(source: DatasetSource, options: DatasetOptions): Promise<ImageDataset> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    (await files(source, options)).map(readIdx),
  );
  const split = (
    what: string,
    im: typeof trainImages,
    lab: typeof trainLabels,
    n: number,
  ): ImageSplit => {
    if (im.dims.length !== 3 || im.dims[0] !== n || lab.dims.length !== 1 || lab.dims[0] !== n) {
      throw new KnapError(
        `${source.name}: the ${what} files hold ${im.dims.join("×")} images and ${
          lab.dims.join("×")
        } labels, not ${n} of each`,
        "bad-data",
      );
    }
    return { images: im.data, labels: lab.data, count: n, rows: im.dims[1], cols: im.dims[2] };
  };
  return {
    train: split("training", trainImages, trainLabels, 60000),
    test: split("test", testImages, testLabels, 10000),
  };
}

/**
 * MNIST's handwritten digits: 60,000 training and 10,000 test images of 28×28, from local IDX
 * files or downloaded once (torchvision's mirror) and verified.
 *
 * @example
 * ```ts ignore
 * import { mnist } from "@knap/knap/data";
 * const { train } = await mnist();
 * console.log(train.count, train.rows, train.cols, train.labels[0]);
 * ```
 */
export function mnist(options: DatasetOptions = {}): Promise<ImageDataset> {
  return images(registry.mnist, options);
}

/**
 * Fashion-MNIST: Zalando's 28×28 images of clothing in ten classes, from local IDX files
 * (Debian's dataset-fashion-mnist package included) or downloaded once and verified.
 *
 * @example
 * ```ts ignore
 * import { fashionMnist } from "@knap/knap/data";
 * const { test } = await fashionMnist();
 * console.log(test.count, test.labels.slice(0, 10));
 * ```
 */
export function fashionMnist(options: DatasetOptions = {}): Promise<ImageDataset> {
  return images(registry.fashionMnist, options);
}

/**
 * The book's data sets in a web page: each file fetched from a folder URL the page names (the
 * page's own server, or a mirror), checked against the registry's published checksum, and kept
 * in the browser's Cache API so a second visit downloads nothing. Deno has the Cache API too,
 * so the same code runs and is tested there.
 *
 * @module
 */

import { KnapError } from "../core/errors.ts";
import type { DatasetFile } from "../data/download.ts";
import type { DatasetSource } from "../data/registry.ts";
import type { ImageSplit } from "../data/datasets.ts";
import { decodeIdx, gunzip } from "../data/idx.ts";
import { md5Hex } from "./md5.ts";

/** Options of {@linkcode fetchDatasetFile} and {@linkcode fetchImages}. */
export interface WebDataOptions {
  /** Keep the files in the Cache API (where the runtime has one): default true. */
  readonly cache?: boolean;
  /** Bytes received so far of a file, and its size where the server says. */
  readonly onProgress?: (file: string, received: number, total: number | undefined) => void;
}

const CACHE = "knap-datasets";

/** The hex digest the file's registry entry names, of bytes. */
async function digest(file: DatasetFile, bytes: Uint8Array): Promise<[string, string]> {
  if (file.sha256 !== undefined) {
    const d = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
    const hex = [...new Uint8Array(d)].map((x) => x.toString(16).padStart(2, "0")).join("");
    return [hex, file.sha256.toLowerCase()];
  }
  if (file.md5 !== undefined) return [md5Hex(bytes), file.md5.toLowerCase()];
  throw new TypeError(`fetchDatasetFile: ${file.name} gives no checksum (sha256 or md5)`);
}

/** The body of a response, read in chunks so progress can be shown. */
async function body(r: Response, name: string, options: WebDataOptions): Promise<Uint8Array> {
  const length = r.headers.get("content-length");
  const total = length === null ? undefined : Number(length);
  if (r.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of r.body) {
    chunks.push(chunk);
    received += chunk.length;
    options.onProgress?.(name, received, total);
  }
  const out = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Fetches a data set's file from the folder `base` (`base` + its published name), checks it
 * against the checksum its maintainers publish, and caches it. A file that does not match is
 * refused (and dropped from the cache), naming both digests.
 *
 * @example
 * ```ts ignore
 * import { fetchDatasetFile, registry } from "@knap/knap/web";
 * const labels = await fetchDatasetFile(registry.mnist.files[3], "/data/mnist/");
 * console.log(labels.length); // 4542 bytes, gzipped
 * ```
 */
export async function fetchDatasetFile(
  file: DatasetFile,
  base: string | URL,
  options: WebDataOptions = {},
): Promise<Uint8Array> {
  const url = new URL(file.name, new URL(base, globalThis.location?.href));
  const cache = options.cache !== false && typeof caches !== "undefined"
    ? await caches.open(CACHE)
    : undefined;
  const hit = await cache?.match(url);
  const r = hit ?? await fetch(url);
  if (!r.ok) {
    await r.body?.cancel();
    throw new KnapError(
      `fetchDatasetFile: ${url} answered ${r.status} ${r.statusText}`,
      "fetch-failed",
    );
  }
  const bytes = await body(r, file.name, options);
  const [got, want] = await digest(file, bytes);
  if (got !== want) {
    await cache?.delete(url);
    throw new KnapError(
      `fetchDatasetFile: ${url} is not the published ${file.name}: its digest is ${got}, ` +
        `the registry's ${want}`,
      "checksum",
    );
  }
  if (cache !== undefined && hit === undefined) {
    await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>));
  }
  return bytes;
}

/**
 * One split of MNIST or Fashion-MNIST (`registry.mnist`, `registry.fashionMnist`) fetched from
 * the folder `base` that holds its IDX files under their published names, checked and cached
 * as {@linkcode fetchDatasetFile} does, and decoded.
 *
 * @example
 * ```ts ignore
 * import { fetchImages, registry } from "@knap/knap/web";
 * const test = await fetchImages(registry.mnist, "test", "/data/mnist/");
 * console.log(test.count, test.rows, test.cols); // 10000 28 28
 * ```
 */
export async function fetchImages(
  source: DatasetSource,
  split: "train" | "test",
  base: string | URL,
  options: WebDataOptions = {},
): Promise<ImageSplit> {
  const prefix = split === "train" ? "train-" : "t10k-";
  const images = source.files.find((f) => f.name.startsWith(prefix + "images"));
  const labels = source.files.find((f) => f.name.startsWith(prefix + "labels"));
  if (images === undefined || labels === undefined) {
    throw new TypeError(`fetchImages: ${source.name} has no ${split} images and labels`);
  }
  const [im, lab] = await Promise.all(
    [images, labels].map(async (f) =>
      decodeIdx(await gunzip(await fetchDatasetFile(f, base, options)), f.name)
    ),
  );
  const n = lab.dims[0];
  if (im.dims.length !== 3 || im.dims[0] !== n || lab.dims.length !== 1) {
    throw new KnapError(
      `fetchImages: ${source.name}'s ${split} files hold ${im.dims.join("×")} images and ${
        lab.dims.join("×")
      } labels`,
      "bad-data",
    );
  }
  return { images: im.data, labels: lab.data, count: n, rows: im.dims[1], cols: im.dims[2] };
}

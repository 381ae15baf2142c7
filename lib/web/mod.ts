/**
 * knap in a web page: the book's data sets fetched from a URL the page names, checked against
 * their published checksums and cached in the browser. Everything else a page needs — the js
 * and WebGPU engines, networks, tensors, `load` of a model by URL — comes from the modules it
 * uses in Deno; `bestFloat()` picks WebGPU where the browser has an adapter.
 *
 * @example Chapter 22's test images in a page
 * ```ts ignore
 * import { fetchImages, registry } from "@knap/knap/web";
 * const test = await fetchImages(registry.mnist, "test", new URL("data/mnist/", location.href));
 * console.log(`${test.count} images of ${test.rows}×${test.cols}`);
 * ```
 *
 * @module
 */

export { fetchDatasetFile, fetchImages, type WebDataOptions } from "./datasets.ts";
export { type DatasetSource, registry } from "../data/registry.ts";
export type { DatasetFile } from "../data/download.ts";
export type { ImageSplit } from "../data/datasets.ts";
export { imageColumns, imageTensor, oneHot, oneHotTensor } from "../data/images.ts";

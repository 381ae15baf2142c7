/**
 * Writes web/data/fashion_samples.json: the first 24 of Fashion-MNIST's test images with their
 * labels, which chapter 30's page classifies. Fashion-MNIST is MIT-licensed (Zalando); the
 * images come from the local copy (Debian's dataset-fashion-mnist) or a download, checked.
 * Run: `deno run -A tools/web_samples.ts`.
 *
 * @module
 */
import { fashionMnist } from "../lib/data/mod.ts";
import { base64 } from "../lib/pictures/png.ts";

const count = 24;
const { test } = await fashionMnist();
const images = test.images.subarray(0, count * 784);
const out = {
  source: "Fashion-MNIST (Zalando Research, MIT license): the first 24 test images, 28×28 bytes",
  count,
  labels: [...test.labels.subarray(0, count)],
  images: base64(images),
};
const path = new URL("../web/data/fashion_samples.json", import.meta.url);
await Deno.writeTextFile(path, JSON.stringify(out, null, 1) + "\n");
console.log(`wrote ${path.pathname}`);

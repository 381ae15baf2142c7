/**
 * Image data sets as a network takes them: pixels scaled to [0, 1], one column per image, and
 * labels one-hot, one column per sample.
 *
 * @module
 */

import type { Factory } from "../core/factory.ts";
import type { GEMatrix } from "../core/structures.ts";
import type { Loc } from "../core/types.ts";
import { ge } from "../core/construct.ts";
import type { ImageSplit } from "./datasets.ts";

function range(op: string, split: ImageSplit, start: number, count: number): void {
  if (
    !Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0 ||
    start + count > split.count
  ) {
    throw new RangeError(
      `${op}: images ${start} to ${start + count - 1} are outside the ${split.count} of the split`,
    );
  }
}

/**
 * Images `start` to `start + count − 1` of a split as a (rows·cols) × count matrix on f, each
 * pixel divided by 255, one column per image.
 *
 * @example
 * ```ts
 * import { jsFloat } from "@knap/knap";
 * import { imageColumns } from "@knap/knap/data";
 * const split = { images: new Uint8Array([0, 255, 51, 102]), labels: new Uint8Array([3, 1]), count: 2, rows: 1, cols: 2 };
 * using x = imageColumns(jsFloat, split, 1, 1);
 * if (x.m !== 2 || x.n !== 1 || Math.abs(x.toArray()[1] - 0.4) > 1e-7) throw new Error();
 * ```
 */
export function imageColumns<L extends Loc>(
  f: Factory<L>,
  split: ImageSplit,
  start = 0,
  count: number = split.count - start,
): GEMatrix<L> {
  range("imageColumns", split, start, count);
  const size = split.rows * split.cols;
  const pixels = split.images.subarray(start * size, (start + count) * size);
  const data = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) data[i] = pixels[i] / 255;
  return ge(f, size, count, data);
}

/**
 * Labels `start` to `start + count − 1` of a split one-hot: a classes × count matrix on f with a
 * 1 in row `label` of each column.
 *
 * @example
 * ```ts
 * import { jsFloat } from "@knap/knap";
 * import { oneHot } from "@knap/knap/data";
 * using y = oneHot(jsFloat, [2, 0], 3);
 * if (y.toArray().join() !== "0,0,1,1,0,0") throw new Error("unexpected");
 * ```
 */
export function oneHot<L extends Loc>(
  f: Factory<L>,
  labels: ArrayLike<number>,
  classes: number,
): GEMatrix<L> {
  if (!Number.isSafeInteger(classes) || classes < 1) {
    throw new RangeError(
      `oneHot: the number of classes must be a positive integer, got ${classes}`,
    );
  }
  const data = new Float32Array(classes * labels.length);
  for (let j = 0; j < labels.length; j++) {
    const c = labels[j];
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new RangeError(`oneHot: label ${j} is ${c}; classes are 0 to ${classes - 1}`);
    }
    data[j * classes + c] = 1;
  }
  return ge(f, classes, labels.length, data);
}

/**
 * Image data sets as a network takes them: pixels scaled to [0, 1] and labels one-hot — as
 * matrices with one column per sample, or as tensors with one sample per batch entry.
 *
 * @module
 */

import type { Factory } from "../core/factory.ts";
import type { GEMatrix } from "../core/structures.ts";
import type { Loc } from "../core/types.ts";
import { ge } from "../core/construct.ts";
import type { ImageSplit } from "./datasets.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { tensor } from "../tensor/construct.ts";

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

/** Images start … start + count − 1 of a split, each pixel divided by 255, image after image. */
function scaledPixels(op: string, split: ImageSplit, start: number, count: number): Float32Array {
  range(op, split, start, count);
  const size = split.rows * split.cols;
  const pixels = split.images.subarray(start * size, (start + count) * size);
  const data = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) data[i] = pixels[i] / 255;
  return data;
}

/** Each label's one-hot column of `classes` entries, sample after sample. */
function oneHotEntries(op: string, labels: ArrayLike<number>, classes: number): Float32Array {
  if (!Number.isSafeInteger(classes) || classes < 1) {
    throw new RangeError(`${op}: the number of classes must be a positive integer, got ${classes}`);
  }
  const data = new Float32Array(classes * labels.length);
  for (let j = 0; j < labels.length; j++) {
    const c = labels[j];
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new RangeError(`${op}: label ${j} is ${c}; classes are 0 to ${classes - 1}`);
    }
    data[j * classes + c] = 1;
  }
  return data;
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
  const data = scaledPixels("imageColumns", split, start, count);
  return ge(f, split.rows * split.cols, count, data);
}

/**
 * Images `start` to `start + count − 1` of a split as an [n, 1, rows, cols] tensor on f (one
 * channel, nchw), each pixel divided by 255: the input of a tensor network.
 *
 * @example
 * ```ts
 * import { jsFloat } from "@knap/knap";
 * import { imageTensor } from "@knap/knap/data";
 * const split = { images: new Uint8Array([0, 255, 51, 102]), labels: new Uint8Array([3, 1]), count: 2, rows: 1, cols: 2 };
 * using x = imageTensor(jsFloat, split);
 * if (x.shape.join() !== "2,1,1,2" || x.toArray()[1] !== 1) throw new Error();
 * ```
 */
export function imageTensor<L extends Loc>(
  f: Factory<L>,
  split: ImageSplit,
  start = 0,
  count: number = split.count - start,
): Tensor<L> {
  const data = scaledPixels("imageTensor", split, start, count);
  return tensor(f, [count, 1, split.rows, split.cols], "nchw", data);
}

/**
 * Labels one-hot: a classes × n matrix on f with a 1 in row `labels[j]` of column j.
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
  return ge(f, classes, labels.length, oneHotEntries("oneHot", labels, classes));
}

/**
 * Labels one-hot as an [n, classes] tensor on f (layout `nc`): the targets of a tensor network.
 *
 * @example
 * ```ts
 * import { jsFloat } from "@knap/knap";
 * import { oneHotTensor } from "@knap/knap/data";
 * using y = oneHotTensor(jsFloat, [2, 0], 3);
 * if (y.toArray().join() !== "0,0,1,1,0,0" || y.layout !== "nc") throw new Error("unexpected");
 * ```
 */
export function oneHotTensor<L extends Loc>(
  f: Factory<L>,
  labels: ArrayLike<number>,
  classes: number,
): Tensor<L> {
  return tensor(f, [labels.length, classes], "nc", oneHotEntries("oneHotTensor", labels, classes));
}

/**
 * The pictures a classification tutorial leaves behind: the confusion matrix as a heat map and
 * the first test images with their predicted and true classes (mistakes in red), as SVG files
 * in the folder `--pictures` names (the current one by default), each named in the output.
 */
import type { ConfusionMatrix } from "../lib/nn/mod.ts";
import { imageGridSvg } from "../lib/nn/mod.ts";
import type { ImageSplit } from "../lib/data/mod.ts";
import { declareFlags, stringFlag } from "./_flags.ts";

declareFlags({
  pictures: { type: "string", help: "folder to write the SVG pictures to (.)" },
});

/** How many test images the grid shows. */
const SHOWN = 32;

/**
 * Writes `<prefix>_confusion.svg` and `<prefix>_predictions.svg`: the heat map of `cm`, and the
 * first images of `split` from `from` with `predicted` (one class per scored image).
 */
export async function writePictures(
  prefix: string,
  title: string,
  cm: ConfusionMatrix,
  split: ImageSplit,
  from: number,
  predicted: ArrayLike<number>,
  names: readonly string[],
): Promise<void> {
  const dir = stringFlag("pictures") ?? ".";
  await Deno.mkdir(dir, { recursive: true });
  const confusion = `${dir}/${prefix}_confusion.svg`;
  await Deno.writeTextFile(confusion, cm.svg({ labels: names, title: `${title}: confusion` }));
  const count = Math.min(SHOWN, predicted.length), size = split.rows * split.cols;
  const images = split.images.subarray(from * size, (from + count) * size);
  const captions: string[] = [], flagged: boolean[] = [];
  for (let k = 0; k < count; k++) {
    const p = predicted[k], t = split.labels[from + k];
    captions.push(p === t ? names[p] : `${names[p]} (${names[t]})`);
    flagged.push(p !== t);
  }
  const grid = `${dir}/${prefix}_predictions.svg`;
  await Deno.writeTextFile(
    grid,
    imageGridSvg(images, count, {
      width: split.cols,
      height: split.rows,
      captions,
      flagged,
      title: `${title}: predicted (true), mistakes in red`,
    }),
  );
  console.log(`\npictures: ${confusion} (the confusion heat map), ${grid} (${count} test images)`);
}

/**
 * A confusion matrix as a heat map: true classes down, predicted classes across, each cell
 * shaded by the share of its row (so a small class's mistakes show as clearly as a large
 * one's) and labeled with its count.
 *
 * @module
 */

import { at, escapeXml } from "./svg.ts";

/** Options of {@linkcode confusionMatrixSvg}. */
export interface HeatmapOptions {
  /** The classes' names, in order (default their numbers). */
  readonly labels?: readonly string[];
  /** Shown above the map. */
  readonly title?: string;
  /** Pixels a cell is wide and high (default 40). */
  readonly cell?: number;
}

/**
 * The confusion matrix `counts` (row-major, `classes` × `classes`: row i holds the samples of
 * class i by their predicted class) as SVG text: one `<rect>` a cell, shaded by its share of
 * the row, with the count written in it.
 *
 * @example
 * ```ts
 * import { confusionMatrixSvg } from "@knap/knap/nn";
 * const svg = confusionMatrixSvg([8, 2, 1, 9], 2, { labels: ["cat", "dog"] });
 * if ((svg.match(/<rect class="cell"/g) ?? []).length !== 4) throw new Error("four cells");
 * ```
 */
export function confusionMatrixSvg(
  counts: ArrayLike<number>,
  classes: number,
  options: HeatmapOptions = {},
): string {
  if (!Number.isSafeInteger(classes) || classes < 1 || counts.length !== classes * classes) {
    throw new RangeError(
      `confusionMatrixSvg: ${classes} classes need ${
        classes * classes
      } counts, got ${counts.length}`,
    );
  }
  const labels = options.labels ?? Array.from({ length: classes }, (_, i) => String(i));
  if (labels.length !== classes) {
    throw new RangeError(`confusionMatrixSvg: ${classes} classes, ${labels.length} labels`);
  }
  const size = options.cell ?? 40;
  const longest = Math.max(...labels.map((l) => l.length));
  const left = 24 + Math.min(longest, 16) * 7, top = 56;
  const width = left + classes * size + 16, height = top + classes * size + 40;
  const cells: string[] = [];
  for (let i = 0; i < classes; i++) {
    let row = 0;
    for (let j = 0; j < classes; j++) row += counts[i * classes + j];
    for (let j = 0; j < classes; j++) {
      const c = counts[i * classes + j], share = row > 0 ? c / row : 0;
      // White to a deep blue; the diagonal (right answers) in green.
      const [r, g, b] = i === j
        ? [255 - 200 * share, 255 - 90 * share, 255 - 200 * share]
        : [255 - 220 * share, 255 - 160 * share, 255 - 40 * share];
      const x = left + j * size, y = top + i * size;
      cells.push(
        `<rect class="cell" x="${x}" y="${y}" width="${size}" height="${size}" fill="rgb(${
          Math.round(r)
        },${Math.round(g)},${Math.round(b)})" stroke="#fff"><title>${
          escapeXml(`${labels[i]} predicted as ${labels[j]}: ${c} (${(share * 100).toFixed(1)}%)`)
        }</title></rect>`,
        `<text x="${at(x + size / 2)}" y="${at(y + size / 2)}" text-anchor="middle" ` +
          `dominant-baseline="middle" fill="${share > 0.6 ? "#fff" : "#222"}">${c}</text>`,
      );
    }
  }
  const axes = labels.flatMap((l, k) => [
    `<text x="${left - 6}" y="${at(top + (k + 0.5) * size)}" text-anchor="end" ` +
    `dominant-baseline="middle">${escapeXml(l.slice(0, 16))}</text>`,
    `<text x="${at(left + (k + 0.5) * size)}" y="${top - 6}" text-anchor="middle">${
      escapeXml(l.slice(0, Math.max(3, Math.floor(size / 7))))
    }</text>`,
  ]);
  const title = escapeXml(options.title ?? "confusion matrix");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${left}" y="18" font-size="14">${title}</text>
<text x="${at(left + classes * size / 2)}" y="36" text-anchor="middle" fill="#555">predicted</text>
<text x="14" y="${
    at(top + classes * size / 2)
  }" text-anchor="middle" fill="#555" transform="rotate(-90 14 ${
    at(top + classes * size / 2)
  })">true</text>
${axes.join("\n")}
${cells.join("\n")}
</svg>
`;
}

/**
 * A grid of images — digits, clothes — with a caption under each, as SVG: each image is a
 * grayscale PNG inside the file, so it opens in a browser, an editor or a notebook as it is.
 * Captions of images flagged (a wrong prediction, say) are drawn in red.
 *
 * @module
 */

import { base64, grayPng } from "./png.ts";
import { at, escapeXml } from "./svg.ts";

/** Options of {@linkcode imageGridSvg}. */
export interface ImageGridOptions {
  /** Each image's width in pixels. */
  readonly width: number;
  /** Each image's height in pixels. */
  readonly height: number;
  /** Images a row (default 8). */
  readonly columns?: number;
  /** Screen pixels per image pixel (default 3). */
  readonly scale?: number;
  /** A line under each image: "7 (true 7)", say. */
  readonly captions?: readonly string[];
  /** Images whose captions show in red: the network's mistakes. */
  readonly flagged?: readonly boolean[];
  /** Shown above the grid. */
  readonly title?: string;
}

/**
 * `count` images of `width` × `height` pixels, stored one after another row by row in `pixels`
 * (any range: each image is stretched from its own lowest to highest value, 0 black), as SVG text
 * with one `<image>` each.
 *
 * @example
 * ```ts
 * import { imageGridSvg } from "@knap/knap/nn";
 * const pixels = Array.from({ length: 2 * 4 * 4 }, (_, i) => i % 5);
 * const svg = imageGridSvg(pixels, 2, { width: 4, height: 4, captions: ["a", "b"], flagged: [false, true] });
 * if ((svg.match(/<image /g) ?? []).length !== 2) throw new Error("two images");
 * ```
 */
export function imageGridSvg(
  pixels: ArrayLike<number>,
  count: number,
  options: ImageGridOptions,
): string {
  const { width, height } = options;
  const columns = Math.max(1, Math.min(options.columns ?? 8, count));
  const scale = options.scale ?? 3;
  if (
    !Number.isSafeInteger(count) || count < 0 || !(width >= 1) || !(height >= 1) ||
    pixels.length < count * width * height
  ) {
    throw new RangeError(
      `imageGridSvg: ${count} images of ${width}×${height} need ${
        count * width * height
      } pixels, got ${pixels.length}`,
    );
  }
  const captions = options.captions ?? [];
  const cellW = Math.max(width * scale, 56) + 8,
    cellH = height * scale + (captions.length ? 20 : 6);
  const top = options.title === undefined ? 4 : 28;
  const rows = Math.ceil(count / columns);
  const items: string[] = [];
  const bytes = new Uint8Array(width * height);
  for (let k = 0; k < count; k++) {
    const from = k * width * height;
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < width * height; i++) {
      const v = pixels[from + i];
      if (!Number.isFinite(v)) continue; // drawn black, and not let to flatten the rest
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo > hi) lo = hi = 0; // nothing finite
    const span = hi > lo ? hi - lo : 1;
    for (let i = 0; i < width * height; i++) {
      const v = pixels[from + i];
      bytes[i] = Number.isFinite(v) ? Math.round(((v - lo) / span) * 255) : 0;
    }
    const x = (k % columns) * cellW + 4, y = top + Math.floor(k / columns) * cellH;
    const png = base64(grayPng(width, height, bytes));
    items.push(
      `<image x="${at(x + (cellW - 8 - width * scale) / 2)}" y="${y}" width="${
        width * scale
      }" height="${
        height * scale
      }" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/>`,
    );
    if (captions[k] !== undefined) {
      items.push(
        `<text x="${at(x + (cellW - 8) / 2)}" y="${y + height * scale + 14}" text-anchor="middle"${
          options.flagged?.[k] ? ' fill="#c00" font-weight="bold"' : ""
        }>${escapeXml(captions[k])}</text>`,
      );
    }
  }
  const title = options.title === undefined
    ? ""
    : `<text x="4" y="18" font-size="14">${escapeXml(options.title)}</text>\n`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${columns * cellW}" height="${
    top + rows * cellH
  }" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
${title}${items.join("\n")}
</svg>
`;
}

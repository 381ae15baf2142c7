/**
 * Reads a screenshot's pixels back: a PNG of 8-bit RGB or RGBA, not interlaced — what Chromium
 * writes — inflated with DecompressionStream and unfiltered row by row.
 */

/** The image's width, height and RGBA bytes. */
export interface Pixels {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Decodes a PNG as Chromium's screenshots are made; throws on any other kind. */
export async function decodePng(png: Uint8Array): Promise<Pixels> {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8, width = 0, height = 0, channels = 0;
  const idat: Uint8Array[] = [];
  while (at < png.length) {
    const len = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + len);
    if (type === "IHDR") {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      const [depth, color, , , interlace] = data.subarray(8, 13);
      if (depth !== 8 || (color !== 2 && color !== 6) || interlace !== 0) {
        throw new Error(`decodePng: depth ${depth}, color type ${color} is not handled`);
      }
      channels = color === 6 ? 4 : 3;
    } else if (type === "IDAT") idat.push(data);
    at += 12 + len;
  }
  const stream = new Blob(idat as Uint8Array<ArrayBuffer>[]).stream().pipeThrough(
    new DecompressionStream("deflate"),
  );
  const raw = new Uint8Array(await new Response(stream).arrayBuffer());
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride), row = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? row[i - channels] : 0, b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let p = line[i];
      if (filter === 1) p += a;
      else if (filter === 2) p += b;
      else if (filter === 3) p += (a + b) >> 1;
      else if (filter === 4) {
        const e = a + b - c, pa = Math.abs(e - a), pb = Math.abs(e - b), pc = Math.abs(e - c);
        p += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      row[i] = p & 255;
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 4; k++) {
        out[4 * (y * width + x) + k] = k < channels ? row[x * channels + k] : 255;
      }
    }
    [prev, row] = [row, prev];
  }
  return { width, height, rgba: out };
}

/** How many distinct colours the image has: a blank page has one or two. */
export function colours(p: Pixels): number {
  const seen = new Set<number>();
  const v = new DataView(p.rgba.buffer);
  for (let i = 0; i < p.rgba.length; i += 4) seen.add(v.getUint32(i));
  return seen.size;
}

/**
 * The pictures: a confusion matrix's heat map and a grid of images are well-formed SVG with one
 * mark per cell and per image; the PNG inside each image decodes (signature, chunk checksums,
 * zlib) to the pixels given; bad sizes are refused; a notebook shows the matrix as its heat map.
 */
import { assert, assertEquals } from "../conformance/assert.ts";
import { confusionMatrix, confusionMatrixSvg, imageGridSvg } from "../../lib/nn/mod.ts";
import { grayPng } from "../../lib/pictures/png.ts";
import { svgElements } from "../_svg.ts";
import { jsFloat, tensor } from "../../mod.ts";
import { convo, dense, flatten, network } from "../../lib/dnn/mod.ts";

Deno.test("confusion heat map: one shaded cell and one count per pair of classes, names escaped", () => {
  const cm = confusionMatrix([0, 1, 2, 2, 1, 0, 2], [0, 1, 2, 1, 1, 2, 2], 3);
  const svg = cm.svg({ labels: ["<cat>", "dog & co", "bird"] });
  const elements = svgElements(svg);
  assertEquals(elements.get("rect"), 1 + 9, "a background and 9 cells");
  assert(svg.includes("&#60;cat&#62;") && svg.includes("dog &#38; co"), "names escaped");
  // Row "bird" has 3 samples, 2 right: that cell's title gives 66.7%.
  assert(svg.includes("bird predicted as bird: 2 (66.7%)"), svg);
  const shown = (cm as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]();
  assert(shown["image/svg+xml"].startsWith("<svg") && shown["text/plain"].includes("3 classes"));
  let error: unknown;
  try {
    confusionMatrixSvg([1, 2, 3], 2);
  } catch (e) {
    error = e;
  }
  assert(error instanceof RangeError && /2 classes need 4 counts/.test(error.message), `${error}`);
});

Deno.test("image grid: one PNG image and one caption each, mistakes in red, in rows", () => {
  const count = 11, w = 5, h = 4;
  const pixels = Array.from({ length: count * w * h }, (_, i) => Math.sin(i));
  const captions = Array.from({ length: count }, (_, k) => `c${k}`);
  const flagged = captions.map((_, k) => k % 3 === 0);
  const svg = imageGridSvg(pixels, count, { width: w, height: h, columns: 4, captions, flagged });
  const elements = svgElements(svg);
  assertEquals([elements.get("image"), elements.get("text")], [count, count]);
  assertEquals((svg.match(/fill="#c00"/g) ?? []).length, 4, "captions 0, 3, 6, 9 in red");
  assert(/height="\d+"/.test(svg) && svg.includes('width="256"'), "4 columns of 64 pixels");
  let error: unknown;
  try {
    imageGridSvg(pixels, count + 1, { width: w, height: h });
  } catch (e) {
    error = e;
  }
  assert(
    error instanceof RangeError && /12 images of 5×4 need 240/.test(error.message),
    `${error}`,
  );
});

Deno.test("the PNG inside decodes to the pixels given: signature, chunk checksums, zlib", async () => {
  const w = 300, h = 250; // past one stored deflate block of 65,535 bytes
  const pixels = Uint8Array.from({ length: w * h }, (_, i) => (i * 31) % 256);
  const png = grayPng(w, h, pixels);
  assertEquals(Array.from(png.subarray(0, 8)), [137, 80, 78, 71, 13, 10, 26, 10]);
  const view = new DataView(png.buffer);
  let at = 8, idat: Uint8Array | undefined;
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Uint8Array) => {
    let c = 0xffffffff;
    for (const v of b) c = table[(c ^ v) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const types: string[] = [];
  while (at < png.length) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    types.push(type);
    assertEquals(view.getUint32(at + 8 + length), crc(png.subarray(at + 4, at + 8 + length)), type);
    if (type === "IHDR") assertEquals([view.getUint32(at + 8), view.getUint32(at + 12)], [w, h]);
    if (type === "IDAT") idat = png.slice(at + 8, at + 8 + length);
    at += 12 + length;
  }
  assertEquals(types, ["IHDR", "IDAT", "IEND"]);
  const raw = new Uint8Array(
    await new Response(
      new Blob([idat! as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
        new DecompressionStream("deflate"),
      ),
    )
      .arrayBuffer(),
  );
  assertEquals(raw.length, h * (w + 1));
  for (let r = 0; r < h; r++) {
    assertEquals(raw[r * (w + 1)], 0, `row ${r}'s filter`);
    assertEquals(
      raw.subarray(r * (w + 1) + 1, (r + 1) * (w + 1)),
      pixels.subarray(r * w, (r + 1) * w),
    );
  }
});

Deno.test("the SVG reader refuses what is not well-formed", () => {
  for (
    const bad of [
      '<svg><rect x="1"></svg>',
      "<svg><text>a & b</text></svg>",
      "<g></g>",
      "<svg><rect x=1/></svg>",
    ]
  ) {
    let threw = false;
    try {
      svgElements(bad);
    } catch {
      threw = true;
    }
    assert(threw, `accepted ${bad}`);
  }
});

const display = (x: unknown) =>
  (x as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();

Deno.test("notebooks: a batch of images shows as a grid, a tensor network as a table", () => {
  using images = tensor(jsFloat, [40, 1, 6, 5], "nchw", Array.from({ length: 1200 }, Math.sin));
  const shown = display(images);
  assert(shown["text/plain"].includes("40 1 6 5"), shown["text/plain"]);
  const grid = svgElements(shown["image/svg+xml"]);
  assertEquals(grid.get("image"), 32, "the first 32 of 40");
  using plain = tensor(jsFloat, [2, 3], "nc");
  assertEquals(Object.keys(display(plain)), ["text/plain"], "no picture of a matrix");
  using net = network(jsFloat, [8, 1, 6, 6], [
    convo(2, [3, 3], "relu"),
    flatten(),
    dense(3, "softmax"),
  ]);
  const table = display(net)["text/html"];
  // convo: 2·1·3·3 + 2 = 20; dense: 3·32 + 3 = 99.
  for (
    const want of [
      "2 3×3 relu conv",
      "[2 4 4]",
      ">20<",
      "flatten",
      "[32]",
      ">99<",
      "119 parameters",
    ]
  ) {
    assert(table.includes(want), `"${want}" in ${table}`);
  }
});

Deno.test("an image with NaN or ∞ pixels: those are black, the finite ones keep their range", async () => {
  const pixels = [0, 1, 2, 3, NaN, Infinity];
  const svg = imageGridSvg(pixels, 1, { width: 3, height: 2 });
  const b64 = /base64,([^"]+)"/.exec(svg)![1];
  const png = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const at = 8 + 12 + 13 + 8; // signature, IHDR chunk, IDAT's length and type
  const length = new DataView(png.buffer).getUint32(at - 8);
  const raw = new Uint8Array(
    await new Response(
      new Blob([png.slice(at, at + length)]).stream().pipeThrough(
        new DecompressionStream("deflate"),
      ),
    ).arrayBuffer(),
  );
  assertEquals(Array.from(raw), [0, 0, 85, 170, 0, 255, 0, 0]);
});

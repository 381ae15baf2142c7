/**
 * IDX files — MNIST's and Fashion-MNIST's format: a magic number naming the element type and
 * the rank, the dimensions as big-endian 32-bit integers, then the data. Read whole (gunzipped
 * on the way when the name ends in .gz) and checked: the type, the rank, and a length that is
 * exactly what the dimensions say.
 *
 * @module
 */

import { KnapError } from "../core/errors.ts";

/** An IDX array of unsigned bytes: its dimensions and its data, row-major. */
export interface IdxArray {
  /** The dimensions: [n] for labels, [n, rows, cols] for images. */
  readonly dims: readonly number[];
  /** The entries, the last dimension fastest. */
  readonly data: Uint8Array;
}

/**
 * Reads an IDX file of unsigned bytes (type 0x08), optionally gzipped, and checks that its
 * length matches its dimensions.
 *
 * @example
 * ```ts
 * import { readIdx } from "@knap/knap/data";
 * const path = await Deno.makeTempFile();
 * await Deno.writeFile(path, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]));
 * const labels = await readIdx(path);
 * if (labels.dims.join() !== "3" || labels.data[0] !== 7) throw new Error("unexpected");
 * ```
 */
export async function readIdx(path: string): Promise<IdxArray> {
  let bytes: Uint8Array = await Deno.readFile(path);
  if (path.endsWith(".gz")) bytes = await gunzip(bytes);
  return decodeIdx(bytes, path);
}

/** The bytes gzip compressed, decompressed (DecompressionStream: Deno and browsers alike). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Decodes an IDX array of unsigned bytes held in memory (not gzipped); `name` names it in
 * errors.
 *
 * @example
 * ```ts
 * import { decodeIdx } from "@knap/knap/data";
 * const labels = decodeIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 4, 5]), "labels");
 * if (labels.dims.join() !== "2" || labels.data[1] !== 5) throw new Error("unexpected");
 * ```
 */
export function decodeIdx(bytes: Uint8Array, name: string): IdxArray {
  const bad = (why: string) =>
    new KnapError(`readIdx: ${name} is not an IDX file: ${why}`, "bad-data");
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw bad("no IDX magic number");
  if (bytes[2] !== 0x08) throw bad(`element type 0x${bytes[2].toString(16)}, not unsigned bytes`);
  const rank = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = 4 + 4 * rank;
  if (rank === 0 || bytes.length < header) throw bad(`rank ${rank} with ${bytes.length} bytes`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const want = dims.reduce((n, d) => n * d, 1);
  if (bytes.length - header !== want) {
    throw bad(
      `dimensions ${dims.join("×")} need ${want} bytes of data, it has ${bytes.length - header}`,
    );
  }
  return { dims, data: bytes.subarray(header) };
}

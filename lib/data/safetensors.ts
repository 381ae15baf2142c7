/**
 * The safetensors format, which PyTorch, JAX and Hugging Face share: an 8-byte little-endian
 * header length, a JSON header naming each tensor's dtype, shape and byte range, then the data,
 * little-endian and row-major. Reading checks everything the header claims against the file
 * before a byte of data is used; writing orders tensors and pads the header as the reference
 * implementation does, so the same tensors and metadata give the same bytes.
 *
 * @module
 */

import { deno } from "../core/runtime.ts";
import { KnapError } from "../core/errors.ts";

/** An element type of a safetensors file: `F32`, `F64`, `BF16`, `F16`, an integer type or `BOOL`. */
export type SafetensorsDType =
  | "F64"
  | "I64"
  | "U64"
  | "F32"
  | "I32"
  | "U32"
  | "F16"
  | "BF16"
  | "I16"
  | "U16"
  | "I8"
  | "U8"
  | "BOOL";

/** Each element type's size in bytes. */
const sizes: Readonly<Record<SafetensorsDType, number>> = {
  F64: 8,
  I64: 8,
  U64: 8,
  F32: 4,
  I32: 4,
  U32: 4,
  F16: 2,
  BF16: 2,
  I16: 2,
  U16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** One tensor of a safetensors file: its name, element type, shape and raw little-endian bytes. */
export interface SafeTensor {
  /** The tensor's name, such as PyTorch's `0.weight`. */
  readonly name: string;
  /** The element type. */
  readonly dtype: SafetensorsDType;
  /** The shape, outermost first; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** The entries, row-major (the last index fastest), little-endian. */
  readonly bytes: Uint8Array;
}

/** The contents of a safetensors file: its tensors in the file's order and its metadata. */
export interface Safetensors {
  /** The tensors, in the order the header lists them. */
  readonly tensors: readonly SafeTensor[];
  /** The free-form string metadata (`__metadata__`), in the file's order; empty when absent. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** The reference implementation's limit on the header, which keeps a hostile length harmless. */
const maxHeader = 100_000_000;

function bad(op: string, why: string): KnapError {
  return new KnapError(`${op}: not a valid safetensors file: ${why}`, "bad-data");
}

function elements(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/**
 * Decodes a safetensors file's bytes. The header must be JSON naming, for each tensor, a known
 * dtype, a shape of non-negative integers and byte offsets of its size that, taken in order of
 * offset, tile the data exactly with no gap or overlap — as the reference reader demands (it
 * too takes a header listing tensors in another order than their data). The tensors come back
 * in the header's order.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "@knap/knap/data";
 * const bytes = encodeSafetensors([
 *   { name: "b", dtype: "F32", shape: [2], bytes: new Uint8Array(new Float32Array([1, 2]).buffer) },
 * ]);
 * const { tensors } = decodeSafetensors(bytes);
 * if (tensors[0].name !== "b" || tensors[0].shape[0] !== 2) throw new Error("unexpected");
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, op = "decodeSafetensors"): Safetensors {
  if (bytes.length < 8) throw bad(op, `${bytes.length} bytes, fewer than the 8 of its length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(Math.min(maxHeader, bytes.length - 8))) {
    throw bad(op, `a header of ${length} bytes in a file of ${bytes.length}`);
  }
  const headerEnd = 8 + Number(length);
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, headerEnd)),
    );
  } catch (e) {
    throw bad(op, `its header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    throw bad(op, "its header is not a JSON object");
  }
  const data = bytes.subarray(headerEnd);
  let metadata: Record<string, string> = {};
  const entries: {
    name: string;
    dtype: SafetensorsDType;
    shape: number[];
    begin: number;
    end: number;
  }[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = checkMetadata(op, entry);
      continue;
    }
    const t = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (t === null || typeof t !== "object") throw bad(op, `tensor "${name}" is not an object`);
    if (typeof t.dtype !== "string" || !Object.hasOwn(sizes, t.dtype)) {
      throw bad(op, `tensor "${name}" has dtype ${JSON.stringify(t.dtype)}`);
    }
    const dtype = t.dtype as SafetensorsDType;
    const shape = t.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw bad(op, `tensor "${name}" has shape ${JSON.stringify(shape)}`);
    }
    const offsets = t.data_offsets;
    if (
      !Array.isArray(offsets) || offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[1] < offsets[0]
    ) {
      throw bad(op, `tensor "${name}" has data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    const want = elements(shape) * sizes[dtype];
    if (end - begin !== want) {
      throw bad(
        op,
        `tensor "${name}" is ${describe(dtype, shape)}, ${want} bytes, but its data_offsets ` +
          `[${begin}, ${end}) hold ${end - begin}`,
      );
    }
    entries.push({ name, dtype, shape: [...shape], begin, end });
  }
  // In order of their data, each tensor must begin where the one before ended.
  const byData = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let next = 0, before: (typeof entries)[number] | undefined;
  for (const e of byData) {
    const after = before === undefined ? "the data's start" : `tensor "${before.name}"`;
    if (e.begin > next) {
      throw bad(
        op,
        `bytes [${next}, ${e.begin}) between ${after} and tensor "${e.name}" belong to no tensor`,
      );
    }
    if (e.begin < next) {
      throw bad(
        op,
        `tensor "${e.name}"'s bytes [${e.begin}, ${e.end}) overlap those of ${after}, which end at ${next}`,
      );
    }
    if (e.end > data.length) {
      throw bad(
        op,
        `tensor "${e.name}" needs bytes [${e.begin}, ${e.end}) but the file holds ${data.length} ` +
          `bytes of data: it is ${e.end - data.length} bytes short`,
      );
    }
    next = e.end;
    before = e;
  }
  if (next !== data.length) throw bad(op, `${data.length - next} bytes after the last tensor`);
  const tensors = entries.map(({ name, dtype, shape, begin, end }) => ({
    name,
    dtype,
    shape,
    bytes: data.subarray(begin, end),
  }));
  return { tensors, metadata };
}

/** "F32 2×3", "F64 scalar". */
const describe = (dtype: string, shape: readonly number[]) =>
  `${dtype} ${shape.join("×") || "scalar"}`;

function checkMetadata(op: string, entry: unknown): Record<string, string> {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    throw bad(op, "__metadata__ is not an object");
  }
  for (const [k, v] of Object.entries(entry)) {
    if (typeof v !== "string") throw bad(op, `metadata "${k}" is not a string`);
  }
  return entry as Record<string, string>;
}

/**
 * Encodes tensors and string metadata as a safetensors file, as the reference writer does:
 * tensors ordered by element size (largest first), then by name; the header's JSON padded with
 * spaces to a multiple of 8 bytes; metadata in the order given, omitted when empty.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "@knap/knap/data";
 * const w = { name: "w", dtype: "F64", shape: [], bytes: new Uint8Array(8) } as const;
 * const bytes = encodeSafetensors([w], { format: "pt" });
 * if (decodeSafetensors(bytes).metadata.format !== "pt") throw new Error("unexpected");
 * ```
 */
export function encodeSafetensors(
  tensors: readonly SafeTensor[],
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const op = "encodeSafetensors";
  const names = new Set<string>();
  for (const t of tensors) {
    if (t.name === "__metadata__" || names.has(t.name)) {
      throw new RangeError(`${op}: the name "${t.name}" is reserved or used twice`);
    }
    names.add(t.name);
    if (!Object.hasOwn(sizes, t.dtype)) {
      throw new TypeError(`${op}: "${t.name}" has dtype ${t.dtype}`);
    }
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new RangeError(`${op}: "${t.name}" has shape [${t.shape.join(", ")}]`);
    }
    const want = elements(t.shape) * sizes[t.dtype];
    if (t.bytes.length !== want) {
      throw new RangeError(
        `${op}: "${t.name}" is ${describe(t.dtype, t.shape)}, ${want} bytes, but has ` +
          `${t.bytes.length}`,
      );
    }
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== "string") throw new TypeError(`${op}: metadata "${k}" is not a string`);
  }
  const ordered = [...tensors].sort((a, b) =>
    sizes[b.dtype] - sizes[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
  // No prototype: a tensor named "__proto__" must become a key, not replace the prototype.
  const header: Record<string, unknown> = Object.create(null);
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of ordered) {
    header[t.name] = {
      dtype: t.dtype,
      shape: t.shape,
      data_offsets: [offset, offset + t.bytes.length],
    };
    offset += t.bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const spaced = new Uint8Array(padded).fill(0x20);
    spaced.set(json);
    json = spaced;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of ordered) {
    out.set(t.bytes, at);
    at += t.bytes.length;
  }
  return out;
}

/**
 * Reads and decodes a safetensors file: a path or `file:` URL in Deno; an `http:`, `https:` or
 * `blob:` URL is fetched, in Deno as in a web page (how a page loads a trained model).
 *
 * @example
 * ```ts
 * import { readSafetensors, writeSafetensors } from "@knap/knap/data";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * await writeSafetensors(path, [{ name: "x", dtype: "U8", shape: [3], bytes: new Uint8Array([1, 2, 3]) }]);
 * const { tensors } = await readSafetensors(path);
 * if (tensors[0].bytes[2] !== 3) throw new Error("unexpected");
 * await Deno.remove(path);
 * ```
 */
export async function readSafetensors(path: string | URL): Promise<Safetensors> {
  const op = `readSafetensors(${String(path)})`;
  const url = typeof path === "string"
    ? (/^(https?|blob|data):/.test(path) ? new URL(path) : undefined)
    : path;
  if (url !== undefined && url.protocol !== "file:") {
    return decodeSafetensors(await fetched(url, op), op);
  }
  if (deno() === undefined) {
    throw new TypeError(
      `${op}: a web page reads a model by URL (http:, https:, blob:), not a path`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new Deno.errors.NotFound(`${op}: no such file`);
    throw e;
  }
  return decodeSafetensors(bytes, op);
}

/** A URL's body: what a web page (or Deno, given an http: URL) loads a model from. */
async function fetched(url: URL, op: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) {
    await r.body?.cancel();
    throw new KnapError(`${op}: the server answered ${r.status} ${r.statusText}`, "fetch-failed");
  }
  return new Uint8Array(await r.arrayBuffer());
}

/**
 * Writes tensors and metadata as a safetensors file atomically: into a temporary file beside
 * `path`, then renamed over it, so a crash or a full disk never leaves a half-written file
 * where a good one was.
 *
 * @example
 * ```ts
 * import { readSafetensors, writeSafetensors } from "@knap/knap/data";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * await writeSafetensors(path, [], { note: "empty" });
 * if ((await readSafetensors(path)).metadata.note !== "empty") throw new Error("unexpected");
 * await Deno.remove(path);
 * ```
 */
export async function writeSafetensors(
  path: string | URL,
  tensors: readonly SafeTensor[],
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  const bytes = encodeSafetensors(tensors, metadata);
  const target = path instanceof URL ? path.pathname : path;
  const slash = target.lastIndexOf("/");
  const dir = slash < 0 ? "." : target.slice(0, slash) || "/";
  let temp: string;
  try {
    temp = await Deno.makeTempFile({ dir, prefix: ".knap-", suffix: ".safetensors.partial" });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    throw new KnapError(
      `writeSafetensors(${target}): the folder ${dir} does not exist; make it first`,
      "not-found",
    );
  }
  try {
    await Deno.writeFile(temp, bytes);
    await Deno.rename(temp, target);
  } catch (e) {
    await Deno.remove(temp).catch(() => {});
    throw e;
  }
}

/** A bfloat16 is float32's upper half: its bits shifted up are the float32 it widens to. */
const widened = new Float32Array(1);
const widenBits = new Uint32Array(widened.buffer);

/** Reads one float16 (IEEE binary16) from its bits. */
function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * A tensor's entries as numbers, row-major: floats exactly (bfloat16 and float16 widened),
 * integers as numbers (64-bit ones past 2⁵³ refused rather than rounded), booleans as 0 and 1.
 *
 * @example
 * ```ts
 * import { tensorValues } from "@knap/knap/data";
 * const bf16 = new Uint8Array([0x80, 0x3f, 0x00, 0xc0]); // 1 and −2 in bfloat16
 * const v = tensorValues({ name: "w", dtype: "BF16", shape: [2], bytes: bf16 });
 * if (v[0] !== 1 || v[1] !== -2) throw new Error("unexpected");
 * ```
 */
export function tensorValues(t: SafeTensor): Float64Array {
  const n = elements(t.shape);
  const d = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const out = new Float64Array(n);
  const big = (v: bigint) => {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new RangeError(
        `tensorValues: "${t.name}" holds ${v}, past what a number holds exactly`,
      );
    }
    return Number(v);
  };
  const read: Record<SafetensorsDType, (i: number) => number> = {
    F64: (i) => d.getFloat64(8 * i, true),
    F32: (i) => d.getFloat32(4 * i, true),
    F16: (i) => half(d.getUint16(2 * i, true)),
    BF16: (i) => {
      widenBits[0] = d.getUint16(2 * i, true) << 16;
      return widened[0];
    },
    I64: (i) => big(d.getBigInt64(8 * i, true)),
    U64: (i) => big(d.getBigUint64(8 * i, true)),
    I32: (i) => d.getInt32(4 * i, true),
    U32: (i) => d.getUint32(4 * i, true),
    I16: (i) => d.getInt16(2 * i, true),
    U16: (i) => d.getUint16(2 * i, true),
    I8: (i) => d.getInt8(i),
    U8: (i) => d.getUint8(i),
    BOOL: (i) => (d.getUint8(i) ? 1 : 0),
  };
  const at = read[t.dtype];
  for (let i = 0; i < n; i++) out[i] = at(i);
  return out;
}

/**
 * A tar reader over a byte stream, enough for the archives data sets ship in: ustar and GNU
 * headers, GNU long names (`L`), pax path records (`x`), base-256 sizes. Entries the caller
 * does not want are skipped without being kept; a header whose checksum is wrong ends the read
 * with an error, so a file that is not a tar archive is not read as an empty one.
 *
 * @module
 */

const BLOCK = 512;

/** One regular file of an archive, its bytes read whole. */
export interface TarFile {
  /** Its path inside the archive, as the archive writes it. */
  readonly name: string;
  /** Its contents. */
  readonly bytes: Uint8Array;
}

/** Reads exact byte counts from a stream of chunks of any size. */
class ChunkReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #chunk: Uint8Array = new Uint8Array(0);
  #at = 0;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /** The next n bytes, or fewer where the stream ends first. */
  async read(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.#at === this.#chunk.length && !(await this.#next())) break;
      const take = Math.min(n - filled, this.#chunk.length - this.#at);
      out.set(this.#chunk.subarray(this.#at, this.#at + take), filled);
      this.#at += take;
      filled += take;
    }
    return filled === n ? out : out.subarray(0, filled);
  }

  /** Passes over n bytes without keeping them; false where the stream ends first. */
  async skip(n: number): Promise<boolean> {
    while (n > 0) {
      if (this.#at === this.#chunk.length && !(await this.#next())) return false;
      const take = Math.min(n, this.#chunk.length - this.#at);
      this.#at += take;
      n -= take;
    }
    return true;
  }

  async #next(): Promise<boolean> {
    const { done, value } = await this.#reader.read();
    if (done) return false;
    this.#chunk = value;
    this.#at = 0;
    return true;
  }

  /** Stops reading and lets the stream's source go. */
  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}

const latin1 = new TextDecoder("latin1"), utf8 = new TextDecoder();

/** A NUL-terminated field. */
function text(header: Uint8Array, at: number, length: number): string {
  const field = header.subarray(at, at + length);
  const end = field.indexOf(0);
  return utf8.decode(end < 0 ? field : field.subarray(0, end));
}

/** An octal field, or a base-256 one (GNU tar's form for sizes past 8 GiB). */
function number(header: Uint8Array, at: number, length: number): number {
  const field = header.subarray(at, at + length);
  if (field[0] & 0x80) {
    let n = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i];
    return n;
  }
  const digits = latin1.decode(field).replace(/\0.*$/s, "").trim();
  return digits === "" ? 0 : parseInt(digits, 8);
}

/** Whether the header's checksum field matches its bytes (the field itself read as spaces). */
function checksumMatches(header: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
  return number(header, 148, 8) === sum;
}

/** The `path` record of a pax extended header, if it has one. */
function paxPath(bytes: Uint8Array): string | undefined {
  // Records are "<length> <key>=<value>\n", the length counting the whole record in bytes.
  let at = 0;
  while (at < bytes.length) {
    const space = bytes.indexOf(0x20, at);
    if (space < 0) break;
    const length = parseInt(latin1.decode(bytes.subarray(at, space)), 10);
    if (!(length > 0)) break;
    const record = utf8.decode(bytes.subarray(space + 1, at + length - 1));
    if (record.startsWith("path=")) return record.slice(5);
    at += length;
  }
  return undefined;
}

/**
 * The regular files of a tar stream whose names `wanted` accepts, in archive order. Throws a
 * TypeError where a header is damaged or the stream ends inside an entry.
 */
export async function* tarFiles(
  stream: ReadableStream<Uint8Array>,
  wanted: (name: string) => boolean,
): AsyncIterable<TarFile> {
  const reader = new ChunkReader(stream);
  try {
    let longName: string | undefined;
    for (let entry = 0;; entry++) {
      const header = await reader.read(BLOCK);
      if (header.length === 0 && entry > 0) return; // an archive without its end blocks
      if (header.length < BLOCK) throw new TypeError("the archive ends inside a header");
      if (header.every((b) => b === 0)) return; // the end-of-archive blocks
      if (!checksumMatches(header)) {
        throw new TypeError(`header ${entry} has a wrong checksum: not a tar archive here`);
      }
      const size = number(header, 124, 12);
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      const type = String.fromCharCode(header[156] || 0x30);
      const prefix = latin1.decode(header.subarray(257, 262)) === "ustar"
        ? text(header, 345, 155)
        : "";
      const name = longName ?? (prefix === "" ? "" : `${prefix}/`) + text(header, 0, 100);
      longName = undefined;
      if (type === "L" || type === "x") {
        const body = await reader.read(padded);
        if (body.length < padded) throw new TypeError(`the archive ends inside ${name}`);
        longName = type === "L" ? text(body, 0, size) : paxPath(body.subarray(0, size));
        continue;
      }
      if ((type === "0" || type === "7") && wanted(name)) {
        const body = await reader.read(padded);
        if (body.length < padded) throw new TypeError(`the archive ends inside ${name}`);
        yield { name, bytes: body.subarray(0, size) };
      } else if (!(await reader.skip(padded))) {
        throw new TypeError(`the archive ends inside ${name}`);
      }
    }
  } finally {
    await reader.cancel();
  }
}

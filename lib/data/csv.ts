/**
 * CSV, streamed: records arrive one by one while the file is read (and gunzipped when its name
 * ends in .gz), so a 130 MB file never sits in memory whole. Parsing is csv-parse's.
 *
 * @module
 */

import { parse } from "npm:csv-parse@^6.2.0";
import { KnapError } from "../core/errors.ts";

/** Options of {@linkcode readCsv}. */
export interface CsvOptions {
  /** Field separator (default ","). */
  readonly delimiter?: string;
  /** Treat the first record as the header and yield objects keyed by it (default false). */
  readonly columns?: boolean;
  /** Skip this many records first (default 0). */
  readonly skip?: number;
  /**
   * Reports the bytes read from the file so far (compressed bytes for .gz) and its size, for a
   * progress display.
   */
  readonly onProgress?: (read: number, size: number | undefined) => void;
}

/** A file path (taken as it is, `%` and `#` included), a `file:` URL, or a byte stream. */
export type CsvSource = string | URL | ReadableStream<Uint8Array>;

async function open(
  source: CsvSource,
  onProgress?: (read: number, size: number | undefined) => void,
): Promise<ReadableStream<Uint8Array>> {
  if (source instanceof ReadableStream) return source;
  const name = source instanceof URL ? source.pathname : source;
  const file = await Deno.open(source).catch((e) => {
    throw e instanceof Deno.errors.NotCapable
      ? new KnapError(`readCsv: reading ${String(source)} needs --allow-read`, "permission")
      : e;
  });
  let bytes = file.readable;
  if (onProgress !== undefined) {
    const size = (await file.stat()).size;
    let read = 0;
    bytes = bytes.pipeThrough(
      new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
        transform(chunk, c) {
          read += chunk.length;
          onProgress(read, size);
          c.enqueue(chunk);
        },
      }),
    );
  }
  return name.endsWith(".gz") ? bytes.pipeThrough(new DecompressionStream("gzip")) : bytes;
}

/**
 * The records of a CSV source, streamed: arrays of fields, or objects keyed by the header with
 * `columns: true`.
 *
 * @example
 * ```ts
 * import { readCsv } from "@knap/knap/data";
 * const text = 'name,said\nann,"hi, there"\nbob,"two\nlines"\n';
 * const source = new Blob([text]).stream();
 * const rows = await Array.fromAsync(readCsv(source, { columns: true }));
 * if (rows.length !== 2 || rows[0].said !== "hi, there") throw new Error("unexpected");
 * ```
 */
export function readCsv(
  source: CsvSource,
  options: CsvOptions & { columns: true },
): AsyncIterable<Record<string, string>>;
/** The records as arrays of fields. */
export function readCsv(source: CsvSource, options?: CsvOptions): AsyncIterable<string[]>;
export async function* readCsv(
  source: CsvSource,
  options: CsvOptions = {},
): AsyncIterable<string[] | Record<string, string>> {
  const parser = parse({
    delimiter: options.delimiter ?? ",",
    columns: options.columns ?? false,
    from_line: (options.skip ?? 0) + 1,
    relax_column_count: false,
  });
  const stream = await open(source, options.onProgress);
  const reader = stream.getReader();
  let stopped = false;
  // Feed the parser from the byte stream while its records are consumed below.
  const feeding = (async () => {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || stopped) break;
        if (!parser.write(decoder.decode(value, { stream: true }))) {
          // A parser destroyed meanwhile (an early break) drains no more: it closes.
          await new Promise<void>((resolve) => {
            // Whichever comes first takes both listeners away: one left behind per drain would
            // pile up to Node's MaxListenersExceededWarning on a long file.
            const done = () => {
              parser.off("drain", done);
              parser.off("close", done);
              resolve();
            };
            parser.once("drain", done);
            parser.once("close", done);
          });
        }
      }
      if (!stopped) parser.end(decoder.decode());
    } catch (e) {
      parser.destroy(e as Error);
    }
  })();
  try {
    try {
      for await (const record of parser) yield record as string[] | Record<string, string>;
    } catch (e) {
      // csv-parse's own messages give the line; add the file.
      throw e instanceof KnapError ? e : new KnapError(
        `readCsv: ${source instanceof ReadableStream ? "the stream" : String(source)}: ${
          (e as Error).message
        }`,
        "bad-data",
      );
    }
  } finally {
    // An early break or a parse error: stop reading, close the file, let the feeder finish.
    stopped = true;
    parser.destroy();
    await reader.cancel().catch(() => {});
    await feeding;
  }
}

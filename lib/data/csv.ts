/**
 * CSV, streamed: records arrive one by one while the file is read (and gunzipped when its name
 * ends in .gz), so a 130 MB file never sits in memory whole. Parsing is csv-parse's.
 *
 * @module
 */

import { parse } from "csv-parse";

/** Options of {@linkcode readCsv}. */
export interface CsvOptions {
  /** Field separator (default ","). */
  readonly delimiter?: string;
  /** Treat the first record as the header and yield objects keyed by it (default false). */
  readonly columns?: boolean;
  /** Skip this many records first (default 0). */
  readonly skip?: number;
}

/** A file path, a URL to a file, or a byte stream. */
export type CsvSource = string | URL | ReadableStream<Uint8Array>;

async function open(source: CsvSource): Promise<ReadableStream<Uint8Array>> {
  if (source instanceof ReadableStream) return source;
  const path = source instanceof URL ? source : new URL(source, `file://${Deno.cwd()}/`);
  const file = await Deno.open(path);
  const name = path.pathname;
  return name.endsWith(".gz")
    ? file.readable.pipeThrough(new DecompressionStream("gzip"))
    : file.readable;
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
  const stream = await open(source);
  // Feed the parser from the byte stream while its records are consumed below.
  const feeding = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of stream) {
        if (!parser.write(decoder.decode(chunk, { stream: true }))) {
          await new Promise((resolve) => parser.once("drain", resolve));
        }
      }
      parser.end(decoder.decode());
    } catch (e) {
      parser.destroy(e as Error);
    }
  })();
  for await (const record of parser) yield record as string[] | Record<string, string>;
  await feeding;
}

/**
 * The IMDB reviews from their home: the aclImdb_v1.tar.gz archive (read as a stream — gunzip,
 * then knap's own tar reader) or a folder it was extracted to. The labeled reviews
 * `aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt` come out in the book's order, the order of
 * its imdb_master.csv: test before train, neg before pos, files by name — so either source
 * yields the same 50,000 rows.
 *
 * @module
 */

import { KnapError } from "../core/errors.ts";
import { tarFiles } from "./tar.ts";

/** One labeled review. */
export interface Review {
  /** Which split the file puts it in. */
  readonly type: "train" | "test";
  /** The review's text, unchanged. */
  readonly text: string;
  /** Its label: true for "pos". */
  readonly positive: boolean;
}

/** One labeled review with its place in the archive. */
interface Entry {
  readonly type: "train" | "test";
  readonly label: "pos" | "neg";
  readonly file: string;
  readonly text: string;
}

const PATH = /^(?:\.\/)?aclImdb\/(train|test)\/(pos|neg)\/([^/]+\.txt)$/;

/** The book's order: test before train, neg before pos, then file names as strings. */
function bookOrder(a: Entry, b: Entry): number {
  if (a.type !== b.type) return a.type === "test" ? -1 : 1;
  if (a.label !== b.label) return a.label === "neg" ? -1 : 1;
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

function asReview(e: Entry): Review {
  return { type: e.type, text: e.text, positive: e.label === "pos" };
}

/** Sorted entries, or a KnapError naming the source when it holds none. */
function sorted(entries: Entry[], source: string): Entry[] {
  if (entries.length === 0) {
    throw new KnapError(
      `reviews: ${source} holds no aclImdb/{train,test}/{pos,neg}/*.txt reviews`,
      "bad-data",
    );
  }
  return entries.sort(bookOrder);
}

/**
 * The labeled reviews of an aclImdb archive (.tar.gz), in the book's order. `onProgress`
 * hears the compressed bytes read.
 */
export async function* archiveReviews(
  path: string,
  onProgress?: (read: number, size: number) => void,
): AsyncIterable<Review> {
  using file = await Deno.open(path);
  const size = (await file.stat()).size;
  let read = 0;
  const counted = file.readable.pipeThrough(
    new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
      transform(chunk, c) {
        read += chunk.length;
        onProgress?.(read, size);
        c.enqueue(chunk);
      },
    }),
  );
  const tarBytes = counted.pipeThrough(new DecompressionStream("gzip"));
  const entries: Entry[] = [];
  const decoder = new TextDecoder();
  try {
    for await (const { name, bytes } of tarFiles(tarBytes, (name) => PATH.test(name))) {
      const m = PATH.exec(name)!;
      entries.push({
        type: m[1] as Entry["type"],
        label: m[2] as Entry["label"],
        file: m[3],
        text: decoder.decode(bytes),
      });
    }
  } catch (e) {
    throw new KnapError(
      `reviews: ${path} is not a readable tar.gz archive (${(e as Error).message})`,
      "bad-data",
    );
  }
  for (const e of sorted(entries, path)) yield asReview(e);
}

/** The labeled reviews of an extracted aclImdb folder (the folder itself or its parent). */
export async function* folderReviews(path: string): AsyncIterable<Review> {
  const root = (await exists(`${path}/aclImdb`)) ? `${path}/aclImdb` : path;
  const entries: Entry[] = [];
  for (const type of ["test", "train"] as const) {
    for (const label of ["neg", "pos"] as const) {
      const dir = `${root}/${type}/${label}`;
      if (!(await exists(dir))) continue;
      for await (const f of Deno.readDir(dir)) {
        if (!f.isFile || !f.name.endsWith(".txt")) continue;
        entries.push({
          type,
          label,
          file: f.name,
          text: await Deno.readTextFile(`${dir}/${f.name}`),
        });
      }
    }
  }
  for (const e of sorted(entries, path)) yield asReview(e);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/**
 * Data sets fetched once into a cache and verified. A download goes to a temporary file in the
 * cache folder, is checked against its SHA-256 (and its announced length), and only then
 * renamed into place — atomically — so a truncated, corrupted or interrupted download is an
 * error and never leaves a file a later run would trust. It is bounded: no longer than the file
 * is declared to be (or `maxBytes`), no more than the disk holds, no longer in time than
 * `timeout`, and no pause longer than `stallTimeout`.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { statfsSync } from "node:fs";
import { KnapError } from "../core/errors.ts";
import { envAsk, envReadable, envVar } from "../core/env.ts";
import { ProgressBar } from "../core/progress.ts";

/**
 * A file of a data set: where it comes from and what its bytes must hash to — SHA-256, or MD5
 * where that is all its maintainers publish.
 */
export interface DatasetFile {
  /** The file's name in the cache: letters, digits, `.`, `_` and `-`, no folders. */
  readonly name: string;
  /** Where to download it from. */
  readonly url: string;
  /** Its SHA-256, in hex. */
  readonly sha256?: string;
  /** Its MD5, in hex, when no SHA-256 is published. */
  readonly md5?: string;
  /** Its size in bytes, when known: shown before a download starts. */
  readonly bytes?: number;
}

/** The algorithm and the digest a file must hash to. */
function digestOf(file: DatasetFile): { algorithm: "sha256" | "md5"; hex: string } {
  if (file.sha256 !== undefined) return { algorithm: "sha256", hex: file.sha256.toLowerCase() };
  if (file.md5 !== undefined) return { algorithm: "md5", hex: file.md5.toLowerCase() };
  throw new TypeError(`fetchDataset: ${file.name} gives no checksum (sha256 or md5)`);
}

/** The hex digest of a file's bytes. */
async function hashFile(path: string, algorithm: "sha256" | "md5"): Promise<string> {
  const hash = createHash(algorithm);
  using file = await Deno.open(path);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

/** Options of {@linkcode fetchDataset}. */
export interface FetchOptions {
  /** The cache folder (default: `$KNAP_CACHE`, else the platform's cache folder + `/knap`). */
  readonly cache?: string;
  /** A local copy to use instead of downloading (verified all the same). */
  readonly local?: string;
  /**
   * Reports bytes received so far and the total when known, for a progress display of your
   * own (without it, a bar is drawn on a terminal). What it throws ends the download and
   * reaches the caller unchanged.
   */
  readonly onProgress?: (received: number, total: number | undefined) => void;
  /** No progress bar. */
  readonly quiet?: boolean;
  /**
   * Milliseconds without a byte before a download is abandoned as stalled (default 30000;
   * Infinity: no limit). Partial files older than this, left by a download that was killed, are
   * removed.
   */
  readonly stallTimeout?: number;
  /**
   * Milliseconds the whole download may take (default 3,600,000, an hour; Infinity: no limit):
   * a server that trickles a byte at a time never finishes otherwise.
   */
  readonly timeout?: number;
  /**
   * The most bytes the download may bring (default: the file's declared `bytes`, else no more
   * than the disk holds): a longer body is refused as soon as it passes them.
   */
  readonly maxBytes?: number;
  /**
   * How many times a download that broke off — a dropped connection, a stall, a server error
   * (HTTP 5xx) — is tried again (default 3), waiting `retryDelay` ms (default 1000) before the
   * first retry and twice as long before each next one.
   */
  readonly retries?: number;
  /** Milliseconds before the first retry (default 1000), doubled for each next one. */
  readonly retryDelay?: number;
}

/** Whether a failed download may succeed when tried again. */
const transient = (e: unknown) =>
  e instanceof KnapError &&
  (["network", "truncated", "stalled"].includes(e.code) || /^http-5\d\d$/.test(e.code));

/** Checks a duration in ms: positive, Infinity for none. */
function duration(name: string, ms: unknown, fallback: number): number {
  const v = ms ?? fallback;
  if (typeof v !== "number" || !(v > 0)) {
    throw new RangeError(
      `fetchDataset: ${name} must be a positive number of milliseconds (Infinity: no limit), ` +
        `got ${String(v)}`,
    );
  }
  return v;
}

/** The longest wait one setTimeout takes: a longer one would fire at once. */
const LONGEST = 2 ** 31 - 1;

/** Calls `fn` after `ms` (chained past setTimeout's limit; never for Infinity) until cleared. */
function after(ms: number, fn: () => void): { clear(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let left = ms;
  const arm = () => {
    if (left === Infinity) return;
    const step = Math.min(left, LONGEST);
    timer = setTimeout(() => {
      left -= step;
      if (left <= 0) fn();
      else arm();
    }, step);
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}

/** Bytes free for this user on the disk holding `dir`, or undefined where it cannot be read. */
function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return undefined;
  }
}

/** A name that stays inside the cache folder: no separators, no `..`, nothing hidden. */
function checkName(name: unknown): asserts name is string {
  if (typeof name !== "string" || !/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name)) {
    throw new RangeError(
      `fetchDataset: the file name ${JSON.stringify(name)} must be letters, digits, '.', '_' ` +
        "and '-' only, not starting with '.': a name may not reach outside the cache",
    );
  }
}

/** Removes partial downloads of `name` untouched for `age` ms: leftovers of a killed process. */
async function removeStale(dir: string, name: string, age: number): Promise<void> {
  const now = Date.now();
  for await (const e of Deno.readDir(dir)) {
    if (!e.isFile || !e.name.startsWith(`.${name}.`) || !e.name.endsWith(".part")) continue;
    const path = `${dir}/${e.name}`;
    const info = await Deno.stat(path).catch(() => undefined);
    const touched = info?.mtime?.getTime() ?? now;
    if (now - touched > age) await Deno.remove(path).catch(() => {});
  }
}

/** The cache folder: `$KNAP_CACHE`, else the platform's user cache folder joined with "knap". */
export function cacheDir(): string {
  const explicit = envAsk("KNAP_CACHE");
  if (explicit) return explicit;
  const home = envVar("HOME") ?? envVar("USERPROFILE") ?? (envReadable("HOME") ? "." : undefined);
  if (home === undefined) {
    throw new KnapError(
      "cacheDir: the cache folder is found from KNAP_CACHE or HOME, which this program may not " +
        "read: run with --allow-env=KNAP_CACHE,HOME,XDG_CACHE_HOME, or pass { cache: folder }",
      "permission",
    );
  }
  switch (Deno.build.os) {
    case "darwin":
      return `${home}/Library/Caches/knap`;
    case "windows":
      return `${envVar("LOCALAPPDATA") ?? home}\\knap`;
    default:
      return `${envVar("XDG_CACHE_HOME") ?? `${home}/.cache`}/knap`;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * The path of a verified copy of the file: from the cache when it is there, else from `local`,
 * else downloaded. Throws a KnapError (and leaves the cache as it was) when the bytes do not
 * hash to `sha256` or the download ends early.
 *
 * @example
 * ```ts ignore
 * import { fetchDataset } from "@knap/knap/data";
 * const path = await fetchDataset({
 *   name: "boston-housing.csv",
 *   url: "https://example.org/BostonHousing.csv",
 *   sha256: "24ec814c9b6c5bb1cae0f6d203636413195ade13a34b62920787599f63eefd7e",
 * });
 * ```
 */
export async function fetchDataset(file: DatasetFile, options: FetchOptions = {}): Promise<string> {
  try {
    return await fetchVerified(file, options);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied)) {
      throw e;
    }
    throw new KnapError(
      `fetchDataset: ${(e as Error).message.split("\n")[0]}. It reads and writes its cache ` +
        "folder and downloads: run with --allow-read, --allow-write and --allow-net for them",
      "permission",
    );
  }
}

async function fetchVerified(file: DatasetFile, options: FetchOptions): Promise<string> {
  checkName(file?.name);
  const stall = duration("stallTimeout", options.stallTimeout, 30_000);
  const deadline = duration("timeout", options.timeout, 3_600_000);
  const declared = options.maxBytes ?? file.bytes;
  if (declared !== undefined && !(Number.isInteger(declared) && declared >= 0)) {
    throw new RangeError(
      `fetchDataset: ${options.maxBytes === undefined ? `${file.name}'s bytes` : "maxBytes"} ` +
        `must be a whole number of bytes, got ${declared}`,
    );
  }
  const dir = options.cache ?? cacheDir();
  const target = `${dir}/${file.name}`;
  const { algorithm, hex: want } = digestOf(file);
  if (await exists(target)) {
    if ((await hashFile(target, algorithm)) === want) return target;
    await Deno.remove(target); // a stale or damaged entry: fetch it again
  }
  await Deno.mkdir(dir, { recursive: true });
  await removeStale(dir, file.name, stall);
  const temp = await Deno.makeTempFile({ dir, prefix: `.${file.name}.`, suffix: ".part" });
  try {
    if (options.local !== undefined) {
      await Deno.copyFile(options.local, temp);
    } else {
      const bar = options.onProgress === undefined
        ? new ProgressBar(`downloading ${file.name}`, file.bytes, "bytes", options.quiet)
        : undefined;
      try {
        const show = (received: number, total: number | undefined) => {
          bar!.total = total ?? file.bytes;
          bar!.update(received);
        };
        const retries = options.retries ?? 3, delay = options.retryDelay ?? 1000;
        if (!(Number.isInteger(retries) && retries >= 0)) {
          throw new RangeError(`fetchDataset: retries must be a whole number ≥ 0, got ${retries}`);
        }
        for (let attempt = 0;; attempt++) {
          try {
            await download(
              file.url,
              temp,
              { stall, deadline, declared, name: file.name, dir },
              options.onProgress ?? show,
            );
            break;
          } catch (e) {
            if (!transient(e) || attempt >= retries) throw e;
            // Backing off: a dropped connection often holds for a moment.
            await new Promise((r) => setTimeout(r, delay * 2 ** attempt));
          }
        }
      } finally {
        bar?.finish();
      }
    }
    const got = await hashFile(temp, algorithm);
    if (got !== want) {
      throw new KnapError(
        `${file.name}: ${algorithm.toUpperCase()} is ${got}, expected ${want}; the ${
          options.local ? "local copy" : "download"
        } is damaged`,
        "checksum",
      );
    }
    await Deno.rename(temp, target);
    return target;
  } catch (e) {
    await Deno.remove(temp).catch(() => {});
    throw e;
  }
}

/** Thrown by a progress callback: passed on as it is, not taken for a broken download. */
class FromCallback {
  constructor(readonly error: unknown) {}
}

/** A download's bounds: its pauses, its whole time, its size, and the disk it lands on. */
interface Bounds {
  readonly stall: number;
  readonly deadline: number;
  /** The most bytes it may bring, where declared. */
  readonly declared: number | undefined;
  /** The file's name and the folder it is written in, for the messages and the disk. */
  readonly name: string;
  readonly dir: string;
}

/** Bytes left free on the disk below which a download of unknown size stops. */
const RESERVE = 64 * 2 ** 20;

async function download(
  url: string,
  path: string,
  bounds: Bounds,
  onProgress?: (received: number, total: number | undefined) => void,
): Promise<void> {
  const { stall, deadline, name, dir } = bounds;
  const abort = new AbortController();
  let why: KnapError | undefined;
  const end = (e: KnapError) => {
    why ??= e;
    abort.abort();
  };
  const stalled = () =>
    new KnapError(`${url}: no data for ${stall / 1000} s; the download stalled`, "stalled");
  const late = after(deadline, () =>
    end(
      new KnapError(
        `${url}: the download took longer than ${deadline / 1000} s; pass { timeout } in ` +
          "milliseconds for a slower connection",
        "timeout",
      ),
    ));
  let pause = after(stall, () => end(stalled()));
  const stop = () => {
    late.clear();
    pause.clear();
  };
  let response: Response;
  try {
    response = await fetch(url, { signal: abort.signal });
  } catch (e) {
    stop();
    if (why !== undefined) throw why;
    throw new KnapError(`${url}: ${(e as Error).message}`, "network");
  }
  if (!response.ok || response.body === null) {
    stop();
    await response.body?.cancel();
    throw new KnapError(
      `${url}: HTTP ${response.status} ${response.statusText}`,
      `http-${response.status}`,
    );
  }
  // A compressed response arrives decompressed: its Content-Length counts other bytes. The
  // checksum still vouches for the file.
  const encoded = (response.headers.get("content-encoding") ?? "identity") !== "identity";
  const header = encoded ? null : response.headers.get("content-length");
  const total = header === null ? undefined : Number(header);
  const tooLong = (n: number) =>
    new KnapError(
      `${url}: the body ${
        total === n ? "announces" : "passed"
      } ${n} bytes, more than the ${bounds.declared} ${name} is declared to have (or maxBytes); refused`,
      "too-large",
    );
  if (total !== undefined && bounds.declared !== undefined && total > bounds.declared) {
    stop();
    await response.body.cancel();
    throw tooLong(total);
  }
  // The disk must hold what is coming; of a body of unknown size, no more than it holds less a
  // reserve.
  const free = freeBytes(dir);
  const expected = bounds.declared ?? total;
  if (free !== undefined && expected !== undefined && expected > free) {
    stop();
    await response.body.cancel();
    throw new KnapError(
      `${name}: needs ${expected} bytes in ${dir}, whose disk has ${free} free`,
      "disk-full",
    );
  }
  const most = bounds.declared ??
    (free === undefined ? Infinity : Math.max(free - RESERVE, total ?? 0));
  let received = 0;
  using out = await Deno.open(path, { write: true, truncate: true });
  try {
    for await (const chunk of response.body) {
      pause.clear();
      pause = after(stall, () => end(stalled()));
      received += chunk.length;
      if (received > most) {
        throw bounds.declared !== undefined ? tooLong(received) : new KnapError(
          `${name}: the body passed ${received} bytes and would fill the disk of ${dir}`,
          "disk-full",
        );
      }
      await writeAll(out, chunk);
      try {
        onProgress?.(received, total);
      } catch (e) {
        throw new FromCallback(e);
      }
    }
  } catch (e) {
    if (e instanceof FromCallback) {
      abort.abort();
      throw e.error;
    }
    if (e instanceof KnapError) {
      abort.abort();
      throw e;
    }
    if (why !== undefined) throw why;
    throw new KnapError(
      `${url}: the download broke off after ${received} bytes (${(e as Error).message})`,
      "truncated",
    );
  } finally {
    stop();
  }
  if (total !== undefined && received !== total) {
    throw new KnapError(`${url}: received ${received} of ${total} bytes`, "truncated");
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
}

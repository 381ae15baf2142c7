/**
 * A progress bar for long work — downloads, reading and encoding data, training — drawn on
 * standard error when it is a terminal, with the rate and the time left; silent otherwise, or
 * when asked (`quiet`, or `KNAP_QUIET=1`), so logs and pipes get no control characters.
 *
 * @module
 */

import { envVar } from "./env.ts";

/** What a bar counts: bytes print as MB, anything else as a count with its unit's name. */
export type ProgressUnit = "bytes" | "items" | "epochs" | "reviews";

const encoder = new TextEncoder();
const REDRAW_MS = 100;
const WIDTH = 24;

function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

function count(n: number, unit: ProgressUnit): string {
  if (unit === "bytes") return bytes(n);
  // A slow rate (a long epoch a second) keeps two digits rather than rounding to 0.
  return `${n > 0 && n < 10 && !Number.isInteger(n) ? n.toPrecision(2) : Math.round(n)} ${unit}`;
}

/** A duration as m:ss or h:mm:ss; "?" when not known. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m >= 60
    ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`
    : `${m}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * One line of progress: a bar, the share done, the counts, the rate and the time left when the
 * total is known; the count and the rate otherwise.
 */
export function formatProgress(
  label: string,
  done: number,
  total: number | undefined,
  unit: ProgressUnit,
  seconds: number,
): string {
  const rate = seconds > 0 ? done / seconds : 0;
  if (total === undefined || total <= 0) {
    return `${label} ${count(done, unit)}, ${count(rate, unit)}/s`;
  }
  const f = Math.min(1, done / total);
  const left = rate > 0 ? (total - done) / rate : Infinity;
  return `${label} ${bar(f)} ${count(done, unit)} of ${count(total, unit)}, ${
    count(rate, unit)
  }/s, ${clock(left)} left`;
}

/** A bar filled to the share f (0 to 1) and the share in percent. */
export function bar(f: number): string {
  const share = Math.min(1, Math.max(0, f));
  const filled = Math.round(share * WIDTH);
  return `[${"█".repeat(filled)}${"░".repeat(WIDTH - filled)}] ${
    (share * 100).toFixed(0).padStart(3)
  }%`;
}

/** Whether bars draw: on a terminal, unless asked to be quiet. */
function progressShown(quiet = false): boolean {
  if (quiet || envVar("KNAP_QUIET") === "1") return false;
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}

/**
 * A bar over `total` units (unknown: a running count), redrawn at most every 100 ms. `log`
 * prints a line above it; `finish` clears it.
 */
export class ProgressBar {
  readonly #label: string;
  #total: number | undefined;
  readonly #unit: ProgressUnit;
  readonly #shown: boolean;
  readonly #started = performance.now();
  #drawn = 0;
  #visible = false;

  /**
   * @param label what is in progress
   * @param total units of the whole work, when known
   * @param unit what is counted
   * @param quiet draw nothing
   */
  constructor(label: string, total: number | undefined, unit: ProgressUnit, quiet = false) {
    this.#label = label;
    this.#total = total;
    this.#unit = unit;
    this.#shown = progressShown(quiet);
  }

  /** The whole work's units, once they are known (a download's length arrives with it). */
  set total(units: number | undefined) {
    this.#total = units;
  }

  /** Whether this bar draws at all. */
  get shown(): boolean {
    return this.#shown;
  }

  /** `done` units so far, and a note (a cost, say) to show after the numbers. */
  update(done: number, note = ""): void {
    if (!this.#shown) return;
    const now = performance.now();
    if (now - this.#drawn < REDRAW_MS && done !== this.#total) return;
    this.#drawn = now;
    const text = formatProgress(
      this.#label,
      done,
      this.#total,
      this.#unit,
      (now - this.#started) / 1000,
    );
    this.#show(`${text}${note ? `  ${note}` : ""}`);
  }

  /**
   * Draws a line of the caller's own in the bar's place (a finer-grained view of the same
   * work), at most every 100 ms like `update`.
   */
  draw(line: string): void {
    if (!this.#shown) return;
    const now = performance.now();
    if (now - this.#drawn < REDRAW_MS) return;
    this.#drawn = now;
    this.#show(line);
  }

  #show(line: string): void {
    this.#write(`\r\x1b[2K${line}`);
    this.#visible = true;
  }

  /** Prints a line above the bar (the bar is redrawn on the next update). */
  log(line: string): void {
    if (this.#shown && this.#visible) this.#write("\r\x1b[2K");
    this.#visible = false;
    console.error(line);
  }

  /** Clears the bar. */
  finish(): void {
    if (this.#shown && this.#visible) this.#write("\r\x1b[2K");
    this.#visible = false;
  }

  #write(text: string): void {
    try {
      Deno.stderr.writeSync(encoder.encode(text));
    } catch {
      // A closed standard error: nothing to show progress on.
    }
  }
}

/**
 * Boston housing (506 rows, 13 features and the median value MEDV) and feature normalization.
 *
 * @module
 */

import { readCsv } from "./csv.ts";
import { KnapError } from "../core/errors.ts";

/** The data: features as a 13 × n column-major array (one house per column), targets 1 × n. */
export interface Boston {
  /** The features' names, in row order. */
  readonly features: readonly string[];
  /** features × n, one house per column. */
  readonly x: Float64Array;
  /** MEDV, the median value, per house. */
  readonly y: Float64Array;
  /** n, the number of houses. */
  readonly count: number;
}

/**
 * Reads a CSV with the header `crim,…,lstat,medv` (`medv` last, the target). The header must
 * end in `medv` and every value must be a number: anything else is a KnapError naming the
 * file, the row and the column.
 *
 * @example
 * ```ts
 * import { loadBoston } from "@knap/knap/data";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "crim,rm,medv\n0.1,6.5,24\n0.2,5.9,21.6\n");
 * const b = await loadBoston(path);
 * if (b.count !== 2 || b.x[2] !== 0.2 || b.y[1] !== 21.6) throw new Error();
 * ```
 */
export async function loadBoston(path: string | URL): Promise<Boston> {
  const rows: string[][] = [];
  const file = String(path);
  for await (const r of readCsv(path)) rows.push(r);
  const [header, ...data] = rows;
  if (header === undefined || header.length < 2 || header.at(-1)?.trim().toLowerCase() !== "medv") {
    throw new KnapError(
      `loadBoston: ${file} is not Boston housing data: its header must end in medv, got ${
        JSON.stringify(header?.slice(0, 4))
      }${(header?.length ?? 0) > 4 ? "…" : ""}`,
      "bad-data",
    );
  }
  const features = header.slice(0, -1);
  const f = features.length, n = data.length;
  const x = new Float64Array(f * n), y = new Float64Array(n);
  const value = (text: string, j: number, i: number): number => {
    const v = Number(text);
    if (text.trim() === "" || !Number.isFinite(v)) {
      throw new KnapError(
        `loadBoston: ${file}, row ${j + 2}, column ${header[i]}: ${
          JSON.stringify(text)
        } is not a number`,
        "bad-data",
      );
    }
    return v;
  };
  data.forEach((r, j) => {
    for (let i = 0; i < f; i++) x[j * f + i] = value(r[i], j, i);
    y[j] = value(r[f], j, f);
  });
  return { features, x, y, count: n };
}

/** Per-feature mean and standard deviation. */
export interface Scaling {
  /** Each feature's mean. */
  readonly mean: Float64Array;
  /** Each feature's standard deviation (1 where it does not vary). */
  readonly deviation: Float64Array;
}

/**
 * The mean and standard deviation of each of `rows` features over the columns of a rows × n
 * column-major array (a feature with no spread gets deviation 1).
 *
 * @example
 * ```ts
 * import { scaling } from "@knap/knap/data";
 * const s = scaling(new Float64Array([1, 10, 3, 30]), 2);
 * if (s.mean.join() !== "2,20" || s.deviation.join() !== "1,10") throw new Error();
 * ```
 */
export function scaling(x: ArrayLike<number>, rows: number): Scaling {
  const n = x.length / rows;
  const mean = new Float64Array(rows), deviation = new Float64Array(rows);
  for (let j = 0; j < n; j++) for (let i = 0; i < rows; i++) mean[i] += x[j * rows + i] / n;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < rows; i++) deviation[i] += (x[j * rows + i] - mean[i]) ** 2 / n;
  }
  for (let i = 0; i < rows; i++) deviation[i] = Math.sqrt(deviation[i]) || 1;
  return { mean, deviation };
}

/**
 * Standardizes features in place with a scaling (usually the training set's, applied to both
 * splits): x ← (x − mean) / deviation, row by row; returns x.
 *
 * @example
 * ```ts
 * import { normalize_, scaling } from "@knap/knap/data";
 * const x = new Float64Array([1, 10, 3, 30]);
 * normalize_(x, scaling(x, 2));
 * if (x.join() !== "-1,-1,1,1") throw new Error();
 * ```
 */
export function normalize_<T extends Float32Array | Float64Array>(x: T, s: Scaling): T {
  const rows = s.mean.length;
  for (let k = 0; k < x.length; k++) {
    const i = k % rows;
    x[k] = (x[k] - s.mean[i]) / s.deviation[i];
  }
  return x;
}

/**
 * The js engine's reductions over tensors of any strides: an odometer over the kept
 * dimensions, and for each output entry one over the reduced ones, accumulating in float64.
 * The native engine runs this too, where oneDNN's primitive is not taken.
 *
 * @module
 */

import type { ReductionAlg, TensorOperand } from "../../core/engine.ts";
import type { DType } from "../../core/types.ts";

type Floats = Float32Array | Float64Array;

/** Extents and strides (in x and out) of some dimensions, extent-1 dimensions left out. */
export interface Dims {
  readonly e: number[];
  readonly xs: number[];
  readonly os: number[];
}

/**
 * The dimensions out keeps, in order, and those it reduces, sorted so that the innermost by x's
 * strides comes last.
 */
export function reductionDims(
  x: TensorOperand,
  out: TensorOperand,
): { kept: Dims; reduced: Dims } {
  const kept: Dims = { e: [], xs: [], os: [] }, reduced: Dims = { e: [], xs: [], os: [] };
  x.shape.forEach((e, d) => {
    if (e === 1) return;
    const to = out.shape[d] === 1 ? reduced : kept;
    to.e.push(e);
    to.xs.push(x.strides[d]);
    to.os.push(out.strides[d]);
  });
  // The reduced walk's inner loop follows x's smallest stride.
  const order = reduced.e.map((_, k) => k).sort((a, b) => reduced.xs[b] - reduced.xs[a]);
  return {
    kept,
    reduced: {
      e: order.map((k) => reduced.e[k]),
      xs: order.map((k) => reduced.xs[k]),
      os: [],
    },
  };
}

/** Steps an odometer, moving the running offsets; false once it has gone all the way round. */
function step(index: number[], d: Dims, at: { x: number; o: number }): boolean {
  for (let k = index.length - 1; k >= 0; k--) {
    if (++index[k] < d.e[k]) {
      at.x += d.xs[k];
      at.o += d.os[k] ?? 0;
      return true;
    }
    at.x -= (d.e[k] - 1) * d.xs[k];
    at.o -= (d.e[k] - 1) * (d.os[k] ?? 0);
    index[k] = 0;
  }
  return false;
}

/**
 * The planned reduction of x into out on host memory (float32 or float64): sums and means in
 * float64, max and min giving NaN for a NaN among their entries. Where x's innermost dimension
 * is reduced, each output entry gathers its entries along it; where it is kept (per-channel sums
 * of nhwc), x is read once in memory order into float64 accumulators, so no pass strides
 * across all of memory once per output entry.
 */
export function reduceTensor(
  alg: ReductionAlg,
  x: TensorOperand,
  out: TensorOperand,
  _dtype?: DType,
): () => void {
  let innermost = -1;
  x.shape.forEach((e, d) => {
    if (e > 1 && (innermost < 0 || x.strides[d] < x.strides[innermost])) innermost = d;
  });
  const keptInside = innermost >= 0 && out.shape[innermost] !== 1;
  return keptInside ? scattered(alg, x, out) : gathered(alg, x, out);
}

/** Each output entry folds its entries, the innermost reduced dimension in the inner loop. */
function gathered(alg: ReductionAlg, x: TensorOperand, out: TensorOperand): () => void {
  const { kept, reduced } = reductionDims(x, out);
  const count = reduced.e.reduce((n, e) => n * e, 1);
  const inner = reduced.e.pop() ?? 1, innerStride = reduced.xs.pop() ?? 0;
  const outerIndex = reduced.e.map(() => 0);
  const keptIndex = kept.e.map(() => 0);
  const max = alg === "max";
  // The inner odometer's offsets, reused: a run allocates nothing per output entry.
  const r = { x: 0, o: 0 };
  return () => {
    const xa = x.storage.buffer as Floats, oa = out.storage.buffer as Floats;
    const at = { x: x.offset, o: out.offset };
    do {
      r.x = at.x;
      let acc = alg === "sum" || alg === "mean" ? 0 : xa[at.x];
      do {
        let i = r.x;
        if (alg === "sum" || alg === "mean") {
          for (let k = 0; k < inner; k++, i += innerStride) acc += xa[i];
        } else {
          for (let k = 0; k < inner; k++, i += innerStride) {
            const v = xa[i];
            // NaN wins: once acc is NaN no comparison replaces it.
            if (v !== v || (max ? v > acc : v < acc)) acc = v;
          }
        }
      } while (step(outerIndex, reduced, r));
      oa[at.o] = alg === "mean" ? acc / count : acc;
    } while (step(keptIndex, kept, at));
  };
}

/** x read in memory order, each entry folded into its output entry's float64 accumulator. */
function scattered(alg: ReductionAlg, x: TensorOperand, out: TensorOperand): () => void {
  const { kept, reduced } = reductionDims(x, out);
  const count = reduced.e.reduce((n, e) => n * e, 1);
  const acc = new Float64Array(kept.e.reduce((n, e) => n * e, 1));
  // Accumulator strides: row-major over the kept dimensions, 0 along the reduced ones.
  const accStride = new Map<number, number>();
  let stride = 1;
  for (let k = kept.e.length - 1; k >= 0; k--) {
    accStride.set(k, stride);
    stride *= kept.e[k];
  }
  const all = [
    ...kept.e.map((e, k) => ({ e, xs: kept.xs[k], as: accStride.get(k)! })),
    ...reduced.e.map((e, k) => ({ e, xs: reduced.xs[k], as: 0 })),
  ].sort((a, b) => b.xs - a.xs);
  const inner = all.pop()!;
  const walk: Dims = { e: all.map((d) => d.e), xs: all.map((d) => d.xs), os: all.map((d) => d.as) };
  const walkIndex = walk.e.map(() => 0);
  const write: Dims = { e: kept.e, xs: kept.e.map((_, k) => accStride.get(k)!), os: kept.os };
  const writeIndex = kept.e.map(() => 0);
  const max = alg === "max", sum = alg === "sum" || alg === "mean";
  const scale = alg === "mean" ? 1 / count : 1;
  return () => {
    const xa = x.storage.buffer as Floats, oa = out.storage.buffer as Floats;
    acc.fill(sum ? 0 : max ? -Infinity : Infinity);
    const at = { x: x.offset, o: 0 };
    do {
      let i = at.x, a = at.o;
      if (sum) {
        for (let k = 0; k < inner.e; k++, i += inner.xs, a += inner.as) acc[a] += xa[i];
      } else {
        for (let k = 0; k < inner.e; k++, i += inner.xs, a += inner.as) {
          const v = xa[i];
          if (v !== v || (max ? v > acc[a] : v < acc[a])) acc[a] = v;
        }
      }
    } while (step(walkIndex, walk, at));
    const to = { x: 0, o: out.offset };
    do oa[to.o] = acc[to.x] * scale; while (step(writeIndex, write, to));
  };
}

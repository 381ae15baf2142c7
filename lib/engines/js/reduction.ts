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
 * float64, max and min giving NaN for a NaN among their entries.
 */
export function reduceTensor(
  alg: ReductionAlg,
  x: TensorOperand,
  out: TensorOperand,
  _dtype?: DType,
): () => void {
  const { kept, reduced } = reductionDims(x, out);
  const count = reduced.e.reduce((n, e) => n * e, 1);
  const inner = reduced.e.pop() ?? 1, innerStride = reduced.xs.pop() ?? 0;
  const outerIndex = reduced.e.map(() => 0);
  const keptIndex = kept.e.map(() => 0);
  const max = alg === "max";
  return () => {
    const xa = x.storage.buffer as Floats, oa = out.storage.buffer as Floats;
    const at = { x: x.offset, o: out.offset };
    do {
      const r = { x: at.x, o: 0 };
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

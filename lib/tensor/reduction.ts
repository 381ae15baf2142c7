/**
 * Reductions of tensors, planned once: the sum, mean, largest or smallest entry along any set
 * of dimensions. The engine's own primitive runs where it has one (oneDNN's reduction natively,
 * a kernel on WebGPU, loops on js); otherwise the plan folds x's slices into the output one at
 * a time with the engine's `copy` and `map`.
 *
 * @module
 */

import type { ReductionAlg } from "../core/engine.ts";
import type { Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import { ops } from "../elementwise/table.ts";
import type { Tensor } from "./tensor.ts";
import { filling, type Piece, pieces, shifted } from "./pieces.ts";
import { checkApart, checkTensors, dims, TensorOp } from "./operation.ts";

const algs: readonly ReductionAlg[] = ["sum", "mean", "max", "min"];
const folds = { sum: ops.add, mean: ops.add, max: ops.fmax, min: ops.fmin } as const;

/**
 * The composition: out ← the first slice of x, then folded with every other slice, then
 * scaled for the mean. Slices are x at each index of the reduced dimensions, out's shape.
 */
function composed(alg: ReductionAlg, x: Tensor, out: Tensor): { run: () => void; n: number } {
  const { blas, math } = (x.factory as Factory).engine;
  const reduced = x.shape.map((e, d) => out.shape[d] === 1 && e > 1 ? d : -1)
    .filter((d) => d >= 0);
  const first = pieces(out.shape, [out, x]);
  // Every slice's shift from the first: an odometer over the reduced dimensions.
  const shifts: number[] = [];
  const index = reduced.map(() => 0);
  let shift = 0;
  for (;;) {
    shifts.push(shift);
    let k = reduced.length - 1;
    for (; k >= 0; k--) {
      const d = reduced[k];
      if (++index[k] < x.shape[d]) {
        shift += x.strides[d];
        break;
      }
      shift -= (x.shape[d] - 1) * x.strides[d];
      index[k] = 0;
    }
    if (k < 0) break;
  }
  const slices: Piece[][] = shifts.map((s) => shifted(first, [0, s]));
  const fold = folds[alg];
  const scale = [1 / shifts.length, 0];
  return {
    n: first.length * shifts.length,
    run() {
      for (const [o, s] of slices[0]) blas.copy(s, o);
      for (let k = 1; k < slices.length; k++) {
        for (const [o, s] of slices[k]) math.map(fold, [], o, o, s);
      }
      if (alg === "mean") { for (const [o] of first) math.map(ops.linear, scale, o, o); }
    },
  };
}

/**
 * Plans out ← the sum, mean, largest or smallest of x's entries along the dimensions where
 * out has extent 1 and x more; along the others out has x's extent. Any layouts; out shares no
 * memory with x. A NaN among the entries reduced gives NaN, max and min included. The sum of
 * no entries is 0; the mean, max and min of none are refused.
 *
 * @example Each channel's mean over a batch of images
 * ```ts
 * import { jsFloat, tensor } from "@knap/knap";
 * import { reduction } from "@knap/knap/ops";
 * using x = tensor(jsFloat, [2, 2, 1, 2], "nchw", [1, 2, 3, 4, 5, 6, 7, 8]);
 * using m = tensor(jsFloat, [1, 2, 1, 1], "nchw");
 * reduction("mean", x, m).run();
 * if (Array.from(m.toArray()).join() !== "3.5,5.5") throw new Error("unexpected");
 * ```
 */
export function reduction<L extends Loc>(
  alg: ReductionAlg,
  x: Tensor<L>,
  out: Tensor<L>,
): TensorOp<L> {
  const op = `reduction ${String(alg)}`;
  checkTensors(op, { x, out });
  if (!algs.includes(alg)) {
    throw new TypeError(`reduction: ${String(alg)} is none of ${algs.join(", ")}`);
  }
  const fits = x.shape.length === out.shape.length &&
    out.shape.every((e, d) => e === x.shape[d] || e === 1);
  if (!fits) {
    throw new RangeError(
      `${op}: out is ${dims(out)}; along each dimension of x's ${dims(x)} it needs x's extent ` +
        "or 1",
    );
  }
  checkApart(op, out, x, "x", false);
  const f = x.factory as Factory;
  if (out.size === 0) return new TensorOp(op, [x], out, () => {}, 0, false);
  if (x.size === 0) {
    // As PyTorch: a sum of nothing is 0, a mean NaN; a largest or smallest there is none.
    if (alg === "max" || alg === "min") {
      throw new RangeError(`${op}: x ${dims(x)} has no entries to take the ${alg} of`);
    }
    return new TensorOp(op, [x], out, filling([out], alg === "sum" ? 0 : NaN), 1, false);
  }
  const primitive = f.engine.dnn?.reduction?.(alg, x, out, f.dtype);
  if (primitive !== undefined) return new TensorOp(op, [x], out, primitive, 1, true);
  const { run, n } = composed(alg, x, out);
  return new TensorOp(op, [x], out, run, n, false);
}

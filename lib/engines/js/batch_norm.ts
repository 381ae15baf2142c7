/**
 * The js engine's batch normalization: per channel, loops over the batch and the spatial
 * positions in any strides, sums in float64. The reference for every other engine.
 *
 * @module
 */

import type { BatchNormOperands, BatchNormPass, TensorOperand } from "../../core/engine.ts";

type Floats = Float32Array | Float64Array;

/**
 * Calls visit with the addresses of one entry in each of ts (tensors of one shape), for every
 * entry of channel c; the array passed is reused.
 */
function channel(ts: readonly TensorOperand[], c: number, visit: (at: number[]) => void): void {
  const shape = ts[0].shape, rank = shape.length;
  if (shape.includes(0)) return;
  const index = new Array<number>(rank).fill(0);
  const at = ts.map((t) => t.offset + c * t.strides[1]);
  for (;;) {
    visit(at);
    let d = rank - 1;
    for (; d >= 0; d--) {
      if (d === 1) continue;
      if (++index[d] < shape[d]) {
        for (let k = 0; k < ts.length; k++) at[k] += ts[k].strides[d];
        break;
      }
      for (let k = 0; k < ts.length; k++) at[k] -= (shape[d] - 1) * ts[k].strides[d];
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

/** The planned pass on host memory. */
export function batchNormTensor(
  pass: BatchNormPass,
  t: BatchNormOperands,
  epsilon: number,
): () => void {
  const C = t.x.shape[1];
  const count = t.x.shape.reduce((n, e) => n * e, 1) / Math.max(C, 1);
  const of = (o: TensorOperand, c: number) => o.offset + c * o.strides[0];
  const xy = [t.x, t.y], xyd = t.dx === undefined ? xy : [t.x, t.y, t.dx];
  return () => {
    const x = t.x.storage.buffer as Floats, y = t.y.storage.buffer as Floats;
    const g = t.scale.storage.buffer as Floats, bt = t.shift.storage.buffer as Floats;
    const m = t.mean.storage.buffer as Floats, v = t.variance.storage.buffer as Floats;
    for (let c = 0; c < C; c++) {
      let mean: number, variance: number;
      if (pass === "training") {
        let s = 0;
        channel(xy, c, (at) => s += x[at[0]]);
        mean = s / count;
        let q = 0;
        channel(xy, c, (at) => q += (x[at[0]] - mean) ** 2);
        variance = q / count;
        m[of(t.mean, c)] = mean;
        v[of(t.variance, c)] = variance;
      } else {
        mean = m[of(t.mean, c)];
        variance = v[of(t.variance, c)];
      }
      const inv = 1 / Math.sqrt(variance + epsilon);
      const gamma = g[of(t.scale, c)];
      if (pass !== "backward") {
        const beta = bt[of(t.shift, c)];
        channel(xy, c, (at) => y[at[1]] = gamma * (x[at[0]] - mean) * inv + beta);
        continue;
      }
      // dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/σ · (dy − dβ/count − x̂·dγ/count), with y holding dy.
      let sumDy = 0, sumDyXhat = 0;
      channel(xy, c, (at) => {
        sumDy += y[at[1]];
        sumDyXhat += y[at[1]] * (x[at[0]] - mean) * inv;
      });
      (t.dShift!.storage.buffer as Floats)[of(t.dShift!, c)] = sumDy;
      (t.dScale!.storage.buffer as Floats)[of(t.dScale!, c)] = sumDyXhat;
      const dx = t.dx!.storage.buffer as Floats;
      channel(xyd, c, (at) => {
        const xhat = (x[at[0]] - mean) * inv;
        dx[at[2]] = gamma * inv * (y[at[1]] - sumDy / count - xhat * sumDyXhat / count);
      });
    }
  };
}

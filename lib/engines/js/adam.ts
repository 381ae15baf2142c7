/**
 * Adam's update in one pass over the host memory: the two running averages and the step, entry
 * by entry, where the composition of BLAS and elementwise calls takes seven passes.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { HostArray } from "../../core/types.ts";

/** m ← β₁m + (1 − β₁)g; s ← β₂s + (1 − β₂)g²; w ← w − rate · m / (√s + ε). */
export function adamUpdate(
  w: Operand,
  g: Operand,
  m: Operand,
  s: Operand,
  rate: number,
  beta1: number,
  beta2: number,
  epsilon: number,
): void {
  const W = w.storage.buffer as HostArray, G = g.storage.buffer as HostArray;
  const M = m.storage.buffer as HostArray, S = s.storage.buffer as HostArray;
  const c1 = 1 - beta1, c2 = 1 - beta2;
  // Walk the inner loop along the state's unit stride: g, m and s share a layout, w may not.
  const byRows = g.colStride === 1 && g.rowStride !== 1;
  const [outer, inner] = byRows ? [w.rows, w.cols] : [w.cols, w.rows];
  const step = (x: Operand) => byRows ? [x.rowStride, x.colStride] : [x.colStride, x.rowStride];
  const [wo, wi] = step(w), [go, gi] = step(g), [mo, mi] = step(m), [so, si] = step(s);
  for (let p = 0; p < outer; p++) {
    let iw = w.offset + p * wo, ig = g.offset + p * go;
    let im = m.offset + p * mo, is = s.offset + p * so;
    for (let q = 0; q < inner; q++) {
      const gv = G[ig];
      const mv = c1 * gv + beta1 * M[im];
      const sv = c2 * (gv * gv) + beta2 * S[is];
      M[im] = mv;
      S[is] = sv;
      W[iw] = -rate * (mv / (Math.sqrt(sv) + epsilon)) + W[iw];
      iw += wi;
      ig += gi;
      im += mi;
      is += si;
    }
  }
}

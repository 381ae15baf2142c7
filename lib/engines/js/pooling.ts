/**
 * The js engine's pooling: loops over tensors of any strides with one to three spatial
 * dimensions (the missing ones of extent 1), the reference for every other engine. Max pooling
 * takes each window's first largest entry, NaN first; means divide by the whole window or by
 * the entries inside the data.
 *
 * @module
 */

import type { PoolingGeometry, PoolingKind, TensorOperand } from "../../core/engine.ts";
import { padded3, spatial3 } from "../../tensor/spatial.ts";

type Floats = Float32Array | Float64Array;

/**
 * Calls visit(output address, taps, count, size) for every window: the first `count` taps are
 * the addresses of its entries inside the data, `size` the whole window's entry count.
 */
function windows(
  x: TensorOperand,
  out: TensorOperand,
  g: PoolingGeometry,
  visit: (outAt: number, taps: number[], count: number, size: number) => void,
): void {
  const [N, C] = x.shape;
  const xi = spatial3(x), oi = spatial3(out);
  const [ID, IH, IW] = xi.e, [OD, OH, OW] = oi.e;
  const [xd, xh, xw] = xi.s, [od_, oh_, ow_] = oi.s;
  const [KD, KH, KW] = padded3(g.kernel, 1), [sd, sh, sw] = padded3(g.strides, 1);
  const [pd, ph, pw] = padded3(g.padding, 0);
  const taps: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xBase = x.offset + n * x.strides[0] + c * x.strides[1];
      const oBase = out.offset + n * out.strides[0] + c * out.strides[1];
      for (let od = 0; od < OD; od++) {
        for (let oh = 0; oh < OH; oh++) {
          for (let ow = 0; ow < OW; ow++) {
            let count = 0;
            for (let kd = 0; kd < KD; kd++) {
              const id = od * sd - pd + kd;
              if (id < 0 || id >= ID) continue;
              for (let kh = 0; kh < KH; kh++) {
                const ih = oh * sh - ph + kh;
                if (ih < 0 || ih >= IH) continue;
                for (let kw = 0; kw < KW; kw++) {
                  const iw = ow * sw - pw + kw;
                  if (iw < 0 || iw >= IW) continue;
                  taps[count++] = xBase + id * xd + ih * xh + iw * xw;
                }
              }
            }
            visit(oBase + od * od_ + oh * oh_ + ow * ow_, taps, count, KD * KH * KW);
          }
        }
      }
    }
  }
}

/** The first largest entry's address among taps (a NaN wins), or -1 for none. */
function largest(xa: Floats, taps: number[], count: number): number {
  let best = -1;
  for (let k = 0; k < count; k++) {
    const v = xa[taps[k]];
    if (v !== v) return taps[k];
    if (best < 0 || v > xa[best]) best = taps[k];
  }
  return best;
}

/** The planned forward pooling on host memory. */
export function poolTensor(
  kind: PoolingKind,
  x: TensorOperand,
  y: TensorOperand,
  g: PoolingGeometry,
): () => void {
  return () => {
    const xa = x.storage.buffer as Floats, ya = y.storage.buffer as Floats;
    windows(x, y, g, (at, taps, count, size) => {
      if (kind === "max") {
        const best = largest(xa, taps, count);
        ya[at] = best < 0 ? -Infinity : xa[best];
        return;
      }
      let s = 0;
      for (let k = 0; k < count; k++) s += xa[taps[k]];
      ya[at] = s / (kind === "avg" ? size : count);
    });
  };
}

/** The planned backward pooling on host memory: dx gathers its windows' errors. */
export function poolTensorBackward(
  kind: PoolingKind,
  x: TensorOperand,
  dy: TensorOperand,
  dx: TensorOperand,
  g: PoolingGeometry,
): () => void {
  // Each entry's error, keyed by its address relative to x's first entry, summed in float64.
  const sums = new Map<number, number>();
  return () => {
    const xa = x.storage.buffer as Floats, ya = dy.storage.buffer as Floats;
    const da = dx.storage.buffer as Floats;
    sums.clear();
    const toDx = (xAt: number) => xAt - x.offset;
    windows(x, dy, g, (at, taps, count, size) => {
      const e = ya[at];
      if (kind === "max") {
        const best = largest(xa, taps, count);
        if (best >= 0) sums.set(toDx(best), (sums.get(toDx(best)) ?? 0) + e);
        return;
      }
      const share = e / (kind === "avg" ? size : count);
      for (let k = 0; k < count; k++) {
        sums.set(toDx(taps[k]), (sums.get(toDx(taps[k])) ?? 0) + share);
      }
    });
    // Every entry of dx: the sum at the same entry of x, or 0.
    const [N, C] = x.shape;
    const xi = spatial3(x), di = spatial3(dx);
    const [ID, IH, IW] = xi.e;
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        for (let id = 0; id < ID; id++) {
          for (let ih = 0; ih < IH; ih++) {
            for (let iw = 0; iw < IW; iw++) {
              const rel = n * x.strides[0] + c * x.strides[1] + id * xi.s[0] + ih * xi.s[1] +
                iw * xi.s[2];
              da[
                dx.offset + n * dx.strides[0] + c * dx.strides[1] + id * di.s[0] + ih * di.s[1] +
                iw * di.s[2]
              ] = sums.get(rel) ?? 0;
            }
          }
        }
      }
    }
  };
}

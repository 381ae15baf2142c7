/**
 * The js engine's convolutions: direct loops over tensors of any strides, the reference every
 * other engine is checked against. One, two and three spatial dimensions are the same loops over
 * three, the missing ones of extent 1. Sums run in float64: the forward pass and the weights'
 * gradients gather each output entry's terms, the data gradient scatters into a float64 copy.
 *
 * @module
 */

import type { ConvolutionGeometry, ConvolutionPass, TensorOperand } from "../../core/engine.ts";
import { padded3, spatial3 } from "../../tensor/spatial.ts";

type Floats = Float32Array | Float64Array;

/** The planned pass on host memory. */
export function convolveTensor(
  pass: ConvolutionPass,
  x: TensorOperand,
  w: TensorOperand,
  b: TensorOperand | undefined,
  y: TensorOperand,
  g: ConvolutionGeometry,
): () => void {
  const [N, C] = x.shape, O = w.shape[0];
  const [xn, xc] = x.strides, [wo, wc] = w.strides, [yn, yo] = y.strides;
  const xi = spatial3(x), wk = spatial3(w), yo3 = spatial3(y);
  const [ID, IH, IW] = xi.e, [KD, KH, KW] = wk.e, [OD, OH, OW] = yo3.e;
  const [xd, xh, xw] = xi.s, [wd, wh, ww] = wk.s, [yd, yh, yw] = yo3.s;
  const [sd, sh, sw] = padded3(g.strides, 1), [pd, ph, pw] = padded3(g.padding, 0);
  const [dd, dh, dw] = padded3(g.dilation, 1);
  const bs = b?.strides[0] ?? 0;

  /**
   * Calls tap for every term of output plane (n, o): the addresses of x's, w's and y's entries,
   * and the dense row-major positions of x's entry in x, w's in w and y's in its plane. A tap on
   * the padding has x address and position −1: padding is zeros that the weights multiply, as in
   * PyTorch, so a NaN or ∞ weight (or error) there still gives NaN.
   */
  function terms(
    n: number,
    o: number,
    tap: (xa: number, wa: number, ya: number, xk: number, wk: number, yk: number) => void,
  ) {
    for (let od = 0; od < OD; od++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const ya = y.offset + n * yn + o * yo + od * yd + oh * yh + ow * yw;
          const yk = (od * OH + oh) * OW + ow;
          for (let c = 0; c < C; c++) {
            for (let kd = 0; kd < KD; kd++) {
              const id = od * sd - pd + kd * dd;
              const inD = id >= 0 && id < ID;
              for (let kh = 0; kh < KH; kh++) {
                const ih = oh * sh - ph + kh * dh;
                const inH = inD && ih >= 0 && ih < IH;
                for (let kw = 0; kw < KW; kw++) {
                  const iw = ow * sw - pw + kw * dw;
                  const inside = inH && iw >= 0 && iw < IW;
                  tap(
                    inside ? x.offset + n * xn + c * xc + id * xd + ih * xh + iw * xw : -1,
                    w.offset + o * wo + c * wc + kd * wd + kh * wh + kw * ww,
                    ya,
                    inside ? (((n * C + c) * ID + id) * IH + ih) * IW + iw : -1,
                    (((o * C + c) * KD + kd) * KH + kh) * KW + kw,
                    yk,
                  );
                }
              }
            }
          }
        }
      }
    }
  }

  if (pass === "forward") {
    // Per output plane: each entry's bias, then its terms.
    const sums = new Float64Array(OD * OH * OW);
    return () => {
      const xa = x.storage.buffer as Floats, wa = w.storage.buffer as Floats;
      const ya = y.storage.buffer as Floats, ba = b?.storage.buffer as Floats | undefined;
      for (let n = 0; n < N; n++) {
        for (let o = 0; o < O; o++) {
          sums.fill(ba === undefined ? 0 : ba[b!.offset + o * bs]);
          terms(n, o, (xi, wi, _yi, _xk, _wk, yk) => sums[yk] += (xi < 0 ? 0 : xa[xi]) * wa[wi]);
          const base = y.offset + n * yn + o * yo;
          let k = 0;
          for (let od = 0; od < OD; od++) {
            for (let oh = 0; oh < OH; oh++) {
              for (let ow = 0; ow < OW; ow++) ya[base + od * yd + oh * yh + ow * yw] = sums[k++];
            }
          }
        }
      }
    };
  }
  if (pass === "backwardData") {
    const sums = new Float64Array(N * C * ID * IH * IW);
    return () => {
      const xa = x.storage.buffer as Floats, wa = w.storage.buffer as Floats;
      const ya = y.storage.buffer as Floats;
      sums.fill(0);
      for (let n = 0; n < N; n++) {
        for (let o = 0; o < O; o++) {
          terms(n, o, (_xi, wi, yi, xk) => {
            if (xk >= 0) sums[xk] += ya[yi] * wa[wi];
          });
        }
      }
      let k = 0;
      for (let n = 0; n < N; n++) {
        for (let c = 0; c < C; c++) {
          for (let id = 0; id < ID; id++) {
            for (let ih = 0; ih < IH; ih++) {
              for (let iw = 0; iw < IW; iw++) {
                xa[x.offset + n * xn + c * xc + id * xd + ih * xh + iw * xw] = sums[k++];
              }
            }
          }
        }
      }
    };
  }
  // backwardWeights: every weight's terms, and each bias the sum of its outputs' errors.
  const sums = new Float64Array(O * C * KD * KH * KW);
  return () => {
    const xa = x.storage.buffer as Floats, wa = w.storage.buffer as Floats;
    const ya = y.storage.buffer as Floats, ba = b?.storage.buffer as Floats | undefined;
    sums.fill(0);
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) {
        terms(n, o, (xi, _wi, yi, _xk, wk) => sums[wk] += ya[yi] * (xi < 0 ? 0 : xa[xi]));
      }
    }
    let k = 0;
    for (let o = 0; o < O; o++) {
      for (let c = 0; c < C; c++) {
        for (let kd = 0; kd < KD; kd++) {
          for (let kh = 0; kh < KH; kh++) {
            for (let kw = 0; kw < KW; kw++) {
              wa[w.offset + o * wo + c * wc + kd * wd + kh * wh + kw * ww] = sums[k++];
            }
          }
        }
      }
      if (ba === undefined) continue;
      let s = 0;
      for (let n = 0; n < N; n++) {
        for (let od = 0; od < OD; od++) {
          for (let oh = 0; oh < OH; oh++) {
            for (let ow = 0; ow < OW; ow++) {
              s += ya[y.offset + n * yn + o * yo + od * yd + oh * yh + ow * yw];
            }
          }
        }
      }
      ba[b!.offset + o * bs] = s;
    }
  };
}

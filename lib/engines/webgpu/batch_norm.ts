/**
 * Batch normalization in WGSL: one invocation per channel computes the channel's statistics
 * (training) or its gradient sums (backward) over the batch and the spatial positions, then one
 * invocation per entry normalizes it or writes its gradient.
 *
 * @module
 */

import type { DnnEngine, TensorOperand } from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { F, gridKernel, U } from "./wgsl.ts";
import { head } from "./conv_words.ts";
import { spatial3 } from "../../tensor/spatial.ts";

const WG = 64;
/** Operand numbers: their words are 4 + 3q (offset, batch stride, channel stride). */
const X = 0, Y = 1, DX = 2, SCALE = 3, SHIFT = 4, MEAN = 5, VAR = 6, DSCALE = 7, DSHIFT = 8;
/** Words: N, C, the three spatial extents, then x's, y's and dx's spatial strides. */
const N = 31, C = 32, E = 33, XS = 36, YS = 39, DS = 42;

/** WGSL: the address of entry (n, c, d, h, w) of data operand q with spatial strides at s. */
const at = (q: number, s: number) =>
  `(${U(4 + 3 * q)} + n * ${U(5 + 3 * q)} + c * ${U(6 + 3 * q)} + d * ${U(s)} + h * ${
    U(s + 1)
  } + w * ${U(s + 2)})`;
/** WGSL: entry c of per-channel operand q. */
const per = (q: number) => `(${U(4 + 3 * q)} + c * ${U(5 + 3 * q)})`;

/** WGSL walking every entry of channel c. */
const everyEntry = (body: string) => `
    for (var n = 0u; n < ${U(N)}; n++) {
      for (var d = 0u; d < ${U(E)}; d++) {
        for (var h = 0u; h < ${U(E + 1)}; h++) {
          for (var w = 0u; w < ${U(E + 2)}; w++) { ${body} }
        }
      }
    }`;

/** The WebGPU engine's batch normalization. */
export function webgpuBatchNorm(rt: Runtime): NonNullable<DnnEngine["batchNormalization"]> {
  return (pass, t, epsilon) => {
    const tensors: (TensorOperand | undefined)[] = [
      t.x,
      t.y,
      t.dx,
      t.scale,
      t.shift,
      t.mean,
      t.variance,
      t.dScale,
      t.dShift,
    ];
    const count = t.x.shape.reduce((n, e) => n * e, 1) / t.x.shape[1];
    const xs = spatial3(t.x), ys = spatial3(t.y).s;
    const ds = t.dx === undefined ? [] : spatial3(t.dx).s;
    const operands = tensors.map((o) => (o === undefined ? undefined : head(o)));

    /** A kernel writing `writes` (operand numbers) over `total` invocations. */
    function kernel(
      name: string,
      writes: number[],
      total: number,
      body: (b: (q: number) => string) => string,
    ) {
      const k = gridKernel(rt, `bnorm:${name}`, operands, writes, body, WG);
      return () =>
        k(total, (p) => {
          p.u[N] = t.x.shape[0];
          p.u[C] = t.x.shape[1];
          xs.e.forEach((v, i) => p.u[E + i] = v);
          xs.s.forEach((v, i) => p.u[XS + i] = v);
          ys.forEach((v, i) => p.u[YS + i] = v);
          ds.forEach((v, i) => p.u[DS + i] = v);
          p.f[0] = epsilon;
          p.f[1] = count;
        });
    }

    const C_ = t.x.shape[1], entries = count * C_;
    // One invocation per entry: c from the entry's logical index (n, c, d, h, w).
    const unravel = `var r = t; let w = r % ${U(E + 2)}; r = r / ${U(E + 2)};
    let h = r % ${U(E + 1)}; r = r / ${U(E + 1)}; let d = r % ${U(E)}; r = r / ${U(E)};
    let c = r % ${U(C)}; let n = r / ${U(C)};`;
    const stats = kernel("stats", [MEAN, VAR], C_, (b) => `
    let c = t;
    var s = 0.0;
    ${everyEntry(`s += ${b(X)}[${at(X, XS)}];`)}
    let mean = s / ${F(1)};
    var q = 0.0;
    ${everyEntry(`let v = ${b(X)}[${at(X, XS)}] - mean; q += v * v;`)}
    ${b(MEAN)}[${per(MEAN)}] = mean;
    ${b(VAR)}[${per(VAR)}] = q / ${F(1)};`);
    const normalize = kernel("normalize", [Y], entries, (b) => `
    ${unravel}
    let inv = 1.0 / sqrt(${b(VAR)}[${per(VAR)}] + ${F(0)});
    ${b(Y)}[${at(Y, YS)}] = ${b(SCALE)}[${per(SCALE)}] * (${b(X)}[${at(X, XS)}] -
      ${b(MEAN)}[${per(MEAN)}]) * inv + ${b(SHIFT)}[${per(SHIFT)}];`);
    if (pass === "training") {
      return () => {
        stats();
        normalize();
      };
    }
    if (pass === "inference") return normalize;
    // Backward: dβ = Σ dy and dγ = Σ dy·x̂ per channel, then every dx entry.
    const sums = kernel("sums", [DSCALE, DSHIFT], C_, (b) => `
    let c = t;
    let mean = ${b(MEAN)}[${per(MEAN)}];
    let inv = 1.0 / sqrt(${b(VAR)}[${per(VAR)}] + ${F(0)});
    var sy = 0.0; var sxy = 0.0;
    ${
      everyEntry(
        `let e = ${b(Y)}[${at(Y, YS)}]; sy += e; sxy += e * (${b(X)}[${at(X, XS)}] - mean) * inv;`,
      )
    }
    ${b(DSHIFT)}[${per(DSHIFT)}] = sy;
    ${b(DSCALE)}[${per(DSCALE)}] = sxy;`);
    const gradient = kernel("gradient", [DX], entries, (b) => `
    ${unravel}
    let inv = 1.0 / sqrt(${b(VAR)}[${per(VAR)}] + ${F(0)});
    let xhat = (${b(X)}[${at(X, XS)}] - ${b(MEAN)}[${per(MEAN)}]) * inv;
    ${b(DX)}[${at(DX, DS)}] = ${b(SCALE)}[${per(SCALE)}] * inv * (${b(Y)}[${at(Y, YS)}] -
      ${b(DSHIFT)}[${per(DSHIFT)}] / ${F(1)} - xhat * ${b(DSCALE)}[${per(DSCALE)}] / ${F(1)});`);
    return () => {
      sums();
      gradient();
    };
  };
}

/**
 * Batch normalization in WGSL. A channel's sums over the batch and the spatial positions — its
 * statistics in training, the two sums of the backward pass — are cut into parts that one
 * dispatch sums in parallel, folded per channel (loops.ts), then written out by one invocation
 * per channel; one invocation per entry then normalizes it or writes its gradient. A channel
 * may hold any number of entries: no invocation loops over more than a part.
 *
 * @module
 */

import type { DnnEngine, Operand, TensorOperand } from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { dense, F, gridKernel, U } from "./wgsl.ts";
import { head } from "./conv_words.ts";
import { spatial3 } from "../../tensor/spatial.ts";
import { foldParts, partsOf, partsScratch, walkDigits } from "./loops.ts";

const WG = 64;
/** Operand numbers: their words are 4 + 3q (offset, batch stride, channel stride). */
const X = 0, Y = 1, DX = 2, SCALE = 3, SHIFT = 4, MEAN = 5, VAR = 6, DSCALE = 7, DSHIFT = 8;
/** The scratch of the parts, operand 9. */
const PARTS = 9;
/** Words: N, C, the three spatial extents, then x's, y's and dx's spatial strides. */
const N = 34, C = 35, E = 36, XS = 39, YS = 42, DS = 45;
/** Words: a part's terms; where the folded sums lie in the scratch. */
const CHUNK = 1, SUMS = 2;

/** WGSL: the address of entry (n, c, d, h, w) of data operand q with spatial strides at s. */
const at = (q: number, s: number) =>
  `(${U(4 + 3 * q)} + n * ${U(5 + 3 * q)} + c * ${U(6 + 3 * q)} + d * ${U(s)} + h * ${
    U(s + 1)
  } + w * ${U(s + 2)})`;
/** WGSL: entry c of per-channel operand q. */
const per = (q: number) => `(${U(4 + 3 * q)} + c * ${U(5 + 3 * q)})`;

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
    const channels = t.x.shape[1];
    const count = channels === 0 ? 0 : t.x.shape.reduce((n, e) => n * e, 1) / channels;
    const xs = spatial3(t.x), ys = spatial3(t.y).s;
    const ds = t.dx === undefined ? [] : spatial3(t.dx).s;
    const heads = tensors.map((o) => (o === undefined ? undefined : head(o)));
    // Two sums per channel at most (the backward pass's).
    const { chunk, parts } = partsOf(rt, count, 2 * channels, WG);
    const length = partsScratch(2 * channels, parts);

    /**
     * Dispatches kernel `name` over `total` invocations, binding only the operands `uses` names
     * (and the scratch, where given): a kernel may bind few storage buffers.
     */
    function run(
      name: string,
      uses: readonly number[],
      writes: readonly number[],
      total: number,
      body: (b: (q: number) => string) => string,
      scratch?: GPUBuffer,
      set?: (u: Uint32Array) => void,
    ) {
      const operands: (Operand | undefined)[] = heads.map((o, q) =>
        uses.includes(q) ? o : undefined
      );
      if (scratch !== undefined) operands[PARTS] = dense(scratch, length, 1);
      gridKernel(rt, `bnorm:${name}`, operands, writes, body, WG)(total, (p) => {
        p.u[N] = t.x.shape[0];
        p.u[C] = channels;
        xs.e.forEach((v, i) => p.u[E + i] = v);
        xs.s.forEach((v, i) => p.u[XS + i] = v);
        ys.forEach((v, i) => p.u[YS + i] = v);
        ds.forEach((v, i) => p.u[DS + i] = v);
        p.f[0] = epsilon;
        p.f[1] = count;
        set?.(p.u);
      });
    }

    /**
     * Each channel's sums (WGSL adding the entry at (n, c, d, h, w) to s0, s1, …, after
     * `prologue` per channel) in parts, folded; returns the word where sum q of channel c lies
     * at q·C + c.
     */
    function sums(
      name: string,
      reads: readonly number[],
      prologue: (b: (q: number) => string) => string,
      terms: (b: (q: number) => string) => string,
      quantities: number,
      scratch: GPUBuffer,
    ): number {
      const q = Array.from({ length: quantities }, (_, i) => i);
      run(
        `parts:${name}`,
        reads,
        [PARTS],
        channels * parts,
        (b) => `
    let c = t % ${U(C)}; let p = t / ${U(C)};
    let count = ${U(N)} * ${U(E)} * ${U(E + 1)} * ${U(E + 2)};
    ${prologue(b)}
    ${q.map((i) => `var s${i} = 0.0;`).join(" ")}
    ${
          walkDigits(
            ["n", "d", "h", "w"],
            [U(N), U(E), U(E + 1), U(E + 2)],
            `p * ${U(CHUNK)}`,
            `min(count, p * ${U(CHUNK)} + ${U(CHUNK)})`,
            terms(b),
          )
        }
    ${
          q.map((i) => `${b(PARTS)}[(p * ${quantities}u + ${i}u) * ${U(C)} + c] = s${i};`).join(
            "\n    ",
          )
        }`,
        scratch,
        (u) => u[CHUNK] = chunk,
      );
      return foldParts(rt, scratch, length, quantities * channels, parts, "sum");
    }

    /** Writes per-channel results from the folded sums at word `at`. */
    const finish = (name: string, writes: number[], at: number, scratch: GPUBuffer, body: string) =>
      run(
        `finish:${name}`,
        writes,
        writes,
        channels,
        (b) => `
    let c = t;
    ${body.replaceAll("$S", b(PARTS)).replace(/\$(\d)/g, (_, q) => b(Number(q)))}`,
        scratch,
        (u) => u[SUMS] = at,
      );

    const entries = count * channels;
    // One invocation per entry: c from the entry's logical index (n, c, d, h, w).
    const unravel = `var r = t; let w = r % ${U(E + 2)}; r = r / ${U(E + 2)};
    let h = r % ${U(E + 1)}; r = r / ${U(E + 1)}; let d = r % ${U(E)}; r = r / ${U(E)};
    let c = r % ${U(C)}; let n = r / ${U(C)};`;
    const normalize = () =>
      run("normalize", [X, Y, SCALE, SHIFT, MEAN, VAR], [Y], entries, (b) => `
    ${unravel}
    let inv = 1.0 / sqrt(${b(VAR)}[${per(VAR)}] + ${F(0)});
    ${b(Y)}[${at(Y, YS)}] = ${b(SCALE)}[${per(SCALE)}] * (${b(X)}[${at(X, XS)}] -
      ${b(MEAN)}[${per(MEAN)}]) * inv + ${b(SHIFT)}[${per(SHIFT)}];`);
    const sum = `$S[${U(SUMS)} + c]`;
    if (pass === "training") {
      return () => {
        const scratch = rt.scratch("bnorm-parts", length);
        // The mean first, then the squares about it: the two-pass variance, as js computes it.
        const s = sums("mean", [X], () => "", (b) => `s0 += ${b(X)}[${at(X, XS)}];`, 1, scratch);
        finish("mean", [MEAN], s, scratch, `$${MEAN}[${per(MEAN)}] = ${sum} / ${F(1)};`);
        const q = sums(
          "variance",
          [X, MEAN],
          (b) => `let mean = ${b(MEAN)}[${per(MEAN)}];`,
          (b) => `let v = ${b(X)}[${at(X, XS)}] - mean; s0 += v * v;`,
          1,
          scratch,
        );
        finish("variance", [VAR], q, scratch, `$${VAR}[${per(VAR)}] = ${sum} / ${F(1)};`);
        normalize();
      };
    }
    if (pass === "inference") return normalize;
    // Backward: dβ = Σ dy and dγ = Σ dy·x̂ per channel, then every dx entry.
    return () => {
      const scratch = rt.scratch("bnorm-parts", length);
      const s = sums(
        "backward",
        [X, Y, MEAN, VAR],
        (b) =>
          `let mean = ${b(MEAN)}[${per(MEAN)}];
    let inv = 1.0 / sqrt(${b(VAR)}[${per(VAR)}] + ${F(0)});`,
        (b) =>
          `let e = ${b(Y)}[${at(Y, YS)}]; s0 += e; s1 += e * (${b(X)}[${at(X, XS)}] - mean) * inv;`,
        2,
        scratch,
      );
      finish(
        "backward",
        [DSCALE, DSHIFT],
        s,
        scratch,
        `$${DSHIFT}[${per(DSHIFT)}] = ${sum}; $${DSCALE}[${per(DSCALE)}] = $S[${U(SUMS)} + ${
          U(C)
        } + c];`,
      );
      run("gradient", [X, Y, DX, SCALE, MEAN, VAR, DSCALE, DSHIFT], [DX], entries, (b) => `
    ${unravel}
    let inv = 1.0 / sqrt(${b(VAR)}[${per(VAR)}] + ${F(0)});
    let xhat = (${b(X)}[${at(X, XS)}] - ${b(MEAN)}[${per(MEAN)}]) * inv;
    ${b(DX)}[${at(DX, DS)}] = ${b(SCALE)}[${per(SCALE)}] * inv * (${b(Y)}[${at(Y, YS)}] -
      ${b(DSHIFT)}[${per(DSHIFT)}] / ${F(1)} - xhat * ${b(DSCALE)}[${per(DSCALE)}] / ${F(1)});`);
    };
  };
}

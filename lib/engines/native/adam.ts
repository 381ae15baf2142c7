/**
 * Adam's step through oneDNN binary primitives with post-op chains: three passes over the memory
 * where the composition of BLAS and elementwise calls takes seven, and a js loop (one pass, but
 * scalar) is slower than both (bench/adam.bench.ts):
 *
 * 1. m ← β₁m + (1 − β₁)g: OpenBLAS's axpby.
 * 2. s ← β₂s + (1 − β₂)g·g: mul(g, g), then scale, then a sum post-op adds β₂ times s.
 * 3. w ← w + (−rate)·m·(√s + ε)⁻¹: max(s, s) (s itself, NaN included), then sqrt, add ε, pow −1
 *    (exactly 1/x in oneDNN), mul m, mul the rate (a one-entry tensor, so a changing rate reuses
 *    the primitive), add w. Where W's layout differs from its gradient's (dense layers keep ∇W
 *    row-major, `lib/nn/training.ts`), the step goes into scratch memory and a reorder with a
 *    sum post-op adds it to W across layouts.
 *
 * g, m and s float32, gapless and in one order, w gapless in its own; anything else, and a
 * oneDNN without these post-ops, declines to the composition.
 *
 * @module
 */

import { binaryAlg, DNNL_ARG_DST, DNNL_ARG_SRC, DNNL_ARG_SRC_1 } from "../../../ffi/dnnl.ts";
import type { BlasEngine, NnEngine, Operand, Plan } from "../../core/engine.ts";
import { plan } from "../../core/walk.ts";
import type { NativeLibraries } from "./libraries.ts";
import type { MemoryDesc, OpSpec, PostOp } from "./dnnl_spec.ts";
import type { Primitive, Primitives } from "./primitives.ts";
import { pointerAt } from "./operands.ts";
import { threadRoute } from "./threads.ts";
import { noteRoute, profiling } from "../../core/profile.ts";

/** The engine contract's Adam step. */
type Adam = NonNullable<NnEngine["adam"]>;

/** Gapless: its entries fill rows·cols consecutive places, in either order. */
const filled = (x: Operand) =>
  x.rows <= 1 || x.cols <= 1 ||
  (x.rowStride === 1 && x.colStride === x.rows) || (x.colStride === 1 && x.rowStride === x.cols);

/**
 * The entry count when g, m and s are float32, gapless and in one order and w float32 and
 * gapless; whether w shares their order (`same`). Else -1.
 */
function gapless(w: Operand, g: Operand, m: Operand, s: Operand): { n: number; same: boolean } {
  for (const x of [w, g, m, s]) {
    if (!(x.storage.buffer instanceof Float32Array) || !filled(x)) return { n: -1, same: false };
  }
  // plan() fills one shared walk: read each before the next.
  const a = plan(g, m, s);
  if (!(a.n2 === 1 && a.a1 === 1 && a.b1 === 1 && a.c1 === 1)) return { n: -1, same: false };
  const n = a.n1, b = plan(w, g, g);
  return { n, same: b.n2 === 1 && b.a1 === 1 && b.b1 === 1 };
}

/** A 2-D descriptor of x's dimensions and strides (a vector as n×1). */
const desc2 = (p: Primitives, x: Operand) =>
  p.memoryDesc([x.rows, x.cols], [x.rowStride, x.colStride]);

/** One float32 operand of n entries over a typed array, for the scratch and the rate. */
function operandOf(buffer: Float32Array, n: number): Operand {
  return {
    storage: { buffer, length: buffer.length, released: false },
    offset: 0,
    rows: n,
    cols: 1,
    rowStride: 1,
    colStride: n,
  };
}

/** The native Adam step; declines (undefined) what the passes cannot take. */
export function nativeAdam(
  libs: NativeLibraries,
  primitives: () => Primitives,
  blas: BlasEngine,
): Adam {
  const declined = new Set<string>(), built = new Set<string>();
  // One scratch for t, grown to the largest parameter; plans run one at a time.
  let scratch = new Float32Array(0);
  const rate = new Float32Array(1);
  const rateOperand = operandOf(rate, 1);
  const pointers: Deno.PointerValue[] = [null, null, null, null, null, null];

  /** What a pass builds: its op spec, memory descriptors and arguments, and its post-ops. */
  interface Pass {
    readonly spec: (attr: Deno.PointerValue) => OpSpec;
    readonly mds: readonly MemoryDesc[];
    readonly argIds: readonly number[];
    readonly chain: readonly PostOp[];
  }

  /** A binary pass over n entries: src0, src1, the chain's binary operands, then dst. */
  function binaryPass(
    p: Primitives,
    alg: number,
    n: MemoryDesc,
    chain: readonly PostOp[],
  ): Pass {
    const argIds = [DNNL_ARG_SRC, DNNL_ARG_SRC_1], mds = [n, n];
    chain.forEach((op, i) => {
      if ("binary" in op) {
        argIds.push(p.api.postOpArg(i));
        mds.push(op.md);
      }
    });
    return {
      spec: () => p.api.binary(alg, n, n, n),
      mds: [...mds, n],
      argIds: [...argIds, DNNL_ARG_DST],
      chain,
    };
  }

  /** Builds a pass's primitive, or records that oneDNN refused it. */
  function build(p: Primitives, key: string, pass: Pass): Primitive | undefined {
    let attr: Deno.PointerValue = null;
    try {
      attr = p.api.postOpsAttr(pass.chain);
      return p.create(key, pass.spec(attr), pass.mds, pass.argIds, null, attr);
    } catch {
      declined.add(key);
      return undefined;
    } finally {
      if (attr !== null) p.api.destroyAttr(attr);
    }
  }

  return (w, g, m, s, stepRate, beta1, beta2, epsilon): Plan | undefined => {
    const { n, same } = gapless(w, g, m, s);
    if (n <= 0 || libs.dnnlApi === undefined) return undefined;
    const layouts = same ? "" : ` ${w.rows}×${w.cols} [${g.rowStride},${g.colStride}]` +
      ` to [${w.rowStride},${w.colStride}]`;
    const keys = [
      `adam-s ${n} ${beta2}`,
      `adam-w ${n} ${epsilon} ${same}`,
      ...(same ? [] : [`adam-r${layouts}`]),
    ];
    if (keys.some((k) => declined.has(k))) return undefined;
    const p = primitives();
    const pass = (i: number): Pass => {
      const flat = p.memoryDesc([n], [1]);
      if (i === 0) {
        // β₂s + (1 − β₂)g² as the composition computes it: s + (1 − β₂)(g² − s) would turn
        // an overflowed s = ∞ into ∞ − ∞ = NaN at the next step, and W with it.
        return binaryPass(p, binaryAlg.mul, flat, [
          { eltwise: "linear", alpha: 1 - beta2, beta: 0 },
          { sum: beta2 },
        ]);
      }
      if (i === 1) {
        // max(s, s) is s, NaN included; then 1/(√s + ε) (oneDNN's pow with −1 is exactly 1/x),
        // times m, times the rate, and into W where it shares s's layout.
        return binaryPass(p, binaryAlg.max, flat, [
          { eltwise: "sqrt", alpha: 0, beta: 0 },
          { eltwise: "linear", alpha: 1, beta: epsilon },
          { eltwise: "pow", alpha: 1, beta: -1 },
          { binary: binaryAlg.mul, md: flat },
          { binary: binaryAlg.mul, md: p.memoryDesc([1], [1]) },
          ...(same ? [{ binary: binaryAlg.add, md: flat }] : []),
        ]);
      }
      const from = desc2(p, g), to = desc2(p, w);
      return {
        spec: (attr) => (engine) => p.api.reorder(from, to, engine, attr),
        mds: [from, to],
        argIds: [DNNL_ARG_SRC, DNNL_ARG_DST],
        chain: [{ sum: 1 }],
      };
    };
    // Looked up on every run: an evicted primitive is rebuilt, never used after it is freed.
    const get = (i: number) => p.get(keys[i]) ?? build(p, keys[i], pass(i));
    // Built on the first plan of a shape, so that a oneDNN without these post-ops declines
    // before the step runs; later plans of the shape (one per step) find them built.
    const shape = keys.join(";");
    if (!built.has(shape)) {
      for (let i = 0; i < keys.length; i++) if (get(i) === undefined) return undefined;
      built.add(shape);
    }
    return () => {
      if (!same && scratch.length < n) scratch = new Float32Array(n);
      rate[0] = -stepRate;
      if (profiling.on) noteRoute("oneDNN binary post-ops");
      blas.axpby(1 - beta1, g, beta1, m);
      libs.threads.fit(n, threadRoute.entries);
      const run = (i: number, operands: readonly Operand[]) => {
        const prim = get(i)!;
        operands.forEach((x, j) => pointers[j] = pointerAt(x, "adamUpdate_"));
        p.run(prim, pointers, operands.length);
      };
      run(0, [g, g, s]);
      if (same) run(1, [s, s, m, rateOperand, w, w]);
      else {
        const t = operandOf(scratch, n);
        run(1, [s, s, m, rateOperand, t]);
        // The reorder reads the step in g's layout: checked as such before its pointer crosses.
        run(2, [{
          ...t,
          rows: g.rows,
          cols: g.cols,
          rowStride: g.rowStride,
          colStride: g.colStride,
        }, w]);
      }
    };
  };
}

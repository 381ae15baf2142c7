/**
 * A fully connected layer's forward pass through oneDNN's inner product primitive: the product,
 * the bias and the activation (as an eltwise post-op) in one threaded call over float32 memory.
 * One primitive per shape, strides and activation, built on first use and kept in the engine's
 * primitive cache; operands it cannot take, and shapes where it is not faster, run the product,
 * a rank-1 bias update and the activation instead.
 *
 * @module
 */

import {
  DNNL_ARG_BIAS,
  DNNL_ARG_DST,
  DNNL_ARG_SRC,
  DNNL_ARG_WEIGHTS,
  dnnl_forward_inference,
} from "../../../ffi/dnnl.ts";
import type { BlasEngine, MathEngine, NnEngine, Operand } from "../../core/engine.ts";
import { type OpName, ops } from "../../elementwise/table.ts";
import type { NativeLibraries } from "./libraries.ts";
import type { Primitive, Primitives } from "./primitives.ts";
import { dnnlMappings } from "./eltwise.ts";
import type { EltwiseName, MemoryDesc } from "./dnnl_spec.ts";
import { pointerAt, strides } from "./operands.ts";
import { threadRoute } from "./threads.ts";

/**
 * Which layers take the fused primitive: the composition is faster on chapter 14's and IMDB's
 * layers, far faster for a single output (where oneDNN runs a slow kernel), and the fused
 * primitive wins only small products (bench/dnn_route.ts). So: at least 10 outputs and at most
 * 2¹⁷ multiply-adds. Tests set `force`.
 */
export const innerProductRoute: {
  force: "dnnl" | "compose" | undefined;
  fused(m: number, k: number, n: number): boolean;
} = {
  force: undefined,
  fused: (m, k, n) => m >= 10 && m * k * n <= 1 << 17,
};

/**
 * Activations oneDNN's post-op computes as the js engine does, NaN included: its relu and clip
 * give max(NaN, 0) = 0, so those stay unfused.
 */
const fusible: ReadonlySet<string> = new Set(["tanh", "sigmoid", "elu", "linear"]);

/** The engine contract's inner product. */
type InnerProduct = NonNullable<NnEngine["innerProduct"]>;

/**
 * The native innerProduct: the fused primitive where it applies and is faster; otherwise the
 * product with β = 0 (which keeps large skinny float products on oneDNN's matmul route, as
 * IMDB's first layer needs), the bias as one rank-1 update with a vector of ones, and the
 * activation through the engine's own elementwise route.
 */
export function nativeInnerProduct(
  libs: NativeLibraries,
  primitives: () => Primitives,
  blas: BlasEngine,
  math: MathEngine,
): InnerProduct {
  const declined = new Set<string>();
  const pointers: Deno.PointerValue[] = [null, null, null, null];

  function build(
    p: Primitives,
    key: string,
    mds: MemoryDesc[],
    mapping: { alg: EltwiseName; alpha: number; beta: number } | undefined,
  ): Primitive | undefined {
    const [src, weights, bias, dst] = mds;
    let attr: Deno.PointerValue = null;
    try {
      const spec = p.api.innerProduct(dnnl_forward_inference, src, weights, bias, dst);
      if (mapping !== undefined) attr = p.api.postOpAttr(mapping.alg, mapping.alpha, mapping.beta);
      return p.create(
        key,
        spec,
        mds,
        [DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST],
        null,
        attr,
      );
    } catch {
      // oneDNN takes no such descriptors or has no implementation for them: compose instead,
      // from now on.
      declined.add(key);
      return undefined;
    } finally {
      if (attr !== null) p.api.destroyAttr(attr);
    }
  }

  // A column of ones per dtype for the bias's rank-1 update, remade only for a wider batch.
  const ones = { float32: onesOf(new Float32Array(0)), float64: onesOf(new Float64Array(0)) };
  function onesFor(like: Operand, n: number): Operand {
    const dtype = like.storage.buffer instanceof Float64Array ? "float64" : "float32";
    let o = ones[dtype];
    if (o.rows !== n) {
      const buffer = o.storage.length >= n
        ? o.storage.buffer as Float32Array | Float64Array
        : new (dtype === "float64" ? Float64Array : Float32Array)(n).fill(1);
      o = ones[dtype] = onesOf(buffer, n);
    }
    return o;
  }

  const composed: InnerProduct = (w, x, b, out, f, params) => {
    if (
      !(out.storage.buffer instanceof Float32Array || out.storage.buffer instanceof Float64Array)
    ) {
      return undefined;
    }
    const identity = f === undefined || (f === ops.linear && params[0] === 1 && params[1] === 0);
    return () => {
      blas.gemm(1, w, x, 0, out);
      blas.ger(1, b, onesFor(out, out.cols), out);
      if (!identity) math.map(f, params, out, out);
    };
  };

  return (w, x, b, out, f, params) => {
    const m = out.rows, n = out.cols, k = w.cols;
    const route = innerProductRoute.force;
    // oneDNN takes no empty dimension, and a product over k = 0 is the bias alone.
    if (
      k === 0 || route === "compose" || libs.dnnlApi === undefined ||
      (route === undefined && !innerProductRoute.fused(m, k, n))
    ) {
      return composed(w, x, b, out, f, params);
    }
    const name = f === undefined ? "linear" : f.name;
    if (
      !isFloat32(w) || !isFloat32(x) || !isFloat32(b) || !isFloat32(out) || !fusible.has(name)
    ) {
      return composed(w, x, b, out, f, params);
    }
    const eltwise = dnnlMappings[name as OpName];
    const [alpha, beta] = eltwise?.kind === "eltwise" ? eltwise.ab(params) : [1, 0];
    // Linear with a = 1, b = 0 needs no post-op at all.
    const mapping = name === "linear" && alpha === 1 && beta === 0
      ? undefined
      : eltwise?.kind === "eltwise"
      ? { alg: eltwise.alg.name, alpha, beta }
      : undefined;
    // oneDNN sees samples as rows: src n×k, weights m×k, dst n×m.
    const [xr, xc] = strides(x), [wr, wc] = strides(w), [or, oc] = strides(out);
    const key = `ip ${m}×${k}×${n} x[${xc},${xr}] w[${wr},${wc}] o[${oc},${or}] b${b.rowStride} ` +
      `${mapping === undefined ? "-" : `${mapping.alg}:${alpha}:${beta}`}`;
    if (declined.has(key)) return composed(w, x, b, out, f, params);
    const p = primitives();
    const mds = () => [
      p.memoryDesc([n, k], [xc, xr]),
      p.memoryDesc([m, k], [wr, wc]),
      p.memoryDesc([m], [Math.max(b.rowStride, 1)]),
      p.memoryDesc([n, m], [oc, or]),
    ];
    if (p.get(key) === undefined && build(p, key, mds(), mapping) === undefined) {
      return composed(w, x, b, out, f, params);
    }
    return () => {
      // Looked up on every run: an evicted primitive is rebuilt, never used after it is freed.
      const prim = p.get(key) ?? build(p, key, mds(), mapping)!;
      pointers[0] = pointerAt(x, "innerProduct_ x");
      pointers[1] = pointerAt(w, "innerProduct_ w");
      pointers[2] = pointerAt(b, "innerProduct_ b");
      pointers[3] = pointerAt(out, "innerProduct_ out");
      libs.threads.fit(m * n * k, threadRoute.products);
      p.run(prim, pointers);
    };
  };
}

const isFloat32 = (o: Operand) => o.storage.buffer instanceof Float32Array;

/** A column of n ones over buffer (all ones), as an operand. */
function onesOf(buffer: Float32Array | Float64Array, n = buffer.length): Operand {
  const storage = { buffer, length: buffer.length, released: false };
  return { storage, offset: 0, rows: n, cols: 1, rowStride: 1, colStride: n };
}

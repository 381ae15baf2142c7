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
  check,
  descBytes,
  DNNL_ARG_BIAS,
  DNNL_ARG_DST,
  DNNL_ARG_SRC,
  DNNL_ARG_WEIGHTS,
  dnnl_forward_inference,
} from "../../../ffi/dnnl.ts";
import type { BlasEngine, MathEngine, Operand } from "../../core/engine.ts";
import { type ElementwiseOp, type OpName, ops } from "../../elementwise/table.ts";
import type { NativeLibraries } from "./libraries.ts";
import type { Primitive, Primitives } from "./primitives.ts";
import { dnnlMappings } from "./eltwise.ts";
import { pointerAt, strides } from "./operands.ts";
import { threadRoute } from "./threads.ts";

/**
 * Which layers take the fused primitive. bench/dnn_route.ts timed both ways, over
 * 10000 samples for chapter 14's layers: fused took 0.75 of the composition's time for 4→16
 * sigmoid, 0.65–0.82 for 16→64 tanh, 0.6 for 32→10 elu and 0.9 for 784→32 sigmoid; it lost on
 * narrow outputs (1.26 for 64→8 tanh; 30–80× for a single output, where oneDNN runs a slow
 * kernel) and on very long inputs (1.05 for 10000→16). Tests set `force`.
 */
export const innerProductRoute: {
  force: "dnnl" | "compose" | undefined;
  fused(m: number, k: number, n: number): boolean;
} = {
  force: undefined,
  fused: (m, k) => m >= 10 && k <= 1024,
};

/**
 * Activations oneDNN's post-op computes as the js engine does, NaN included: its relu and clip
 * give max(NaN, 0) = 0, so those stay unfused.
 */
const fusible: ReadonlySet<string> = new Set(["tanh", "sigmoid", "elu", "linear"]);

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
): (
  w: Operand,
  x: Operand,
  b: Operand,
  out: Operand,
  f: ElementwiseOp | undefined,
  params: readonly number[],
) => boolean {
  const d = libs.dnnl;
  const declined = new Set<string>();
  const pointers: Deno.PointerValue[] = [null, null, null, null];
  const out64 = new BigUint64Array(1);
  const outBytes = new Uint8Array(out64.buffer);

  function build(
    p: Primitives,
    key: string,
    mds: Uint8Array[],
    mapping: { alg: number; alpha: number; beta: number } | undefined,
  ): Primitive | undefined {
    const desc = new Uint8Array(descBytes.innerProduct);
    const [src, weights, bias, dst] = mds;
    check(
      d.dnnl_inner_product_forward_desc_init!(
        desc,
        dnnl_forward_inference,
        src,
        weights,
        bias,
        dst,
      ),
      "inner_product_forward_desc_init",
    );
    let attr: Deno.PointerValue = null, postOps: Deno.PointerValue = null;
    try {
      if (mapping !== undefined) {
        check(d.dnnl_post_ops_create!(outBytes), "post_ops_create");
        postOps = Deno.UnsafePointer.create(out64[0]);
        check(
          d.dnnl_post_ops_append_eltwise!(postOps, 1, mapping.alg, mapping.alpha, mapping.beta),
          "post_ops_append_eltwise",
        );
        check(d.dnnl_primitive_attr_create!(outBytes), "primitive_attr_create");
        attr = Deno.UnsafePointer.create(out64[0]);
        check(d.dnnl_primitive_attr_set_post_ops!(attr, postOps), "primitive_attr_set_post_ops");
      }
      return p.create(
        key,
        desc,
        mds,
        [DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST],
        null,
        attr,
      );
    } catch {
      // oneDNN has no implementation for these strides: compose instead, from now on.
      declined.add(key);
      return undefined;
    } finally {
      if (attr !== null) d.dnnl_primitive_attr_destroy!(attr);
      if (postOps !== null) d.dnnl_post_ops_destroy!(postOps);
    }
  }

  // Ones for the bias's rank-1 update, per dtype, grown to the widest batch seen.
  let ones32 = new Float32Array(0), ones64 = new Float64Array(0);
  function ones(like: Operand, n: number): Operand {
    const double = like.storage.buffer instanceof Float64Array;
    if (double && ones64.length < n) ones64 = new Float64Array(n).fill(1);
    if (!double && ones32.length < n) ones32 = new Float32Array(n).fill(1);
    const buffer = double ? ones64 : ones32;
    const storage = { buffer, length: buffer.length, released: false };
    return { storage, offset: 0, rows: n, cols: 1, rowStride: 1, colStride: n };
  }

  function composed(
    w: Operand,
    x: Operand,
    b: Operand,
    out: Operand,
    f: ElementwiseOp | undefined,
    params: readonly number[],
  ): boolean {
    if (
      !(out.storage.buffer instanceof Float32Array || out.storage.buffer instanceof Float64Array)
    ) {
      return false;
    }
    blas.gemm(1, w, x, 0, out);
    blas.ger(1, b, ones(out, out.cols), out);
    const identity = f === undefined || (f === ops.linear && params[0] === 1 && params[1] === 0);
    if (!identity) math.map(f, params, out, out);
    return true;
  }

  return (w, x, b, out, f, params) => {
    const m = out.rows, n = out.cols, k = w.cols;
    const route = innerProductRoute.force;
    if (route === "compose" || (route === undefined && !innerProductRoute.fused(m, k, n))) {
      return composed(w, x, b, out, f, params);
    }
    const float = [w, x, b, out].every((o) => o.storage.buffer instanceof Float32Array);
    const name = f === undefined ? "linear" : f.name;
    if (!float || d.dnnl_inner_product_forward_desc_init === null || !fusible.has(name)) {
      return composed(w, x, b, out, f, params);
    }
    const eltwise = dnnlMappings[name as OpName];
    const [alpha, beta] = eltwise?.kind === "eltwise" ? eltwise.ab(params) : [1, 0];
    // Linear with a = 1, b = 0 needs no post-op at all.
    const mapping = name === "linear" && alpha === 1 && beta === 0
      ? undefined
      : eltwise?.kind === "eltwise"
      ? { alg: eltwise.alg, alpha, beta }
      : undefined;
    // oneDNN sees samples as rows: src n×k, weights m×k, dst n×m.
    const [xr, xc] = strides(x), [wr, wc] = strides(w), [or, oc] = strides(out);
    const key = `ip ${m}×${k}×${n} x[${xc},${xr}] w[${wr},${wc}] o[${oc},${or}] b${b.rowStride} ` +
      `${mapping === undefined ? "-" : `${mapping.alg}:${alpha}:${beta}`}`;
    if (declined.has(key)) return composed(w, x, b, out, f, params);
    const p = primitives();
    let prim = p.get(key);
    if (prim === undefined) {
      const mds = [
        p.memoryDesc([n, k], [xc, xr]),
        p.memoryDesc([m, k], [wr, wc]),
        p.memoryDesc([m], [Math.max(b.rowStride, 1)]),
        p.memoryDesc([n, m], [oc, or]),
      ];
      prim = build(p, key, mds, mapping);
      if (prim === undefined) return composed(w, x, b, out, f, params);
    }
    pointers[0] = pointerAt(x, "innerProduct_ x");
    pointers[1] = pointerAt(w, "innerProduct_ w");
    pointers[2] = pointerAt(b, "innerProduct_ b");
    pointers[3] = pointerAt(out, "innerProduct_ out");
    libs.threads.fit(m * n * k, threadRoute.products);
    p.run(prim, pointers);
    return true;
  };
}

/**
 * Convolutions through oneDNN's convolution primitives (forward, backward data, backward
 * weights), float32: one primitive per pass, shapes, strides and geometry, built once and kept in
 * the primitive cache. Each runs over the layouts oneDNN chooses for it (blocked ones such as
 * nChw16c), with reorders into and out of scratch memory around each run. Over the tensors' own
 * strides oneDNN ran its reference kernel for nhwc data with ohwi weights, a thousand times
 * slower, and slower gemm kernels for nchw than in its own layouts (bench/convolution.ts).
 * float64, and descriptors oneDNN does not take, run the js engine's loops on the same memory.
 *
 * @module
 */

import {
  check,
  descBytes,
  DNNL_ARG_BIAS,
  DNNL_ARG_DIFF_BIAS,
  DNNL_ARG_DIFF_DST,
  DNNL_ARG_DIFF_SRC,
  DNNL_ARG_DIFF_WEIGHTS,
  DNNL_ARG_DST,
  DNNL_ARG_SRC,
  DNNL_ARG_WEIGHTS,
  dnnl_convolution_direct,
  dnnl_f32,
  dnnl_format_tag_any,
  dnnl_forward_inference,
  dnnl_forward_training,
  dnnlDims,
  dnnlQuery,
} from "../../../ffi/dnnl.ts";
import type { DnnEngine, TensorOperand } from "../../core/engine.ts";
import type { NativeLibraries } from "./libraries.ts";
import type { Primitive, Primitives } from "./primitives.ts";
import { tensorPointer } from "./operands.ts";
import { threadRoute } from "./threads.ts";
import { convolveTensor } from "../js/convolution.ts";
import { nativeReduction } from "./reduction.ts";
import { finiteScreen } from "./screen.ts";

/** Tests set `force` to run every convolution through oneDNN or through the js loops. */
export const convolutionRoute: { force: "dnnl" | "js" | undefined } = { force: undefined };

/** One tensor of a pass: its role's query and argument, and whether the pass writes it. */
interface Role {
  readonly t: TensorOperand;
  readonly query: number;
  readonly arg: number;
  readonly written: boolean;
}

/** The native engine's convolution. */
export function nativeConvolution(
  libs: NativeLibraries,
  primitives: () => Primitives,
): NonNullable<DnnEngine["convolution"]> {
  const d = libs.dnnl;
  const screen = finiteScreen(nativeReduction(libs, primitives));
  return (pass, x, w, b, y, g, dtype) => {
    // Planned only where taken: the data gradient's loops hold a float64 copy of x.
    let planned: (() => void) | undefined;
    const loops = () => planned ??= convolveTensor(pass, x, w, b, y, g);
    if (
      dtype !== "float32" || convolutionRoute.force === "js" ||
      d.dnnl_dilated_convolution_forward_desc_init === null
    ) return loops();
    const p = primitives();
    // oneDNN wants a positive stride on every dimension, even one of extent 1.
    const positive = (t: TensorOperand) => t.strides.map((s) => Math.max(s, 1));
    const plainMd = (t: TensorOperand) => p.memoryDesc(t.shape, positive(t));
    const anyMd = (t: TensorOperand) => {
      const md = new Uint8Array(descBytes.memory);
      check(
        d.dnnl_memory_desc_init_by_tag(
          md,
          t.shape.length,
          dnnlDims(t.shape),
          dnnl_f32,
          dnnl_format_tag_any,
        ),
        "memory_desc_init_by_tag",
      );
      return md;
    };
    const spatial = x.shape.length - 2;
    const right = Array.from(
      { length: spatial },
      (_, s) =>
        (y.shape[s + 2] - 1) * g.strides[s] + (w.shape[s + 2] - 1) * g.dilation[s] + 1 -
        x.shape[s + 2] - g.padding[s],
    );
    const geometry = [
      dnnlDims(g.strides),
      dnnlDims(g.dilation.map((v) => v - 1)), // oneDNN counts the gaps between taps
      dnnlDims(g.padding),
      dnnlDims(right),
    ] as const;
    const key = `conv ${pass} x[${x.shape}][${positive(x)}] w[${w.shape}][${positive(w)}] ` +
      `b${b === undefined ? "-" : b.strides[0]} y[${y.shape}][${positive(y)}] ` +
      `${g.strides}/${g.padding}/${g.dilation}`;
    const bMd = b === undefined ? undefined : plainMd(b);
    const bPointer = bMd === undefined ? null : Deno.UnsafePointer.of(bMd);
    const roles: Role[] = pass === "forward"
      ? [
        { t: x, query: dnnlQuery.src, arg: DNNL_ARG_SRC, written: false },
        { t: w, query: dnnlQuery.weights, arg: DNNL_ARG_WEIGHTS, written: false },
        { t: y, query: dnnlQuery.dst, arg: DNNL_ARG_DST, written: true },
      ]
      : pass === "backwardData"
      ? [
        { t: y, query: dnnlQuery.diffDst, arg: DNNL_ARG_DIFF_DST, written: false },
        { t: w, query: dnnlQuery.weights, arg: DNNL_ARG_WEIGHTS, written: false },
        { t: x, query: dnnlQuery.diffSrc, arg: DNNL_ARG_DIFF_SRC, written: true },
      ]
      : [
        { t: x, query: dnnlQuery.src, arg: DNNL_ARG_SRC, written: false },
        { t: y, query: dnnlQuery.diffDst, arg: DNNL_ARG_DIFF_DST, written: false },
        { t: w, query: dnnlQuery.diffWeights, arg: DNNL_ARG_DIFF_WEIGHTS, written: true },
      ];
    const biasArg = pass === "forward" ? DNNL_ARG_BIAS : DNNL_ARG_DIFF_BIAS;
    const plain = new Map(roles.map((r) => [r.t, plainMd(r.t)]));

    /**
     * The op descriptor over memory descriptors for x, w and y: the pass's own, or (`hint`) the
     * training forward pass a backward primitive is made against.
     */
    function opDesc(mds: Map<TensorOperand, Uint8Array>, hint = false) {
      const desc = new Uint8Array(descBytes.convolution);
      const [xm, wm, ym] = [mds.get(x)!, mds.get(w)!, mds.get(y)!];
      const what = hint ? "forward" : pass;
      const status = what === "forward"
        ? d.dnnl_dilated_convolution_forward_desc_init!(
          desc,
          hint ? dnnl_forward_training : dnnl_forward_inference,
          dnnl_convolution_direct,
          xm,
          wm,
          bPointer,
          ym,
          ...geometry,
        )
        : what === "backwardData"
        ? d.dnnl_dilated_convolution_backward_data_desc_init!(
          desc,
          dnnl_convolution_direct,
          xm,
          wm,
          ym,
          ...geometry,
        )
        : d.dnnl_dilated_convolution_backward_weights_desc_init!(
          desc,
          dnnl_convolution_direct,
          xm,
          wm,
          bPointer,
          ym,
          ...geometry,
        );
      check(status, `convolution ${what} desc_init`);
      return desc;
    }

    /** Runs f with a primitive descriptor of these memory descriptors, destroyed after. */
    function withPd<T>(mds: Map<TensorOperand, Uint8Array>, f: (pd: Deno.PointerValue) => T): T {
      const hint = pass === "forward" ? null : p.primitiveDesc(opDesc(mds, true));
      try {
        const pd = p.primitiveDesc(opDesc(mds), hint);
        try {
          return f(pd);
        } finally {
          check(d.dnnl_primitive_desc_destroy(pd), "primitive_desc_destroy");
        }
      } finally {
        if (hint !== null) check(d.dnnl_primitive_desc_destroy(hint), "primitive_desc_destroy");
      }
    }

    /** Builds and caches the convolution primitive over these memory descriptors. */
    function create(mds: Map<TensorOperand, Uint8Array>): Primitive {
      const hint = pass === "forward" ? null : p.primitiveDesc(opDesc(mds, true));
      try {
        const list = roles.map((r) => mds.get(r.t)!), ids = roles.map((r) => r.arg);
        if (bMd !== undefined) {
          list.push(bMd);
          ids.push(biasArg);
        }
        return p.create(key, opDesc(mds), list, ids, hint);
      } finally {
        if (hint !== null) check(d.dnnl_primitive_desc_destroy(hint), "primitive_desc_destroy");
      }
    }

    // The layouts oneDNN chooses, with reorders in and out around every run; the tensors' own
    // where it chooses none.
    let mds = plain;
    try {
      const any = new Map(roles.map((r) => [r.t, anyMd(r.t)]));
      try {
        mds = withPd(any, (pd) => new Map(roles.map((r) => [r.t, p.queryMd(pd, r.query)])));
      } catch {
        mds = plain;
      }
      create(mds);
    } catch (e) {
      if (convolutionRoute.force === "dnnl") throw e;
      return loops(); // descriptors oneDNN does not take: the loops compute them
    }
    const staged = roles.filter((r) =>
      d.dnnl_memory_desc_equal(mds.get(r.t)!, plain.get(r.t)!) === 0
    )
      .map((r) => {
        const md = mds.get(r.t)!;
        const scratch = new Float32Array(Math.ceil(p.sizeOf(md) / 4));
        const [from, to] = r.written ? [md, plain.get(r.t)!] : [plain.get(r.t)!, md];
        return { r, scratch, from, to, key: `${key} ${r.written ? "out" : "in"} ${r.arg}` };
      });
    const scratchOf = new Map(staged.map((s) => [s.r.t, s.scratch]));
    const pointers: Deno.PointerValue[] = [...roles, ...(b ? [b] : [])].map(() => null);
    const pair: Deno.PointerValue[] = [null, null];
    const work = y.shape.reduce((n, e) => n * e, 1) * w.shape.slice(1).reduce((n, e) => n * e, 1);
    const user = (t: TensorOperand) => tensorPointer(t, `convolution ${pass}`);
    // oneDNN skips the padding, where PyTorch multiplies its zeros into the weights (forward) or
    // the error (weights' gradient): with a NaN or ∞ there, the call takes the loops.
    const padded = g.padding.some((p) => p > 0);
    const special = !padded || pass === "backwardData"
      ? () => false
      : screen(pass === "forward" ? w : y);
    return () => {
      // Every operand's extent is checked before its pointer crosses into C.
      roles.forEach((r, i) => {
        const scratch = scratchOf.get(r.t);
        pointers[i] = scratch === undefined ? user(r.t) : Deno.UnsafePointer.of(scratch);
      });
      if (b !== undefined) pointers[roles.length] = user(b);
      if (special()) return loops()();
      libs.threads.fit(work, threadRoute.products);
      for (const s of staged) {
        if (s.r.written) continue;
        pair[0] = user(s.r.t);
        pair[1] = Deno.UnsafePointer.of(s.scratch);
        p.run(p.reorder(s.key, s.from, s.to), pair);
      }
      // Looked up on every run: an evicted primitive is rebuilt, never used after it is freed.
      p.run(p.get(key) ?? create(mds), pointers);
      for (const s of staged) {
        if (!s.r.written) continue;
        pair[0] = Deno.UnsafePointer.of(s.scratch);
        pair[1] = user(s.r.t);
        p.run(p.reorder(s.key, s.from, s.to), pair);
      }
    };
  };
}

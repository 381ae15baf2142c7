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
  DNNL_ARG_BIAS,
  DNNL_ARG_DIFF_BIAS,
  DNNL_ARG_DIFF_DST,
  DNNL_ARG_DIFF_SRC,
  DNNL_ARG_DIFF_WEIGHTS,
  DNNL_ARG_DST,
  DNNL_ARG_SRC,
  DNNL_ARG_WEIGHTS,
  dnnl_f32,
  dnnl_forward_inference,
  dnnl_forward_training,
  dnnlDims,
  dnnlQuery,
} from "../../../ffi/dnnl.ts";
import type {
  ConvolutionGeometry,
  ConvolutionPass,
  DnnEngine,
  Plan,
  TensorOperand,
} from "../../core/engine.ts";
import type { NativeLibraries } from "./libraries.ts";
import type { Primitive, Primitives } from "./primitives.ts";
import type { MemoryDesc, OpSpec } from "./dnnl_spec.ts";
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

/** A convolution pass being planned: its operands, its geometry in oneDNN's terms, its key. */
interface ConvPlan {
  readonly p: Primitives;
  readonly pass: ConvolutionPass;
  readonly x: TensorOperand;
  readonly w: TensorOperand;
  readonly b: TensorOperand | undefined;
  readonly y: TensorOperand;
  readonly geometry: readonly [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  readonly key: string;
  readonly roles: readonly Role[];
  readonly bMd: MemoryDesc | undefined;
}

/** oneDNN wants a positive stride on every dimension, even one of extent 1. */
const positive = (t: TensorOperand) => t.strides.map((s) => Math.max(s, 1));

/** The pass's tensors in oneDNN's roles: what it reads, then what it writes. */
function rolesOf(
  pass: ConvolutionPass,
  x: TensorOperand,
  w: TensorOperand,
  y: TensorOperand,
): Role[] {
  return pass === "forward"
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
}

/** Strides, dilation (oneDNN counts the gaps between taps), and padding before and after. */
function geometryOf(
  x: TensorOperand,
  w: TensorOperand,
  y: TensorOperand,
  g: ConvolutionGeometry,
): ConvPlan["geometry"] {
  const right = Array.from(
    { length: x.shape.length - 2 },
    (_, s) =>
      (y.shape[s + 2] - 1) * g.strides[s] + (w.shape[s + 2] - 1) * g.dilation[s] + 1 -
      x.shape[s + 2] - g.padding[s],
  );
  return [
    dnnlDims(g.strides),
    dnnlDims(g.dilation.map((v) => v - 1)),
    dnnlDims(g.padding),
    dnnlDims(right),
  ];
}

/** A memory descriptor that lets oneDNN choose t's layout. */
const anyMd = (p: Primitives, t: TensorOperand): MemoryDesc => p.api.anyDesc(t.shape, dnnl_f32);

/**
 * The op spec over memory descriptors for x, w and y: the pass's own, or (`hint`) the training
 * forward pass a backward primitive is made against.
 */
function opDesc(c: ConvPlan, mds: Map<TensorOperand, MemoryDesc>, hint = false): OpSpec {
  const { geometry } = c, api = c.p.api;
  const [xm, wm, ym] = [mds.get(c.x)!, mds.get(c.w)!, mds.get(c.y)!];
  const what = hint ? "forward" : c.pass;
  return what === "forward"
    ? api.convolutionForward(
      hint ? dnnl_forward_training : dnnl_forward_inference,
      xm,
      wm,
      c.bMd,
      ym,
      geometry,
    )
    : what === "backwardData"
    ? api.convolutionBackwardData(xm, wm, ym, geometry)
    : api.convolutionBackwardWeights(xm, wm, c.bMd, ym, geometry);
}

/** A backward pass's hint (the training forward pass), destroyed after f. */
function withHint<T>(
  c: ConvPlan,
  mds: Map<TensorOperand, MemoryDesc>,
  f: (hint: Deno.PointerValue) => T,
): T {
  const hint = c.pass === "forward" ? null : c.p.primitiveDesc(opDesc(c, mds, true));
  try {
    return f(hint);
  } finally {
    if (hint !== null) c.p.destroyPd(hint);
  }
}

/** The memory descriptors oneDNN chooses for the pass's tensors, given `any` for each. */
function chosenLayouts(
  c: ConvPlan,
  any: Map<TensorOperand, MemoryDesc>,
): Map<TensorOperand, MemoryDesc> {
  return withHint(c, any, (hint) => {
    const pd = c.p.primitiveDesc(opDesc(c, any), hint);
    try {
      return new Map(c.roles.map((r) => [r.t, c.p.queryMd(pd, r.query)]));
    } finally {
      c.p.destroyPd(pd);
    }
  });
}

/** Builds and caches the convolution primitive over these memory descriptors. */
function create(c: ConvPlan, mds: Map<TensorOperand, MemoryDesc>): Primitive {
  return withHint(c, mds, (hint) => {
    const list = c.roles.map((r) => mds.get(r.t)!), ids = c.roles.map((r) => r.arg);
    if (c.bMd !== undefined) {
      list.push(c.bMd);
      ids.push(c.pass === "forward" ? DNNL_ARG_BIAS : DNNL_ARG_DIFF_BIAS);
    }
    return c.p.create(c.key, opDesc(c, mds), list, ids, hint);
  });
}

/**
 * The planned pass over oneDNN's layouts (the tensors' own where it chooses none), with
 * reorders in and out around every run; undefined where oneDNN takes no such descriptors.
 * `loops` runs the pass on the js loops instead, for a call whose padding meets a NaN or ∞.
 */
function planPass(
  c: ConvPlan,
  libs: NativeLibraries,
  screen: (t: TensorOperand) => () => boolean,
  g: ConvolutionGeometry,
  loops: () => Plan,
): Plan | undefined {
  const { p, roles, pass, w, b, y } = c;
  const plain = new Map(roles.map((r) => [r.t, p.memoryDesc(r.t.shape, positive(r.t))]));
  let mds = plain;
  try {
    const any = new Map(roles.map((r) => [r.t, anyMd(p, r.t)]));
    try {
      mds = chosenLayouts(c, any);
    } catch {
      mds = plain;
    }
    create(c, mds);
  } catch (e) {
    if (convolutionRoute.force === "dnnl") throw e;
    return undefined;
  }
  const staged = roles.filter((r) => !p.api.equal(mds.get(r.t)!, plain.get(r.t)!))
    .map((r) => {
      const md = mds.get(r.t)!;
      const scratch = new Float32Array(Math.ceil(p.sizeOf(md) / 4));
      const [from, to] = r.written ? [md, plain.get(r.t)!] : [plain.get(r.t)!, md];
      return { r, scratch, from, to, key: `${c.key} ${r.written ? "out" : "in"} ${r.arg}` };
    });
  const scratchOf = new Map(staged.map((s) => [s.r.t, s.scratch]));
  const pointers: Deno.PointerValue[] = [...roles, ...(b ? [b] : [])].map(() => null);
  const pair: Deno.PointerValue[] = [null, null];
  const work = y.shape.reduce((n, e) => n * e, 1) * w.shape.slice(1).reduce((n, e) => n * e, 1);
  const user = (t: TensorOperand) => tensorPointer(t, `convolution ${pass}`);
  // oneDNN skips the padding, where PyTorch multiplies its zeros into the weights (forward) or
  // the error (weights' gradient); 3.9's data gradient multiplies padding into the weights
  // where PyTorch's does not: with a NaN or ∞ there, the call takes the loops.
  const padded = g.padding.some((p) => p > 0);
  const special = !padded ? () => false : screen(pass === "backwardWeights" ? y : w);
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
    p.run(p.get(c.key) ?? create(c, mds), pointers);
    for (const s of staged) {
      if (!s.r.written) continue;
      pair[0] = Deno.UnsafePointer.of(s.scratch);
      pair[1] = user(s.r.t);
      p.run(p.reorder(s.key, s.from, s.to), pair);
    }
  };
}

/** The native engine's convolution: oneDNN for float32 where it takes the pass, else the loops. */
export function nativeConvolution(
  libs: NativeLibraries,
  primitives: () => Primitives,
): NonNullable<DnnEngine["convolution"]> {
  const screen = finiteScreen(nativeReduction(libs, primitives));
  return (pass, x, w, b, y, g, dtype) => {
    // Planned only where taken: the data gradient's loops hold a float64 copy of x.
    let planned: Plan | undefined;
    const loops = () => planned ??= convolveTensor(pass, x, w, b, y, g);
    if (
      dtype !== "float32" || convolutionRoute.force === "js" ||
      !libs.dnnlApi?.has("convolution")
    ) return loops();
    const p = primitives();
    const key = `conv ${pass} x[${x.shape}][${positive(x)}] w[${w.shape}][${positive(w)}] ` +
      `b${b === undefined ? "-" : b.strides[0]} y[${y.shape}][${positive(y)}] ` +
      `${g.strides}/${g.padding}/${g.dilation}`;
    const c: ConvPlan = {
      p,
      pass,
      x,
      w,
      b,
      y,
      geometry: geometryOf(x, w, y, g),
      key,
      roles: rolesOf(pass, x, w, y),
      bMd: b === undefined ? undefined : p.memoryDesc(b.shape, positive(b)),
    };
    // Descriptors oneDNN does not take: the loops compute them.
    return planPass(c, libs, screen, g, loops) ?? loops();
  };
}

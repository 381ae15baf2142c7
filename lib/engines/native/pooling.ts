/**
 * Pooling through oneDNN's pooling primitives, float32, over the tensors' own strides. The
 * backward pass of max pooling needs the positions of the largest entries, which oneDNN keeps in
 * a workspace its training forward pass fills. Planned alone, each backward run first pools x
 * again into scratch memory for it; planned with its forward pass (`poolingTraining`, as a
 * network's layer does), it reads the workspace that pass kept. float64 and descriptors oneDNN does not take run the
 * js engine's loops on the same memory.
 *
 * @module
 */

import {
  DNNL_ARG_DIFF_DST,
  DNNL_ARG_DIFF_SRC,
  DNNL_ARG_DST,
  DNNL_ARG_SRC,
  DNNL_ARG_WORKSPACE,
  dnnl_forward_inference,
  dnnl_forward_training,
  dnnl_query_workspace_md,
  dnnlDims,
} from "../../../ffi/dnnl.ts";
import type {
  DnnEngine,
  Plan,
  PoolingGeometry,
  PoolingKind,
  TensorOperand,
} from "../../core/engine.ts";
import type { NativeLibraries } from "./libraries.ts";
import type { Primitive, Primitives } from "./primitives.ts";
import type { MemoryDesc, PoolingName } from "./dnnl_spec.ts";
import { tensorPointer } from "./operands.ts";
import { threadRoute } from "./threads.ts";
import { poolTensor, poolTensorBackward } from "../js/pooling.ts";
import { nativeReduction } from "./reduction.ts";
import { finiteScreen } from "./screen.ts";

/** Tests set `force` to run every pooling through oneDNN or through the js loops. */
export const poolingRoute: { force: "dnnl" | "js" | undefined } = { force: undefined };

/** What both passes work with: the libraries, the primitive cache, the NaN screen. */
interface PoolingContext {
  readonly libs: NativeLibraries;
  readonly primitives: () => Primitives;
  readonly screen: (t: TensorOperand) => () => boolean;
}

/** Shared by both passes: descriptors, the geometry, and the forward op descriptor. */
function setup(c: PoolingContext, x: TensorOperand, y: TensorOperand, g: PoolingGeometry) {
  const p = c.primitives();
  // oneDNN wants a positive stride on every dimension, even one of extent 1.
  const md = (t: TensorOperand) => p.memoryDesc(t.shape, t.strides.map((s) => Math.max(s, 1)));
  const right = g.kernel.map((k, s) =>
    (y.shape[s + 2] - 1) * g.strides[s] + k - x.shape[s + 2] - g.padding[s]
  );
  const geometry = [
    dnnlDims(g.strides),
    dnnlDims(g.kernel),
    dnnlDims(g.padding),
    dnnlDims(right),
  ] as const;
  const xMd = md(x), yMd = md(y);
  const forward = (alg: PoolingName, prop: number, dst = yMd) =>
    p.api.poolingForward(prop, alg, xMd, dst, geometry);
  return { p, md, geometry, xMd, yMd, forward };
}

/** Runs build once now: undefined where oneDNN refuses the descriptors (the loops take them). */
function attempt<T>(build: () => T): T | undefined {
  try {
    return build();
  } catch (e) {
    if (poolingRoute.force === "dnnl") throw e;
    return undefined;
  }
}

/** The forward pass through oneDNN, or undefined where it takes no such descriptors. */
function planForward(
  c: PoolingContext,
  kind: PoolingKind,
  x: TensorOperand,
  y: TensorOperand,
  g: PoolingGeometry,
  loops: () => Plan,
): Plan | undefined {
  const s = setup(c, x, y, g);
  const key = `pool ${kind} x[${x.shape}][${x.strides}] y[${y.strides}] ${g.kernel}/` +
    `${g.strides}/${g.padding}`;
  const build = () =>
    s.p.create(key, s.forward(kind, dnnl_forward_inference), [s.xMd, s.yMd], [
      DNNL_ARG_SRC,
      DNNL_ARG_DST,
    ]);
  if (attempt(() => s.p.get(key) ?? build()) === undefined) return undefined;
  const pointers: Deno.PointerValue[] = [null, null];
  const work = x.shape.reduce((n, e) => n * e, 1);
  // oneDNN's max pooling drops NaN: a pooling whose input holds one takes the loops.
  const special = kind === "max" ? c.screen(x) : () => false;
  return () => {
    pointers[0] = tensorPointer(x, "pooling x");
    pointers[1] = tensorPointer(y, "pooling y");
    if (special()) return loops()();
    c.libs.threads.fit(work, threadRoute.entries);
    s.p.run(s.p.get(key) ?? build(), pointers);
  };
}

/**
 * Max pooling's training forward primitive (x into y, with the workspace of positions) and the
 * backward primitive that reads that workspace (dy, whose descriptor is y's, into dx), built
 * under `base`; `wsMd` undefined where oneDNN gives max pooling no workspace for these
 * descriptors. Average pooling has no workspace and only `backward`.
 */
function trainingPrimitives(
  s: ReturnType<typeof setup>,
  kind: PoolingKind,
  dxMd: MemoryDesc,
  base: string,
) {
  const training = () => s.forward(kind, dnnl_forward_training);
  const wsMd = kind !== "max" ? undefined : attempt((): MemoryDesc => {
    const pd = s.p.primitiveDesc(training());
    try {
      return s.p.queryMd(pd, dnnl_query_workspace_md);
    } finally {
      s.p.destroyPd(pd);
    }
  });
  const forward = (): Primitive =>
    s.p.get(`${base} fwd`) ??
      s.p.create(`${base} fwd`, training(), [s.xMd, s.yMd, wsMd!], [
        DNNL_ARG_SRC,
        DNNL_ARG_DST,
        DNNL_ARG_WORKSPACE,
      ]);
  const backward = (): Primitive => {
    const hit = s.p.get(`${base} bwd`);
    if (hit !== undefined) return hit;
    const hint = s.p.primitiveDesc(training());
    try {
      const spec = s.p.api.poolingBackward(kind, dxMd, s.yMd, s.geometry);
      const [mds, ids] = wsMd !== undefined
        ? [[s.yMd, wsMd, dxMd], [DNNL_ARG_DIFF_DST, DNNL_ARG_WORKSPACE, DNNL_ARG_DIFF_SRC]]
        : [[s.yMd, dxMd], [DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC]];
      return s.p.create(`${base} bwd`, spec, mds, ids, hint);
    } finally {
      s.p.destroyPd(hint);
    }
  };
  // Built now, so that descriptors oneDNN refuses send the caller to the loops at planning.
  const ready = (kind !== "max" || wsMd !== undefined) && attempt(() => {
        if (kind === "max") forward();
        return backward();
      }) !== undefined;
  return { wsMd, forward, backward, ready };
}

/**
 * The backward pass through oneDNN (max pooling first pools x again into scratch, for the
 * workspace of its largest entries), or undefined where it takes no such descriptors.
 */
function planBackward(
  c: PoolingContext,
  kind: PoolingKind,
  x: TensorOperand,
  dy: TensorOperand,
  dx: TensorOperand,
  g: PoolingGeometry,
  loops: () => Plan,
): Plan | undefined {
  const s = setup(c, x, dy, g);
  const base = `poolb ${kind} x[${x.shape}][${x.strides}] dy[${dy.strides}] ` +
    `dx[${dx.strides}] ${g.kernel}/${g.strides}/${g.padding}`;
  const prims = trainingPrimitives(s, kind, s.md(dx), base);
  if (!prims.ready) return undefined;
  // Max pooling's training forward pass goes into scratch: its output and its workspace.
  const scratch = prims.wsMd !== undefined
    ? {
      y: new Float32Array(Math.ceil(s.p.sizeOf(s.yMd) / 4)),
      ws: new Uint8Array(Math.max(s.p.sizeOf(prims.wsMd), 1)),
    }
    : undefined;
  const forwardPointers: Deno.PointerValue[] = [null, null, null];
  const pointers: Deno.PointerValue[] = kind === "max" ? [null, null, null] : [null, null];
  const work = x.shape.reduce((n, e) => n * e, 1);
  const special = kind === "max" ? c.screen(x) : () => false;
  return () => {
    const xAt = tensorPointer(x, "poolingBackward x");
    const dyAt = tensorPointer(dy, "poolingBackward dy");
    const dxAt = tensorPointer(dx, "poolingBackward dx");
    if (special()) return loops()();
    c.libs.threads.fit(work, threadRoute.entries);
    if (kind === "max") {
      const fwd = prims.forward();
      forwardPointers[0] = xAt;
      forwardPointers[1] = Deno.UnsafePointer.of(scratch!.y);
      forwardPointers[2] = Deno.UnsafePointer.of(scratch!.ws);
      s.p.run(fwd, forwardPointers);
      pointers[0] = dyAt;
      pointers[1] = forwardPointers[2];
      pointers[2] = dxAt;
    } else {
      pointers[0] = dyAt;
      pointers[1] = dxAt;
    }
    s.p.run(prims.backward(), pointers);
  };
}

/**
 * Max pooling's training pair: the forward pass runs oneDNN's training primitive straight into
 * y, keeping the workspace of positions, and the backward pass reads it, where `planBackward`
 * pools x again into scratch for it (and screens x again). The forward's screen decides for both:
 * a NaN in x sends the forward and the backward after it to the loops. Undefined where oneDNN
 * takes no such descriptors, or y and dy differ in strides (the workspace follows y's).
 */
function planTraining(
  c: PoolingContext,
  x: TensorOperand,
  y: TensorOperand,
  dy: TensorOperand,
  dx: TensorOperand,
  g: PoolingGeometry,
  loops: { forward: () => Plan; backward: () => Plan; apart: () => Plan },
): { forward: Plan; backward: Plan } | undefined {
  if (y.strides.join() !== dy.strides.join()) return undefined;
  // y's descriptor is dy's too: same shape and strides.
  const s = setup(c, x, y, g);
  const base = `poolt max x[${x.shape}][${x.strides}] y[${y.strides}] dx[${dx.strides}] ` +
    `${g.kernel}/${g.strides}/${g.padding}`;
  const prims = trainingPrimitives(s, "max", s.md(dx), base);
  if (!prims.ready) return undefined;
  const ws = new Uint8Array(Math.max(s.p.sizeOf(prims.wsMd!), 1));
  // What the last forward left: nothing yet, the positions, or a NaN that took the loops.
  let kept: "nothing" | "positions" | "loops" = "nothing";
  const fp: Deno.PointerValue[] = [null, null, null], bp: Deno.PointerValue[] = [null, null, null];
  const work = x.shape.reduce((n, e) => n * e, 1);
  const special = c.screen(x);
  return {
    forward() {
      fp[0] = tensorPointer(x, "pooling x");
      fp[1] = tensorPointer(y, "pooling y");
      fp[2] = Deno.UnsafePointer.of(ws);
      if (special()) {
        kept = "loops";
        return loops.forward()();
      }
      c.libs.threads.fit(work, threadRoute.entries);
      s.p.run(prims.forward(), fp);
      kept = "positions";
    },
    backward() {
      if (kept === "nothing") return loops.apart()();
      if (kept === "loops") return loops.backward()();
      bp[0] = tensorPointer(dy, "poolingBackward dy");
      bp[1] = Deno.UnsafePointer.of(ws);
      bp[2] = tensorPointer(dx, "poolingBackward dx");
      c.libs.threads.fit(work, threadRoute.entries);
      s.p.run(prims.backward(), bp);
    },
  };
}

/** The native engine's pooling, forward and backward: oneDNN for float32, else the loops. */
export function nativePooling(
  libs: NativeLibraries,
  primitives: () => Primitives,
): Required<Pick<DnnEngine, "poolingForward" | "poolingBackward" | "poolingTraining">> {
  const c: PoolingContext = {
    libs,
    primitives,
    screen: finiteScreen(nativeReduction(libs, primitives)),
  };
  const applies = (dtype: string) =>
    dtype === "float32" && poolingRoute.force !== "js" && libs.dnnlApi?.has("pooling") === true;
  return {
    poolingForward(kind, x, y, g, dtype) {
      let planned: Plan | undefined;
      const loops = () => planned ??= poolTensor(kind, x, y, g);
      if (!applies(dtype)) return loops();
      return planForward(c, kind, x, y, g, loops) ?? loops();
    },
    poolingBackward(kind, x, dy, dx, g, dtype) {
      let planned: Plan | undefined;
      const loops = () => planned ??= poolTensorBackward(kind, x, dy, dx, g);
      if (!applies(dtype)) return loops();
      return planBackward(c, kind, x, dy, dx, g, loops) ?? loops();
    },
    poolingTraining(kind, x, y, dy, dx, g, dtype) {
      // Average pooling keeps nothing between its passes: planned apart.
      if (kind !== "max" || !applies(dtype)) return undefined;
      let forward: Plan | undefined, backward: Plan | undefined, apart: Plan | undefined;
      return planTraining(c, x, y, dy, dx, g, {
        forward: () => forward ??= poolTensor(kind, x, y, g),
        backward: () => backward ??= poolTensorBackward(kind, x, dy, dx, g),
        apart: () =>
          apart ??= planBackward(c, kind, x, dy, dx, g, () =>
            backward ??= poolTensorBackward(kind, x, dy, dx, g)) ??
            (backward ??= poolTensorBackward(kind, x, dy, dx, g)),
      });
    },
  };
}

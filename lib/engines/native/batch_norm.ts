/**
 * Batch normalization through oneDNN's batch normalization primitive, float32, over the tensors'
 * own strides: training (statistics written to mean and variance), inference (global
 * statistics) and backward (data, scale and shift gradients at once). float64 and descriptors
 * oneDNN does not take run the js engine's loops on the same memory.
 *
 * @module
 */

import {
  DNNL_ARG_DIFF_DST,
  DNNL_ARG_DIFF_SCALE,
  DNNL_ARG_DIFF_SHIFT,
  DNNL_ARG_DIFF_SRC,
  DNNL_ARG_DST,
  DNNL_ARG_MEAN,
  DNNL_ARG_SCALE,
  DNNL_ARG_SHIFT,
  DNNL_ARG_SRC,
  DNNL_ARG_VARIANCE,
  dnnl_backward,
  dnnl_forward_inference,
  dnnl_forward_training,
} from "../../../ffi/dnnl.ts";
import type { DnnEngine, TensorOperand } from "../../core/engine.ts";
import type { NativeLibraries } from "./libraries.ts";
import type { Primitive, Primitives } from "./primitives.ts";
import type { NormalizationFlags } from "./dnnl_spec.ts";
import { tensorPointer } from "./operands.ts";
import { threadRoute } from "./threads.ts";
import { batchNormTensor } from "../js/batch_norm.ts";

/** Whether two tensors of one shape keep their entries in the same order (extents of 1 aside). */
const sameOrder = (a: TensorOperand, b: TensorOperand) =>
  a.shape.every((e, d) => e === 1 || a.strides[d] === b.strides[d]);

/** Tests set `force` to run every batch normalization through oneDNN or the js loops. */
export const batchNormRoute: { force: "dnnl" | "js" | undefined } = { force: undefined };

/** The native engine's batch normalization. */
export function nativeBatchNorm(
  libs: NativeLibraries,
  primitives: () => Primitives,
): NonNullable<DnnEngine["batchNormalization"]> {
  return (pass, t, epsilon, dtype) => {
    const loops = () => batchNormTensor(pass, t, epsilon);
    if (
      dtype !== "float32" || batchNormRoute.force === "js" ||
      !libs.dnnlApi?.has("batchNorm") ||
      // oneDNN takes one descriptor for the error and dx, and one for x and y (it writes y in
      // x's order whatever y's own): tensors in other orders take the loops.
      (pass === "backward" ? !sameOrder(t.y, t.dx!) : !sameOrder(t.x, t.y))
    ) return loops();
    const p = primitives();
    // oneDNN wants a positive stride on every dimension, even one of extent 1.
    const md = (o: TensorOperand) => p.memoryDesc(o.shape, o.strides.map((s) => Math.max(s, 1)));
    const xMd = md(t.x), yMd = md(t.y);
    const stat = (o: TensorOperand) => md(o);
    const forwardDesc = (prop: number, flags: NormalizationFlags) =>
      p.api.batchNormForward(prop, xMd, epsilon, flags);
    const key = `bnorm ${pass} x[${t.x.shape}][${t.x.strides}] y[${t.y.strides}] ` +
      `dx[${t.dx?.strides ?? "-"}] ${epsilon}`;
    // Operands and their arguments in the primitive's order.
    const args: [TensorOperand, number][] = pass === "backward"
      ? [
        [t.x, DNNL_ARG_SRC],
        [t.mean, DNNL_ARG_MEAN],
        [t.variance, DNNL_ARG_VARIANCE],
        [t.y, DNNL_ARG_DIFF_DST],
        [t.scale, DNNL_ARG_SCALE],
        ...(p.api.shiftInBackward ? [[t.shift, DNNL_ARG_SHIFT] as [TensorOperand, number]] : []),
        [t.dx!, DNNL_ARG_DIFF_SRC],
        [t.dScale!, DNNL_ARG_DIFF_SCALE],
        [t.dShift!, DNNL_ARG_DIFF_SHIFT],
      ]
      : [
        [t.x, DNNL_ARG_SRC],
        [t.scale, DNNL_ARG_SCALE],
        [t.shift, DNNL_ARG_SHIFT],
        [t.mean, DNNL_ARG_MEAN],
        [t.variance, DNNL_ARG_VARIANCE],
        [t.y, DNNL_ARG_DST],
      ];
    const mds = args.map(([o]) => (o === t.x ? xMd : o === t.y ? yMd : stat(o)));
    const dxAt = args.findIndex(([, a]) => a === DNNL_ARG_DIFF_SRC);
    const dyAt = args.findIndex(([, a]) => a === DNNL_ARG_DIFF_DST);
    if (pass === "backward") mds[dxAt] = md(t.dx!);
    const build = (): Primitive => {
      if (pass !== "backward") {
        const flags = { scale: true, shift: true, globalStats: pass === "inference" };
        const prop = pass === "inference" ? dnnl_forward_inference : dnnl_forward_training;
        return p.create(key, forwardDesc(prop, flags), mds, args.map(([, a]) => a));
      }
      const both = { scale: true, shift: true };
      const hint = p.primitiveDesc(forwardDesc(dnnl_forward_training, both));
      try {
        const spec = p.api.batchNormBackward(dnnl_backward, mds[dxAt], xMd, epsilon, both);
        // The error's descriptor is the diff data's: oneDNN takes one for both.
        mds[dyAt] = mds[dxAt];
        return p.create(key, spec, mds, args.map(([, a]) => a), hint);
      } finally {
        p.destroyPd(hint);
      }
    };
    try {
      if (p.get(key) === undefined) build();
    } catch (e) {
      if (batchNormRoute.force === "dnnl") throw e;
      return loops();
    }
    const pointers: Deno.PointerValue[] = args.map(() => null);
    const work = t.x.shape.reduce((n, e) => n * e, 1);
    return () => {
      args.forEach(([o], i) => pointers[i] = tensorPointer(o, `batchNorm ${pass}`));
      libs.threads.fit(work, threadRoute.entries);
      p.run(p.get(key) ?? build(), pointers);
    };
  };
}

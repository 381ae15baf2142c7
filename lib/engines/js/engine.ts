/**
 * The js engine: knap's reference implementation, in plain TypeScript over typed arrays. Every
 * other engine is tested against it.
 *
 * @module
 */

import type { Engine, HostOperand, Operand } from "../../core/engine.ts";
import type { ElementwiseOp } from "../../elementwise/table.ts";
import { arrayType, type DType, type HostArray } from "../../core/types.ts";
import * as blas1 from "./blas1.ts";
import { gemv, ger } from "./blas2.ts";
import { gemm } from "./gemm.ts";
import { mapKernel } from "./emit.ts";
import { jsStructured } from "./structured.ts";
import { jsLapack } from "./lapack.ts";
import { plan } from "../../core/walk.ts";
import { normal, uniform } from "./philox.ts";
import { softmaxColumns } from "./softmax.ts";
import { gatherColumns } from "./gather.ts";
import { reduceTensor } from "./reduction.ts";
import { convolveTensor } from "./convolution.ts";
import { poolTensor, poolTensorBackward } from "./pooling.ts";
import { batchNormTensor } from "./batch_norm.ts";
import { adamUpdate } from "./adam.ts";
import { deferred } from "../planning.ts";

const buf = (x: Operand): HostArray => x.storage.buffer as HostArray;

function map(
  op: ElementwiseOp,
  p: readonly number[],
  out: Operand,
  x: Operand,
  y: Operand = x,
): void {
  const w = plan(out, x, y);
  mapKernel(op)(
    buf(out),
    out.offset,
    w.a1,
    w.a2,
    buf(x),
    x.offset,
    w.b1,
    w.b2,
    buf(y),
    y.offset,
    w.c1,
    w.c2,
    w.n1,
    w.n2,
    p[0] ?? 0,
    p[1] ?? 0,
    p[2] ?? 0,
    p[3] ?? 0,
  );
}

/** The js engine; one instance serves both dtypes. */
export const jsEngine: Engine = {
  name: "js",
  location: "host",
  collected: true,
  // V8 would take typed arrays of up to 2⁵³ − 1 bytes (memory runs out long before), but
  // browsers cap them near 2³² entries and the same code runs there: no dimension, even of an
  // empty structure, may pass what every runtime can allocate.
  maxEntries: 2 ** 32 - 1,
  alloc: (dtype: DType, length: number): HostArray => new (arrayType(dtype))(length),
  free: () => {},
  hostArray: (buffer: unknown): HostArray | undefined =>
    buffer instanceof Float32Array || buffer instanceof Float64Array ? buffer : undefined,
  write: (src: HostOperand, dst: Operand): void => blas1.copy(src, dst),
  read: (src: Operand, dst: HostOperand): void => blas1.copy(src, dst),
  synchronize: (): Promise<void> => Promise.resolve(),
  blas: {
    dot: blas1.dot,
    sum: blas1.sum,
    asum: blas1.asum,
    nrm2: blas1.nrm2,
    nrm1: blas1.nrm1,
    nrmi: blas1.nrmi,
    iamax: (x) => blas1.iamax(x),
    iamin: (x) => blas1.iamax(x, true),
    imax: (x) => blas1.imax(x),
    imin: (x) => blas1.imax(x, true),
    copy: blas1.copy,
    swap: blas1.swap,
    scal: blas1.scal,
    axpby: blas1.axpby,
    fill: blas1.fill,
    gemv,
    ger,
    gemm,
  },
  math: { map },
  rng: { uniform, normal },
  nn: {
    softmax: deferred(softmaxColumns),
    gatherColumns: deferred(gatherColumns),
    adam: deferred(adamUpdate),
  },
  dnn: {
    reduction: reduceTensor,
    convolution: convolveTensor,
    poolingForward: poolTensor,
    poolingBackward: poolTensorBackward,
    batchNormalization: batchNormTensor,
  },
  structured: jsStructured((buffer) => buffer as HostArray),
  linalg: jsLapack(gemm),
};

/**
 * Elementwise math through oneDNN's eltwise and binary primitives, and the derivatives that
 * backpropagation multiplies into the error through eltwise backward primitives. A primitive is created once
 * per (function, parameters, length) and cached with its memory objects; a call only points
 * the memory at the operands and executes. oneDNN's CPU primitives take float32 over gapless
 * memory; double precision, strided views, operands shorter than the route table's length for
 * their function and the functions oneDNN lacks (expm1, log1p, sin, cos, signum, round, floor, ceil, inv, pow with an exponent
 * vector, linearFrac) run the js engine's loop over the same memory.
 *
 * @module
 */

import type { MathEngine, Operand } from "../../core/engine.ts";
import type { ElementwiseOp, OpName } from "../../elementwise/table.ts";
import {
  binaryAlg,
  DNNL_ARG_DIFF_DST,
  DNNL_ARG_DIFF_SRC,
  DNNL_ARG_DST,
  DNNL_ARG_SRC,
  DNNL_ARG_SRC_1,
  dnnl_forward_inference,
  dnnl_forward_training,
} from "../../../ffi/dnnl.ts";
import type { EltwiseAlgorithm, EltwiseName, MemoryDesc, OpSpec, UseDstName } from "./dnnl_spec.ts";
import type { NativeLibraries } from "./libraries.ts";
import { dnnlPrimitives, type Primitive, type Primitives } from "./primitives.ts";
import { plan } from "../../core/walk.ts";
import { pointerAt } from "./operands.ts";
import { threadRoute } from "./threads.ts";
import { relu32, sigmoid32, signum32, tanh32 } from "./fast_loops.ts";
import { ops } from "../../elementwise/table.ts";
import { noteRoute, profiling } from "../../core/profile.ts";
import { flatNonFinite } from "./screen.ts";

/** How a table function maps onto oneDNN: an algorithm and its (alpha, beta) from the params. */
type Mapping =
  | { kind: "eltwise"; alg: EltwiseAlgorithm; ab: (p: readonly number[]) => [number, number] }
  | { kind: "binary"; alg: number };

const eltwise = (
  name: EltwiseName,
  ab: (p: readonly number[]) => [number, number] = () => [0, 0],
) => ({
  kind: "eltwise" as const,
  alg: { name },
  ab,
});

/** The functions oneDNN computes; the rest fall back to js loops. */
export const dnnlMappings: Partial<Record<OpName, Mapping>> = {
  relu: eltwise("relu"),
  tanh: eltwise("tanh"),
  sigmoid: eltwise("logistic"),
  elu: eltwise("elu", (p) => [p[0], 0]),
  sqr: eltwise("square"),
  abs: eltwise("abs"),
  sqrt: eltwise("sqrt"),
  exp: eltwise("exp"),
  log: eltwise("log"),
  linear: eltwise("linear", (p) => [p[0], p[1]]),
  powx: eltwise("pow", (p) => [1, p[0]]),
  clamp: eltwise("clip", (p) => [p[0], p[1]]),
  add: { kind: "binary", alg: binaryAlg.add },
  sub: { kind: "binary", alg: binaryAlg.sub },
  mul: { kind: "binary", alg: binaryAlg.mul },
  div: { kind: "binary", alg: binaryAlg.div },
  fmax: { kind: "binary", alg: binaryAlg.max },
  fmin: { kind: "binary", alg: binaryAlg.min },
};

/**
 * Where oneDNN 2.6 drops a NaN — max(NaN, 0) is 0 in its relu and clip, exp(NaN) is ∞, the
 * relu, elu, abs and clip derivatives pass δ for a NaN input, pow's derivative at ∞ is NaN —
 * the inputs are checked first (one sdot pass over both, not finite if an entry is not) and such
 * a call runs the js loop. Measured by tests/conformance/nan.ts; the other functions treat NaN
 * and ∞ as the js engine does by themselves.
 */
const dropsNaN: ReadonlySet<string> = new Set(["relu", "exp", "clamp", "fmax", "fmin"]);
/** The same for derivatives (from z and from the output a), by the function's name. */
const derivativeDropsNaN: ReadonlySet<string> = new Set([
  "relu",
  "elu",
  "abs",
  "exp",
  "clamp",
  "powx",
]);

/** The use-dst backward algorithms, for derivatives taken from the activation's output. */
const fromOutput = (name: UseDstName): EltwiseAlgorithm => ({ name, useDst: true });
const fromOutputAlg: Partial<Record<OpName, EltwiseAlgorithm>> = {
  relu: fromOutput("relu"),
  tanh: fromOutput("tanh"),
  elu: fromOutput("elu"),
  sigmoid: fromOutput("logistic"),
};

const CACHE_LIMIT = 512;

/**
 * For each function and derivative, the entry count from which oneDNN is faster than the loops
 * (bench/eltwise_route.ts): a oneDNN call has a fixed cost the cheap loops (relu's) repay later.
 */
const ROUTE_TABLE: Record<string, number> = {
  relu: 2048,
  "relu'": 8192,
  "relu'(a)": 4096,
  tanh: 512,
  "tanh'": 128,
  "tanh'(a)": 2048,
  sigmoid: 256,
  "sigmoid'": 256,
  "sigmoid'(a)": 2048,
  elu: 2048,
  "elu'": 65536,
  "elu'(a)": 16384,
  sqr: 2048,
  "sqr'": 2048,
  abs: 2048,
  "abs'": 4096,
  sqrt: 1024,
  "sqrt'": 1024,
  exp: 256,
  "exp'": 256,
  log: 256,
  "log'": 4096,
  linear: 4096,
  "linear'": 2048,
  powx: 256,
  "powx'": 512,
  clamp: 2048,
  "clamp'": 2048,
  // add and sub are not in bench/eltwise_route.ts's run: mul's crossing, the same pass.
  add: 4096,
  sub: 4096,
  mul: 4096,
  div: 2048,
  fmax: 4096,
  fmin: 4096,
};

/**
 * Where a call goes: oneDNN from the entry count its function's row of `from` gives, the js
 * loop on the same memory below it (2048 for a function the table leaves out). A oneDNN call
 * has a fixed cost whatever its length and the loops' cost an entry differs by function, so the
 * crossing point does too. Tests set `force` to steer every call.
 */
export const eltwiseRoute: {
  force: "dnnl" | "js" | undefined;
  readonly from: Readonly<Record<string, number>>;
} = {
  force: undefined,
  from: ROUTE_TABLE,
};

/** What elementwise calls work with: the libraries, their primitive cache, the js route. */
interface MathContext {
  readonly libs: NativeLibraries;
  readonly prims: Primitives;
  readonly fallback: MathEngine;
  /** Reused, so a call allocates nothing. */
  readonly pointers: Deno.PointerValue[];
}

const memoryDesc = (c: MathContext, n: number) => c.prims.memoryDesc([n], [1]);

/** A primitive over one flat memory descriptor for every argument. */
const create = (
  c: MathContext,
  key: string,
  spec: OpSpec,
  md: MemoryDesc,
  argIds: number[],
  hint?: Deno.PointerValue,
) => c.prims.create(key, spec, argIds.map(() => md), argIds, hint);

/** dst ← f(src) over n entries. */
function eltwisePrimitive(
  c: MathContext,
  alg: EltwiseAlgorithm,
  alpha: number,
  beta: number,
  n: number,
): Primitive {
  const key = `e${alg.name}:${alpha}:${beta}:${n}`;
  const hit = c.prims.get(key);
  if (hit) return hit;
  const md = memoryDesc(c, n);
  const spec = c.prims.api.eltwiseForward(dnnl_forward_inference, alg, md, alpha, beta);
  return create(c, key, spec, md, [DNNL_ARG_SRC, DNNL_ARG_DST]);
}

/** diff_src ← f'(src) ⊙ diff_dst: the activation's derivative times the error, fused. */
function backwardPrimitive(
  c: MathContext,
  alg: EltwiseAlgorithm,
  alpha: number,
  beta: number,
  n: number,
  dataArg = DNNL_ARG_SRC,
): Primitive {
  const key = `g${alg.name}${alg.useDst ? "(a)" : ""}:${alpha}:${beta}:${n}`;
  const hit = c.prims.get(key);
  if (hit) return hit;
  const md = memoryDesc(c, n), api = c.prims.api;
  const hint = c.prims.primitiveDesc(
    api.eltwiseForward(dnnl_forward_training, alg, md, alpha, beta),
  );
  try {
    const spec = api.eltwiseBackward(alg, md, alpha, beta);
    return create(c, key, spec, md, [dataArg, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC], hint);
  } finally {
    c.prims.destroyPd(hint);
  }
}

/** dst ← src ∘ src₁ over n entries. */
function binaryPrimitive(c: MathContext, alg: number, n: number): Primitive {
  const key = `b${alg}:${n}`;
  const hit = c.prims.get(key);
  if (hit) return hit;
  const md = memoryDesc(c, n);
  return create(c, key, c.prims.api.binary(alg, md, md, md), md, [
    DNNL_ARG_SRC,
    DNNL_ARG_SRC_1,
    DNNL_ARG_DST,
  ]);
}

/** Runs p over the operands, each checked before its pointer crosses. */
function run(c: MathContext, p: Primitive, operands: Operand[]): void {
  const pointers = c.pointers;
  for (let i = 0; i < operands.length; i++) pointers[i] = pointerAt(operands[i], "elementwise");
  c.libs.threads.fit(operands[0].rows * operands[0].cols, threadRoute.entries);
  c.prims.run(p, pointers, operands.length);
}

/** The entry count when all operands are float32 and gapless in one order, else -1. */
function gapless(out: Operand, x: Operand, y: Operand): number {
  if (!(out.storage.buffer instanceof Float32Array)) return -1;
  const w = plan(out, x, y);
  return w.n2 === 1 && w.a1 === 1 && w.b1 === 1 && w.c1 === 1 ? w.n1 : -1;
}

/** Entries, when the call goes to oneDNN by the route table; else -1. */
function flat(op: ElementwiseOp, out: Operand, x: Operand, y: Operand): number {
  if (eltwiseRoute.force === "js") return -1;
  const n = gapless(out, x, y);
  if (eltwiseRoute.force === "dnnl") return n;
  return n >= (eltwiseRoute.from[op.name] ?? 2048) ? n : -1;
}

/** The functions with float32 loops of their own (fast_loops.ts). */
const fastLoops = new Map<ElementwiseOp, typeof tanh32>([
  [ops.tanh, tanh32],
  [ops.sigmoid, sigmoid32],
  [ops.signum, signum32],
  [ops.relu, relu32],
]);

/** The js side: float32 loops for tanh, sigmoid, signum and relu on gapless memory, else the table's. */
function loop(
  c: MathContext,
  op: ElementwiseOp,
  params: readonly number[],
  out: Operand,
  x: Operand,
  y?: Operand,
) {
  const fast = fastLoops.get(op);
  const n = fast === undefined ? -1 : gapless(out, x, x);
  if (n < 0) return c.fallback.map(op, params, out, x, y);
  if (profiling.on) noteRoute("float32 loop");
  fast!(
    out.storage.buffer as Float32Array,
    out.offset,
    x.storage.buffer as Float32Array,
    x.offset,
    n,
  );
}

/** Whether flat float32 operands of n entries hold a NaN or ∞: one pass over both. */
const special = (c: MathContext, x: Operand, n: number, y: Operand = x): boolean =>
  flatNonFinite(
    c.libs.blas,
    n,
    x.storage.buffer as Float32Array,
    x.offset,
    y.storage.buffer as Float32Array,
    y.offset,
  );

/** Whether oneDNN's primitive for op would drop a NaN its operands hold. */
const poisoned = (c: MathContext, op: ElementwiseOp, n: number, x: Operand, y?: Operand) =>
  (op.gradOf === undefined ? dropsNaN.has(op.name) : derivativeDropsNaN.has(op.gradOf)) &&
  special(c, x, n, y);

/** out ← op(x[, y]): oneDNN where it maps the function and the route table says so. */
function map(
  c: MathContext,
  op: ElementwiseOp,
  params: readonly number[],
  out: Operand,
  x: Operand,
  y?: Operand,
): void {
  if (op.fromOutput) {
    const alg = fromOutputAlg[op.gradOf as OpName];
    const n = alg === undefined ? -1 : flat(op, out, x, y!);
    if (alg === undefined || n <= 0 || poisoned(c, op, n, x, y)) {
      return loop(c, op, params, out, x, y);
    }
    const alpha = op.gradOf === "elu" ? params[0] : 0;
    if (profiling.on) noteRoute("oneDNN eltwise backward");
    return run(c, backwardPrimitive(c, alg, alpha, 0, n, DNNL_ARG_DST), [x, y!, out]);
  }
  if (op.gradOf !== undefined) {
    const g = dnnlMappings[op.gradOf as OpName];
    const n = g?.kind === "eltwise" ? flat(op, out, x, y!) : -1;
    if (g?.kind !== "eltwise" || n <= 0 || poisoned(c, op, n, x, y)) {
      return loop(c, op, params, out, x, y);
    }
    const [alpha, beta] = g.ab(params);
    if (profiling.on) noteRoute("oneDNN eltwise backward");
    return run(c, backwardPrimitive(c, g.alg, alpha, beta, n), [x, y!, out]);
  }
  const m = dnnlMappings[op.name as OpName];
  const n = m === undefined ? -1 : flat(op, out, x, y ?? x);
  if (m === undefined || n <= 0 || poisoned(c, op, n, x, y)) {
    return loop(c, op, params, out, x, y);
  }
  if (m.kind === "eltwise") {
    const [alpha, beta] = m.ab(params);
    run(c, eltwisePrimitive(c, m.alg, alpha, beta, n), [x, out]);
  } else {
    if (profiling.on) noteRoute("oneDNN binary");
    run(c, binaryPrimitive(c, m.alg, n), [x, y!, out]);
  }
}

/** A MathEngine that runs what oneDNN can and hands the rest to `fallback`. */
export function nativeMath(libs: NativeLibraries, fallback: MathEngine): MathEngine {
  // Without oneDNN, the js loops over the same memory.
  if (libs.dnnlApi === undefined) return fallback;
  const c: MathContext = {
    libs,
    prims: dnnlPrimitives(libs, CACHE_LIMIT),
    fallback,
    pointers: [null, null, null],
  };
  return { map: (op, params, out, x, y) => map(c, op, params, out, x, y) };
}

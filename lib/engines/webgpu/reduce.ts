/**
 * Reductions in two passes: up to 256 workgroups each fold a grid-stride share of the entries
 * into a partial result, then one workgroup folds the partials. The result stays on the device
 * until the caller reads it back, once.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { Expr } from "../../elementwise/expr.ts";
import type { Runtime } from "./runtime.ts";
import type { Fold } from "../device_level1.ts";
import { at, bind, block, dense, emitWgsl, header, setOperand, U } from "./wgsl.ts";
import { spans } from "./loops.ts";

const WG = 256;
const PARTIALS = 256;
/** Scratch layout: partial values [0, 256) and indices [256, 512); the result at 512, its index at 768. */
export const SCRATCH = 1024;
const RESULT = 512;

export type { Fold };

// Folds over magnitudes: every entry beats −1, and ∞ ties with argmin's start (index 2³² − 1).
const identity: Record<Fold, string> = {
  sum: "0.0",
  max: "0.0",
  argmax: "-1.0",
  argmin: "inf_(0.0)",
};

/**
 * WGSL of one pass: fold f over the operands' entries (or over `count` partials when
 * `partials` is set) into scratch[outAt + workgroup] (indices at + 256).
 */
function foldPass(
  fold: Fold,
  f: string,
  xi: number,
  yi: number | undefined,
  s: number,
  partials: boolean,
  b: ReturnType<typeof bind>,
): string {
  const paired = fold === "argmax" || fold === "argmin";
  // The first NaN wins, as the first largest (smallest) entry does otherwise.
  const better = `better_(v, i, bv, bi)`;
  const order = fold === "argmax" ? "v > bv" : "v < bv";
  const betterFn = `
fn better_(v: f32, i: u32, bv: f32, bi: u32) -> bool {
  let nv = isnan_(v);
  if (nv != isnan_(bv)) { return nv; }
  if (nv) { return i < bi; }
  return ${order} || (v == bv && i < bi);
}`;
  const read = partials
    ? `let v = b${s}[k]; let i = bitcast<u32>(b${s}[k + 256u]);`
    : `let r = k % ${U(0)}; let c = k / ${U(0)};
       let xv = b${xi}[${at(1, "r", "c")}];
       ${yi === undefined ? "" : `let yv = b${yi}[${at(2, "r", "c")}];`}
       let v = ${f}; let i = k;`;
  const sumRead = partials ? `let v = b${s}[k];` : `let r = k % ${U(0)}; let c = k / ${U(0)};
       let xv = b${xi}[${at(1, "r", "c")}];
       ${yi === undefined ? "" : `let yv = b${yi}[${at(2, "r", "c")}];`}
       let v = ${f};`;
  const combine = fold === "sum" ? "a + v" : "max_(a, v)";
  return `${header(b)}${paired ? betterFn : ""}
var<workgroup> shv: array<f32, ${WG}>;
var<workgroup> shi: array<u32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(local_invocation_id) l: vec3u,
        @builtin(workgroup_id) w: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let n = ${U(2)};
  ${
    paired
      ? `var bv = ${identity[fold]}; var bi = 0xffffffffu;
  for (var k = g.x; k < n; k += nw.x * ${WG}u) { ${read} if ${better} { bv = v; bi = i; } }
  shv[l.x] = bv; shi[l.x] = bi;
  workgroupBarrier();
  for (var h = ${WG / 2}u; h > 0u; h >>= 1u) {
    if (l.x < h) {
      let v = shv[l.x + h]; let i = shi[l.x + h]; let bv = shv[l.x]; let bi = shi[l.x];
      if ${better} { shv[l.x] = v; shi[l.x] = i; }
    }
    workgroupBarrier();
  }
  if (l.x == 0u) { b${s}[${U(3)} + w.x] = shv[0]; b${s}[${
        U(3)
      } + w.x + 256u] = bitcast<f32>(shi[0]); }`
      : `var a = ${identity[fold]};
  for (var k = g.x; k < n; k += nw.x * ${WG}u) { ${sumRead} a = ${combine}; }
  shv[l.x] = a;
  workgroupBarrier();
  for (var h = ${WG / 2}u; h > 0u; h >>= 1u) {
    if (l.x < h) { let a = shv[l.x]; let v = shv[l.x + h]; shv[l.x] = ${combine}; }
    workgroupBarrier();
  }
  if (l.x == 0u) { b${s}[${U(3)} + w.x] = shv[0]; }`
  }
}`;
}

/**
 * Folds f(x[, y]) over all entries into scratch[512] (and the index into scratch[768] for
 * the arg folds). `name` keys the compiled kernel.
 */
export function reduceKernel(
  rt: Runtime,
  scratch: GPUBuffer,
  name: string,
  fold: Fold,
  f: Expr,
  params: readonly number[],
  xs: Operand,
  ys?: Operand,
): void {
  const n = xs.rows * xs.cols;
  const scratchOp = dense(scratch, SCRATCH, 1);
  const operands = ys === undefined ? [scratchOp, xs] : [scratchOp, xs, ys];
  const b = bind(operands, 1);
  const [s, xi, yi] = b.slotOf;
  const first = rt.kernel(
    `reduce:${name}:${fold}:${b.key}`,
    b.writable,
    () => foldPass(fold, emitWgsl(f), xi, yi, s, false, b),
  );
  const groups = Math.min(PARTIALS, rt.groups(n, WG));
  rt.dispatch(first, b.buffers, (p) => {
    p.u[0] = Math.max(xs.rows, 1);
    p.u[2] = n;
    p.u[3] = 0;
    operands.forEach((op, q) => setOperand(p.u, q, op));
    params.forEach((v, i) => (p.f[i] = v));
  }, [groups]);
  const only = bind([scratchOp], 1);
  const second = rt.kernel(
    `reduce-partials:${fold}`,
    only.writable,
    () => foldPass(fold, "", 0, undefined, 0, true, only),
  );
  rt.dispatch(second, only.buffers, (p) => {
    p.u[2] = groups;
    p.u[3] = RESULT;
  }, [1]);
}

/**
 * out[t] ← Σ |x| along line t: columns (`along = "cols"`) or rows, in dispatches of spans
 * within the loop budget, the later ones adding to the sums.
 */
export function lineSums(rt: Runtime, out: Operand, xs: Operand, along: "cols" | "rows"): void {
  const lines = along === "cols" ? xs.cols : xs.rows;
  const length = along === "cols" ? xs.rows : xs.cols;
  if (lines === 0) return;
  for (const [e, l] of spans(rt, lines, length, 64)) {
    const part = along === "cols" ? block(xs, e, 0, l, lines) : block(xs, 0, e, lines, l);
    linePart(rt, out, part, along, e > 0);
  }
}

function linePart(
  rt: Runtime,
  out: Operand,
  xs: Operand,
  along: "cols" | "rows",
  add: boolean,
): void {
  const lines = along === "cols" ? xs.cols : xs.rows;
  const b = bind([out, xs], 1);
  const [o, xi] = b.slotOf;
  const kernel = rt.kernel(`lines:${along}:${b.key}`, b.writable, () =>
    `${header(b)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  for (var t = g.x; t < ${U(2)}; t += nw.x * 64u) {
    var s = select(0.0, b${o}[${at(0, "t", "0u")}], ${U(1)} == 1u);
    for (var e = 0u; e < ${U(3)}; e++) {
      s += abs(b${xi}[${along === "cols" ? at(1, "e", "t") : at(1, "t", "e")}]);
    }
    b${o}[${at(0, "t", "0u")}] = s;
  }
}`);
  rt.dispatch(kernel, b.buffers, (p) => {
    p.u[1] = add ? 1 : 0;
    p.u[2] = lines;
    p.u[3] = along === "cols" ? xs.rows : xs.cols;
    setOperand(p.u, 0, out);
    setOperand(p.u, 1, xs);
  }, [rt.groups(lines, 64)]);
}

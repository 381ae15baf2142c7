/**
 * Reductions of tensors of any strides: one invocation per output entry walks the entries it
 * reduces, a span within the loop budget per dispatch; longer reductions take several dispatches,
 * each folding its share into the output, the mean scaled in the last. Few outputs of many entries
 * take parts instead, reduced in parallel and folded. Index arithmetic over up to
 * five kept and five reduced dimensions is unrolled into the kernel.
 *
 * @module
 */

import type { DnnEngine, Operand, ReductionAlg, TensorOperand } from "../../core/engine.ts";
import type { Params, Runtime } from "./runtime.ts";
import { reductionDims } from "../js/reduction.ts";
import { bind, dense, F, header, setOperand, U } from "./wgsl.ts";
import {
  foldParts,
  type PartsFold,
  partsOf,
  partsScratch,
  spans,
  termsPerDispatch,
} from "./loops.ts";

const WG = 64;
/** Parameter words: kept extents, kept strides in x and out, reduced extents and strides in x. */
const KE = 12, KX = 17, KO = 22, RE = 27, RX = 32;

/** The tensor's memory as an operand, for binding and its offset's parameter word. */
const asOperand = (t: TensorOperand): Operand => ({
  storage: t.storage,
  offset: t.offset,
  rows: 1,
  cols: 1,
  rowStride: 1,
  colStride: 1,
});

/** WGSL adding to `x` (and `o`) the offsets of linear index `v` over n dimensions from word e. */
function unravel(v: string, n: number, e: number, xs: number, os?: number): string {
  let code = `var rem = ${v};`;
  for (let k = n - 1; k >= 0; k--) {
    code += ` { let i = rem % ${U(e + k)}; rem = rem / ${U(e + k)}; x += i * ${U(xs + k)};${
      os === undefined ? "" : ` o += i * ${U(os + k)};`
    } }`;
  }
  return code;
}

/** The WebGPU engine's planned reduction. */
export function tensorReduction(rt: Runtime): NonNullable<DnnEngine["reduction"]> {
  return (alg, x, out) => {
    const { kept, reduced } = reductionDims(x, out);
    const outputs = kept.e.reduce((n, e) => n * e, 1);
    const count = reduced.e.reduce((n, e) => n * e, 1);
    const b = bind([asOperand(out), asOperand(x)], 1);
    const [o, xi] = b.slotOf;
    const nk = kept.e.length, nr = reduced.e.length;
    const sum = alg === "sum" || alg === "mean";
    const kernel = rt.kernel(
      `treduce:${sum ? "sum" : alg}:${nk}:${nr}:${b.key}`,
      b.writable,
      () =>
        `${header(b)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  for (var t = g.x; t < ${U(0)}; t += nw.x * ${WG}u) {
    var x = ${U(7)}; var o = ${U(4)};
    { ${unravel("t", nk, KE, KX, KO)} }
    var a = ${sum ? "0.0" : `b${xi}[x]`};
    if (${U(3)} == 0u) { a = b${o}[o]; }
    for (var r = ${U(1)}; r < ${U(1)} + ${U(2)}; r++) {
      let base = x;
      { ${unravel("r", nr, RE, RX)} }
      let v = b${xi}[x];
      x = base;
      a = ${sum ? "a + v" : `${alg}_(a, v)`};
    }
    b${o}[o] = ${sum ? `a * ${F(0)}` : "a"};
  }
}`,
    );
    const words = (p: Params) => {
      kept.e.forEach((e, k) => {
        p.u[KE + k] = e;
        p.u[KX + k] = kept.xs[k];
        p.u[KO + k] = kept.os[k];
      });
      reduced.e.forEach((e, k) => {
        p.u[RE + k] = e;
        p.u[RX + k] = reduced.xs[k];
      });
    };
    // Few outputs of many entries (a bias's gradient: 32 sums of 100,352) leave a GPU idle in
    // spans: their entries go in parts summed in parallel, then folded.
    if (outputs < PARALLEL && count > termsPerDispatch(rt, outputs, WG)) {
      return inParts(rt, alg, x, out, outputs, count, nk, nr, words);
    }
    return () => {
      for (const [start, n] of spans(rt, outputs, count, WG)) {
        const last = start + n >= count;
        rt.dispatch(kernel, b.buffers, (p) => {
          p.u[0] = outputs;
          p.u[1] = start;
          p.u[2] = n;
          p.u[3] = start === 0 ? 1 : 0;
          setOperand(p.u, 0, asOperand(out));
          setOperand(p.u, 1, asOperand(x));
          words(p);
          p.f[0] = alg === "mean" && last ? 1 / count : 1;
        }, [rt.groups(outputs, WG)]);
      }
    };
  };
}

/** Outputs from which spans alone fill a device; fewer, over many entries, take parts. */
const PARALLEL = 8192;

/**
 * The reduction in parts: each output's entries cut into parts that one dispatch reduces in
 * parallel into scratch (part-major), folded per output, then each output written (a mean
 * scaled).
 */
function inParts(
  rt: Runtime,
  alg: ReductionAlg,
  x: TensorOperand,
  out: TensorOperand,
  outputs: number,
  count: number,
  nk: number,
  nr: number,
  words: (p: Params) => void,
): () => void {
  const { chunk, parts } = partsOf(rt, count, outputs, WG);
  const length = partsScratch(outputs, parts);
  const sum = alg === "sum" || alg === "mean";
  return () => {
    const scratch = dense(rt.scratch("reduce-parts", length), length, 1);
    // The scratch is operand 0, x operand 1: x's offset is word 7, as the spans' kernel has it.
    const b = bind([scratch, asOperand(x)], 1);
    const [s, xi] = b.slotOf;
    const partsKernel = rt.kernel(
      `treduce-parts:${sum ? "sum" : alg}:${nk}:${nr}:${b.key}`,
      b.writable,
      () =>
        `${header(b)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  for (var t = g.x; t < ${U(0)}; t += nw.x * ${WG}u) {
    let oi = t % ${U(2)}; let part = t / ${U(2)};
    var x = ${U(7)};
    { ${unravel("oi", nk, KE, KX)} }
    // A max or min starts from an entry of the set (the first), which changes nothing.
    var a = ${sum ? "0.0" : `b${xi}[x]`};
    let end = min(${U(3)}, part * ${U(1)} + ${U(1)});
    for (var r = part * ${U(1)}; r < end; r++) {
      let base = x;
      { ${unravel("r", nr, RE, RX)} }
      let v = b${xi}[x];
      x = base;
      a = ${sum ? "a + v" : `${alg}_(a, v)`};
    }
    b${s}[part * ${U(2)} + oi] = a;
  }
}`,
    );
    rt.dispatch(partsKernel, b.buffers, (p) => {
      p.u[0] = outputs * parts;
      p.u[1] = chunk;
      p.u[2] = outputs;
      p.u[3] = count;
      setOperand(p.u, 0, scratch);
      setOperand(p.u, 1, asOperand(x));
      words(p);
    }, [rt.groups(outputs * parts, WG)]);
    const at = foldParts(
      rt,
      scratch.storage.buffer as GPUBuffer,
      length,
      outputs,
      parts,
      sum ? "sum" : alg as PartsFold,
    );
    // Each output from its folded result; the out tensor's offsets unravelled from t.
    const c = bind([asOperand(out), scratch], 1);
    const [o, si] = c.slotOf;
    const finish = rt.kernel(`treduce-finish:${nk}:${c.key}`, c.writable, () =>
      `${header(c)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  for (var t = g.x; t < ${U(0)}; t += nw.x * ${WG}u) {
    var x = 0u; var o = ${U(4)};
    { ${unravel("t", nk, KE, KX, KO)} }
    b${o}[o] = b${si}[${U(1)} + t] * ${F(0)};
  }
}`);
    rt.dispatch(finish, c.buffers, (p) => {
      p.u[0] = outputs;
      p.u[1] = at;
      setOperand(p.u, 0, asOperand(out));
      setOperand(p.u, 1, scratch);
      words(p);
      p.f[0] = alg === "mean" ? 1 / count : 1;
    }, [rt.groups(outputs, WG)]);
  };
}

/**
 * Reductions of tensors of any strides: one invocation per output entry walks the entries it
 * reduces, a span within the loop budget per dispatch; longer reductions take several dispatches, each
 * folding its share into the output, the mean scaled in the last. Index arithmetic over up to
 * five kept and five reduced dimensions is unrolled into the kernel.
 *
 * @module
 */

import type { DnnEngine, Operand, TensorOperand } from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { reductionDims } from "../js/reduction.ts";
import { bind, F, header, setOperand, U } from "./wgsl.ts";
import { spans } from "./loops.ts";

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
          kept.e.forEach((e, k) => {
            p.u[KE + k] = e;
            p.u[KX + k] = kept.xs[k];
            p.u[KO + k] = kept.os[k];
          });
          reduced.e.forEach((e, k) => {
            p.u[RE + k] = e;
            p.u[RX + k] = reduced.xs[k];
          });
          p.f[0] = alg === "mean" && last ? 1 / count : 1;
        }, [rt.groups(outputs, WG)]);
      }
    };
  };
}

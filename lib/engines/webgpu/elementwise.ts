/**
 * Elementwise kernels: every function of the table, and the BLAS level-1 updates written as
 * expressions (copy, scale, axpby, fill), generated as WGSL over operands of any strides. One
 * invocation per entry in a grid-stride loop; entry k is (k mod rows, k div rows).
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { Expr } from "../../elementwise/expr.ts";
import type { Runtime } from "./runtime.ts";
import { at, bind, emitWgsl, header, setOperand, U } from "./wgsl.ts";

const WG = 256;

export { updates } from "../../elementwise/updates.ts";

/** out ← f(x[, y]; params) entry by entry. `name` keys the compiled kernel. */
export function mapKernel(
  rt: Runtime,
  name: string,
  f: Expr,
  params: readonly number[],
  out: Operand,
  xs: Operand,
  ys?: Operand,
): void {
  const n = out.rows * out.cols;
  if (n === 0) return;
  const operands = ys === undefined ? [out, xs] : [out, xs, ys];
  const b = bind(operands, 1);
  const kernel = rt.kernel(`map:${name}:${b.key}`, b.writable, () => {
    const [o, xi, yi] = b.slotOf;
    return `${header(b)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let rows = ${U(0)};
  let n = ${U(2)};
  for (var k = g.x; k < n; k += nw.x * ${WG}u) {
    let i = k % rows;
    let j = k / rows;
    let xv = b${xi}[${at(1, "i", "j")}];
    ${yi === undefined ? "" : `let yv = b${yi}[${at(2, "i", "j")}];`}
    b${o}[${at(0, "i", "j")}] = ${emitWgsl(f)};
  }
}`;
  });
  rt.dispatch(kernel, b.buffers, (p) => {
    p.u[0] = out.rows;
    p.u[1] = out.cols;
    p.u[2] = n;
    operands.forEach((op, q) => setOperand(p.u, q, op));
    params.forEach((v, i) => (p.f[i] = v));
  }, [rt.groups(n, WG)]);
}

/** x ↔ y. */
export function swapKernel(rt: Runtime, xs: Operand, ys: Operand): void {
  const n = xs.rows * xs.cols;
  if (n === 0) return;
  const b = bind([xs, ys], 2);
  const kernel = rt.kernel(`swap:${b.key}`, b.writable, () => {
    const [xi, yi] = b.slotOf;
    return `${header(b)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let rows = ${U(0)};
  for (var k = g.x; k < ${U(2)}; k += nw.x * ${WG}u) {
    let i = k % rows;
    let j = k / rows;
    let t = b${xi}[${at(0, "i", "j")}];
    b${xi}[${at(0, "i", "j")}] = b${yi}[${at(1, "i", "j")}];
    b${yi}[${at(1, "i", "j")}] = t;
  }
}`;
  });
  rt.dispatch(kernel, b.buffers, (p) => {
    p.u[0] = xs.rows;
    p.u[2] = n;
    setOperand(p.u, 0, xs);
    setOperand(p.u, 1, ys);
  }, [rt.groups(n, WG)]);
}

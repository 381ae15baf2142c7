/**
 * Gathering columns on the GPU: one dispatch per minibatch instead of a copy per column. The
 * indices travel in a small buffer as float32, exact below 2²⁴ columns; past that each column is
 * copied on its own.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { mapKernel, updates } from "./elementwise.ts";
import { at, bind, dense, header, setOperand, U } from "./wgsl.ts";

const WG = 256;
/** Column indices below this are exact in float32. */
const EXACT = 2 ** 24;

/** out[:, k] ← x[:, indices[k]]. */
export function gatherKernel(rt: Runtime, x: Operand, indices: Int32Array, out: Operand): void {
  const m = out.rows, n = out.cols;
  if (m === 0 || n === 0) return;
  if (x.cols > EXACT) {
    for (let k = 0; k < n; k++) {
      const from = { ...x, offset: x.offset + indices[k] * x.colStride, cols: 1 };
      const to = { ...out, offset: out.offset + k * out.colStride, cols: 1 };
      mapKernel(rt, "copy", updates.copy, [], to, from);
    }
    return;
  }
  const picked = rt.scratch("gathered columns", n);
  rt.write(picked, 0, Float32Array.from(indices));
  const idx = dense(picked, n, 1);
  const b = bind([out, x, idx], 1);
  const kernel = rt.kernel(`gather:${b.key}`, b.writable, () => {
    const [o, xi, ii] = b.slotOf;
    return `${header(b)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let rows = ${U(0)};
  for (var k = g.x; k < ${U(2)}; k += nw.x * ${WG}u) {
    let i = k % rows;
    let j = k / rows;
    let col = u32(b${ii}[j]);
    b${o}[${at(0, "i", "j")}] = b${xi}[${at(1, "i", "col")}];
  }
}`;
  });
  rt.dispatch(kernel, b.buffers, (p) => {
    p.u[0] = m;
    p.u[2] = m * n;
    setOperand(p.u, 0, out);
    setOperand(p.u, 1, x);
  }, [rt.groups(m * n, WG)]);
}

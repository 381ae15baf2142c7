/**
 * Adam's update in one dispatch: the two running averages and the step, entry by entry, where
 * the composed update makes seven.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { at, bind, F, header, setOperand, U } from "./wgsl.ts";

const WG = 256;

/** m ← β₁m + (1 − β₁)g; s ← β₂s + (1 − β₂)g²; w ← w − rate · m / (√s + ε). */
export function adamKernel(
  rt: Runtime,
  w: Operand,
  g: Operand,
  m: Operand,
  s: Operand,
  params: readonly [number, number, number, number],
): void {
  const n = w.rows * w.cols;
  if (n === 0) return;
  const b = bind([w, m, s, g], 3);
  const kernel = rt.kernel(`adam:${b.key}`, b.writable, () => {
    const [wi, mi, si, gi] = b.slotOf;
    return `${header(b)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let rows = ${U(0)};
  let rate = ${F(0)};
  // Not b1, b2: the storage bindings are named b0, b1, …
  let beta1 = ${F(1)};
  let beta2 = ${F(2)};
  let eps = ${F(3)};
  for (var k = gid.x; k < ${U(2)}; k += nw.x * ${WG}u) {
    let i = k % rows;
    let j = k / rows;
    let gv = b${gi}[${at(3, "i", "j")}];
    let mv = (1.0 - beta1) * gv + beta1 * b${mi}[${at(1, "i", "j")}];
    let sv = (1.0 - beta2) * (gv * gv) + beta2 * b${si}[${at(2, "i", "j")}];
    b${mi}[${at(1, "i", "j")}] = mv;
    b${si}[${at(2, "i", "j")}] = sv;
    let wa = ${at(0, "i", "j")};
    b${wi}[wa] = -rate * (mv / (sqrt_(sv) + eps)) + b${wi}[wa];
  }
}`;
  });
  rt.dispatch(kernel, b.buffers, (p) => {
    p.u[0] = w.rows;
    p.u[2] = n;
    [w, m, s, g].forEach((x, q) => setOperand(p.u, q, x));
    params.forEach((v, i) => (p.f[i] = v));
  }, [rt.groups(n, WG)]);
}

/**
 * Softmax over the columns of a matrix: one invocation per column (a network's output layer is
 * a few rows over a batch of columns), three passes down it — the largest entry, the sum of
 * exp(x − max), the outputs — with NaN kept by the bit-tested helpers.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { at, bind, header, LOOP, setOperand, U } from "./wgsl.ts";

const WG = 64;

/** out ← softmax (log-softmax when `log`) of each column of x; out may be x. */
export function softmaxKernel(rt: Runtime, x: Operand, out: Operand, log: boolean): void {
  if (x.rows === 0 || x.cols === 0) return;
  if (x.rows > LOOP) {
    // One invocation walks a column; past LOOP entries a driver may cut its loop short.
    throw new RangeError(
      `softmax: columns of ${x.rows} entries exceed the ${LOOP} one WebGPU invocation walks`,
    );
  }
  const b = bind([out, x], 1);
  const kernel = rt.kernel(`softmax:${log}:${b.key}`, b.writable, () => {
    const [o, xi] = b.slotOf;
    return `${header(b)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let rows = ${U(0)};
  for (var j = g.x; j < ${U(1)}; j += nw.x * ${WG}u) {
    var m = b${xi}[${at(1, "0u", "j")}];
    for (var i = 1u; i < rows; i++) { m = max_(m, b${xi}[${at(1, "i", "j")}]); }
    var s = 0.0;
    for (var i = 0u; i < rows; i++) { s += exp(b${xi}[${at(1, "i", "j")}] - m); }
    // As in JavaScript: a NaN anywhere, or an infinite largest entry (∞ − ∞), is NaN throughout.
    let bad = isnan_(m) || abs(m) == inf_(m);
    let ls = log(s);
    for (var i = 0u; i < rows; i++) {
      let d = b${xi}[${at(1, "i", "j")}] - m;
      b${o}[${at(0, "i", "j")}] = select(${log ? "d - ls" : "exp(d) / s"}, nan_(m), bad);
    }
  }
}`;
  });
  rt.dispatch(kernel, b.buffers, (p) => {
    p.u[0] = x.rows;
    p.u[1] = x.cols;
    setOperand(p.u, 0, out);
    setOperand(p.u, 1, x);
  }, [rt.groups(x.cols, WG)]);
}

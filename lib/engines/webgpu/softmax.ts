/**
 * Softmax over the columns of a matrix: one invocation per column (a network's output layer is
 * a few rows over a batch of columns), three passes down it — the largest entry, the sum of
 * exp(x − max), the outputs — with NaN kept by the bit-tested helpers. Columns too long for one
 * invocation's loops (a vocabulary of 50,000 classes) take the largest entries and the sums in
 * spans of dispatches, kept in scratch, and then one invocation per entry.
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { at, bind, dense, gridKernel, header, setOperand, U } from "./wgsl.ts";
import { spans, termsPerDispatch } from "./loops.ts";

const WG = 64;

/** WGSL: entry i of column j, NaN everywhere when the largest is NaN or infinite. */
const output = (log: boolean, x: string, m: string, s: string) => `
    let d = ${x} - ${m};
    // As in JavaScript: a NaN anywhere, or an infinite largest entry (∞ − ∞), is NaN throughout.
    let bad = isnan_(${m}) || abs(${m}) == inf_(${m});
    let value = select(${log ? `d - log(${s})` : `exp(d) / ${s}`}, nan_(${m}), bad);`;

/** out ← softmax (log-softmax when `log`) of each column of x; out may be x. */
export function softmaxKernel(rt: Runtime, x: Operand, out: Operand, log: boolean): void {
  if (x.rows === 0 || x.cols === 0) return;
  // Three walks down a column.
  if (3 * x.rows > termsPerDispatch(rt, x.cols, WG)) return longColumns(rt, x, out, log);
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
    for (var i = 0u; i < rows; i++) {
      ${output(log, `b${xi}[${at(1, "i", "j")}]`, "m", "s")}
      b${o}[${at(0, "i", "j")}] = value;
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

/** Softmax of long columns: each column's largest entry and sum in spans, then every entry. */
function longColumns(rt: Runtime, x: Operand, out: Operand, log: boolean): void {
  const rows = x.rows, cols = x.cols;
  const scratch = dense(rt.scratch("softmax-columns", 2 * cols), 2 * cols, 1);
  // Operands: out 0, x 1, the scratch 2 (largest entries at j, sums at cols + j).
  const operands = [out, x, scratch];
  const words = (u: Uint32Array, start = 0, length = 0) => {
    u[1] = rows;
    u[2] = start;
    u[3] = length;
    u[46] = cols;
  };
  const column = (name: string, body: (b: (q: number) => string) => string) =>
    gridKernel(rt, `softmax-columns:${name}`, operands, [2], body, WG);
  const largest = column("largest", (b) => `
    let j = t; let first = ${U(2)};
    var m = select(${b(2)}[j], ${b(1)}[${at(1, "first", "j")}], first == 0u);
    for (var i = first; i < first + ${U(3)}; i++) { m = max_(m, ${b(1)}[${at(1, "i", "j")}]); }
    ${b(2)}[j] = m;`);
  const sums = column("sums", (b) => `
    let j = t; let first = ${U(2)}; let m = ${b(2)}[j];
    var s = select(${b(2)}[${U(46)} + j], 0.0, first == 0u);
    for (var i = first; i < first + ${U(3)}; i++) { s += exp(${b(1)}[${at(1, "i", "j")}] - m); }
    ${b(2)}[${U(46)} + j] = s;`);
  for (const pass of [largest, sums]) {
    for (const [start, length] of spans(rt, cols, rows, WG)) {
      pass(cols, (p) => words(p.u, start, length));
    }
  }
  gridKernel(rt, `softmax-entries:${log}`, operands, [0], (b) => `
    let i = t % ${U(1)}; let j = t / ${U(1)};
    ${output(log, `${b(1)}[${at(1, "i", "j")}]`, `${b(2)}[j]`, `${b(2)}[${U(46)} + j]`)}
    ${b(0)}[${at(0, "i", "j")}] = value;`, WG)(rows * cols, (p) => words(p.u));
}

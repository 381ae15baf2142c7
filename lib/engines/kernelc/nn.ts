/**
 * The matrix primitives of learning that the C-kernel engines (OpenCL, CUDA) have of their own:
 * softmax over columns (long columns in spans of launches), a minibatch's gathered columns and
 * Adam's step. Inner products take the public function's composition.
 *
 * @module
 */

import type { NnEngine, Operand } from "../../core/engine.ts";
import { deferred } from "../planning.ts";
import type { KernelRuntime } from "./runtime.ts";
import { items, operandArgs } from "./kernels.ts";
import { scratchFor, spans, termsPerLaunch } from "./loops.ts";

const param = (name: string) => `GLOBAL T* ${name}, long ${name}_o, long ${name}_r, long ${name}_c`;
const at = (name: string, i: string, j: string) =>
  `${name}[${name}_o + (${i}) * ${name}_r + (${j}) * ${name}_c]`;

/** The primitives over a runtime. */
export function kernelNn(rt: KernelRuntime): NnEngine {
  let indexBuffer = rt.scratch(4 * 1024);
  return {
    softmax: deferred((x: Operand, out: Operand, log: boolean): void => {
      if (x.rows === 0 || x.cols === 0) return;
      // Three walks down a column.
      if (3 * x.rows > termsPerLaunch(x.cols)) return longColumns(rt, x, out, log);
      const kernel = rt.kernel(`softmax:${log}`, "softmax", () =>
        `${rt.prelude()}
KERNEL softmax(${param("o")}, ${param("x")}, long rows, long cols) {
  for (long j = GID; j < cols; j += GSIZE) {
    T m = ${at("x", "0", "j")};
    for (long i = 1; i < rows; i++) m = max_(m, ${at("x", "i", "j")});
    T s = (T)0;
    for (long i = 0; i < rows; i++) s += exp(${at("x", "i", "j")} - m);
    // As in JavaScript: a NaN anywhere, or an infinite largest entry (∞ − ∞), is NaN throughout.
    T ls = log(s);
    for (long i = 0; i < rows; i++) {
      T d = ${at("x", "i", "j")} - m;
      ${at("o", "i", "j")} = ${log ? "d - ls" : "exp(d) / s"};
    }
  }
}`);
      rt.launch(
        kernel,
        [...operandArgs(out), ...operandArgs(x), { long: x.rows }, { long: x.cols }],
        items(x.cols),
      );
    }),

    gatherColumns: deferred((x: Operand, indices: Int32Array, out: Operand): void => {
      const n = out.rows * indices.length;
      if (n === 0) return;
      if (indices.byteLength > indexBuffer.bytes) {
        rt.free(indexBuffer);
        indexBuffer = rt.scratch(indices.byteLength);
      }
      rt.write(indexBuffer, 0, indices);
      const kernel = rt.kernel("gather", "gather", () =>
        `${rt.prelude()}
KERNEL gather(${param("o")}, ${param("x")}, GLOBAL const int* idx, long rows, long n) {
  for (long k = GID; k < n; k += GSIZE) {
    long i = k % rows, j = k / rows;
    ${at("o", "i", "j")} = ${at("x", "i", "idx[j]")};
  }
}`);
      rt.launch(
        kernel,
        [...operandArgs(out), ...operandArgs(x), indexBuffer, { long: out.rows }, { long: n }],
        items(n),
      );
    }),

    adam: deferred((
      w: Operand,
      g: Operand,
      m: Operand,
      s: Operand,
      rate: number,
      beta1: number,
      beta2: number,
      epsilon: number,
    ): void => {
      const n = w.rows * w.cols;
      if (n === 0) return;
      const kernel = rt.kernel("adam", "adam", () =>
        `${rt.prelude()}
KERNEL adam(${param("w")}, ${param("g")}, ${param("m")}, ${param("s")}, long rows, long n,
                   T rate, T b1, T b2, T eps) {
  for (long k = GID; k < n; k += GSIZE) {
    long i = k % rows, j = k / rows;
    T gv = ${at("g", "i", "j")};
    T mv = ((T)1 - b1) * gv + b1 * ${at("m", "i", "j")};
    T sv = ((T)1 - b2) * (gv * gv) + b2 * ${at("s", "i", "j")};
    ${at("m", "i", "j")} = mv;
    ${at("s", "i", "j")} = sv;
    ${at("w", "i", "j")} = -rate * (mv / (sqrt(sv) + eps)) + ${at("w", "i", "j")};
  }
}`);
      rt.launch(kernel, [
        ...operandArgs(w),
        ...operandArgs(g),
        ...operandArgs(m),
        ...operandArgs(s),
        { long: w.rows },
        { long: n },
        { real: rate },
        { real: beta1 },
        { real: beta2 },
        { real: epsilon },
      ], items(n));
    }),
  };
}

/**
 * Softmax of columns too long for one work item's loops: each column's largest entry and its
 * sum of exp(x − max) in spans of launches, kept in scratch, then one work item per entry.
 */
function longColumns(rt: KernelRuntime, x: Operand, out: Operand, log: boolean): void {
  const rows = x.rows, cols = x.cols;
  const scratch = scratchFor(rt, "softmax-columns", 2 * cols * (rt.double ? 8 : 4));
  const column = (name: string, body: string) =>
    rt.kernel(`softmax-columns:${name}`, "column", () =>
      `${rt.prelude()}
KERNEL column(${param("x")}, GLOBAL T* s, long rows, long cols, long first, long span_n) {
  for (long j = GID; j < cols; j += GSIZE) { ${body} }
}`);
  const largest = column(
    "largest",
    `T m = first == 0 ? ${at("x", "0", "j")} : s[j];
    for (long i = first; i < first + span_n; i++) m = max_(m, ${at("x", "i", "j")});
    s[j] = m;`,
  );
  const sums = column(
    "sums",
    `T m = s[j], e = first == 0 ? (T)0 : s[cols + j];
    for (long i = first; i < first + span_n; i++) e += exp(${at("x", "i", "j")} - m);
    s[cols + j] = e;`,
  );
  for (const kernel of [largest, sums]) {
    for (const [first, length] of spans(cols, rows)) {
      rt.launch(kernel, [
        ...operandArgs(x),
        scratch,
        { long: rows },
        { long: cols },
        { long: first },
        { long: length },
      ], items(cols));
    }
  }
  // As in JavaScript: a NaN anywhere, or an infinite largest entry (∞ − ∞), is NaN throughout.
  const entries = rt.kernel(`softmax-entries:${log}`, "entries", () =>
    `${rt.prelude()}
KERNEL entries(${param("o")}, ${param("x")}, GLOBAL T* s, long rows, long cols) {
  for (long k = GID; k < rows * cols; k += GSIZE) {
    long i = k % rows, j = k / rows;
    T d = ${at("x", "i", "j")} - s[j];
    ${at("o", "i", "j")} = ${log ? "d - log(s[cols + j])" : "exp(d) / s[cols + j]"};
  }
}`);
  rt.launch(
    entries,
    [...operandArgs(out), ...operandArgs(x), scratch, { long: rows }, { long: cols }],
    items(rows * cols),
  );
}

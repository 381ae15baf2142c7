/**
 * The C kernels of the device engines that compile C at run time (OpenCL, CUDA): the elementwise
 * table's expressions through the shared emitter (the C dialect), and the kernels over operands
 * of any strides — map, swap, two-pass reductions, line sums, Philox — each written once for
 * float and double (`T`) and for both languages (the runtime's prelude defines the macros).
 *
 * An operand travels as four arguments: its buffer, offset, row stride and column stride; entry
 * k of an operand with `rows` rows is (k mod rows, k div rows).
 *
 * @module
 */

import type { Operand } from "../../core/engine.ts";
import { type Dialect, emit } from "../../elementwise/emit.ts";
import type { Expr } from "../../elementwise/expr.ts";
import type { DeviceBuffer, KernelArg, KernelRuntime } from "./runtime.ts";
import type { Fold } from "../device_level1.ts";
import { items, spans } from "./loops.ts";

export { items };

/** C (OpenCL C and CUDA C alike) over `xv`, `yv` and the parameters `p0…p3`. */
export const cDialect: Dialect = {
  x: "xv",
  y: "yv",
  param: (i) => `p${i}`,
  literal: (v) => `((T)${Number.isInteger(v) ? v.toFixed(1) : String(v)})`,
  fn1: {
    sqrt: (a) => `sqrt(${a})`,
    abs: (a) => `fabs(${a})`,
    exp: (a) => `exp(${a})`,
    expm1: (a) => `expm1(${a})`,
    log: (a) => `log(${a})`,
    log1p: (a) => `log1p(${a})`,
    sin: (a) => `sin(${a})`,
    cos: (a) => `cos(${a})`,
    tanh: (a) => `tanh(${a})`,
    sign: (a) => `keep_(sign(${a}), ${a})`,
    round: (a) => `round(${a})`,
    floor: (a) => `floor(${a})`,
    ceil: (a) => `ceil(${a})`,
  },
  fn2: (fn, a, b) => `${fn}_(${a}, ${b})`,
  ifPositive: (c, t, e) => `gt0_(${c}, ${t}, ${e})`,
};

/** An expression as C. */
export const emitC = (e: Expr): string => emit(e, cDialect);

/** The parameter list of operand `name`. */
const param = (name: string) => `GLOBAL T* ${name}, long ${name}_o, long ${name}_r, long ${name}_c`;
/** Entry (i, j) of operand `name`. */
const at = (name: string, i: string, j: string) =>
  `${name}[${name}_o + (${i}) * ${name}_r + (${j}) * ${name}_c]`;
/** The arguments of an operand. */
export const operandArgs = (o: Operand): KernelArg[] => [
  o.storage.buffer as DeviceBuffer,
  { long: o.offset },
  { long: o.rowStride },
  { long: o.colStride },
];

/** out ← f(x[, y]; params) entry by entry. `name` keys the compiled kernel. */
export function mapKernel(
  rt: KernelRuntime,
  name: string,
  f: Expr,
  params: readonly number[],
  out: Operand,
  xs: Operand,
  ys?: Operand,
): void {
  const n = out.rows * out.cols;
  if (n === 0) return;
  const two = ys !== undefined;
  const kernel = rt.kernel(`map:${name}:${two}`, "map", () =>
    `${rt.prelude()}
KERNEL map(${param("o")}, ${param("x")}, ${two ? `${param("y")}, ` : ""}
                  long rows, long n, T p0, T p1, T p2, T p3) {
  for (long k = GID; k < n; k += GSIZE) {
    long i = k % rows, j = k / rows;
    T xv = ${at("x", "i", "j")};
    ${two ? `T yv = ${at("y", "i", "j")};` : ""}
    ${at("o", "i", "j")} = ${emitC(f)};
  }
}`);
  const p = [0, 1, 2, 3].map((i) => ({ real: params[i] ?? 0 }));
  rt.launch(kernel, [
    ...operandArgs(out),
    ...operandArgs(xs),
    ...(two ? operandArgs(ys) : []),
    { long: out.rows },
    { long: n },
    ...p,
  ], items(n));
}

/** x ↔ y. */
export function swapKernel(rt: KernelRuntime, xs: Operand, ys: Operand): void {
  const n = xs.rows * xs.cols;
  if (n === 0) return;
  const kernel = rt.kernel("swap", "swap", () =>
    `${rt.prelude()}
KERNEL swap(${param("x")}, ${param("y")}, long rows, long n) {
  for (long k = GID; k < n; k += GSIZE) {
    long i = k % rows, j = k / rows;
    T t = ${at("x", "i", "j")};
    ${at("x", "i", "j")} = ${at("y", "i", "j")};
    ${at("y", "i", "j")} = t;
  }
}`);
  rt.launch(
    kernel,
    [...operandArgs(xs), ...operandArgs(ys), { long: xs.rows }, { long: n }],
    items(n),
  );
}

const WG = 256;
/** Partial results the first pass leaves: values, then indices (as T bits are not enough). */
export const PARTIALS = 256;

/**
 * The two passes of a reduction of f over the operands' entries: partial results per work-group
 * into `values`/`indices` [0, groups), then the result into slot PARTIALS of each.
 */
export function reduceKernels(
  rt: KernelRuntime,
  fold: Fold,
  name: string,
  f: Expr,
  params: readonly number[],
  values: DeviceBuffer,
  indices: DeviceBuffer,
  a: Operand,
  b?: Operand,
): void {
  const n = a.rows * a.cols;
  const two = b !== undefined;
  const paired = fold === "argmax" || fold === "argmin";
  // The first NaN wins, as the first largest (smallest) entry does otherwise; ∞ ties with the
  // starting value of argmin, whose index (LONG_MAX) loses every tie.
  const start = fold === "sum" || fold === "max"
    ? "(T)0"
    : fold === "argmax"
    ? "(T)-1"
    : "(T)INFINITY";
  const better = fold === "argmax" ? "v > bv" : "v < bv";
  const combine = fold === "sum" ? "a + v" : "max_(a, v)";
  const body = (read: string) =>
    paired
      ? `T bv = ${start}; long bi = LONG_MAX;
  for (long k = GID; k < n; k += GSIZE) {
    ${read}
    bool nv = isnan(v);
    if (nv != isnan(bv) ? nv : (nv ? i < bi : (${better} || (v == bv && i < bi)))) { bv = v; bi = i; }
  }
  sv[l] = bv; si[l] = bi;
  SYNC;
  for (int h = ${WG / 2}; h > 0; h >>= 1) {
    if (l < h) {
      T v = sv[l + h]; long i = si[l + h]; T cv = sv[l]; long ci = si[l];
      bool nv = isnan(v);
      if (nv != isnan(cv) ? nv : (nv ? i < ci : (${
        better.replace("bv", "cv")
      } || (v == cv && i < ci)))) {
        sv[l] = v; si[l] = i;
      }
    }
    SYNC;
  }`
      : `T a = ${start};
  for (long k = GID; k < n; k += GSIZE) { ${read} a = ${combine}; }
  sv[l] = a;
  SYNC;
  for (int h = ${WG / 2}; h > 0; h >>= 1) {
    if (l < h) { T v = sv[l + h]; T a = sv[l]; sv[l] = ${combine}; }
    SYNC;
  }`;
  const first = rt.kernel(`fold:${fold}:${name}:${two}`, "fold", () =>
    `${rt.prelude()}
WG_KERNEL(${WG}) fold(${param("x")}, ${
      two ? `${param("y")}, ` : ""
    }long rows, long n, T p0, T p1, T p2, T p3,
          GLOBAL T* pv, GLOBAL long* pi) {
  SHARED T sv[${WG}]; SHARED long si[${WG}];
  int l = LID;
  ${
      body(`long r = k % rows, c = k / rows; T xv = ${at("x", "r", "c")};
    ${two ? `T yv = ${at("y", "r", "c")};` : ""} T v = ${emitC(f)}; long i = k;`)
    }
  if (l == 0) { pv[GROUP] = sv[0]; ${paired ? "pi[GROUP] = si[0];" : ""} }
}`);
  const final = rt.kernel(`fold:${fold}:partials`, "partials", () =>
    `${rt.prelude()}
WG_KERNEL(${WG}) partials(long n, GLOBAL T* pv, GLOBAL long* pi) {
  SHARED T sv[${WG}]; SHARED long si[${WG}];
  int l = LID;
  ${body(`T v = pv[k]; long i = ${paired ? "pi[k]" : "k"};`)}
  if (l == 0) { pv[${PARTIALS}] = sv[0]; ${paired ? `pi[${PARTIALS}] = si[0];` : ""} }
}`);
  const groups = Math.max(1, Math.min(PARTIALS, Math.ceil(n / WG)));
  const p = [0, 1, 2, 3].map((i) => ({ real: params[i] ?? 0 }));
  rt.launch(
    first,
    [
      ...operandArgs(a),
      ...(two ? operandArgs(b) : []),
      { long: a.rows },
      { long: n },
      ...p,
      values,
      indices,
    ],
    groups * WG,
    WG,
  );
  rt.launch(final, [{ long: groups }, values, indices], WG, WG);
}

/**
 * line[l] ← Σ |a| along each column (`cols`) or each row (`rows`) of a, in spans of launches
 * within the loop budget, the later adding to the sums.
 */
export function lineSumsKernel(
  rt: KernelRuntime,
  line: DeviceBuffer,
  a: Operand,
  along: "cols" | "rows",
): void {
  const count = along === "cols" ? a.cols : a.rows;
  const kernel = rt.kernel(`lines:${along}`, "lines", () =>
    `${rt.prelude()}
KERNEL lines(${param("x")}, long rows, long cols, GLOBAL T* out, long first, long span_n) {
  for (long l = GID; l < ${along === "cols" ? "cols" : "rows"}; l += GSIZE) {
    T s = first == 0 ? (T)0 : out[l];
    for (long k = first; k < first + span_n; k++) {
      s += fabs(${along === "cols" ? at("x", "k", "l") : at("x", "l", "k")});
    }
    out[l] = s;
  }
}`);
  for (const [first, length] of spans(count, along === "cols" ? a.rows : a.cols)) {
    rt.launch(kernel, [
      ...operandArgs(a),
      { long: a.rows },
      { long: a.cols },
      line,
      { long: first },
      { long: length },
    ], items(count));
  }
}

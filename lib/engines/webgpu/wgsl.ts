/**
 * WGSL building blocks: the elementwise table's expressions as WGSL, the parameter block every
 * kernel reads, and storage bindings that bind each buffer once — views of one buffer (an
 * in-place op, two blocks of one matrix) share a binding, as WebGPU requires.
 *
 * @module
 */

import type { Expr } from "../../elementwise/expr.ts";
import { type Dialect, emit } from "../../elementwise/emit.ts";
import type { Operand } from "../../core/engine.ts";

/**
 * WGSL may assume that no NaN occurs, so its builtins drop NaN as they please (max(NaN, 0) is
 * 0, clamp makes tanh(NaN) −1). These helpers test NaN on the bits, which no compiler can
 * assume away, and give JavaScript's answers: NaN in, NaN out. expm1, log1p and tanh keep
 * their precision near 0, where exp(x) − 1 and log(1 + x) cancel. sin and cos reduce x by π/2
 * in three parts (Cody and Waite; exact for |x| ≤ 8192) and take Cephes's float polynomials:
 * WGSL only bounds the builtins' error by 2⁻¹¹ on [−π, π], and Dawn on SwiftShader is 10⁻⁴
 * relative off where wgpu on llvmpipe is exact to float.
 */
export const helpers = `
fn isnan_(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
fn keep_(r: f32, a: f32) -> f32 { return select(r, a, isnan_(a)); }
fn nan_(v: f32) -> f32 { return bitcast<f32>(bitcast<u32>(v) | 0x7fc00000u); }
fn inf_(v: f32) -> f32 { return bitcast<f32>((bitcast<u32>(v) & 0u) | 0x7f800000u); }
fn max_(a: f32, b: f32) -> f32 { return keep_(keep_(max(a, b), b), a); }
fn min_(a: f32, b: f32) -> f32 { return keep_(keep_(min(a, b), b), a); }
fn gt0_(c: f32, t: f32, e: f32) -> f32 { return keep_(select(e, t, c > 0.0), c); }
fn sqrt_(x: f32) -> f32 { return select(sqrt(x), nan_(x), x < 0.0 || isnan_(x)); }
fn log_(x: f32) -> f32 {
  if (x == 0.0) { return -inf_(x); }
  return select(log(x), nan_(x), x < 0.0 || isnan_(x));
}
fn halfPi_(x: f32) -> vec2<f32> {
  let k = round(x * 0.636619772367581343);
  // Within ±π/4 x is its own remainder; reducing it anyway would turn −0 into +0.
  if (k == 0.0) { return vec2<f32>(x, 0.0); }
  return vec2<f32>(((x - k * 1.5703125) - k * 4.837512969970703125e-4) - k * 7.54978995489188216e-8, k);
}
fn sinPoly_(r: f32) -> f32 {
  let z = r * r;
  // r itself at 0: the sum would give +0 for −0.
  let s = r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  return select(s, r, r == 0.0);
}
fn cosPoly_(r: f32) -> f32 {
  let z = r * r;
  return 1.0 - 0.5 * z +
    z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
}
fn trig_(x: f32, quarter: i32) -> f32 {
  if (isnan_(x) || abs(x) == inf_(x)) { return nan_(x); }
  if (abs(x) > 8192.0) { return select(sin(x), cos(x), quarter == 1); }
  let rk = halfPi_(x);
  let q = (i32(rk.y) + quarter) & 3;
  let v = select(sinPoly_(rk.x), cosPoly_(rk.x), (q & 1) == 1);
  return select(v, -v, (q & 2) == 2);
}
fn sin_(x: f32) -> f32 { return trig_(x, 0); }
fn cos_(x: f32) -> f32 { return trig_(x, 1); }
fn expm1_(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    return x + x * x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 +
      x * (1.0 / 720.0 + x * (1.0 / 5040.0 + x * (1.0 / 40320.0 + x * (1.0 / 362880.0))))))));
  }
  return keep_(exp(x) - 1.0, x);
}
fn log1p_(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    let s = x / (2.0 + x);
    let q = s * s;
    return 2.0 * s * (1.0 + q * (1.0 / 3.0 + q * (1.0 / 5.0 + q * (1.0 / 7.0 + q * (1.0 / 9.0 +
      q * (1.0 / 11.0 + q * (1.0 / 13.0)))))));
  }
  if (x == -1.0) { return -inf_(x); }
  return select(log(1.0 + x), nan_(x), x < -1.0 || isnan_(x));
}
fn tanh_(x: f32) -> f32 {
  let e = expm1_(2.0 * clamp(x, -15.0, 15.0));
  return keep_(e / (e + 2.0), x);
}
fn pow_(x: f32, p: f32) -> f32 {
  if (p == 0.0) { return 1.0; }
  if (isnan_(x) || isnan_(p)) { return nan_(x + p); }
  let a = abs(x);
  let inf = inf_(x);
  var r = pow(a, p);
  if (a == 0.0) { r = select(0.0, inf, p < 0.0); }
  if (a == inf) { r = select(0.0, inf, p > 0.0); }
  if ((bitcast<u32>(x) >> 31u) == 0u) { return r; }
  let whole = floor(p) == p;
  if (!whole) { return select(nan_(x), r, a == 0.0 || a == inf); }
  let odd = abs(p) < 16777216.0 && fract(p * 0.5) != 0.0;
  return select(r, -r, odd);
}
`;

/** WGSL: the NaN-keeping helpers above over `xv`, `yv` and the parameter words. */
export const wgslDialect: Dialect = {
  x: "xv",
  y: "yv",
  param: (i) => F(i),
  // A literal 0 lets the compiler fold 0·y to 0, though y may be NaN or ∞: read it instead from
  // a parameter word that is always 0.
  literal: (v) => (v === 0 ? ZERO : `f32(${v})`),
  fn1: {
    sqrt: (a) => `sqrt_(${a})`,
    abs: (a) => `abs(${a})`,
    exp: (a) => `keep_(exp(${a}), ${a})`,
    expm1: (a) => `expm1_(${a})`,
    log: (a) => `log_(${a})`,
    log1p: (a) => `log1p_(${a})`,
    sin: (a) => `sin_(${a})`,
    cos: (a) => `cos_(${a})`,
    tanh: (a) => `tanh_(${a})`,
    sign: (a) => `keep_(sign(${a}), ${a})`,
    // WGSL's round() rounds halves to even; the table rounds them away from zero.
    round: (a) => `keep_(sign(${a}) * floor(abs(${a}) + 0.5), ${a})`,
    floor: (a) => `keep_(floor(${a}), ${a})`,
    ceil: (a) => `keep_(ceil(${a}), ${a})`,
    // The rest of vect-math: wgsl_special.ts, linked into the kernels that call it.
    tan: (a) => `tan_(${a})`,
    asin: (a) => `asin_(${a})`,
    acos: (a) => `acos_(${a})`,
    atan: (a) => `atan_(${a})`,
    sinh: (a) => `sinh_(${a})`,
    cosh: (a) => `cosh_(${a})`,
    asinh: (a) => `asinh_(${a})`,
    acosh: (a) => `acosh_(${a})`,
    atanh: (a) => `atanh_(${a})`,
    cbrt: (a) => `cbrt_(${a})`,
    log10: (a) => `log10_(${a})`,
    erf: (a) => `erf_(${a})`,
    erfc: (a) => `erfc_(${a})`,
    erfInv: (a) => `erfInv_(${a})`,
    erfcInv: (a) => `erfcInv_(${a})`,
    gamma: (a) => `gamma_(${a})`,
    lgamma: (a) => `lgamma_(${a})`,
    trunc: (a) => `trunc_(${a})`,
    frac: (a) => `frac_(${a})`,
    cdfNorm: (a) => `cdfNorm_(${a})`,
  },
  fn2: (fn, a, b) => `${fn}_(${a}, ${b})`,
  ifPositive: (c, t, e) => `gt0_(${c}, ${t}, ${e})`,
};

/** A WGSL f32 expression in `xv`, `yv` and the float parameters `F(0…3)`. */
export const emitWgsl = (e: Expr): string => emit(e, wgslDialect);

/** A float parameter word no kernel sets: 0, but unknown to the compiler. */
const ZERO = "P.f[7][3]";

/** Integer parameter word i in WGSL. */
export const U = (i: number): string => `P.u[${i >> 2}][${i & 3}]`;
/** Float parameter word i in WGSL. */
export const F = (i: number): string => `P.f[${i >> 2}][${i & 3}]`;

/** Words 4 + 3q … 6 + 3q hold operand q's offset, row stride and column stride. */
const operandWord = (q: number): number => 4 + 3 * q;

/** WGSL for the buffer index of entry (i, j) of operand q, read from binding `buffer`. */
export function at(q: number, i: string, j: string): string {
  const w = operandWord(q);
  return `(${U(w)} + (${i}) * ${U(w + 1)} + (${j}) * ${U(w + 2)})`;
}

/** A dense column-major operand over a whole buffer of the engine's own (scratch, staging). */
export function dense(buffer: GPUBuffer, rows: number, cols: number): Operand {
  return {
    storage: { buffer, length: rows * cols, released: false },
    offset: 0,
    rows,
    cols,
    rowStride: 1,
    colStride: rows,
  };
}

/** The rows×cols block of x from entry (i, j): a view, as an operand. */
export function block(x: Operand, i: number, j: number, rows: number, cols: number): Operand {
  return { ...x, offset: x.offset + i * x.rowStride + j * x.colStride, rows, cols };
}

/**
 * Loop iterations one invocation may make in one dispatch: the grid-stride loop's turns and
 * every loop nested in it together. llvmpipe counts all of a loop nest's iterations against one
 * limit of 65535 and then leaves the loops (a sum over 5·10⁶ columns came back as 131070; the
 * mean of a channel of 300,000 ones as 0.02), and hardware drivers reset a device that computes
 * too long; longer work is split over dispatches that accumulate, or into parts summed in
 * parallel (../cutting.ts). Tests lower it, so that small shapes are cut as large ones are.
 */
export const loopBudget: { iterations: number } = { iterations: 16384 };

/** Writes operand q's offset and strides into the parameter words. */
export function setOperand(u: Uint32Array, q: number, x: Operand): void {
  const w = operandWord(q);
  u[w] = x.offset;
  u[w + 1] = x.rowStride;
  u[w + 2] = x.colStride;
}

/** Each distinct buffer bound once: which slot each operand reads, which slots are written. */
export interface Binding {
  readonly buffers: GPUBuffer[];
  readonly writable: boolean[];
  readonly slotOf: number[];
  /** A key for the kernel variant: the mapping of operands to slots. */
  readonly key: string;
}

/** Binds operands (the first `writes` of them written) with each buffer once. */
export function bind(operands: readonly Operand[], writes: number): Binding {
  const buffers: GPUBuffer[] = [];
  const writable: boolean[] = [];
  const slotOf: number[] = [];
  operands.forEach((x, q) => {
    const b = x.storage.buffer as GPUBuffer;
    let s = buffers.indexOf(b);
    if (s < 0) {
      s = buffers.push(b) - 1;
      writable.push(false);
    }
    if (q < writes) writable[s] = true;
    slotOf.push(s);
  });
  return { buffers, writable, slotOf, key: `${slotOf.join("")}/${writable.map(Number).join("")}` };
}

/** The parameter block and storage declarations for a binding. */
export function header(b: Binding): string {
  const decls = b.writable.map((w, s) =>
    `@group(0) @binding(${s + 1}) var<storage, ${w ? "read_write" : "read"}> b${s}: array<f32>;`
  );
  return `struct Params { u: array<vec4<u32>, 24>, f: array<vec4<f32>, 8> }
@group(0) @binding(0) var<uniform> P: Params;
${decls.join("\n")}
${helpers}`;
}

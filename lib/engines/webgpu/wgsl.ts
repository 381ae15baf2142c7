/**
 * WGSL building blocks: the elementwise table's expressions as WGSL, the parameter block every
 * kernel reads, and storage bindings that bind each buffer once — views of one buffer (an
 * in-place op, two blocks of one matrix) share a binding, as WebGPU requires.
 *
 * @module
 */

import type { Expr, Fn1 } from "../../elementwise/expr.ts";
import type { Operand } from "../../core/engine.ts";

const fn1: Record<Fn1, (a: string) => string> = {
  sqrt: (a) => `sqrt(${a})`,
  abs: (a) => `abs(${a})`,
  exp: (a) => `exp(${a})`,
  expm1: (a) => `(exp(${a}) - 1.0)`,
  log: (a) => `log(${a})`,
  log1p: (a) => `log(1.0 + ${a})`,
  sin: (a) => `sin(${a})`,
  cos: (a) => `cos(${a})`,
  // Some drivers compute tanh from exponentials that overflow to NaN past |x| ≈ 44.
  tanh: (a) => `tanh(clamp(${a}, -15.0, 15.0))`,
  sign: (a) => `sign(${a})`,
  // WGSL's round() rounds halves to even; the table rounds them away from zero.
  round: (a) => `(sign(${a}) * floor(abs(${a}) + 0.5))`,
  floor: (a) => `floor(${a})`,
  ceil: (a) => `ceil(${a})`,
};

/** A WGSL f32 expression in `xv`, `yv` and the float parameters `F(0…3)`. */
export function emitWgsl(e: Expr): string {
  switch (e.k) {
    case "x":
      return "xv";
    case "y":
      return "yv";
    case "param":
      return F(e.i);
    case "const":
      return `f32(${e.v})`;
    case "fn1":
      return fn1[e.fn](emitWgsl(e.a));
    case "fn2":
      return `${e.fn}(${emitWgsl(e.a)}, ${emitWgsl(e.b)})`;
    case "bin":
      return `(${emitWgsl(e.a)} ${e.op} ${emitWgsl(e.b)})`;
    case "neg":
      return `(-${emitWgsl(e.a)})`;
    case "gt0":
      return `select(${emitWgsl(e.else)}, ${emitWgsl(e.then)}, ${emitWgsl(e.cond)} > 0.0)`;
    default:
      return e satisfies never;
  }
}

/** Integer parameter word i in WGSL. */
export const U = (i: number): string => `P.u[${i >> 2}][${i & 3}]`;
/** Float parameter word i in WGSL. */
export const F = (i: number): string => `P.f[${i >> 2}][${i & 3}]`;

/** Words 4 + 3q … 6 + 3q hold operand q's offset, row stride and column stride. */
export const operandWord = (q: number): number => 4 + 3 * q;

/** WGSL for the buffer index of entry (i, j) of operand q, read from binding `buffer`. */
export function at(q: number, i: string, j: string): string {
  const w = operandWord(q);
  return `(${U(w)} + (${i}) * ${U(w + 1)} + (${j}) * ${U(w + 2)})`;
}

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
  return `struct Params { u: array<vec4<u32>, 12>, f: array<vec4<f32>, 4> }
@group(0) @binding(0) var<uniform> P: Params;
${decls.join("\n")}
`;
}

/**
 * Kernels written once for every device language. A template declares its operands and scalar
 * parameters by name and writes its body against a {@linkcode Lang} — declarations, loops,
 * casts, selects and operand addressing, the parts where WGSL and C (OpenCL C and CUDA C alike)
 * differ; the rest of a body (arithmetic, comparisons, `if`, assignments, the NaN-keeping
 * helpers `max_`, `min_`, `isnan_`, `nan_`, `inf_`, `keep_`) reads the same in both. Each device
 * renders a template into its language, binds the operands and launches it (`KernelDevice`,
 * device.ts); the plans that launch templates are written once too (this folder).
 *
 * A template's body runs once for every t in [0, total), an integer `t` in scope, over a
 * grid-stride loop the renderer writes — or, for a template over `groups`, once per work item
 * of a number of workgroups, with `gid`, `lid`, `group` and `gsize` in scope and arrays shared
 * by a workgroup. Integers are signed (i32 on WebGPU, long in C); reals are the engine's (f32,
 * or C's `T`).
 *
 * @module
 */

import type { Expr } from "../../elementwise/expr.ts";

/** What an operand is, and so how its entries are addressed. */
export type OperandKind =
  /** A matrix: offset, row stride, column stride; entry (i, j). */
  | "matrix"
  /** A tensor of up to three spatial dimensions: offset and the strides of n, c, d, h, w. */
  | "tensor"
  /** A vector: offset and stride; entry i. */
  | "vector"
  /** A whole buffer of reals from entry 0 (scratch). */
  | "reals"
  /** A whole buffer of 32-bit integers from entry 0 (indices, taps). */
  | "ints";

/** An operand of a template: its kind, and whether the kernel writes it. */
export interface OperandDecl {
  readonly kind: OperandKind;
  readonly written?: boolean;
}

/**
 * A scalar parameter's type: a signed integer, an unsigned 32-bit integer, a real, or a `wide`
 * real — double where the template is `wide` and the device has double, else a real.
 */
export type ScalarType = "int" | "uint" | "real" | "wide";

/** A kernel written once. */
export interface KernelTemplate {
  /** Names the compiled kernel and its variant: templates of one key must be alike. */
  readonly key: string;
  /** The operands by name, in the order the kernel takes them. */
  readonly operands: Readonly<Record<string, OperandDecl>>;
  /** The scalar parameters by name. */
  readonly scalars: Readonly<Record<string, ScalarType>>;
  /** Functions the body calls, before the kernel. */
  readonly functions?: (l: Lang) => string;
  /** The statements run for each t in [0, total). */
  readonly body: (l: Lang) => string;
  /** Invocations per workgroup on WebGPU (64 when left out). */
  readonly workgroup?: number;
  /** Whether the body computes in double where the device has it, whatever the engine's reals. */
  readonly wide?: boolean;
  /**
   * `items` (the default): the body runs for each t in [0, total). `groups`: once per work item
   * of the workgroups launched, `workgroup` items each, with `gid` (the item's index), `lid`
   * (its index in its group), `group` and `gsize` (the items launched) in scope.
   */
  readonly grid?: "items" | "groups";
  /** Arrays a workgroup shares, by name: their entries' type and length. */
  readonly shared?: Readonly<
    Record<string, { readonly type: "real" | "int"; readonly size: number }>
  >;
}

/** What differs between the device languages, as a template's body writes it. */
export interface Lang extends UintLang {
  /** Which language: for the rare line only one of them needs. */
  readonly dialect: "wgsl" | "c";
  /** `name` ← value, an integer, fixed. */
  int(name: string, value: string): string;
  /** `name` ← value, a real, fixed. */
  real(name: string, value: string): string;
  /** `name` ← value, a boolean, fixed. */
  bool(name: string, value: string): string;
  /** An integer variable. */
  intVar(name: string, value: string): string;
  /** A real variable. */
  realVar(name: string, value: string): string;
  /** An unsigned 32-bit variable. */
  uintVar(name: string, value: string): string;
  /** An integer as a real. */
  toReal(e: string): string;
  /** A real (or unsigned) as an integer, truncated. */
  toInt(e: string): string;
  /** An integer as an unsigned 32-bit one (its low bits). */
  toUint(e: string): string;
  /** A real literal. */
  r(v: number): string;
  /** −∞ as a real. */
  readonly negInf: string;
  /** c ? t : f — both sides evaluated on WebGPU, so both must be safe to compute. */
  select(c: string, t: string, f: string): string;
  /** The smaller and the larger of two integers. */
  min(a: string, b: string): string;
  max(a: string, b: string): string;
  /** |x| of a real. */
  abs(x: string): string;
  /**
   * `body` for each r_ in [from, to), with `names` the digits of r_ over `extents` (row-major,
   * the first unbounded) as integer variables, carried rather than divided at every term. The
   * body must not `continue`.
   */
  walk(
    names: readonly string[],
    extents: readonly string[],
    from: string,
    to: string,
    body: string,
  ): string;
  /** The entry of operand `name` at the indices its kind takes: an expression to read or assign. */
  at(name: string, ...indices: string[]): string;
  /** A wide real (see `ScalarType`), fixed. */
  wide(name: string, value: string): string;
  /** An integer, unsigned or real as a wide real. */
  toWide(e: string): string;
  /** A wide real as a real. */
  fromWide(e: string): string;
  /** An expression of the elementwise table over reals `xv`, `yv` and the real scalars p0…p3. */
  expr(e: Expr): string;
  /** Waits for every work item of the workgroup, and for its writes to shared arrays. */
  barrier(): string;
  /** The largest integer an index variable holds. */
  readonly intMax: string;
}

/**
 * Unsigned 32-bit arithmetic that wraps, as counter-based random numbers need it: the part of
 * the language JavaScript renders too (js/philox.ts).
 */
export interface UintLang {
  /** `name` ← value, an unsigned 32-bit integer, fixed. */
  uint(name: string, value: string): string;
  /** `body` for each integer `i` in [from, to), by `step` (1 when left out). */
  for(i: string, from: string, to: string, body: string, step?: string): string;
  /** An unsigned literal. */
  ulit(v: number): string;
  /** The high 32 bits of the 64-bit product of two unsigned 32-bit integers. */
  mulhi(a: string, b: string): string;
  /** The low 32 bits of a product. */
  umul(a: string, b: string): string;
  /** The exclusive or of unsigned integers. */
  uxor(...xs: string[]): string;
  /** A sum, modulo 2³². */
  uadd(a: string, b: string): string;
}

/** A family of templates made once per variant (a pass, a kind, a flag) and kept. */
export function variants<K extends string | number | boolean>(
  make: (k: K) => KernelTemplate,
): (k: K) => KernelTemplate {
  const made = new Map<K, KernelTemplate>();
  return (k) => {
    let t = made.get(k);
    if (t === undefined) made.set(k, t = make(k));
    return t;
  };
}

/** Declares a template (the identity, typed). */
export const kernel = (t: KernelTemplate): KernelTemplate => t;

/** The five strides of a tensor as templates address it: n, c, then three spatial. */
export const TENSOR_STRIDES = 5;

/** Operand declarations, briefly. */
export const matrix = (written = false): OperandDecl => ({ kind: "matrix", written });
export const tensor = (written = false): OperandDecl => ({ kind: "tensor", written });
export const vector = (written = false): OperandDecl => ({ kind: "vector", written });
export const reals = (written = false): OperandDecl => ({ kind: "reals", written });
export const ints = (written = false): OperandDecl => ({ kind: "ints", written });

/** Scalar declarations for several names of one type. */
export function scalars(type: ScalarType, names: readonly string[]): Record<string, ScalarType> {
  return Object.fromEntries(names.map((n) => [n, type]));
}

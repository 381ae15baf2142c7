/**
 * The kernel templates (`../kernels/`) in WGSL, and the WebGPU runtime as a `KernelDevice`.
 * Each distinct buffer among a launch's operands is bound once (views of one buffer share a
 * binding, as WebGPU requires), and the compiled kernel is keyed by the template's key and that
 * binding. Scalars and the operands' offsets and strides travel in the parameter words: word 0
 * is the work item count, then each operand's words in declaration order, then the integer
 * scalars; the real scalars take the float words. The body sees each as a `let` of its name.
 *
 * @module
 */

import type { Operand, TensorOperand } from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { helpers, loopBudget, wgslDialect } from "./wgsl.ts";
import { specialWgsl, usesSpecial } from "./wgsl_special.ts";
import { type Dialect, emit } from "../../elementwise/emit.ts";
import type { Flat, KernelArgs, KernelDevice } from "../kernels/device.ts";
import { tensorWords } from "../kernels/device.ts";
import type { KernelTemplate, Lang, OperandKind } from "../kernels/template.ts";

/** Integer words: 96, the first the work item count. */
const U_WORDS = 96;
/** Float words: 32, the last kept 0 (wgsl.ts reads it as a zero the compiler cannot see). */
const F_WORDS = 31;

/** Words an operand of each kind takes: its offset and strides. */
const wordsOf: Record<OperandKind, number> = { matrix: 3, tensor: 6, vector: 2, reals: 0, ints: 0 };
/** The names of those words, after the operand's name. */
const suffixes: Record<OperandKind, readonly string[]> = {
  matrix: ["_o", "_r", "_c"],
  tensor: ["_o", "_0", "_1", "_2", "_3", "_4"],
  vector: ["_o", "_s"],
  reals: [],
  ints: [],
};

/** Where a template's parameters lie in the words. */
interface Layout {
  /** Per operand in order: its first word. */
  readonly operandWord: ReadonlyMap<string, number>;
  /** Per scalar: its word, integer or float. */
  readonly scalarWord: ReadonlyMap<string, { word: number; float: boolean }>;
}

const layouts = new WeakMap<KernelTemplate, Layout>();

/** WGSL's reserved words a template might pick for a name (the language reserves many more). */
const reserved = new Set([
  "from",
  "target",
  "type",
  "set",
  "get",
  "shared",
  "filter",
  "mod",
  "pass",
  "self",
  "of",
  "in",
  "as",
  "do",
  "use",
  "with",
  "where",
  "match",
  "new",
  "null",
  "static",
  "this",
  "yield",
  "move",
  "mut",
  "ref",
  "impl",
  "meta",
  "module",
  "macro",
  "layout",
  "premerge",
  "regardless",
]);

function layoutOf(t: KernelTemplate): Layout {
  let l = layouts.get(t);
  if (l !== undefined) return l;
  for (const name of [...Object.keys(t.operands), ...Object.keys(t.scalars)]) {
    if (reserved.has(name)) throw new TypeError(`kernel ${t.key}: WGSL reserves the name ${name}`);
  }
  let u = 1, f = 0;
  const operandWord = new Map<string, number>();
  for (const [name, d] of Object.entries(t.operands)) {
    operandWord.set(name, u);
    u += wordsOf[d.kind];
  }
  const scalarWord = new Map<string, { word: number; float: boolean }>();
  for (const [name, type] of Object.entries(t.scalars)) {
    const float = type === "real" || type === "wide";
    scalarWord.set(name, float ? { word: f++, float: true } : { word: u++, float: false });
  }
  if (u > U_WORDS || f > F_WORDS) {
    throw new RangeError(`webgpu: kernel ${t.key} takes ${u} integer and ${f} float words`);
  }
  l = { operandWord, scalarWord };
  layouts.set(t, l);
  return l;
}

const word = (array: "u" | "f", w: number) => `P.${array}[${w >> 2}][${w & 3}]`;

/** The elementwise table's WGSL, its parameters the template's scalars p0…p3. */
const templateDialect: Dialect = { ...wgslDialect, param: (i) => `p${i}` };

/** WGSL's side of the template language, over a launch's binding (`buffer` names each operand's). */
function wgslLang(t: KernelTemplate, buffer: (name: string) => string): Lang {
  const kinds = new Map(Object.entries(t.operands).map(([n, d]) => [n, d.kind]));
  return {
    dialect: "wgsl",
    int: (n, v) => `let ${n}: i32 = ${v};`,
    real: (n, v) => `let ${n}: f32 = ${v};`,
    bool: (n, v) => `let ${n}: bool = ${v};`,
    uint: (n, v) => `let ${n}: u32 = ${v};`,
    intVar: (n, v) => `var ${n}: i32 = ${v};`,
    realVar: (n, v) => `var ${n}: f32 = ${v};`,
    uintVar: (n, v) => `var ${n}: u32 = ${v};`,
    toReal: (e) => `f32(${e})`,
    toInt: (e) => `i32(${e})`,
    toUint: (e) => `u32(${e})`,
    r: (v) => Number.isInteger(v) ? `${v}.0` : `${v}`,
    negInf: "-inf_(0.0)",
    select: (c, a, b) => `select(${b}, ${a}, ${c})`,
    min: (a, b) => `min(${a}, ${b})`,
    max: (a, b) => `max(${a}, ${b})`,
    abs: (x) => `abs(${x})`,
    for: (i, from, to, body, step) =>
      `for (var ${i}: i32 = ${from}; ${i} < ${to}; ${
        step === undefined ? `${i}++` : `${i} += ${step}`
      }) { ${body} }`,
    walk(names, extents, from, to, body) {
      const last = names.length - 1;
      let decode = `var q_: i32 = r_;`;
      for (let k = last; k > 0; k--) {
        decode += ` var ${names[k]}: i32 = q_ % ${extents[k]}; q_ = q_ / ${extents[k]};`;
      }
      decode += ` var ${names[0]}: i32 = q_;`;
      let carry = `${names[0]} += 1;`;
      for (let k = 1; k <= last; k++) {
        carry = `${names[k]} += 1; if (${names[k]} == ${extents[k]}) { ${names[k]} = 0; ${carry} }`;
      }
      return `{ var r_: i32 = ${from}; let end_: i32 = ${to}; ${decode}
    loop {
      if (r_ >= end_) { break; }
      ${body}
      continuing { r_ += 1; ${carry} }
    } }`;
    },
    at(name, ...ix) {
      if (t.shared?.[name] !== undefined) return `${name}[${ix[0]}]`;
      const kind = kinds.get(name);
      const b = buffer(name);
      switch (kind) {
        case "matrix":
          return `${b}[${name}_o + (${ix[0]}) * ${name}_r + (${ix[1]}) * ${name}_c]`;
        case "tensor":
          return `${b}[${name}_o + (${ix[0]}) * ${name}_0 + (${ix[1]}) * ${name}_1 + (${
            ix[2]
          }) * ${name}_2 + (${ix[3]}) * ${name}_3 + (${ix[4]}) * ${name}_4]`;
        case "vector":
          return `${b}[${name}_o + (${ix[0]}) * ${name}_s]`;
        case "reals":
        case "ints":
          return `${b}[${ix[0]}]`;
        default:
          throw new TypeError(`kernel ${t.key}: no operand ${name}`);
      }
    },
    mulhi: (a, b) => `mulhi_(${a}, ${b})`,
    ulit: (v) => `${v >>> 0}u`,
    umul: (a, b) => `(${a} * ${b})`,
    uxor: (...xs) => `(${xs.join(" ^ ")})`,
    uadd: (a, b) => `(${a} + ${b})`,
    wide: (n, v) => `let ${n}: f32 = ${v};`,
    toWide: (e) => `f32(${e})`,
    fromWide: (e) => e,
    expr: (e) => emit(e, templateDialect),
    barrier: () => "workgroupBarrier();",
    intMax: "2147483647",
  };
}

const mulhi = `
fn mulhi_(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu; let a1 = a >> 16u; let b0 = b & 0xffffu; let b1 = b >> 16u;
  let m1 = a1 * b0 + ((a0 * b0) >> 16u);
  let m2 = a0 * b1 + (m1 & 0xffffu);
  return a1 * b1 + (m1 >> 16u) + (m2 >> 16u);
}`;

/** A launch's buffers, each bound once. */
interface Binding {
  readonly buffers: GPUBuffer[];
  readonly writable: boolean[];
  readonly ints: boolean[];
  /** Each operand's slot, by name. */
  readonly slot: ReadonlyMap<string, number>;
  readonly key: string;
}

function bufferOf(arg: unknown): GPUBuffer {
  const a = arg as { storage?: { buffer: unknown }; buffer?: unknown };
  return (a.storage !== undefined ? a.storage.buffer : a.buffer) as GPUBuffer;
}

function bind(t: KernelTemplate, args: KernelArgs): Binding {
  const buffers: GPUBuffer[] = [], writable: boolean[] = [], ints: boolean[] = [];
  const slot = new Map<string, number>();
  for (const [name, d] of Object.entries(t.operands)) {
    const arg = args[name];
    if (arg === undefined || typeof arg === "number") {
      throw new TypeError(`kernel ${t.key}: operand ${name} is missing`);
    }
    const b = bufferOf(arg);
    let s = buffers.indexOf(b);
    if (s < 0) {
      s = buffers.push(b) - 1;
      writable.push(false);
      ints.push(d.kind === "ints");
    } else if (ints[s] !== (d.kind === "ints")) {
      throw new TypeError(`kernel ${t.key}: one buffer bound as reals and as integers`);
    }
    if (d.written) writable[s] = true;
    slot.set(name, s);
  }
  const key = `${[...slot.values()].join(",")}/${writable.map(Number).join("")}`;
  return { buffers, writable, ints, slot, key };
}

/** The WGSL of a template over a binding. */
function render(t: KernelTemplate, b: Binding): string {
  const layout = layoutOf(t);
  const l = wgslLang(t, (name) => `b${b.slot.get(name)}`);
  const wg = t.workgroup ?? 64;
  const decls = b.writable.map((w, s) =>
    `@group(0) @binding(${s + 1}) var<storage, ${w ? "read_write" : "read"}> b${s}: array<${
      b.ints[s] ? "i32" : "f32"
    }>;`
  );
  const lets: string[] = [];
  for (const [name, d] of Object.entries(t.operands)) {
    const w0 = layout.operandWord.get(name)!;
    suffixes[d.kind].forEach((sfx, k) =>
      lets.push(`let ${name}${sfx} = bitcast<i32>(${word("u", w0 + k)});`)
    );
  }
  for (const [name, type] of Object.entries(t.scalars)) {
    const { word: w, float } = layout.scalarWord.get(name)!;
    lets.push(
      float
        ? `let ${name} = ${word("f", w)};`
        : type === "uint"
        ? `let ${name} = ${word("u", w)};`
        : `let ${name} = bitcast<i32>(${word("u", w)});`,
    );
  }
  const shared = Object.entries(t.shared ?? {}).map(([name, a]) =>
    `var<workgroup> ${name}: array<${a.type === "int" ? "i32" : "f32"}, ${a.size}>;`
  );
  const body = t.grid === "groups"
    ? `let gid = i32(gid3.x); let lid = i32(lid3.x); let group = i32(wid3.x);
  let gsize = i32(nw.x) * ${wg};
  ${t.body(l)}`
    : `for (var t: i32 = i32(gid3.x); t < total; t += i32(nw.x) * ${wg}) {
    ${t.body(l)}
  }`;
  return `struct Params { u: array<vec4<u32>, 24>, f: array<vec4<f32>, 8> }
@group(0) @binding(0) var<uniform> P: Params;
${decls.join("\n")}
${shared.join("\n")}
${helpers}${usesSpecial(body) ? specialWgsl : ""}${mulhi}
${t.functions?.(l) ?? ""}
@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) gid3: vec3u, @builtin(local_invocation_id) lid3: vec3u,
        @builtin(workgroup_id) wid3: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let total = bitcast<i32>(${word("u", 0)});
  ${lets.join("\n  ")}
  ${body}
}`;
}

/** Writes a launch's words: the count, the operands' offsets and strides, the scalars. */
function fill(t: KernelTemplate, args: KernelArgs, total: number, u: Uint32Array, f: Float32Array) {
  const layout = layoutOf(t);
  u[0] = total;
  for (const [name, d] of Object.entries(t.operands)) {
    const w = layout.operandWord.get(name)!, a = args[name];
    if (d.kind === "matrix") {
      const o = a as Operand;
      u[w] = o.offset;
      u[w + 1] = o.rowStride;
      u[w + 2] = o.colStride;
    } else if (d.kind === "tensor") {
      tensorWords(a as TensorOperand).forEach((v, k) => u[w + k] = v);
    } else if (d.kind === "vector") {
      const v = a as TensorOperand;
      u[w] = v.offset;
      u[w + 1] = v.strides[0] ?? 0;
    }
  }
  for (const [name, s] of layout.scalarWord) {
    const v = args[name];
    if (typeof v !== "number") throw new TypeError(`kernel ${t.key}: scalar ${name} is missing`);
    if (s.float) f[s.word] = v;
    else u[s.word] = v;
  }
}

/** The WebGPU runtime as a device the templates' plans run on. */
export function webgpuDevice(rt: Runtime): KernelDevice {
  return {
    realBytes: 4,
    get maxBytes() {
      return rt.limits.maxBuffer;
    },
    get budget() {
      return loopBudget.iterations;
    },
    turns: (outputs, wg) => Math.max(1, Math.ceil(outputs / (rt.groups(outputs, wg) * wg))),
    run(t, args, total) {
      if (total === 0) return;
      const b = bind(t, args);
      const kernel = rt.kernel(`${t.key}|${b.key}`, b.writable, () => render(t, b));
      const wg = t.workgroup ?? 64;
      rt.dispatch(kernel, b.buffers, (p) => fill(t, args, total, p.u, p.f), [rt.groups(total, wg)]);
    },
    runGroups(t, args, groups) {
      const b = bind(t, args);
      const kernel = rt.kernel(`${t.key}|${b.key}`, b.writable, () => render(t, b));
      rt.dispatch(kernel, b.buffers, (p) => fill(t, args, 0, p.u, p.f), [groups]);
    },
    async readReals(from, at, count) {
      return await rt.read(from.buffer as GPUBuffer, at * 4, count * 4);
    },
    async readInts(from, at, count) {
      const r = await rt.read(from.buffer as GPUBuffer, at * 4, count * 4);
      return new Int32Array(r.buffer, r.byteOffset, count);
    },
    scratch(purpose, entries): Flat {
      return { buffer: rt.scratch(purpose, entries), entries };
    },
    writeInts(to, data) {
      const words = new Float32Array(data.buffer, data.byteOffset, data.length);
      rt.write(to.buffer as GPUBuffer, 0, words as Float32Array<ArrayBuffer>);
    },
  };
}

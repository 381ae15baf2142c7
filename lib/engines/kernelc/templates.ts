/**
 * The kernel templates (`../kernels/`) in C — OpenCL C and CUDA C alike, through the runtime's
 * prelude — and a C-kernel runtime as a `KernelDevice`. Each operand travels as its buffer and
 * then its offset and strides, each scalar as itself, and last the work item count; the body
 * sees them by name.
 *
 * @module
 */

import type { Operand, TensorOperand } from "../../core/engine.ts";
import type { DeviceBuffer, KernelArg, KernelRuntime } from "./runtime.ts";
import { items, loopBudget, scratchFor } from "./loops.ts";
import type { Flat, KernelArgs, KernelDevice } from "../kernels/device.ts";
import { tensorWords } from "../kernels/device.ts";
import type { KernelTemplate, Lang, OperandKind } from "../kernels/template.ts";
import { type Dialect, emit } from "../../elementwise/emit.ts";

/** C (OpenCL C and CUDA C alike) for the elementwise table, over `xv`, `yv` and `p0…p3`. */
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
    gamma: (a) => `tgamma_(${a})`,
    lgamma: (a) => `lgamma_(${a})`,
    trunc: (a) => `trunc_(${a})`,
    frac: (a) => `frac_(${a})`,
    cdfNorm: (a) => `cdfNorm_(${a})`,
  },
  fn2: (fn, a, b) => `${fn}_(${a}, ${b})`,
  ifPositive: (c, t, e) => `gt0_(${c}, ${t}, ${e})`,
};

/** The parameters each operand kind takes. */
const params: Record<OperandKind, (n: string) => string> = {
  matrix: (n) => `GLOBAL T* ${n}, long ${n}_o, long ${n}_r, long ${n}_c`,
  tensor: (n) =>
    `GLOBAL T* ${n}, long ${n}_o, long ${n}_0, long ${n}_1, long ${n}_2, long ${n}_3, long ${n}_4`,
  vector: (n) => `GLOBAL T* ${n}, long ${n}_o, long ${n}_s`,
  reals: (n) => `GLOBAL T* ${n}`,
  ints: (n) => `GLOBAL int* ${n}`,
};

/** C's side of the template language. */
export function cLang(t: KernelTemplate): Lang {
  const kinds = new Map(Object.entries(t.operands).map(([n, d]) => [n, d.kind]));
  return {
    dialect: "c",
    int: (n, v) => `long ${n} = ${v};`,
    real: (n, v) => `T ${n} = ${v};`,
    bool: (n, v) => `bool ${n} = ${v};`,
    uint: (n, v) => `uint ${n} = ${v};`,
    intVar: (n, v) => `long ${n} = ${v};`,
    realVar: (n, v) => `T ${n} = ${v};`,
    uintVar: (n, v) => `uint ${n} = ${v};`,
    toReal: (e) => `((T)(${e}))`,
    toInt: (e) => `((long)(${e}))`,
    toUint: (e) => `((uint)(${e}))`,
    r: (v) => `((T)${Number.isInteger(v) ? v.toFixed(1) : String(v)})`,
    negInf: "(-(T)INFINITY)",
    select: (c, a, b) => `((${c}) ? (${a}) : (${b}))`,
    min: (a, b) => `((${a}) < (${b}) ? (${a}) : (${b}))`,
    max: (a, b) => `((${a}) > (${b}) ? (${a}) : (${b}))`,
    abs: (x) => `fabs(${x})`,
    for: (i, from, to, body, step) =>
      `for (long ${i} = ${from}; ${i} < ${to}; ${
        step === undefined ? `${i}++` : `${i} += ${step}`
      }) { ${body} }`,
    walk(names, extents, from, to, body) {
      const last = names.length - 1;
      let decode = "long q_ = r_;";
      for (let k = last; k > 0; k--) {
        decode += ` long ${names[k]} = q_ % ${extents[k]}; q_ /= ${extents[k]};`;
      }
      decode += ` long ${names[0]} = q_;`;
      let carry = `++${names[0]};`;
      for (let k = 1; k <= last; k++) {
        carry = `if (++${names[k]} == ${extents[k]}) { ${names[k]} = 0; ${carry} }`;
      }
      return `{ long r_ = ${from}; const long end_ = ${to};
    if (r_ < end_) { ${decode}
      for (; r_ < end_; r_++) {
        ${body}
        ${carry}
      }
    } }`;
    },
    at(name, ...ix) {
      if (t.shared?.[name] !== undefined) return `${name}[${ix[0]}]`;
      switch (kinds.get(name)) {
        case "matrix":
          return `${name}[${name}_o + (${ix[0]}) * ${name}_r + (${ix[1]}) * ${name}_c]`;
        case "tensor":
          return `${name}[${name}_o + (${ix[0]}) * ${name}_0 + (${ix[1]}) * ${name}_1 + (${
            ix[2]
          }) * ${name}_2 + (${ix[3]}) * ${name}_3 + (${ix[4]}) * ${name}_4]`;
        case "vector":
          return `${name}[${name}_o + (${ix[0]}) * ${name}_s]`;
        case "reals":
        case "ints":
          return `${name}[${ix[0]}]`;
        default:
          throw new TypeError(`kernel ${t.key}: no operand ${name}`);
      }
    },
    mulhi: (a, b) => `MULHI(${a}, ${b})`,
    ulit: (v) => `${v >>> 0}u`,
    umul: (a, b) => `(${a} * ${b})`,
    uxor: (...xs) => `(${xs.join(" ^ ")})`,
    uadd: (a, b) => `(${a} + ${b})`,
    wide: (n, v) => `W ${n} = ${v};`,
    toWide: (e) => `((W)(${e}))`,
    fromWide: (e) => `((T)(${e}))`,
    expr: (e) => emit(e, cDialect),
    barrier: () => "SYNC;",
    intMax: "2147483647",
  };
}

/** The C source of a template on a runtime. */
export function renderC(rt: KernelRuntime, t: KernelTemplate): string {
  const l = cLang(t);
  const wide = t.wide === true && rt.info.fp64;
  const list = [
    ...Object.entries(t.operands).map(([n, d]) => params[d.kind](n)),
    ...Object.entries(t.scalars).map(([n, type]) =>
      `${type === "int" ? "long" : type === "uint" ? "uint" : type === "wide" ? "W" : "T"} ${n}`
    ),
    "long total",
  ];
  const shared = Object.entries(t.shared ?? {}).map(([name, a]) =>
    `SHARED ${a.type === "int" ? "int" : "T"} ${name}[${a.size}];`
  );
  const body = t.grid === "groups"
    ? `long gid = GID; long lid = LID; long group = GROUP; long gsize = GSIZE;
  ${shared.join(" ")}
  ${t.body(l)}`
    : `for (long t = GID; t < total; t += GSIZE) {
    ${t.body(l)}
  }`;
  return `${rt.prelude(wide)}
typedef ${wide ? "double" : "T"} W;
${t.functions?.(l) ?? ""}
${t.grid === "groups" ? `WG_KERNEL(${t.workgroup ?? 64})` : "KERNEL"} k(${list.join(", ")}) {
  ${body}
}`;
}

/** A launch's arguments in the kernel's order. */
function argsOf(
  rt: KernelRuntime,
  t: KernelTemplate,
  args: KernelArgs,
  total: number,
): KernelArg[] {
  const wide = t.wide === true && rt.info.fp64;
  const out: KernelArg[] = [];
  for (const [name, d] of Object.entries(t.operands)) {
    const a = args[name];
    if (a === undefined || typeof a === "number") {
      throw new TypeError(`kernel ${t.key}: operand ${name} is missing`);
    }
    if (d.kind === "reals" || d.kind === "ints") {
      out.push((a as Flat).buffer as DeviceBuffer);
      continue;
    }
    const buffer = (a as Operand | TensorOperand).storage.buffer as DeviceBuffer;
    const words = d.kind === "matrix"
      ? [(a as Operand).offset, (a as Operand).rowStride, (a as Operand).colStride]
      : d.kind === "tensor"
      ? tensorWords(a as TensorOperand)
      : [(a as TensorOperand).offset, (a as TensorOperand).strides[0] ?? 0];
    out.push(buffer, ...words.map((v) => ({ long: v })));
  }
  for (const [name, type] of Object.entries(t.scalars)) {
    const v = args[name];
    if (typeof v !== "number") throw new TypeError(`kernel ${t.key}: scalar ${name} is missing`);
    out.push(
      type === "int"
        ? { long: v }
        : type === "uint"
        ? { int: v | 0 }
        : type === "wide" && wide
        ? { double: v }
        : { real: v },
    );
  }
  out.push({ long: total });
  return out;
}

/** A C-kernel runtime (OpenCL's, CUDA's) as a device the templates' plans run on. */
export function kernelDevice(rt: KernelRuntime): KernelDevice {
  return {
    realBytes: rt.double ? 8 : 4,
    get maxBytes() {
      return rt.info.maxAlloc;
    },
    get budget() {
      return loopBudget.iterations;
    },
    turns: (outputs) => Math.max(1, Math.ceil(outputs / Math.max(items(outputs), 1))),
    run(t, args, total) {
      if (total === 0) return;
      const kernel = rt.kernel(`t:${t.key}`, "k", () => renderC(rt, t));
      rt.launch(kernel, argsOf(rt, t, args, total), items(total));
    },
    runGroups(t, args, groups) {
      const kernel = rt.kernel(`t:${t.key}`, "k", () => renderC(rt, t));
      const wg = t.workgroup ?? 64;
      rt.launch(kernel, argsOf(rt, t, args, 0), groups * wg, wg);
    },
    async readReals(from, at, count) {
      const size = rt.double ? 8 : 4;
      const r = await rt.read(from.buffer as DeviceBuffer, at * size, count * size);
      return rt.double
        ? new Float64Array(r.buffer, r.byteOffset, count)
        : new Float32Array(r.buffer, r.byteOffset, count);
    },
    async readInts(from, at, count) {
      const r = await rt.read(from.buffer as DeviceBuffer, at * 4, count * 4);
      return new Int32Array(r.buffer, r.byteOffset, count);
    },
    scratch(purpose, entries, type = "real"): Flat {
      const bytes = entries * (type === "int" ? 4 : rt.double ? 8 : 4);
      return { buffer: scratchFor(rt, purpose, bytes), entries };
    },
    writeInts(to, data) {
      rt.write(to.buffer as DeviceBuffer, 0, data);
    },
  };
}

/**
 * The bfloat16 engine: host memory of 16-bit floats (float32's sign and exponent, 8 bits of
 * significand) that only transfers, copies, fills and float32 products read. It is a compact
 * store for inputs bfloat16 holds exactly — multi-hot 0/1, small integers — that the native
 * engine's products then stream at half the bytes. Every other operation throws a KnapError
 * naming it: the host cannot read the bits as numbers, so nothing may treat them as floats.
 *
 * @module
 */

import type { BlasEngine, Engine, HostOperand, Operand } from "../../core/engine.ts";
import type { DType, HostArray } from "../../core/types.ts";
import { KnapError } from "../../core/errors.ts";
import * as js from "../js/blas1.ts";
import { plan } from "../../core/walk.ts";
import { dnnl_bf16, dnnl_f32 } from "../../../ffi/dnnl.ts";
import type { NativeLibraries } from "./libraries.ts";
import { dnnlPrimitives, type Primitives } from "./primitives.ts";
import { nativeDnn } from "./dnn.ts";
import { pointerAt, strides } from "./operands.ts";

type DataType = typeof dnnl_f32 | typeof dnnl_bf16;

const word = new Float32Array(1);
const bits = new Uint32Array(word.buffer);

/**
 * The bfloat16 nearest the float32 with bits b (ties to even); NaN stays a quiet NaN, and
 * subnormals flush to a signed zero, as the float32 path's AVX-512 and AMX conversions do.
 */
function rounded(b: number): number {
  if ((b & 0x7fffffff) > 0x7f800000) return (b >>> 16) | 0x0040;
  if ((b & 0x7f800000) === 0) return (b >>> 16) & 0x8000;
  return (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
}

/**
 * The bfloat16 nearest v (ties to even): NaN stays a quiet NaN, ±∞ and overflow go to ±∞,
 * float32 subnormals to a signed zero.
 */
export function toBfloat16(v: number): number {
  word[0] = v;
  return rounded(bits[0]);
}

/** The float a bfloat16 bit pattern holds. */
export function fromBfloat16(h: number): number {
  bits[0] = h << 16;
  return word[0];
}

/** dst ← f(src) entry by entry, walking both operands' strides. */
function convert(
  src: Operand,
  dst: Operand,
  to: ArrayLike<number> & { [i: number]: number },
  from: ArrayLike<number>,
  f: (v: number) => number,
): void {
  const w = plan(dst, src);
  const { n1, n2, a1, a2, b1, b2 } = w;
  for (let j = 0; j < n2; j++) {
    let d = dst.offset + j * a2, s = src.offset + j * b2;
    for (let i = 0; i < n1; i++, d += a1, s += b1) to[d] = f(from[s]);
  }
}

const unsupported = (op: string) => (): never => {
  throw new KnapError(
    `${op}: bfloat16 structures (nativeBfloat16) take part only in transfers, copies, fills ` +
      "and products into float32 (mm_ with a nativeFloat output); transfer to nativeFloat first",
    "unsupported",
  );
};

const blas: BlasEngine = {
  dot: unsupported("dot"),
  sum: unsupported("sum"),
  asum: unsupported("asum"),
  nrm2: unsupported("nrm2"),
  nrm1: unsupported("nrm1"),
  nrmi: unsupported("nrmi"),
  iamax: unsupported("iamax"),
  iamin: unsupported("iamin"),
  imax: unsupported("imax"),
  imin: unsupported("imin"),
  // Bit patterns move as they are.
  copy: js.copy,
  swap: js.swap,
  scal: unsupported("scal"),
  axpby: unsupported("axpby"),
  fill: (x, v) => js.fill(x, toBfloat16(v)),
  gemv: unsupported("gemv"),
  ger: unsupported("ger"),
  gemm: unsupported("gemm"),
};

/**
 * The bfloat16 engine (its structures live in Uint16Arrays) over the native libraries: oneDNN
 * reorders convert to and from float32 (threaded; tutorial 21 converts IMDB's inputs with
 * them), js loops to and from float64.
 */
export function bfloat16Engine(libs: NativeLibraries): Engine {
  if (libs.dnnl === undefined) {
    throw new KnapError(
      `nativeBfloat16 needs oneDNN, which converts and multiplies bfloat16 (${libs.dnnlMissing})`,
      "missing-library",
    );
  }
  let prims: Primitives | undefined;
  const shape = (x: Operand) => `${x.rows}:${x.cols}:${x.rowStride}:${x.colStride}`;
  /** dst ← src through a oneDNN reorder between float32 and bfloat16 operands. */
  function reorder(src: Operand, dst: Operand, srcType: DataType, dstType: DataType): void {
    if (src.rows === 0 || src.cols === 0) return;
    prims ??= dnnlPrimitives(libs, 16);
    const md = (x: Operand, type: DataType) =>
      prims!.memoryDesc([x.rows, x.cols], strides(x), type);
    const r = prims.reorder(
      `${srcType}:${shape(src)}>${dstType}:${shape(dst)}`,
      md(src, srcType),
      md(dst, dstType),
    );
    prims.run(r, [
      pointerAt(src, "bfloat16 transfer: src"),
      pointerAt(dst, "bfloat16 transfer: dst"),
    ]);
  }
  // Layout changes and gathers only: they move bits; bfloat16 holds no numbers js could read.
  const { nn, dnn } = nativeDnn(libs, engine.blas, engine.math);
  return {
    ...engine,
    write,
    read,
    nn: { gatherColumns: nn.gatherColumns },
    dnn: { reorder: dnn.reorder },
  };

  function write(src: HostOperand, dst: Operand): void {
    if (src.storage.buffer instanceof Float32Array) reorder(src, dst, dnnl_f32, dnnl_bf16);
    else convert(src, dst, dst.storage.buffer as Uint16Array, src.storage.buffer, toBfloat16);
  }

  function read(src: Operand, dst: HostOperand): void {
    if (dst.storage.buffer instanceof Float32Array) reorder(src, dst, dnnl_bf16, dnnl_f32);
    else convert(src, dst, dst.storage.buffer, src.storage.buffer as Uint16Array, fromBfloat16);
  }
}

const engine: Engine = {
  name: "native-bfloat16",
  location: "host",
  collected: true,
  maxEntries: 2 ** 31 - 1,
  alloc(dtype: DType, length: number): Uint16Array {
    if (dtype !== "bfloat16") throw new TypeError(`native-bfloat16: cannot hold ${dtype}`);
    return new Uint16Array(length);
  },
  free: () => {},
  // The host cannot read bfloat16 as numbers: reading goes through `transfer`.
  hostArray: (): HostArray | undefined => undefined,
  write(src: HostOperand, dst: Operand): void {
    convert(src, dst, dst.storage.buffer as Uint16Array, src.storage.buffer, toBfloat16);
  },
  read(src: Operand, dst: HostOperand): void {
    convert(src, dst, dst.storage.buffer, src.storage.buffer as Uint16Array, fromBfloat16);
  },
  synchronize: (): Promise<void> => Promise.resolve(),
  blas,
  math: {
    map(op) {
      unsupported(op.name)();
    },
  },
  rng: { uniform: unsupported("uniform"), normal: unsupported("normal") },
};

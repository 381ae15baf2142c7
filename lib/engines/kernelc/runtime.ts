/**
 * What the C kernels need of a device runtime — OpenCL's or CUDA's: compiling a kernel from
 * source once, launching it with checked arguments, buffers, and the prelude that makes one
 * kernel source valid in both languages. The kernels (`kernels.ts`, `nn.ts`, `tensors.ts`) are
 * written once against macros (`KERNEL`, `GLOBAL`, `GID`, `GSIZE`, `SHARED`, `SYNC`, `FN`, …)
 * that each runtime's prelude defines for its language.
 *
 * @module
 */

/** A device buffer: its size, and the runtime's own handle beside it. */
export interface DeviceBuffer {
  /** Its size in bytes. */
  readonly bytes: number;
}

/** A kernel argument: a buffer, or a scalar of a C type. */
export type KernelArg =
  | DeviceBuffer
  | { readonly int: number }
  | { readonly long: number }
  | { readonly double: number }
  | { readonly real: number };

/** A device runtime as the C kernels use it. */
export interface KernelRuntime {
  /** Whether `T` is double. */
  readonly double: boolean;
  /** What the device is, and its largest allocation in bytes. */
  readonly info: { readonly fp64: boolean; readonly name: string; readonly maxAlloc: number };
  /**
   * The source header: the language's macros, `typedef … T`, and the NaN-keeping helpers;
   * `wide` also enables double arithmetic where the kernel uses it with a float `T`.
   */
  prelude(wide?: boolean): string;
  /** The kernel `name` of `source()`, compiled on first use of `key` and kept. */
  kernel(key: string, name: string, source: () => string): unknown;
  /** Launches `global` work items (in groups of `local`) with the arguments. */
  launch(kernel: unknown, args: readonly KernelArg[], global: number, local?: number): void;
  /** A zero-filled buffer. */
  buffer(bytes: number): DeviceBuffer;
  /** A buffer of the engine's own, freed with the runtime. */
  scratch(bytes: number): DeviceBuffer;
  /** Gives a buffer back once the queued work that uses it is done. */
  free(b: DeviceBuffer): void;
  /**
   * Host data into a buffer at a byte offset, queued after the work before it without waiting
   * for that work. `handoff`: the caller will not touch `data` again, so it need not be copied.
   */
  write(b: DeviceBuffer, at: number, data: ArrayBufferView, handoff?: boolean): void;
  /** Bytes of a buffer from a byte offset, once the queued work before has finished. */
  read(b: DeviceBuffer, at: number, bytes: number): Promise<Uint8Array<ArrayBuffer>>;
  /** Resolves when every queued command has finished. */
  synchronize(): Promise<void>;
}

/**
 * NaN in, NaN out, as JavaScript computes: C's fmax and fmin (and OpenCL's sign) drop NaN, and
 * pow(1, NaN) and pow(−1, ±∞) are 1 in C where JavaScript gives NaN.
 */
export const helpers = `
FN bool isnan_(T v) { return isnan(v); }
FN T nan_(T v) { return (T)NAN; }
FN T inf_(T v) { return (T)INFINITY; }
FN T sqrt_(T v) { return sqrt(v); }
FN T keep_(T r, T a) { return isnan(a) ? a : r; }
FN T max_(T a, T b) { return isnan(a) ? a : isnan(b) ? b : fmax(a, b); }
FN T min_(T a, T b) { return isnan(a) ? a : isnan(b) ? b : fmin(a, b); }
FN T gt0_(T c, T t, T e) { return isnan(c) ? c : (c > (T)0 ? t : e); }
FN T pow_(T x, T p) {
  if (p == (T)0) return (T)1;
  if (isnan(x) || isnan(p)) return x + p;
  if (fabs(x) == (T)1 && isinf(p)) return (T)NAN;
  return pow(x, p);
}
`;

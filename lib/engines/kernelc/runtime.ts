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
 * The rest of vect-math. A float kernel computes these in double where the device has it (CUDA
 * always, OpenCL with cl_khr_fp64), so each float result is the double one rounded: within an
 * ulp, where OpenCL allows a float erf or tgamma 16. The inverse error functions, which neither
 * OpenCL C nor C has, take Newton's method on erf, or on log erfc in the tail.
 */
const special = `
#ifdef cl_khr_fp64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
#if defined(cl_khr_fp64) || defined(__CUDACC__) || defined(__CUDACC_RTC__)
typedef double S_;
#define S_EPS 1e-16
#else
typedef T S_;
#define S_EPS 1e-7
#endif
#define S1_(f) FN T f##_(T a) { return (T)f((S_)a); }
S1_(tan) S1_(asin) S1_(acos) S1_(atan) S1_(sinh) S1_(cosh) S1_(asinh) S1_(acosh) S1_(atanh)
S1_(cbrt) S1_(log10) S1_(erf) S1_(erfc) S1_(tgamma) S1_(lgamma) S1_(trunc)
#define S2_(f, g) FN T f##_(T a, T b) { return (T)g((S_)a, (S_)b); }
S2_(atan2, atan2) S2_(hypot, hypot) S2_(fmod, fmod) S2_(frem, remainder) S2_(copysign, copysign)
FN T cdfNorm_(T v) { return (T)((S_)0.5 * erfc(-(S_)v * (S_)0.7071067811865476)); }
FN T frac_(T v) { return isinf(v) ? copysign((T)0, v) : copysign(v - trunc(v), v); }
FN S_ erfinv_half_(S_ y) {
  if (y == (S_)0) return y;
  S_ x = (S_)0.886226925452758 * y * ((S_)1 + (S_)0.2617993877991494 * y * y);
  for (int i = 0; i < 8; i++) {
    S_ f = erf(x) - y, df = (S_)1.1283791670955126 * exp(-x * x);
    S_ st = f / (df * ((S_)1 + x * f / df));
    x -= st;
    if (fabs(st) <= (S_)S_EPS * fabs(x)) break;
  }
  return x;
}
FN S_ erfcinv_s_(S_ q) {
  if (isnan(q) || q < (S_)0 || q > (S_)2) return (S_)NAN;
  if (q == (S_)0) return (S_)INFINITY;
  if (q == (S_)2) return -(S_)INFINITY;
  S_ s = (S_)1;
  if (q > (S_)1) { q = (S_)2 - q; s = (S_)-1; }
  if (q >= (S_)0.5) return s * erfinv_half_((S_)1 - q);
  S_ lq = log(q), x = sqrt(-lq);
  x = sqrt(fmax(-log(q * (S_)1.7724538509055159 * x), (S_)0.25));
  for (int i = 0; i < 30; i++) {
    S_ e = erfc(x), st = (log(e) - lq) / ((S_)-1.1283791670955126 * exp(-x * x) / e);
    x -= st;
    if (fabs(st) <= (S_)S_EPS * x) break;
  }
  return s * x;
}
FN T erfcInv_(T q) { return (T)erfcinv_s_((S_)q); }
FN T erfInv_(T y) {
  S_ v = (S_)y;
  if (isnan(v) || fabs(v) > (S_)1) return (T)NAN;
  if (fabs(v) <= (S_)0.5) return (T)erfinv_half_(v);
  return (T)copysign(erfcinv_s_((S_)1 - fabs(v)), v);
}
`;

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
${special}`;

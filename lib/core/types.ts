/**
 * Element types, layouts and memory locations shared by every structure and engine.
 *
 * @module
 */

/**
 * The element type of a structure: 32-bit or 64-bit IEEE floats, or bfloat16 — float32's
 * exponent with an 8-bit significand, a compact store for inputs it holds exactly (0/1
 * multi-hot, small integers) that products stream at half the bytes.
 */
export type DType = "float32" | "float64" | "bfloat16";

/** Where a matrix keeps consecutive entries: down a column (the default) or along a row. */
export type Layout = "column" | "row";

/**
 * Where a factory keeps its memory: `"host"` memory can be read directly from TypeScript;
 * `"device"` memory (a GPU's) can only be reached through `transfer`.
 */
export type Loc = "host" | "device";

/** A typed array that holds host data of either element type. */
export type HostArray = Float32Array | Float64Array;

/**
 * The typed array a dtype's values come to the host in: Float64Array for float64,
 * Float32Array for float32 (and bfloat16, which widens to it); either when the dtype is not
 * known.
 */
export type ArrayOf<D extends DType> = HostArrays[D];

/** The dtype a host copy of D has: bfloat16 comes back as float32. */
export type HostDType<D extends DType> = D extends "float64" ? "float64" : "float32";

/** The host typed array of each dtype, for {@linkcode ArrayOf}. */
export interface HostArrays {
  /** float32 entries. */
  float32: Float32Array;
  /** float64 entries. */
  float64: Float64Array;
  /** bfloat16 entries, widened to float32 on the host. */
  bfloat16: Float32Array;
}

/**
 * A scalar result: a plain number on the host, a promise of one on a device, where reading
 * a result back waits for the queued work.
 */
export type Scalar<L extends Loc> = L extends "host" ? number : Promise<number>;

/** The typed array that holds a dtype's values on the host (bfloat16 widens to float32). */
export function arrayType(dtype: DType): Float32ArrayConstructor | Float64ArrayConstructor {
  return dtype === "float64" ? Float64Array : Float32Array;
}

/** The name Neanderthal prints for a dtype. */
export function dtypeName(dtype: DType): "float" | "double" | "bfloat16" {
  return dtype === "float32" ? "float" : dtype === "float64" ? "double" : "bfloat16";
}

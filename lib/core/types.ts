/**
 * Element types, layouts and memory locations shared by every structure and engine.
 *
 * @module
 */

/** The element type of a structure: 32-bit or 64-bit IEEE floats. */
export type DType = "float32" | "float64";

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
 * A scalar result: a plain number on the host, a promise of one on a device, where reading
 * a result back waits for the queued work.
 */
export type Scalar<L extends Loc> = L extends "host" ? number : Promise<number>;

/** The typed array constructor for a dtype. */
export function arrayType(dtype: DType): Float32ArrayConstructor | Float64ArrayConstructor {
  return dtype === "float32" ? Float32Array : Float64Array;
}

/** The name Neanderthal prints for a dtype. */
export function dtypeName(dtype: DType): "float" | "double" {
  return dtype === "float32" ? "float" : "double";
}

/**
 * Memory and the view of it every engine routine takes: the two types the engine contracts
 * (`engine.ts`, `linalg_engine.ts`) share, apart so that neither imports the other.
 *
 * @module
 */

/** Memory owned by one engine; views share it. `released` is set once, when its owner is freed. */
export interface Storage {
  /** The engine's handle: a typed array on the host, a GPU buffer on a device. */
  readonly buffer: unknown;
  /** Its length in elements. */
  readonly length: number;
  /** True once the owning structure was released; any later use throws. */
  readonly released: boolean;
}

/**
 * What an engine sees of a vector or a matrix: entry (i, j) lies at
 * `offset + i * rowStride + j * colStride` of `storage.buffer`. A vector of dimension n with
 * stride s is an n×1 operand with `rowStride` s.
 */
export interface Operand {
  /** The memory. */
  readonly storage: Storage;
  /** Index of entry (0, 0) in the buffer. */
  readonly offset: number;
  /** Number of rows (a vector's dimension). */
  readonly rows: number;
  /** Number of columns (1 for a vector). */
  readonly cols: number;
  /** Distance in the buffer between entry (i, j) and (i + 1, j). */
  readonly rowStride: number;
  /** Distance in the buffer between entry (i, j) and (i, j + 1). */
  readonly colStride: number;
}

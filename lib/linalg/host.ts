/**
 * Where a device's matrices are decomposed: the best host engine of their dtype — native where
 * it loads (OpenBLAS's LAPACK), else js.
 *
 * @module
 */

import type { Factory } from "../core/factory.ts";
import type { DType } from "../core/types.ts";
import { defaultDouble, defaultFloat } from "../engines/registry.ts";

/** The default host factory of a dtype (float32 for float32 and bfloat16). */
export function lapackHost(dtype: DType): Factory<"host", "float32" | "float64"> {
  return dtype === "float64" ? defaultDouble() : defaultFloat();
}

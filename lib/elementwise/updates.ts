/**
 * The BLAS level-1 updates as elementwise expressions of x, y and the parameters, so a device
 * engine writes them with the same kernel generator as the table's functions.
 *
 * @module
 */

import { add, type Expr, mul, param, x, y } from "./expr.ts";

/** copy, scale (αx), axpy (αx + y), axpby (αx + βy) and fill (α). */
export const updates: Readonly<Record<"copy" | "scale" | "axpy" | "axpby" | "fill", Expr>> = {
  copy: x,
  scale: mul(param(0), x),
  axpy: add(mul(param(0), x), y),
  axpby: add(mul(param(0), x), mul(param(1), y)),
  fill: param(0),
};

/**
 * How a host loop walks up to three operands of one shape — the js engine's loops, the native
 * engine's slices, the communicator's runs: the inner loop follows the lead operand's smaller
 * stride, and operands that are all gapless collapse into one loop.
 *
 * @module
 */

import type { Operand } from "./engine.ts";

/** The current walk; one at a time (JavaScript runs one kernel at a time), reused to allocate nothing. */
export const walk = {
  n1: 0,
  n2: 0,
  a1: 0,
  a2: 0,
  b1: 0,
  b2: 0,
  c1: 0,
  c2: 0,
};

/** Plans a walk over lead (and b, c, of the same shape) into {@linkcode walk}. */
export function plan(lead: Operand, b: Operand = lead, c: Operand = lead): typeof walk {
  const byRows = lead.rows === 1 || (lead.cols !== 1 && lead.rowStride > lead.colStride);
  const w = walk;
  if (byRows) {
    w.n1 = lead.cols;
    w.n2 = lead.rows;
    w.a1 = lead.colStride;
    w.a2 = lead.rowStride;
    w.b1 = b.colStride;
    w.b2 = b.rowStride;
    w.c1 = c.colStride;
    w.c2 = c.rowStride;
  } else {
    w.n1 = lead.rows;
    w.n2 = lead.cols;
    w.a1 = lead.rowStride;
    w.a2 = lead.colStride;
    w.b1 = b.rowStride;
    w.b2 = b.colStride;
    w.c1 = c.rowStride;
    w.c2 = c.colStride;
  }
  // No entries: no iterations either, however long the other dimension.
  if (w.n1 === 0 || w.n2 === 0) {
    w.n1 = 0;
    w.n2 = 0;
  } else if (
    w.n2 > 1 && w.a2 === w.a1 * w.n1 && w.b2 === w.b1 * w.n1 && w.c2 === w.c1 * w.n1
  ) {
    w.n1 *= w.n2;
    w.n2 = 1;
  }
  return w;
}

/**
 * Planners for primitives with nothing to plan ahead: the work itself, deferred to the plan's
 * run, so a kernel or loop that checks and launches in one call still meets the engine
 * contract's plan-then-run shape.
 *
 * @module
 */

import type { Plan } from "../core/engine.ts";

/**
 * The planner whose plans run `work` on the operands they were planned for.
 *
 * @example
 * ```ts
 * import { deferred } from "./planning.ts";
 * let runs = 0;
 * const plan = deferred((n: number) => void (runs += n))(2);
 * plan();
 * plan();
 * if (runs !== 4) throw new Error();
 * ```
 */
export function deferred<A extends unknown[]>(work: (...args: A) => void): (...args: A) => Plan {
  return (...args) => () => work(...args);
}

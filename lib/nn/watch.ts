/**
 * Watching training for a cost that is no longer a number: a NaN or ∞ cost means every later
 * epoch learns nothing, so training stops there with an error naming the epoch — on the host at
 * once; on a device at the first epoch and then at least once a second (each reading
 * waits for the device).
 *
 * @module
 */

import { KnapError } from "../core/errors.ts";

/** How often a device's cost is read just to check it, in milliseconds. */
const DEVICE_CHECK_MS = 1000;

/** When to read the cost, and the check made on it. */
export class CostWatch {
  readonly #op: string;
  readonly #on: boolean;
  readonly #host: boolean;
  #checked = -Infinity; // the first epoch is always checked: bad data shows at once

  /**
   * @param op the public function, for the error
   * @param on whether to check at all (`checkFinite`)
   * @param host whether costs are numbers now (host) or promises (device)
   */
  constructor(op: string, on: boolean, host: boolean) {
    this.#op = op;
    this.#on = on;
    this.#host = host;
  }

  /** Whether this epoch's cost must be read for the check alone. */
  due(): boolean {
    if (!this.#on) return false;
    return this.#host || performance.now() - this.#checked >= DEVICE_CHECK_MS;
  }

  /** Throws a KnapError when a checked cost is not finite; returns the cost. */
  check(cost: number, epoch: number, epochs: number, eta: number): number {
    this.#checked = performance.now();
    if (this.#on && !Number.isFinite(cost)) {
      throw new KnapError(
        `${this.#op}: the cost is ${cost} at epoch ${epoch} of ${epochs} (η = ${eta}); the ` +
          "learning rate may be too large, or the data may hold NaN or ∞. Pass " +
          "{ checkFinite: false } to train on regardless",
        "non-finite-cost",
      );
    }
    return cost;
  }
}

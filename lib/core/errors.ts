/**
 * knap's own error type, for failures that are neither a bad shape (RangeError) nor a wrong
 * kind of argument (TypeError): released memory, a missing or failing library.
 *
 * @module
 */

/**
 * An error raised by knap itself: use of released memory, or a native library's failure
 * (with the library's own code in {@linkcode KnapError.code}).
 *
 * @example Catching use after release
 * ```ts
 * import { dv, KnapError, nrm2 } from "@knap/knap";
 * const x = dv(3, 4);
 * x[Symbol.dispose]();
 * let caught = false;
 * try { nrm2(x); } catch (e) { caught = e instanceof KnapError; }
 * if (!caught) throw new Error("expected a KnapError");
 * ```
 */
export class KnapError extends Error {
  /** A short machine-readable reason, such as `"released"` or a library status code. */
  readonly code: string;

  /**
   * An error with a reason code.
   *
   * @param message what went wrong, naming the operation
   * @param code a short machine-readable reason
   */
  constructor(message: string, code: string) {
    super(message);
    this.name = "KnapError";
    this.code = code;
  }
}

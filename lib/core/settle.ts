/**
 * Results that arrive later, as the public API hands them out: a failure on the way — a device
 * lost, a factory released while a read was pending — becomes a KnapError naming the public op,
 * and a result nobody awaits cannot end the process with an unhandled rejection.
 *
 * @module
 */

import type { Deferred } from "./engine.ts";
import { KnapError } from "./errors.ts";

/** A KnapError naming `op` for whatever went wrong while a device result was on its way. */
function asKnapError(op: string, e: unknown): KnapError {
  if (e instanceof KnapError) {
    return e.message.startsWith(`${op}:`) ? e : new KnapError(`${op}: ${e.message}`, e.code);
  }
  const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new KnapError(
    `${op}: the device was lost or its factory released before the result arrived (${why})`,
    "device-lost",
  );
}

/**
 * `v` itself when it is a value; when it is a promise, one whose rejection is a KnapError
 * naming `op`, already marked as handled — awaiting it still throws, leaving it is harmless.
 */
export function settle<T>(op: string, v: Deferred<T>): Deferred<T> {
  if (!(v instanceof Promise)) return v;
  const p = v.then(undefined, (e: unknown) => {
    throw asKnapError(op, e);
  });
  p.catch(() => {});
  return p;
}

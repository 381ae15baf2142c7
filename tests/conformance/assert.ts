/** Small assertions, so the suite needs no JSR package (JSR is not reachable from CI). */

/** Throws unless cond holds. */
export function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

/** Deep equality through JSON, enough for numbers and arrays of them (NaN compares as null). */
export function assertEquals(actual: unknown, expected: unknown, msg = ""): void {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${msg ? msg + ": " : ""}got ${a}, expected ${e}`);
}

/** Throws unless fn throws an instance of type whose message includes every fragment. */
export function assertThrows(
  fn: () => unknown,
  type: new (...args: never[]) => Error,
  ...fragments: string[]
): Error {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof type)) throw new Error(`expected ${type.name}, got ${String(e)}`);
    for (const frag of fragments) {
      if (!e.message.includes(frag)) throw new Error(`message "${e.message}" lacks "${frag}"`);
    }
    return e;
  }
  throw new Error(`expected ${type.name}, nothing was thrown`);
}

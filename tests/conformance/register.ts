/**
 * Where the conformance suites register their tests: `Deno.test` in Deno, or a registrar a web
 * page installs to run the same suites in a browser (`web/tests/conformance_page.ts`).
 */

/** A test's body. */
export type TestBody = () => void | Promise<void>;

/** Takes a test's name and body. */
export type Registrar = (name: string, fn: TestBody) => void;

let registrar: Registrar | undefined;

/** Sends the suites' tests to r instead of Deno.test (undefined restores Deno.test). */
export function useRegistrar(r: Registrar | undefined): void {
  registrar = r;
}

/** Registers a test. */
export function test(name: string, fn: TestBody): void {
  if (registrar !== undefined) registrar(name, fn);
  else Deno.test(name, fn);
}

/** An environment variable in Deno; undefined in a web page. */
export function setting(name: string): string | undefined {
  return typeof Deno === "undefined" ? undefined : Deno.env.get(name);
}

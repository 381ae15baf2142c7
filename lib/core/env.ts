/**
 * Environment variables read only where the program may read them: an override knap looks for
 * (`KNAP_OPENBLAS`, `KNAP_THREADS`, …) must not turn a program run without `--allow-env` into a
 * permission error, or a prompt.
 *
 * @module
 */

/** The variable's value; undefined when it is unset or reading it is not permitted. */
export function envVar(name: string): string | undefined {
  return envReadable(name) ? Deno.env.get(name) : undefined;
}

/** Whether the program may read the variable. */
export function envReadable(name: string): boolean {
  return Deno.permissions.querySync({ name: "env", variable: name }).state === "granted";
}

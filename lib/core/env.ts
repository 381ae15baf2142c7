/**
 * Environment variables read only where the program may read them: an override knap looks for
 * (`KNAP_OPENBLAS`, `KNAP_THREADS`, …) must not turn a program run without `--allow-env` into a
 * permission error, or a prompt.
 *
 * @module
 */

import { deno } from "./runtime.ts";

/**
 * The variable's value; undefined when it is unset, reading it is not permitted, or the runtime
 * has no environment (a web page).
 */
export function envVar(name: string): string | undefined {
  return envReadable(name) ? Deno.env.get(name) : undefined;
}

/** Whether the program may read the variable (never in a web page). */
export function envReadable(name: string): boolean {
  return deno()?.permissions.querySync({ name: "env", variable: name }).state === "granted";
}

/**
 * The variable's value, asking for the permission to read it as Deno asks for files and the
 * network — where the program runs on a terminal and the permission is still to be decided —
 * so a variable the user set is not ignored in silence. Without a terminal, or refused, undefined.
 */
export function envAsk(name: string): string | undefined {
  if (envReadable(name)) return Deno.env.get(name);
  if (deno() === undefined) return undefined;
  const state = Deno.permissions.querySync({ name: "env", variable: name }).state;
  if (state !== "prompt" || !Deno.stdin.isTerminal()) return undefined;
  return Deno.permissions.requestSync({ name: "env", variable: name }).state === "granted"
    ? Deno.env.get(name)
    : undefined;
}

/**
 * A sentence naming the variables the program may not read, for an error that might have gone
 * otherwise with them; empty where it reads them all.
 */
export function unreadNote(names: readonly string[]): string {
  const unread = names.filter((n) => !envReadable(n));
  if (unread.length === 0) return "";
  return ` (knap could not read ${unread.join(" or ")}: run with --allow-env=${unread.join(",")} ` +
    `to use ${unread.length > 1 ? "them" : "it"})`;
}

/**
 * Finding and opening a native library: an explicit path from an environment variable first,
 * then the platform's usual names. A library that cannot be found is an error that names it
 * and the package that provides it.
 *
 * @module
 */

import { KnapError } from "../lib/core/errors.ts";
import { envReadable, envVar } from "../lib/core/env.ts";

/** Where to look for one library and what to tell a user who lacks it. */
export interface LibrarySpec {
  /** Human name: "OpenBLAS". */
  readonly name: string;
  /** Environment variable holding an explicit path: "KNAP_OPENBLAS". */
  readonly env: string;
  /** File names to try, per platform. */
  readonly names: Readonly<Partial<Record<typeof Deno.build.os, readonly string[]>>>;
  /** How to install it, per package manager. */
  readonly install: string;
}

/**
 * The paths tried for a library, in order: the environment variable's alone when it is set,
 * else the platform's names. `explicit` stands for the variable (null: as if unset).
 */
export function candidates(
  spec: LibrarySpec,
  os: typeof Deno.build.os = Deno.build.os,
  explicit: string | null = envVar(spec.env) ?? null,
): string[] {
  return explicit ? [explicit] : [...(spec.names[os] ?? [])];
}

/** Opens the first candidate that loads, or throws a KnapError listing what was tried. */
export function openLibrary<S extends Deno.ForeignLibraryInterface>(
  spec: LibrarySpec,
  symbols: S,
): Deno.DynamicLibrary<S> {
  const failures: string[] = [];
  for (const path of candidates(spec)) {
    try {
      return Deno.dlopen(path, symbols);
    } catch (e) {
      if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
        throw new KnapError(
          `${spec.name}: loading native libraries needs --allow-ffi (or -A)`,
          "permission",
        );
      }
      // Deno's message repeats its own prefix ("Could not open library: Could not open …").
      const why = (e as Error).message.split("\n")[0].replace(/^(Could not open library: )+/, "");
      failures.push(`${path}: ${why}`);
    }
  }
  const unread = envReadable(spec.env)
    ? ""
    : ` (knap could not read ${spec.env}: run with --allow-env=${spec.env})`;
  throw new KnapError(
    `${spec.name} was not found (tried ${failures.join("; ") || "no candidates"}). ` +
      `Install it (${spec.install}) or set ${spec.env} to the library's path${unread}.`,
    "missing-library",
  );
}

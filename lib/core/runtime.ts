/**
 * Which runtime knap runs in. Its core, networks and tensors need nothing from Deno; the native,
 * OpenCL, CUDA and MPI engines (FFI), files and environment variables do, and ask here first,
 * so that the same modules load and run in a web page, where they answer "not here".
 *
 * @module
 */

/** Deno's namespace where the program runs on Deno; undefined in a browser. */
export function deno(): typeof Deno | undefined {
  return typeof Deno === "undefined" ? undefined : Deno;
}

/** Why an engine that needs Deno's FFI does not run here: empty on Deno. */
export function ffiMissing(): string {
  const d = deno();
  if (d === undefined) return "this runtime is not Deno (a web page has no FFI)";
  return d.permissions.querySync({ name: "ffi" }).state === "granted"
    ? ""
    : "loading native libraries needs --allow-ffi (or -A)";
}

/**
 * Quiet driver start-up on Linux. Mesa's Vulkan drivers set up their window-system support
 * while the adapter is requested, and without `XDG_RUNTIME_DIR` Wayland's client library prints
 * "XDG_RUNTIME_DIR is invalid or not set" once per device — noise in a compute-only program,
 * about a variable it never needs. Where the variable is unset and knap may set it, it points
 * at a private empty folder made for this process (and removed at its exit); nothing is there
 * to connect to, so the drivers go on without a word.
 *
 * @module
 */

let settled = false;

/** Gives XDG_RUNTIME_DIR a private empty folder where it is unset, once per process. */
export function quietWindowSystem(): void {
  if (settled) return;
  settled = true;
  try {
    if (typeof Deno === "undefined" || Deno.build.os !== "linux") return;
    // Never prompt: a program that did not grant these keeps the drivers' message.
    const env = Deno.permissions.querySync({ name: "env", variable: "XDG_RUNTIME_DIR" });
    const write = Deno.permissions.querySync({ name: "write" });
    if (env.state !== "granted" || write.state !== "granted") return;
    if (Deno.env.get("XDG_RUNTIME_DIR")) return;
    const dir = Deno.makeTempDirSync({ prefix: "knap-runtime-" }); // mode 0700
    Deno.env.set("XDG_RUNTIME_DIR", dir);
    globalThis.addEventListener("unload", () => {
      try {
        Deno.removeSync(dir, { recursive: true });
      } catch {
        // Already gone, or the program's permissions changed: a small folder is left.
      }
    });
  } catch {
    // No permission API (a browser) or no temporary folder: the drivers say what they say.
  }
}

/**
 * Runs a script in a fresh Deno with oneDNN's verbose log on, so a test can see which
 * primitives a call really ran.
 */
import { assert } from "../conformance/assert.ts";

/** The script's standard output — oneDNN's log lines, then what it printed; throws if it failed. */
export async function withDnnlLog(script: string): Promise<{ log: string; last: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    env: { DNNL_VERBOSE: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  const log = new TextDecoder().decode(out.stdout);
  return { log, last: log.trim().split("\n").at(-1)! };
}

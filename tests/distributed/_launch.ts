/** Starting a test worker under `mpirun` (or alone), for the distributed tests. */

/** Whether mpirun is here. */
export const mpirun: boolean = await new Deno.Command("mpirun", {
  args: ["--version"],
  stdout: "null",
  stderr: "null",
})
  .output().then((o) => o.success, () => false);

const rootFlags = Deno.uid() === 0 ? ["--allow-run-as-root"] : [];

/** What a job printed, whether it succeeded, and how long it took. */
export interface Job {
  readonly ok: boolean;
  readonly text: string;
  readonly seconds: number;
}

/**
 * Runs `worker` with `args` as `processes` ranks over TCP on loopback (one process: without
 * mpirun); `thread` sets KNAP_MPI_THREAD=1.
 */
export async function launch(
  worker: string,
  args: readonly string[],
  processes: number,
  thread = false,
): Promise<Job> {
  const command = ["run", "-A", worker, ...args];
  const started = performance.now();
  const out = await new Deno.Command(processes === 1 ? Deno.execPath() : "mpirun", {
    args: processes === 1
      ? command
      : [...rootFlags, "--oversubscribe", "-np", String(processes), Deno.execPath(), ...command],
    stdout: "piped",
    stderr: "piped",
    env: {
      OMPI_MCA_btl: "self,tcp",
      OMPI_MCA_btl_tcp_if_include: "lo",
      ...(thread ? { KNAP_MPI_THREAD: "1" } : {}),
    },
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { ok: out.success, text, seconds: (performance.now() - started) / 1000 };
}

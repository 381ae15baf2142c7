/**
 * Ranks that disagree, and arguments that are wrong, never reach MPI: the one-process
 * communicator refuses exactly what the MPI one refuses (so a program tested alone fails the
 * same way under mpirun); every reduction op (sum, mean, max, min) gives the same numbers on both,
 * blocking and non-blocking; two ranks whose calls differ — lengths (which corrupted the heap),
 * dtypes, ops, roots, calls, one rank's own mistake, networks or epochs in training (which ended
 * in MPI_ERR_TRUNCATE) — fail on both ranks at once with a KnapError naming each rank and what
 * it gave; and ranks that would read their training costs in different epochs still agree.
 */
import { communicator } from "../../lib/distributed/mod.ts";
import { assert, assertEquals } from "../conformance/assert.ts";
import { launch, mpirun } from "./_launch.ts";

const worker = new URL("_agreement_worker.ts", import.meta.url).pathname;

/** What a worker wrote for `mode` as `who` (a rank, or "single"). */
async function written(dir: string, mode: string, who: string) {
  return JSON.parse(await Deno.readTextFile(`${dir}/${mode}-${who}.json`));
}

Deno.test("distributed: the one-process communicator refuses what the MPI one does", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const alone = await launch(worker, [dir, "refusals"], 1);
    assert(alone.ok, alone.text);
    const single = await written(dir, "refusals", "single");
    for (const [name, [kind, message]] of Object.entries(single.refusals) as [string, string[]][]) {
      assert(kind !== undefined, `${name} was accepted`);
      assert(message.length > 0, `${name}: no message`);
    }
    assertEquals(single.refusals["broadcast_ from root 5"], [
      "RangeError",
      "broadcast_: root 5 is not a rank of 1",
    ]);
    assertEquals(single.refusals["reduceNumber of a string"][0], "TypeError");
    assertEquals(single.refusals["allReduce_ of device memory"][0], "TypeError");
    // One process: every op is the value itself.
    for (const op of ["sum", "mean", "max", "min"]) {
      assertEquals(single.reduced[op], [0, 0, 2, 1, 1, 3], op);
    }
    if (!mpirun) return;
    const two = await launch(worker, [dir, "refusals"], 2);
    assert(two.ok, two.text);
    const [r0, r1] = [await written(dir, "refusals", "0"), await written(dir, "refusals", "1")];
    // The same class and message, but for the number of ranks a root must be below.
    const same = (m: string) => m.replace("not a rank of 2", "not a rank of 1");
    for (const [name, [kind, message]] of Object.entries(single.refusals) as [string, string[]][]) {
      for (const r of [r0, r1]) {
        assertEquals([r.refusals[name][0], same(r.refusals[name][1])], [kind, message], name);
      }
    }
    // Ranks 0 and 1 reduce [r, −r, 2], a 32 KB matrix of r + 1, and the number r + 3.
    const want: Record<string, number[]> = {
      sum: [1, -1, 4, 3, 3, 7],
      mean: [0.5, -0.5, 2, 1.5, 1.5, 3.5],
      max: [1, 0, 2, 2, 2, 4],
      min: [0, -1, 2, 1, 1, 3],
    };
    for (const op of Object.keys(want)) {
      assertEquals([r0.reduced[op], r1.reduced[op]], [want[op], want[op]], op);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("distributed: the one-process communicator checks agreement values too", () => {
  const comm = communicator();
  comm.agree("check", [1, 2, 3]);
  let error: unknown;
  try {
    comm.agree("check", [Infinity]);
  } catch (e) {
    error = e;
  }
  assert(error instanceof TypeError && error.message.includes("finite"), String(error));
});

Deno.test({
  name: "distributed: ranks that disagree fail together at once, each rank and what it gave named",
  ignore: !mpirun,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const job = await launch(worker, [dir, "mismatch"], 2);
      assert(job.ok, job.text);
      const [r0, r1] = [await written(dir, "mismatch", "0"), await written(dir, "mismatch", "1")];
      const names = (text: string) => text.includes("rank 0: ") && text.includes("rank 1: ");
      const expect: Record<string, string[]> = {
        lengths: ["5 float64 entries", "3 float64 entries"],
        dtypes: ["2 float64 entries", "2 float32 entries"],
        ops: ["(sum)", "(max)"],
        roots: ["from root 0", "from root 1"],
        calls: ["a barrier", "an all-reduce of a number"],
        "one rank's mistake": ["refused"],
        "large lengths": ["8192 float32 entries", "8320 float32 entries"],
        networks: ["parameters of 4×2", "parameters of 6×2"],
        epochs: ["epochs 2", "epochs 3"],
        "agreed values": ["[1, 0]", "[1, 1]"],
        "agreed counts": ["1 value;", "2 values"],
      };
      for (const [name, parts] of Object.entries(expect)) {
        for (const [rank, r] of [r0, r1].entries()) {
          const { error, seconds } = r.mismatch[name];
          assert(seconds < 5, `${name} on rank ${rank} took ${seconds} s`);
          // The rank whose own argument was wrong says so itself.
          if (name === "one rank's mistake" && rank === 1) {
            assertEquals(error, ["KnapError", "allReduce_: x (vector(1)) was released"]);
            continue;
          }
          assertEquals(error[0], "KnapError", `${name} on rank ${rank}: ${error}`);
          assert(names(error[1]) && error[1].includes("the ranks disagree"), error[1]);
          for (const p of parts) assert(error[1].includes(p), `${name}: "${p}" in ${error[1]}`);
        }
      }
      // Rank 0 read every epoch's cost (progress), rank 1 the last: the same weights still.
      assertEquals(r0.reads, r1.reads, "both ranks end with the same weights");
      assert(r0.reads.length === 17 && r0.reads.every(Number.isFinite), "trained");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

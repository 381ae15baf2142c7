/**
 * Data-parallel training on Open MPI: two ranks started by `mpirun` end with the same weights as
 * one process training on whole batches; a rank that fails stops the job with its error; a rank
 * that waits past its timeout says so — never a hang. Skipped with the reason where `mpirun` is
 * missing (Debian: apt install openmpi-bin).
 */
import { dv, KnapError, toArray } from "../../mod.ts";
import { communicator } from "../../lib/distributed/mod.ts";
import { assert, assertEquals } from "../conformance/assert.ts";
import { launch as launchWorker, mpirun } from "./_launch.ts";

if (!mpirun && (Deno.env.get("KNAP_REQUIRE_ENGINES") ?? "").split(",").includes("mpi")) {
  Deno.test("[mpi] required by KNAP_REQUIRE_ENGINES but mpirun is missing", () => {
    throw new Error("mpirun not found: apt install openmpi-bin");
  });
}
const worker = new URL("_train_worker.ts", import.meta.url).pathname;

/** A training run's cost and weights, as a worker writes them. */
type Run = { cost: number; weights: number[]; cnn: { cost: number; weights: number[] } };

const launch = (dir: string, mode: string, processes: number, thread = false) =>
  launchWorker(worker, [dir, mode], processes, thread);

Deno.test("distributed: not started by mpirun, the communicator is one process and loads no MPI", () => {
  const comm = communicator();
  assertEquals([comm.rank, comm.size, comm.mpi], [0, 1, false]);
  using x = dv([1, 2]);
  comm.allReduce_(x, "mean");
  comm.broadcast_(x);
  comm.barrier();
  assertEquals(Array.from(toArray(x)), [1, 2]);
  assertEquals(comm.reduceNumber(3), 3);
});

Deno.test({
  name:
    "distributed: two ranks under mpirun train dense and convolutional networks to one process's weights (bit for bit against two shards)",
  ignore: !mpirun,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const two = await launch(dir, "train", 2);
      assert(two.ok, two.text);
      const first = await Deno.readTextFile(`${dir}/0.json`);
      // Two ranks sum a + b whichever way: a second job, its large reductions on a thread of
      // their own this time (KNAP_MPI_THREAD=1), repeats the first bit for bit.
      const again = await launch(dir, "train", 2, true);
      assert(again.ok, again.text);
      assertEquals(await Deno.readTextFile(`${dir}/0.json`), first, "a second job, bit for bit");
      const single = await launch(dir, "train", 1);
      assert(single.ok, single.text);
      const read = async (n: string) => JSON.parse(await Deno.readTextFile(`${dir}/${n}.json`));
      const [r0, r1, one] = [await read("0"), await read("1"), await read("single")];
      assertEquals([r0.size, r1.size, one.size], [2, 2, 1]);
      assertEquals([r0.bigMean, r1.bigMean, one.bigMean], [true, true, true], "64 KB, averaged");
      assertEquals([r0.bigAgain, r1.bigAgain], [true, true], "the same reduction, started again");
      assertEquals(r0.refused.length, 2, `collectives on memory under way: ${r0.refused}`);
      assert(r0.refused.every((m: string) => m.includes("under way")), r0.refused.join("; "));
      assertEquals(r0.weights, r1.weights, "both ranks hold the same weights, bit for bit");
      assertEquals(r0.cost, r1.cost, "and report the same cost");
      r0.weights.forEach((w: number, i: number) =>
        assert(
          Math.abs(w - one.weights[i]) < 1e-12 * (1 + Math.abs(w)),
          `weight ${i}: ${w}, one process ${one.weights[i]}`,
        )
      );
      assert(Math.abs(r0.cost - one.cost) < 1e-12, `cost ${r0.cost}, one process ${one.cost}`);
      // One process of two shards sums every gradient as the two ranks do: the same bits.
      assertEquals(r0.exact, one.exact, "with dropout, two ranks = one process of two shards");
      assert(r0.exact.weights.length === 49 && r0.exact.weights.every(Number.isFinite));
      // Tensor layers too: a convolutional network's every parameter.
      assertEquals(r0.exactCnn, one.exactCnn, "a convolutional network: two ranks = two shards");
      assert(r0.exactCnn.weights.length === 58 && Number.isFinite(r0.exactCnn.cost));
      const [c0, c1, cOne] = [await read("cnn-0"), await read("cnn-1"), await read("cnn-single")];
      assertEquals(
        c0.weights,
        c1.weights,
        "a convolutional network: the same weights on both ranks",
      );
      // With batch normalization synchronized. (Adam moves the convolution's bias, whose true
      // gradient under batch normalization is 0, by its rounding noise: measured 2.5e-11.)
      c0.weights.forEach((w: number, i: number) =>
        assert(
          Math.abs(w - cOne.weights[i]) < 1e-10 * (1 + Math.abs(w)),
          `cnn weight ${i}: ${w}, one process ${cOne.weights[i]}`,
        )
      );
      // Batch normalization over each rank's share alone is another computation: the
      // comparison above would see it.
      const apart = c0.localBatchNorm.reduce(
        (most: number, w: number, i: number) => Math.max(most, Math.abs(w - cOne.weights[i])),
        0,
      );
      assert(apart > 1e-6, `per-rank batch statistics came within ${apart} of one process`);
      // Device engines, through host copies: two ranks against one process of two shards.
      assertEquals(Object.keys(r0.onDevices), Object.keys(one.onDevices));
      const required = (Deno.env.get("KNAP_REQUIRE_ENGINES") ?? "").split(",");
      for (const engine of ["webgpu", "opencl"]) {
        if (required.includes(engine)) assert(engine in r0.onDevices, `${engine} trained`);
      }
      for (const [engine, run] of Object.entries(r0.onDevices) as [string, Run][]) {
        const alone = one.onDevices[engine] as Run;
        assertEquals(run.weights, r1.onDevices[engine].weights, `${engine}: both ranks alike`);
        assert(run.weights.length === 49 && Number.isFinite(run.cost), `${engine}: trained`);
        // The host sums a + b in float32 as the device's axpy_ does (one rounding; ×½ exact).
        assert(run.cnn.weights.length === 58, `${engine}: a convolutional network trained`);
        assertEquals(run, alone, `${engine}: two ranks = one process in two shards, bit for bit`);
      }
      assertEquals(r0.tensorRefusals.length, Object.keys(r0.onDevices).length);
      for (const m of r0.tensorRefusals) assert(m.includes("host engines"), m);
      // Entries summed over two ranks; the gapped block's border untouched.
      const sum = (v: number) => 2 * v;
      assertEquals(r0.views, [
        ...[1, 2, 3, 4, 5, 6].map(sum),
        1,
        2,
        3,
        4,
        sum(5),
        sum(6),
        7,
        sum(8),
        sum(9),
      ], "a row-major matrix and a block with gaps");
      if (r0.device !== undefined) {
        assertEquals([r0.device, r1.device], [[3, 4], [3, 4]], "OpenCL vectors, summed over ranks");
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "distributed: a failing rank stops the job with its error; a timeout is an error, not a hang",
  ignore: !mpirun,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const failed = await launch(dir, "fail", 2);
      assert(!failed.ok && failed.text.includes("rank 1 fails on purpose"), failed.text);
      assert(failed.seconds < 30, `the job ended in ${failed.seconds.toFixed(1)} s`);
      const slow = await launch(dir, "slow", 2);
      assert(!slow.ok && slow.text.includes("waited 0.5 s for the others"), slow.text);
      assert(slow.seconds < 30, `the job ended in ${slow.seconds.toFixed(1)} s`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("distributed: a missing Open MPI names its packages", async () => {
  const { openMpi } = await import("../../ffi/mpi.ts");
  const before = Deno.env.get("KNAP_MPI");
  Deno.env.set("KNAP_MPI", "/nonexistent/libmpi.so");
  try {
    let e: unknown;
    try {
      openMpi();
    } catch (err) {
      e = err;
    }
    assert(e instanceof KnapError && String(e).includes("libopenmpi3"), String(e));
  } finally {
    if (before === undefined) Deno.env.delete("KNAP_MPI");
    else Deno.env.set("KNAP_MPI", before);
  }
});

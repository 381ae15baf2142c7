/**
 * Chapter 32 (beyond the book) — Data-parallel training on MPI.
 *
 * When one machine is not enough: `mpirun` starts the same program several times, each process
 * (a rank) holds the whole network, takes its share of every minibatch, and the gradients are
 * averaged across ranks before each step — so every rank ends with the weights one process would
 * have, from the same global batch and seed. Here chapter 18's Boston housing network, trained
 * data-parallel; rank 0 also trains the same network alone and compares — within rounding against
 * whole batches, and bit for bit against one process that splits each batch into the ranks' shares
 * and sums their gradients in rank order (`shards`).
 * Run: `mpirun -np 2 deno run -A tutorials/32_data_parallel.ts [--data=DIR] [--epochs=50]`
 * (Open MPI: `apt install openmpi-bin`; on several machines `mpirun --hostfile hosts -np 8 …`).
 * Started without mpirun it runs as one process.
 */
import { ge, jsDouble, toArray } from "../mod.ts";
import { bostonHousing, normalize_, scaling } from "../lib/data/mod.ts";
import { communicator } from "../lib/distributed/mod.ts";
import {
  adam,
  fullyConnected,
  type InferenceNetwork,
  inferenceNetwork,
  init_,
  quadraticCost_,
  train,
} from "../lib/nn/mod.ts";
import { numberFlag } from "./_backend.ts";
import { dataOptions, orExit } from "./_data.ts";
import { declareFlags } from "./_flags.ts";

declareFlags({
  "epochs": { type: "string", help: "epochs to train (50)" },
});

const comm = communicator();
const epochs = numberFlag("epochs", 50), batch = 16;
const say = (line: string) => comm.rank === 0 && console.log(line);
say(`Chapter 32: ${comm.size} process(es)${comm.mpi ? " under mpirun (Open MPI)" : ""}\n`);

const b = await orExit("Boston housing", "32_data_parallel.ts", bostonHousing(await dataOptions()));
const x = new Float64Array(b.x), y = new Float64Array(b.y);
normalize_(x, scaling(x, 13));
using xs = ge(jsDouble, 13, b.count, x), ys = ge(jsDouble, 1, b.count, y);

const network = () =>
  init_(
    inferenceNetwork(jsDouble, 13, [
      fullyConnected(32, "relu"),
      fullyConnected(32, "relu"),
      fullyConnected(1, "linear"),
    ]),
    { method: "he", seed: 2 },
  );
const options = { batch, eta: 0.001, optimizer: adam(), seed: 3, quiet: true };
const weights = (net: InferenceNetwork<"host">) =>
  net.layers.flatMap((l) => [...toArray(l.weights), ...toArray(l.bias)]);

using net = network();
const start = performance.now();
const cost = train(net, xs, ys, quadraticCost_, epochs, { ...options, communicator: comm });
const seconds = (performance.now() - start) / 1000;
console.log(
  `rank ${comm.rank}: ${batch / comm.size} of every ${batch} samples, ${epochs} epochs in ${
    seconds.toFixed(2)
  } s, cost ${cost.toFixed(4)}`,
);

if (comm.rank === 0) {
  // The same training in one process, whole batches: the reference the ranks must reproduce.
  using alone = network();
  const single = train(alone, xs, ys, quadraticCost_, epochs, options);
  const a = weights(net), s = weights(alone);
  const largest = a.reduce((m, w, i) => Math.max(m, Math.abs(w - s[i])), 0);
  console.log(`\none process: cost ${single.toFixed(4)}`);
  console.log(
    `the ranks' weights ${largest < 1e-9 ? "equal" : "DIFFER from"} one process's ` +
      `(largest difference ${largest.toExponential(1)})`,
  );
  if (comm.size > 1) {
    // One process that splits every batch as the ranks do and sums the shards' gradients in
    // rank order: over two ranks, the same bits.
    using sharded = network();
    train(sharded, xs, ys, quadraticCost_, epochs, { ...options, shards: comm.size });
    const d = weights(sharded);
    const same = a.every((w, i) => w === d[i]);
    const off = a.reduce((m, w, i) => Math.max(m, Math.abs(w - d[i])), 0);
    console.log(
      same
        ? `and those of one process in ${comm.size} shards, bit for bit`
        : `one process in ${comm.size} shards: largest difference ${off.toExponential(1)}`,
    );
  }
}

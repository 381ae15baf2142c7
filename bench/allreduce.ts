/**
 * All-reduce under mpirun, OSU-style: knap's all-reduce as training runs it (`startAllReduce`, then
 * `wait`: a blocking call under the watchdog up to 16 KB, a non-blocking MPI_Iallreduce polled
 * against the timeout beyond; the ranks' agreement checked once, as training checks its network)
 * beside Open MPI's blocking MPI_Allreduce called raw on the same bytes, and the public call that
 * checks the agreement every time (one more small collective), from
 * 1 KB to 64 MB of float64; then whether a data-parallel step overlaps communication with the
 * backward pass: one step's time against its backward alone plus its all-reduces alone.
 *
 *   mpirun -np 2 deno run -A bench/allreduce.ts     (rank 0 prints)
 *   OMPI_MCA_btl=self,tcp OMPI_MCA_btl_tcp_if_include=lo mpirun -np 2 …   (TCP, as across machines)
 *   mpirun -np 2 deno run -A bench/allreduce.ts overlap      (one part: allreduce, pingpong, overlap)
 */
import { dv, ge, jsDouble, randUniform_ } from "../mod.ts";
import { communicator } from "../lib/distributed/mod.ts";
import { openMpi } from "../ffi/mpi.ts";
import {
  adam,
  fullyConnected,
  inferenceNetwork,
  init_,
  quadraticCost_,
  trainingNetwork,
} from "../lib/nn/mod.ts";

const comm = communicator({ timeout: 120 });
const { mpi, handles } = openMpi();
const raw = Deno.dlopen("libmpi.so.40", {
  MPI_Allreduce: {
    parameters: ["pointer", "buffer", "i32", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  MPI_Send: { parameters: ["buffer", "i32", "pointer", "i32", "i32", "pointer"], result: "i32" },
  MPI_Recv: {
    parameters: ["buffer", "i32", "pointer", "i32", "i32", "pointer", "pointer"],
    result: "i32",
  },
}).symbols;
void mpi;
const say = (s: string) => comm.rank === 0 && console.log(s);
const part = (name: string) => Deno.args.length === 0 || Deno.args.includes(name);
/** The median of 5 timed rounds of `reps` calls each, after warm-up calls (connections, caches). */
const time = (reps: number, f: () => void, warm = reps) => {
  // Warm-up, as OSU's benchmarks skip their first calls: connections, caches, and the JIT, which
  // needs thousands of calls to optimize the path around a microsecond's FFI call (a training run
  // makes that many in its first epoch). A count, not a time: every rank must make the same calls.
  for (let r = 0; r < warm; r++) f();
  const rounds: number[] = [];
  for (let k = 0; k < 5; k++) {
    comm.barrier();
    const t = performance.now();
    for (let r = 0; r < reps; r++) f();
    rounds.push((performance.now() - t) / reps);
  }
  return rounds.sort((a, b) => a - b)[2];
};

say(
  `transport: ${
    Deno.env.get("OMPI_MCA_btl") ?? "Open MPI's choice (shared memory on one machine)"
  }`,
);
say(`${comm.size} ranks`);
if (part("allreduce")) {
  say(`     bytes   knap µs   raw MPI µs   knap/raw   checked µs`);
}
for (let bytes = 256; part("allreduce") && bytes <= 64 << 20; bytes *= 4) {
  const n = bytes / 8, reps = bytes < 1 << 16 ? 2000 : bytes < 1 << 20 ? 200 : 10;
  using x = dv(n);
  const data = new Float64Array(n);
  // The route training takes: blocking up to 16 KB, non-blocking and polled beyond, the ranks'
  // agreement checked once beforehand; and the public call, which checks it every time.
  const warm = bytes < 1 << 16 ? 5000 : reps;
  const knap = time(reps, () => comm.startAllReduce(x, "sum", { agreed: true }).wait(), warm);
  const checked = time(reps, () => comm.startAllReduce(x).wait(), warm);
  const mine = time(
    reps,
    () => raw.MPI_Allreduce(handles.inPlace, data, n, handles.double, handles.sum, handles.world),
    warm,
  );
  say(
    `${String(bytes).padStart(10)} ${(knap * 1000).toFixed(1).padStart(9)} ${
      (mine * 1000).toFixed(1).padStart(12)
    } ${(knap / mine).toFixed(2).padStart(10)} ${(checked * 1000).toFixed(1).padStart(12)}`,
  );
}

// The library's own ping-pong between ranks 0 and 1 (OSU's osu_latency/osu_bw shape): the wire
// the all-reduces above ride on.
if (part("pingpong")) {
  say(`\nping-pong, ranks 0 and 1 (Open MPI's MPI_Send/MPI_Recv)\n     bytes   one way µs    GB/s`);
}
for (let bytes = 1024; part("pingpong") && bytes <= 64 << 20; bytes *= 16) {
  const data = new Uint8Array(bytes), reps = bytes < 1 << 20 ? 200 : 10;
  const peer = 1 - comm.rank;
  const ms = comm.rank > 1 ? 0 : time(reps, () => {
    if (comm.rank === 0) {
      raw.MPI_Send(data, bytes, handles.byte, peer, 1, handles.world);
      raw.MPI_Recv(data, bytes, handles.byte, peer, 1, handles.world, null);
    } else {
      raw.MPI_Recv(data, bytes, handles.byte, peer, 1, handles.world, null);
      raw.MPI_Send(data, bytes, handles.byte, peer, 1, handles.world);
    }
  });
  say(
    `${String(bytes).padStart(10)} ${(ms * 500).toFixed(1).padStart(12)} ${
      (bytes / (ms / 2) / 1e6).toFixed(2).padStart(7)
    }`,
  );
}

if (part("overlap")) {
  // Overlap: a 784-512-512-10 network's step on a local batch of 64.
  using net = init_(
    inferenceNetwork(jsDouble, 784, [
      fullyConnected(512, "relu"),
      fullyConnected(512, "relu"),
      fullyConnected(10, "linear"),
    ]),
    { seed: 1 },
  );
  using x = randUniform_(ge(jsDouble, 784, 64), { seed: 2 });
  using y = randUniform_(ge(jsDouble, 10, 64), { seed: 3 });
  const optimizer = adam();
  using reduced = trainingNetwork(net, x, optimizer, {
    reduceGradient: (g) => comm.startAllReduce(g, "mean"),
  });
  using local = trainingNetwork(net, x, optimizer);
  const prepare = (t: typeof local) => () => {
    t.forward();
    t.outputError(quadraticCost_, y);
  };
  const step = time(20, () => {
    prepare(reduced)();
    reduced.backward(1e-6);
  });
  const forward = time(20, prepare(local));
  const backward = time(20, () => {
    prepare(local)();
    local.backward(1e-6);
  }) - forward;
  const grads = net.layers.flatMap((l) => [ge(jsDouble, l.outDim, l.inDim), dv(l.outDim)]);
  const reduces = time(20, () => {
    for (const p of grads.map((g) => comm.startAllReduce(g, "mean"))) p.wait();
  });
  say(
    `\nstep of 784-512-512-10 on 64 samples a rank: forward+backward with all-reduces ${
      (step - forward).toFixed(2)
    } ms; backward alone ${backward.toFixed(2)} ms + all-reduces alone ${reduces.toFixed(2)} ms = ${
      (backward + reduces).toFixed(2)
    } ms`,
  );
  for (const g of grads) g[Symbol.dispose]();
}

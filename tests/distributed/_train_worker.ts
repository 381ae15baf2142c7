/**
 * One rank of the data-parallel tests (run by mpirun, or alone): trains chapter 14's regression
 * data-parallel (and a network with dropout, and a small convolutional one: alone, as two
 * shards) and writes its weights, as JSON, to DIR/<rank or "single">.json (and a small
 * convolutional network's with batch normalization to DIR/cnn-<rank or "single">.json). Modes: "train";
 * "fail" (rank 1 throws before training); "slow" (rank 1 sleeps 3 s before its first collective
 * while rank 0's timeout is 0.5 s).
 */
import {
  type Factory,
  ge,
  jsDouble,
  openclAvailability,
  openclFloat,
  randUniform_,
  submatrix,
  subvector,
  tensor,
  toArray,
  transfer,
  transformer,
  vctr,
  webgpuAvailability,
  webgpuFloat,
} from "../../mod.ts";
import { communicator } from "../../lib/distributed/mod.ts";
import {
  batchNorm,
  convo,
  dense,
  init_ as initTensor,
  network,
  pooling,
  type TensorNetwork,
  train,
} from "../../lib/dnn/mod.ts";
import {
  adam,
  categoricalCrossentropyCost_,
  fullyConnected,
  inferenceNetwork,
  init_,
  quadraticCost_,
} from "../../lib/nn/mod.ts";

const [dir, mode = "train"] = Deno.args;
const comm = communicator({ timeout: mode === "slow" ? 0.5 : 30 });
if (mode === "fail" && comm.rank === 1) throw new Error("rank 1 fails on purpose");
if (mode === "slow" && comm.rank === 1) await new Promise((r) => setTimeout(r, 3000));

const n = 256;
using x = randUniform_(ge(jsDouble, 4, n), { seed: 5 });
const xs = toArray(x);
using y = ge(
  jsDouble,
  1,
  n,
  Array.from(
    { length: n },
    (_, j) => Math.sin(xs[4 * j]) + Math.cos(xs[4 * j + 1]) + xs[4 * j + 2],
  ),
);
// Every rank but 0 starts from other weights: the broadcast must replace them.
using net = init_(
  inferenceNetwork(jsDouble, 4, [fullyConnected(8, "tanh"), fullyConnected(1, "linear")]),
  { seed: 3 + comm.rank },
);
const cost = train(net, x, y, quadraticCost_, 10, {
  batch: 32,
  eta: 0.01,
  optimizer: adam(),
  seed: 7,
  communicator: comm,
  quiet: true,
});
const weights = net.layers.flatMap((l) => [...toArray(l.weights), ...toArray(l.bias)]);
/** Two ranks of the job, or — alone — one process in two shards, which sum as two ranks do. */
const asTwoRanks = comm.size === 1 ? { shards: 2 } : { communicator: comm };
// With dropout, in float64: the ranks' weights, and in one process those of two shards, which
// sum each batch's gradients as two ranks do — to be equal bit for bit.
using exactNet = init_(
  inferenceNetwork(jsDouble, 4, [
    fullyConnected(8, "tanh", { dropout: 0.25 }),
    fullyConnected(1, "linear"),
  ]),
  { seed: 9 + comm.rank },
);
const exactCost = train(exactNet, x, y, quadraticCost_, 6, {
  batch: 32,
  eta: 0.01,
  optimizer: adam(),
  seed: 8,
  quiet: true,
  ...asTwoRanks,
});
const exact = {
  cost: exactCost,
  weights: exactNet.layers.flatMap((l) => [...toArray(l.weights), ...toArray(l.bias)]),
};
// Views: a row-major matrix reduces in place; a block with gaps through a staging copy.
using rowMajor = ge(jsDouble, 2, 3, [1, 2, 3, 4, 5, 6], { layout: "row" });
using gapped = ge(jsDouble, 3, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
comm.allReduce_(rowMajor, "sum");
comm.allReduce_(submatrix(gapped, 1, 1, 2, 2), "sum");
const views = [...toArray(rowMajor), ...toArray(gapped)];
// A reduction past 16 KB goes non-blocking (or, with KNAP_MPI_THREAD=1, to knap's thread): the
// mean of 1 + i and 2 + i on two ranks is 1.5 + i.
using big = vctr(jsDouble, Array.from({ length: 8192 }, (_, i) => comm.rank + 1 + i));
const pending = comm.startAllReduce(big, "mean");
// While it is under way its memory is MPI's: another collective on it is refused, not raced.
const refused: string[] = [];
for (
  const attempt of [() => comm.allReduce_(subvector(big, 100, 10)), () => comm.startAllReduce(big)]
) {
  try {
    attempt();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    refused.push(e.message);
  }
}
pending.wait();
pending.wait(); // a second wait must not halve it again
const expected = (v: number, i: number) => v === (comm.size === 1 ? 1 + i : 1.5 + i);
const bigMean = toArray(big).every(expected);
// Started again (the reduction is kept for the next step): equal values keep their mean.
comm.startAllReduce(big, "mean").wait();
const bigAgain = toArray(big).every(expected);
// Device memory reduces through a host staging copy: OpenCL where present.
let device: number[] | undefined;
if ((await openclAvailability()).available) {
  using f = await openclFloat();
  using v = vctr(f, [comm.rank + 1, 2]);
  await comm.allReduceAsync_(v, "sum");
  using back = await transfer(jsDouble, v);
  device = Array.from(back.toArray());
}
const name = comm.size === 1 ? "single" : String(comm.rank);

// A convolutional network, data-parallel the same way (tensor layers' gradients reduced too).
const images = 32;
using cx = tensor(
  jsDouble,
  [images, 1, 6, 6],
  "nchw",
  Array.from({ length: images * 36 }, (_, i) => Math.sin(0.37 * i) + ((i % 36) < 18 ? 0.5 : 0)),
);
using cy = tensor(
  jsDouble,
  [images, 2],
  "nc",
  Array.from({ length: images * 2 }, (_, i) => (i % 2) === ((i >> 1) % 2) ? 1 : 0),
);
/** Every parameter of a tensor network, the running statistics included, on the host. */
const parametersOf = async (net: TensorNetwork): Promise<number[]> => {
  const values: number[] = [];
  for (const l of net.features.layers) {
    for (const p of l.parameters) {
      using host = tensor(jsDouble, p.tensor.shape);
      await transformer(p.tensor, host).run();
      values.push(...host.toArray());
    }
  }
  for (const l of net.layers.layers) {
    for (const p of [l.weights, l.bias] as const) {
      using host = await transfer(jsDouble, p as typeof l.weights);
      values.push(...toArray(host));
    }
  }
  return values;
};

/**
 * A convolutional network without batch normalization on f, trained as two ranks (or two
 * shards), from every rank's other weights.
 */
const trainConvolutions = async (f: Factory) => {
  using cnn = initTensor(
    network(f, [images, 1, 6, 6], [
      convo(2, [3, 3], "tanh", { padding: 1 }),
      pooling([2, 2], "max"),
      dense(2, "softmax"),
    ]),
    { seed: 13 + comm.rank },
  );
  using tx = tensor(f, cx.shape, "nchw"), ty = tensor(f, cy.shape, "nc");
  await transformer(cx, tx).run();
  await transformer(cy, ty).run();
  const cost = await train(cnn, tx, ty, categoricalCrossentropyCost_, 3, {
    batch: 8,
    eta: 0.02,
    optimizer: adam(),
    seed: 6,
    quiet: true,
    ...asTwoRanks,
  });
  return { cost, weights: await parametersOf(cnn) };
};
const exactCnn = await trainConvolutions(jsDouble);

// Device engines train data-parallel through host copies of the gradients: the regression on
// WebGPU and OpenCL in float32, one process in two shards against two ranks.
const onDevices: Record<
  string,
  { cost: number; weights: number[]; cnn: { cost: number; weights: number[] } }
> = {};
const tensorRefusals: string[] = [];
const devices = [
  ["webgpu", (await webgpuAvailability()).available ? webgpuFloat : undefined],
  ["opencl", (await openclAvailability()).available ? openclFloat : undefined],
] as const;
for (const [engine, make] of devices) {
  if (make === undefined) continue;
  using f = await make();
  using dx = await transfer(f, x);
  using dy = await transfer(f, y);
  using dnet = init_(
    inferenceNetwork(f, 4, [fullyConnected(8, "tanh"), fullyConnected(1, "linear")]),
    { seed: 3 + comm.rank },
  );
  const cost = await train(dnet, dx, dy, quadraticCost_, 4, {
    batch: 32,
    eta: 0.01,
    optimizer: adam(),
    seed: 7,
    quiet: true,
    ...asTwoRanks,
  });
  const weights: number[] = [];
  for (const l of dnet.layers) {
    for (const p of [l.weights, l.bias] as const) {
      using host = await transfer(jsDouble, p as typeof l.weights);
      weights.push(...toArray(host));
    }
  }
  onDevices[engine] = { cost, weights, cnn: await trainConvolutions(f) };
  // Batch normalization synchronized across ranks stays on host engines: refused by name.
  if (comm.size > 1) {
    using tnet = network(f, [8, 1, 4, 4], [
      convo(2, [3, 3], "linear"),
      batchNorm({ activation: "relu" }),
      dense(2, "softmax"),
    ]);
    using tx = tensor(f, [8, 1, 4, 4]), ty = tensor(f, [8, 2]);
    try {
      await train(tnet, tx, ty, categoricalCrossentropyCost_, 1, {
        batch: 8,
        eta: 0.1,
        communicator: comm,
        quiet: true,
      });
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      tensorRefusals.push(e.message);
    }
  }
}

/**
 * Trains the network afresh (a convolution, batch normalization, pooling, a dense layer) and
 * returns its cost and every parameter, the running statistics included.
 */
const trainCnn = (syncBatchNorm: boolean) => {
  using cnn = initTensor(
    network(jsDouble, [images, 1, 6, 6], [
      convo(3, [3, 3], "linear", { padding: 1 }),
      batchNorm({ activation: "tanh" }),
      pooling([2, 2], "max"),
      dense(2, "softmax"),
    ]),
    { seed: 11 + comm.rank },
  );
  const cost = train(cnn, cx, cy, categoricalCrossentropyCost_, 5, {
    batch: 8,
    eta: 0.01,
    optimizer: adam(),
    seed: 4,
    communicator: comm,
    syncBatchNorm,
    quiet: true,
  });
  const weights = [
    ...cnn.features.layers.flatMap((l) =>
      l.parameters.flatMap((p) => Array.from(p.tensor.toArray()))
    ),
    ...cnn.layers.layers.flatMap((l) => [...toArray(l.weights), ...toArray(l.bias)]),
  ];
  return { cost, weights };
};
const { cost: cnnCost, weights: cnnWeights } = trainCnn(true);
// Each rank normalizing by its own share's statistics: not one process's numbers.
const localBatchNorm = trainCnn(false).weights;
await Deno.writeTextFile(
  `${dir}/cnn-${name}.json`,
  JSON.stringify({ cost: cnnCost, weights: cnnWeights, localBatchNorm }),
);
await Deno.writeTextFile(
  `${dir}/${name}.json`,
  JSON.stringify({
    cost,
    weights,
    size: comm.size,
    device,
    views,
    exact,
    exactCnn,
    bigMean,
    bigAgain,
    refused,
    onDevices,
    tensorRefusals,
  }),
);

/**
 * One rank of the agreement tests (run by mpirun, or alone), writing what it saw as JSON to
 * DIR/<mode>-<rank or "single">.json. Modes:
 * - "refusals": the same wrong calls on every rank — roots out of range, unknown ops, device,
 *   released, bfloat16 and non-structures, strings for numbers — each error's class and message;
 *   then max, min and mean, and a reduction still working after them.
 * - "mismatch" (two ranks): calls that differ between the ranks — lengths, dtypes, ops, roots,
 *   calls, one rank's own mistake, networks and epochs in training, agree's values — each error
 *   as the rank saw it and how long it took; then training whose ranks would read their costs in
 *   different epochs (progress on rank 0 alone, no finiteness check), which must still agree.
 */
import {
  dv,
  ge,
  jsDouble,
  jsFloat,
  nativeAvailability,
  nativeBfloat16,
  type Structure,
  toArray,
  vctr,
} from "../../mod.ts";
import { communicator, type ReduceOp } from "../../lib/distributed/mod.ts";
import {
  fullyConnected,
  inferenceNetwork,
  init_,
  quadraticCost_,
  train,
} from "../../lib/nn/mod.ts";
import { deferredFloat } from "../engines/deferred_engine.ts";

const [dir, mode] = Deno.args;
const comm = communicator({ timeout: 20 });
const out: Record<string, unknown> = { size: comm.size };

/** The error a call throws (or rejects with), as [class, message], and how long it took. */
async function outcome(call: () => unknown): Promise<{ error: string[]; seconds: number }> {
  const started = performance.now();
  let error: string[] = [];
  try {
    await call();
  } catch (e) {
    error = [(e as Error).constructor.name, (e as Error).message];
  }
  return { error, seconds: (performance.now() - started) / 1000 };
}

using x = dv([1, 2, 3]);
const released = dv([1]);
released[Symbol.dispose]();
using device = vctr(deferredFloat, 3);
const not = (v: unknown) => v as never;

/** A small regression network of `hidden` units, trained data-parallel for `epochs`. */
function trainRun(hidden: number, epochs: number, extra: Record<string, unknown> = {}) {
  using net = inferenceNetwork(jsDouble, 2, [
    fullyConnected(hidden, "tanh"),
    fullyConnected(1, "linear"),
  ]);
  init_(net, { seed: 3 });
  using xs = ge(jsDouble, 2, 8, Array.from({ length: 16 }, (_, k) => Math.sin(k)));
  using ys = ge(jsDouble, 1, 8, Array.from({ length: 8 }, (_, k) => Math.cos(k)));
  train(net, xs, ys, quadraticCost_, epochs, {
    batch: 4,
    eta: 0.1,
    communicator: comm,
    quiet: true,
    ...extra,
  });
  return net.layers.flatMap((l) => [...toArray(l.weights), ...toArray(l.bias)]);
}

if (mode === "refusals") {
  const calls: [string, () => unknown][] = [
    ["broadcast_ from root 5", () => comm.broadcast_(x, 5)],
    ["broadcast_ from root -1", () => comm.broadcast_(x, -1)],
    ["broadcast_ from root 0.5", () => comm.broadcast_(x, 0.5)],
    ["broadcastNumber from root 5", () => comm.broadcastNumber(1, 5)],
    ["allReduce_ by prod", () => comm.allReduce_(x, not("prod"))],
    ["startAllReduce by avg", () => comm.startAllReduce(x, not("avg"))],
    ["reduceNumber by prod", () => comm.reduceNumber(1, not("prod"))],
    ["allReduceAsync_ by prod", () => comm.allReduceAsync_(x, not("prod"))],
    ["allReduce_ of device memory", () => comm.allReduce_(device)],
    ["broadcast_ of device memory", () => comm.broadcast_(device)],
    ["startAllReduce of device memory", () => comm.startAllReduce(device)],
    ["allReduce_ of a released vector", () => comm.allReduce_(released)],
    ["allReduce_ of an object", () => comm.allReduce_(not({}))],
    ["reduceNumber of a string", () => comm.reduceNumber(not("5"))],
    ["broadcastNumber of a string", () => comm.broadcastNumber(not("5"))],
    ["agree on NaN", () => comm.agree("check", [NaN])],
  ];
  if (nativeAvailability().available) {
    calls.push(["allReduce_ of bfloat16", () => {
      using b = vctr(nativeBfloat16, 2);
      comm.allReduce_(b as unknown as Structure);
    }]);
  }
  const refusals: Record<string, string[]> = {};
  for (const [name, call] of calls) refusals[name] = (await outcome(call)).error;
  out.refusals = refusals;
  // Every op, and the communicator still whole after the refusals.
  const reduced: Record<string, number[]> = {};
  for (const op of ["sum", "mean", "max", "min"] as ReduceOp[]) {
    using v = dv([comm.rank, -comm.rank, 2]);
    comm.allReduce_(v, op);
    // 32 KB: the non-blocking route.
    using w = ge(jsFloat, 128, 64, new Array(8192).fill(comm.rank + 1));
    comm.startAllReduce(w, op).wait();
    reduced[op] = [
      ...toArray(v),
      toArray(w)[0],
      toArray(w)[8191],
      comm.reduceNumber(comm.rank + 3, op),
    ];
  }
  out.reduced = reduced;
}

if (mode === "mismatch") {
  const r = comm.rank;
  const cases: [string, () => unknown][] = [
    ["lengths", () => comm.allReduce_(dv(new Array(r === 0 ? 5 : 3).fill(1)))],
    ["dtypes", () => comm.allReduce_(vctr(r === 0 ? jsDouble : jsFloat, [1, 2]))],
    ["ops", () => comm.allReduce_(dv([1, 2]), r === 0 ? "sum" : "max")],
    ["roots", () => comm.broadcast_(dv([1]), r)],
    ["calls", () => r === 0 ? comm.barrier() : comm.reduceNumber(1)],
    ["one rank's mistake", () => comm.allReduce_(r === 0 ? dv([1]) : released)],
    ["large lengths", () => comm.startAllReduce(ge(jsFloat, 128, r === 0 ? 64 : 65)).wait()],
    ["networks", () => trainRun(r === 0 ? 4 : 6, 2)],
    ["epochs", () => trainRun(4, r === 0 ? 2 : 3)],
    ["agreed values", () => comm.agree("custom", [1, r])],
    ["agreed counts", () => comm.agree("custom", r === 0 ? [1] : [1, 2])],
  ];
  const seen: Record<string, { error: string[]; seconds: number }> = {};
  for (const [name, call] of cases) seen[name] = await outcome(call);
  out.mismatch = seen;
  // Rank 0 alone reads its cost every epoch (progress), and nobody checks it for being finite:
  // the epochs that reduce the cost must still be the same on both ranks.
  out.reads = trainRun(4, 3, { progress: 1, checkFinite: false, quiet: comm.rank !== 0 });
}

await Deno.writeTextFile(
  `${dir}/${mode}-${comm.size === 1 ? "single" : comm.rank}.json`,
  JSON.stringify(out),
);

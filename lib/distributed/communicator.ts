/**
 * A communicator over the processes `mpirun` started: rank, size, barrier, broadcast and
 * all-reduce of knap structures in place. A program not started by `mpirun` gets a communicator
 * of one process that loads no MPI at all, so the same program runs unchanged either way.
 *
 * A failure never hangs the job. Barriers, broadcasts, `allReduce_` and reductions of up to
 * 16 KB are Open MPI's blocking calls — the fastest for small messages — watched by a thread
 * (`watchdog.ts`): a call still waiting for the others past the timeout ends the process with an
 * error naming the operation. Larger reductions started by `startAllReduce` are non-blocking,
 * polled against the same deadline, and throw a KnapError there. Either way the rank's exit makes
 * `mpirun` stop every rank.
 *
 * Memory a started reduction works on is MPI's until `wait`: any other collective on memory
 * that overlaps it is refused with a RangeError rather than raced. Runs longer than one MPI call
 * takes (2³¹ − 1 entries) go in pieces.
 *
 * @module
 */

import type { GEMatrix, Structure } from "../core/structures.ts";
import type { HostArray } from "../core/types.ts";
import { KnapError } from "../core/errors.ts";
import { envVar } from "../core/env.ts";
import { live } from "../core/checks.ts";
import { alike } from "../core/construct.ts";
import { copy_, scal_ } from "../blas.ts";
import { transfer, transfer_ } from "../access.ts";
import { jsDouble, jsFloat } from "../engines/js/mod.ts";
import { type Mpi, type MpiHandles, openMpi } from "../../ffi/mpi.ts";
import { plan } from "../engines/js/walk.ts";
import { Watchdog } from "./watchdog.ts";
import { ReductionThread } from "./reduction_thread.ts";
import { inPieces, meet, MOST_ENTRIES } from "./pieces.ts";

/** How a reduction combines the ranks' values. */
export type ReduceOp = "sum" | "mean";

/** An all-reduce under way; `wait` completes it (or throws at the deadline). */
export interface PendingReduce {
  /** Completes the reduction into the structure it was started on, scaled for a mean. */
  wait(): void;
  /** Lets MPI advance the reduction (its progress engine runs only inside MPI calls). */
  progress(): void;
}

/** The processes of one job. */
export interface Communicator {
  /** This process's index, 0 to size − 1. */
  readonly rank: number;
  /** How many processes. */
  readonly size: number;
  /** Whether MPI carries it (false for the one-process communicator). */
  readonly mpi: boolean;
  /** Returns once every rank has called it. */
  barrier(): void;
  /** x ← root's x on every rank; host structures. Returns x. */
  broadcast_<S extends Structure>(x: S, root?: number): S;
  /** x ← the sum (or mean) of every rank's x; host structures. Returns x. */
  allReduce_<S extends Structure>(x: S, op?: ReduceOp): S;
  /** Starts the all-reduce of x; the caller computes on and waits later. */
  startAllReduce(x: Structure, op?: ReduceOp): PendingReduce;
  /**
   * x ← the sum (or mean) over the ranks for a structure anywhere — device memory included,
   * through a host staging copy (MPI here is not GPU-aware); resolves to x.
   */
  allReduceAsync_<S extends Structure>(x: S, op?: ReduceOp): Promise<S>;
  /** The sum (or mean) of a number over the ranks. */
  reduceNumber(v: number, op?: ReduceOp): number;
  /** Root's number on every rank. */
  broadcastNumber(v: number, root?: number): number;
}

/** Options of {@linkcode communicator}. */
export interface CommunicatorOptions {
  /**
   * Seconds a collective may wait for the other ranks (default 60): past it a blocking call ends
   * the process with the error, a non-blocking one throws a KnapError.
   */
  readonly timeout?: number;
}

/**
 * The host array behind a structure whose entries form one gapless run (any layout: a reduction
 * is entry by entry), or undefined when they have gaps.
 */
function denseArray(x: Structure): HostArray | undefined {
  const a = x.factory.engine.hostArray(x.storage.buffer);
  if (a === undefined) return undefined;
  const w = plan(x);
  const gapless = (w.n1 <= 1 || w.a1 === 1) && (w.n2 <= 1 || w.a2 === w.n1);
  return gapless ? a.subarray(x.offset, x.offset + x.rows * x.cols) : undefined;
}

class Local implements Communicator {
  readonly rank = 0;
  readonly size = 1;
  readonly mpi = false;
  barrier(): void {}
  broadcast_<S extends Structure>(x: S): S {
    live("broadcast_", x, "x");
    return x;
  }
  allReduce_<S extends Structure>(x: S): S {
    live("allReduce_", x, "x");
    return x;
  }
  startAllReduce(x: Structure): PendingReduce {
    live("allReduce_", x, "x");
    return { wait() {}, progress() {} };
  }
  allReduceAsync_<S extends Structure>(x: S): Promise<S> {
    live("allReduceAsync_", x, "x");
    return Promise.resolve(x);
  }
  reduceNumber(v: number): number {
    return v;
  }
  broadcastNumber(v: number): number {
    return v;
  }
}

/** A non-blocking reduction of one structure, started again for every step. */
interface Reduction extends PendingReduce {
  /** The memory of the structure it reduces. */
  readonly region: HostArray;
  /** Starts it (again) with this operation. */
  start(op: ReduceOp): void;
}

/** The operations a blocking call may be, as the watchdog names them. */
const BARRIER = 0, BROADCAST = 1, ALL_REDUCE = 2, REDUCE_NUMBER = 3, BROADCAST_NUMBER = 4;
const operations = ["barrier", "broadcast_", "allReduce_", "reduceNumber", "broadcastNumber"];

/**
 * Reductions up to this many bytes are blocking calls (under the watchdog); larger ones started
 * by `startAllReduce` are non-blocking, so the layers below compute while they travel.
 */
const blockingLimit = 16384;

class World implements Communicator {
  readonly rank: number;
  readonly size: number;
  readonly mpi = true;
  readonly #mpi: Mpi;
  readonly #h: MpiHandles;
  #timeout = 60;
  readonly #watchdog: Watchdog;
  readonly #flag = new Int32Array(1);
  readonly #number = new Float64Array(1);
  readonly #dense = new WeakMap<Structure, HostArray>();
  /**
   * Reductions under way: the array MPI (or the reduction thread) writes → the memory of the
   * caller's structure it stands for (the same array, or a gapped structure's whole buffer).
   * Holding the arrays keeps a pending reduction dropped without `wait` from letting them be
   * collected; the regions are refused to any other collective until the reduction completes.
   */
  readonly #busy = new Map<HostArray, HostArray>();
  /** Each gapless structure's non-blocking reduction, made once: training repeats them. */
  readonly #reductions = new WeakMap<Structure, Reduction>();
  /** What an already completed reduction returns. */
  readonly #done: PendingReduce = { wait() {}, progress() {} };
  /** Where large reductions travel while the caller computes (KNAP_MPI_THREAD=1). */
  readonly #thread: ReductionThread | undefined;

  constructor(mpi: Mpi, handles: MpiHandles, timeout: number, threads: boolean) {
    this.#mpi = mpi;
    this.#h = handles;
    const v = new Int32Array(1);
    this.#check(mpi.MPI_Comm_rank(handles.world, v), "MPI_Comm_rank");
    this.rank = v[0];
    this.#check(mpi.MPI_Comm_size(handles.world, v), "MPI_Comm_size");
    this.size = v[0];
    this.#watchdog = new Watchdog(operations, `rank ${this.rank} of ${this.size}`, timeout);
    this.timeout = timeout;
    if (threads) {
      // A communicator of the thread's own: its collectives never interleave with this thread's.
      const dup = new BigUint64Array(1);
      this.#check(mpi.MPI_Comm_dup(handles.world, dup), "MPI_Comm_dup");
      const value = (p: Deno.PointerObject) => BigInt(Deno.UnsafePointer.value(p));
      this.#thread = new ReductionThread({
        allReduce: value(handles.allReduce),
        comm: dup[0],
        inPlace: 1n,
        sum: value(handles.sum),
        float: value(handles.float),
        double: value(handles.double),
      });
    }
  }

  /** Seconds a collective waits for the others; a later `communicator({ timeout })` sets it. */
  get timeout(): number {
    return this.#timeout;
  }

  set timeout(seconds: number) {
    this.#timeout = seconds;
    this.#watchdog.timeout = seconds;
  }

  #check(status: number, what: string): void {
    if (status !== 0) throw new KnapError(`mpi: ${what} failed with code ${status}`, "mpi");
  }

  /** Polls a request until it completes, or throws at the deadline (the clock every 64 polls). */
  #complete(request: BigUint64Array, what: string): void {
    let deadline = 0, polls = 0;
    for (;;) {
      this.#check(this.#mpi.MPI_Test(request, this.#flag, null), "MPI_Test");
      if (this.#flag[0] !== 0) return;
      if ((++polls & 63) !== 1) continue;
      if (deadline === 0) deadline = performance.now() + this.#timeout * 1000;
      else if (performance.now() > deadline) throw this.#late(what);
    }
  }

  #late(what: string): KnapError {
    return new KnapError(
      `${what}: rank ${this.rank} of ${this.size} waited ${this.#timeout} s for the others; ` +
        "one may have failed (its error ends the job) or the timeout is too short",
      "timeout",
    );
  }

  barrier(): void {
    this.#watchdog.arm(BARRIER);
    const status = this.#mpi.MPI_Barrier(this.#h.world);
    this.#watchdog.disarm();
    this.#check(status, "MPI_Barrier");
  }

  /**
   * x's entries as one host run MPI takes in place (found once per structure), or undefined
   * when they have gaps; refuses memory that is not the host's.
   */
  #run(op: string, x: Structure): HostArray | undefined {
    live(op, x, "x");
    if (x.factory.location !== "host") {
      throw new TypeError(
        `${op}: ${x.factory.name} memory is not host memory; transfer it to the host (transfer_), ` +
          "reduce there and transfer it back",
      );
    }
    let data = this.#dense.get(x);
    if (data === undefined) {
      data = denseArray(x);
      if (data !== undefined) this.#dense.set(x, data);
    }
    return data;
  }

  /** Throws when `region` meets the memory of a reduction still under way. */
  #refuseBusy(op: string, region: HostArray): void {
    for (const other of this.#busy.values()) {
      if (meet(region, other)) {
        throw new RangeError(
          `${op}: x shares memory with a reduction still under way; wait for that one first`,
        );
      }
    }
  }

  /**
   * The run MPI works on for x, checked against the reductions under way: x's own entries, or —
   * where they have gaps — a dense copy of them (`staged`), which the caller copies back.
   */
  #operand(op: string, x: Structure): { data: HostArray; region: HostArray; staged?: Structure } {
    const run = this.#run(op, x);
    const region = run ?? x.factory.engine.hostArray(x.storage.buffer)!;
    this.#refuseBusy(op, region);
    if (run !== undefined) return { data: run, region };
    const staged = copy_(x, alike(x));
    return { data: denseArray(staged)!, region, staged };
  }

  #type(data: HostArray): Deno.PointerObject {
    if (data instanceof Float64Array) return this.#h.double;
    if (data instanceof Float32Array) return this.#h.float;
    throw new TypeError("mpi: only float32 and float64 structures are sent");
  }

  broadcast_<S extends Structure>(x: S, root = 0): S {
    this.#root("broadcast_", root);
    const { data, staged } = this.#operand("broadcast_", x);
    const type = this.#type(data);
    inPieces(data, (piece) => {
      this.#watchdog.arm(BROADCAST);
      const status = this.#mpi.MPI_Bcast(piece, piece.length, type, root, this.#h.world);
      this.#watchdog.disarm();
      this.#check(status, "MPI_Bcast");
    });
    this.#finish(x, staged, "sum");
    return x;
  }

  #root(op: string, root: number): void {
    if (!Number.isInteger(root) || root < 0 || root >= this.size) {
      throw new RangeError(`${op}: root ${root} is not a rank of ${this.size}`);
    }
  }

  /** The blocking all-reduce of a dense run, in place (in pieces past MPI's count). */
  #allReduceNow(data: HostArray, what: number): void {
    const h = this.#h, type = this.#type(data);
    inPieces(data, (piece) => {
      this.#watchdog.arm(what);
      const status = this.#mpi.MPI_Allreduce(h.inPlace, piece, piece.length, type, h.sum, h.world);
      this.#watchdog.disarm();
      this.#check(status, "MPI_Allreduce");
    });
  }

  /** After a collective: a staged copy back into x, and the mean's scaling. */
  #finish(x: Structure, staged: Structure | undefined, op: ReduceOp): void {
    if (staged !== undefined) {
      copy_(staged, x);
      staged[Symbol.dispose]();
    }
    if (op === "mean") scal_(1 / this.size, x);
  }

  startAllReduce(x: Structure, op: ReduceOp = "sum"): PendingReduce {
    const known = this.#reductions.get(x);
    if (known !== undefined && !x.storage.released) {
      this.#refuseBusy("allReduce_", known.region);
      known.start(op);
      return known;
    }
    const { data, region, staged } = this.#operand("allReduce_", x);
    if (data.byteLength <= blockingLimit || data.length > MOST_ENTRIES) {
      this.#allReduceNow(data, ALL_REDUCE);
      this.#finish(x, staged, op);
      return this.#done;
    }
    const reduction = this.#reduction(x, data, region, staged);
    // A gapless structure's reduction is kept for the next step; a staged one is made each time.
    if (staged === undefined) this.#reductions.set(x, reduction);
    reduction.start(op);
    return reduction;
  }

  /**
   * A non-blocking reduction of `data` into x, to be started (and restarted) with `start`: on
   * the reduction thread where there is one, else MPI_Iallreduce polled against the deadline.
   */
  #reduction(
    x: Structure,
    data: HostArray,
    region: HostArray,
    staged: Structure | undefined,
  ): Reduction {
    const thread = this.#thread, busy = this.#busy, mpi = this.#mpi, h = this.#h;
    const type = this.#type(data), request = new BigUint64Array(1);
    let op: ReduceOp = "sum", ticket = 0, done = true, finished = true;
    const complete = () => {
      done = true;
      busy.delete(data);
    };
    const finish = () => {
      finished = true;
      this.#finish(x, staged, op);
    };
    return {
      region,
      start: (reduceOp: ReduceOp) => {
        op = reduceOp;
        if (thread !== undefined) {
          ticket = thread.queue(data as Float32Array | Float64Array);
        } else {
          this.#check(
            mpi.MPI_Iallreduce(h.inPlace, data, data.length, type, h.sum, h.world, request),
            "MPI_Iallreduce",
          );
        }
        busy.set(data, region);
        done = finished = false;
      },
      progress: () => {
        if (done || thread !== undefined) return;
        this.#check(mpi.MPI_Test(request, this.#flag, null), "MPI_Test");
        if (this.#flag[0] !== 0) complete();
      },
      wait: () => {
        // A second wait must not scale the mean again.
        if (finished) return;
        if (!done && thread !== undefined) {
          const status = thread.wait(ticket, this.#timeout);
          if (status === undefined) throw this.#late("allReduce_");
          complete();
          this.#check(status, "MPI_Allreduce");
        } else if (!done) {
          this.#complete(request, "allReduce_");
          complete();
        }
        finish();
      },
    };
  }

  allReduce_<S extends Structure>(x: S, op: ReduceOp = "sum"): S {
    const { data, staged } = this.#operand("allReduce_", x);
    this.#allReduceNow(data, ALL_REDUCE);
    this.#finish(x, staged, op);
    return x;
  }

  async allReduceAsync_<S extends Structure>(x: S, op: ReduceOp = "sum"): Promise<S> {
    live("allReduceAsync_", x, "x");
    if (x.factory.location === "host") return this.allReduce_(x, op);
    const host = x.factory.dtype === "float64" ? jsDouble : jsFloat;
    using staged = await transfer(host, x as unknown as GEMatrix<"device">);
    this.allReduce_(staged as Structure, op);
    await transfer_(staged as Structure<"host">, x as Structure<"device">);
    return x;
  }

  reduceNumber(v: number, op: ReduceOp = "sum"): number {
    const data = this.#number;
    data[0] = v;
    this.#allReduceNow(data, REDUCE_NUMBER);
    return op === "mean" ? data[0] / this.size : data[0];
  }

  broadcastNumber(v: number, root = 0): number {
    this.#root("broadcastNumber", root);
    const data = this.#number;
    data[0] = v;
    this.#watchdog.arm(BROADCAST_NUMBER);
    const status = this.#mpi.MPI_Bcast(data, 1, this.#h.double, root, this.#h.world);
    this.#watchdog.disarm();
    this.#check(status, "MPI_Bcast");
    return data[0];
  }
}

let world: Communicator | undefined;

/**
 * The job's communicator: MPI's world when `mpirun` started this process (Open MPI sets
 * `OMPI_COMM_WORLD_SIZE`), else one process of size 1 that loads nothing. MPI is initialized on
 * the first call and finalized when the program ends normally.
 *
 * @example
 * ```ts
 * import { communicator } from "@knap/knap/distributed";
 * import { dv, toArray } from "@knap/knap";
 * const comm = communicator();
 * using x = comm.allReduce_(dv([comm.rank + 1, 1]), "sum");
 * if (comm.size === 1 && toArray(x).join() !== "1,1") throw new Error("unexpected");
 * ```
 */
export function communicator(options: CommunicatorOptions = {}): Communicator {
  const timeout = options.timeout ?? 60;
  if (!(timeout > 0)) {
    throw new RangeError(`communicator: timeout must be positive, got ${timeout}`);
  }
  if (world !== undefined) {
    if (options.timeout !== undefined && world instanceof World) world.timeout = timeout;
    return world;
  }
  const launched = envVar("OMPI_COMM_WORLD_SIZE");
  if (launched === undefined || Number(launched) <= 1) return (world = new Local());
  // Open MPI's non-blocking all-reduce picks its own algorithm; Rabenseifner's measured within
  // 0.74-1.17x of the blocking call from 4 KB to 64 MB here (the default: up to 2x). A user's
  // choice stands; it must be set before MPI_Init.
  const algorithm = "OMPI_MCA_coll_libnbc_iallreduce_algorithm";
  try {
    if (Deno.env.get(algorithm) === undefined) Deno.env.set(algorithm, "3");
  } catch {
    // Without --allow-env the default algorithm runs.
  }
  const { mpi, handles } = openMpi();
  // KNAP_MPI_THREAD=1: large reductions on a thread of their own (reduction_thread.ts), which
  // needs MPI_THREAD_MULTIPLE (3 in Open MPI). Off by default: on 2 cores it made a step slower.
  const threads = envVar("KNAP_MPI_THREAD") === "1";
  const flag = new Int32Array(1), provided = new Int32Array(1);
  mpi.MPI_Initialized(flag);
  if (flag[0] === 0 && mpi.MPI_Init_thread(null, null, threads ? 3 : 0, provided) !== 0) {
    throw new KnapError("communicator: MPI_Init_thread failed", "mpi");
  }
  if (flag[0] !== 0) mpi.MPI_Query_thread(provided);
  if (threads && provided[0] !== 3) {
    throw new KnapError(
      `communicator: KNAP_MPI_THREAD=1 needs MPI_THREAD_MULTIPLE; this MPI provides level ${
        provided[0]
      }`,
      "mpi",
    );
  }
  globalThis.addEventListener("unload", () => {
    mpi.MPI_Finalized(flag);
    if (flag[0] === 0) mpi.MPI_Finalize();
  });
  return (world = new World(mpi, handles, timeout, threads));
}

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
 * Ranks that disagree never reach MPI: every collective first compares a small signature — the
 * call, the length, the dtype, the op or root — over the ranks in one all-reduce, and on a
 * mismatch every rank throws the same KnapError naming the ranks and what each gave (mismatched
 * lengths would otherwise corrupt the heap). A rank whose own arguments are wrong joins that
 * check as refusing, so the others fail at once rather than wait. Training checks its network's
 * shapes once (`agree`) and skips the per-call check (`agreed`) on its steps' reductions.
 *
 * @module
 */

import type { GEMatrix, Structure } from "../core/structures.ts";
import type { HostArray } from "../core/types.ts";
import { KnapError } from "../core/errors.ts";
import { envVar } from "../core/env.ts";
import { alike } from "../core/construct.ts";
import { copy_, scal_ } from "../blas.ts";
import { transfer, transfer_ } from "../access.ts";
import { hostFactory } from "../engines/registry.ts";
import { type Mpi, type MpiHandles, openMpi } from "../../ffi/mpi.ts";
import { plan } from "../core/walk.ts";
import { Watchdog } from "./watchdog.ts";
import { ReductionThread } from "./reduction_thread.ts";
import { inPieces, meet, MOST_ENTRIES } from "./pieces.ts";
import {
  AGREE,
  agreeable,
  ALL_REDUCE,
  aNumber,
  BARRIER,
  BROADCAST,
  BROADCAST_NUMBER,
  describeCall,
  disagreement,
  floats,
  hostFloats,
  operations,
  REDUCE_NUMBER,
  type ReduceOp,
  reduceOp,
  rootOf,
  signature,
} from "./agreement.ts";

export type { ReduceOp };

/**
 * Options of the collectives a training step makes.
 *
 * @example A training loop's reduction, once its shapes were agreed
 * ```ts
 * import { communicator } from "@knap/knap/distributed";
 * import { dv } from "@knap/knap";
 * const comm = communicator();
 * using g = dv([0.5, -0.25]);
 * comm.agree("my loop", [g.dim]);
 * comm.startAllReduce(g, "mean", { agreed: true }).wait();
 * ```
 */
export interface CollectiveOptions {
  /**
   * The caller has made sure — with {@linkcode Communicator.agree}, once — that every rank makes
   * this call on a structure of the same length and dtype with the same op, as training does
   * from its network's shapes: the per-call check (one small collective) is skipped. Every rank
   * must pass the same value.
   */
  readonly agreed?: boolean;
}

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
  /** x ← root's x on every rank; float32 or float64 host structures. Returns x. */
  broadcast_<S extends Structure>(x: S, root?: number): S;
  /**
   * x ← the sum (default), mean, largest or smallest of every rank's x, entry by entry; float32
   * or float64 host structures. Returns x.
   */
  allReduce_<S extends Structure>(x: S, op?: ReduceOp, options?: CollectiveOptions): S;
  /** Starts the all-reduce of x; the caller computes on and waits later. */
  startAllReduce(x: Structure, op?: ReduceOp, options?: CollectiveOptions): PendingReduce;
  /**
   * x ← the reduction over the ranks for a structure anywhere — device memory included, through
   * a host staging copy (MPI here is not GPU-aware); resolves to x.
   */
  allReduceAsync_<S extends Structure>(x: S, op?: ReduceOp): Promise<S>;
  /** The sum (default), mean, largest or smallest of a number over the ranks. */
  reduceNumber(v: number, op?: ReduceOp, options?: CollectiveOptions): number;
  /** Root's number on every rank. */
  broadcastNumber(v: number, root?: number): number;
  /**
   * Returns when every rank gave the same finite values (as many on each), and otherwise throws
   * on every rank a KnapError saying, with `describe`'s words for each rank's values, which
   * ranks disagree: a check made once before work whose collectives depend on those values.
   *
   * @example
   * ```ts
   * import { communicator } from "@knap/knap/distributed";
   * const comm = communicator();
   * comm.agree("my model", [784, 512, 10], (v) => `layers of ${v.join(", ")}`);
   * ```
   */
  agree(
    what: string,
    values: readonly number[],
    describe?: (values: readonly number[]) => string,
  ): void;
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

/** What an already completed reduction returns. */
const done: PendingReduce = { wait() {}, progress() {} };

/**
 * One process: nothing travels, but every argument is checked as the MPI communicator checks it,
 * so that a program tested in one process fails the same way under `mpirun`.
 */
class Local implements Communicator {
  readonly rank = 0;
  readonly size = 1;
  readonly mpi = false;
  barrier(): void {}
  broadcast_<S extends Structure>(x: S, root = 0): S {
    rootOf("broadcast_", root, 1);
    hostFloats("broadcast_", x);
    return x;
  }
  allReduce_<S extends Structure>(x: S, op: ReduceOp = "sum"): S {
    reduceOp("allReduce_", op);
    hostFloats("allReduce_", x);
    return x;
  }
  startAllReduce(x: Structure, op: ReduceOp = "sum"): PendingReduce {
    reduceOp("startAllReduce", op);
    hostFloats("startAllReduce", x);
    return done;
  }
  allReduceAsync_<S extends Structure>(x: S, op: ReduceOp = "sum"): Promise<S> {
    try {
      reduceOp("allReduceAsync_", op);
      floats("allReduceAsync_", x);
      return Promise.resolve(x);
    } catch (e) {
      return Promise.reject(e);
    }
  }
  reduceNumber(v: number, op: ReduceOp = "sum"): number {
    reduceOp("reduceNumber", op);
    return aNumber("reduceNumber", v);
  }
  broadcastNumber(v: number, root = 0): number {
    rootOf("broadcastNumber", root, 1);
    return aNumber("broadcastNumber", v);
  }
  agree(what: string, values: readonly number[]): void {
    agreeable(what, values);
  }
}

/** A non-blocking reduction of one structure, started again for every step. */
interface Reduction extends PendingReduce {
  /** The memory of the structure it reduces. */
  readonly region: HostArray;
  /** Starts it (again) with this operation. */
  start(op: ReduceOp): void;
}

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
  /** Where signatures travel: both halves of the check's all-reduce (max of v and of −v). */
  #signature = new Float64Array(16);
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

  /** A blocking call under the watchdog, named `what` (an index into the operations). */
  #blocking(what: number, call: () => number, name: string): void {
    this.#watchdog.arm(what);
    const status = call();
    this.#watchdog.disarm();
    this.#check(status, name);
  }

  barrier(): void {
    this.#agreeOn("barrier", BARRIER, () => signature(BARRIER));
    this.#blocking(BARRIER, () => this.#mpi.MPI_Barrier(this.#h.world), "MPI_Barrier");
  }

  /**
   * The check before a collective: `local` validates this rank's arguments and gives its
   * signature. Every rank takes part even when its own arguments are wrong (as refusing), so a
   * mistake on one rank fails every rank at once; that rank rethrows its own error.
   */
  #agreeOn(what: string, call: number, local: () => number[]): void {
    let mine: number[], own: unknown;
    try {
      mine = local();
    } catch (e) {
      own = e;
      mine = signature(call, 0, "float64", 0, true);
    }
    try {
      this.#agree(what, mine, describeCall);
    } catch (e) {
      throw own ?? e;
    }
    if (own !== undefined) throw own;
  }

  /** One all-reduce of (max v, max −v): every rank learns whether all gave the same values. */
  #agree(what: string, values: readonly number[], describe: (v: readonly number[]) => string) {
    const k = values.length;
    if (this.#signature.length < 2 * k) this.#signature = new Float64Array(2 * k);
    const both = this.#signature.subarray(0, 2 * k), h = this.#h;
    for (let i = 0; i < k; i++) {
      both[i] = values[i];
      both[k + i] = -values[i];
    }
    this.#blocking(
      AGREE,
      () => this.#mpi.MPI_Allreduce(h.inPlace, both, 2 * k, h.double, h.max, h.world),
      "MPI_Allreduce",
    );
    let same = true;
    for (let i = 0; i < k; i++) same &&= both[i] === -both[k + i];
    if (same) return;
    // Every rank saw the mismatch: each rank's values, in its own slot of a sum, name them.
    const all = new Float64Array(this.size * k);
    all.set(values, this.rank * k);
    this.#blocking(
      AGREE,
      () => this.#mpi.MPI_Allreduce(h.inPlace, all, all.length, h.double, h.sum, h.world),
      "MPI_Allreduce",
    );
    const rows = Array.from(
      { length: this.size },
      (_, r) => Array.from(all.subarray(r * k, r * k + k)),
    );
    throw new KnapError(disagreement(what, rows, describe), "mismatch");
  }

  agree(
    what: string,
    values: readonly number[],
    describe?: (v: readonly number[]) => string,
  ): void {
    let own: unknown;
    try {
      agreeable(what, values);
    } catch (e) {
      own = e;
    }
    // The count first, so that the values travel with one length on every rank.
    try {
      this.#agree(
        what,
        [own === undefined ? values.length : -1],
        ([n]) =>
          n < 0 ? "values refused (its own error says why)" : `${n} value${n === 1 ? "" : "s"}`,
      );
    } catch (e) {
      throw own ?? e;
    }
    if (own !== undefined) throw own;
    this.#agree(what, values, describe ?? ((v) => `[${v.join(", ")}]`));
  }

  /** The signature of collective `call` on structure x, checked for this rank first. */
  #structureCall(op: string, call: number, x: unknown, detail: number | ReduceOp): number[] {
    hostFloats(op, x);
    return signature(call, x.rows * x.cols, x.factory.dtype, detail);
  }

  /**
   * x's entries as one host run MPI takes in place (found once per structure), or undefined
   * when they have gaps; refuses memory that is not the host's.
   */
  #run(op: string, x: Structure): HostArray | undefined {
    hostFloats(op, x);
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
    this.#agreeOn("broadcast_", BROADCAST, () => {
      rootOf("broadcast_", root, this.size);
      return this.#structureCall("broadcast_", BROADCAST, x, root);
    });
    const { data, staged } = this.#operand("broadcast_", x);
    const type = this.#type(data);
    inPieces(data, (piece) => {
      this.#blocking(
        BROADCAST,
        () => this.#mpi.MPI_Bcast(piece, piece.length, type, root, this.#h.world),
        "MPI_Bcast",
      );
    });
    this.#finish(x, staged, "sum");
    return x;
  }

  /** MPI's operation for a reduction: a mean is a sum, scaled afterwards. */
  #op(op: ReduceOp): Deno.PointerObject {
    return op === "max" ? this.#h.max : op === "min" ? this.#h.min : this.#h.sum;
  }

  /** The blocking all-reduce of a dense run, in place (in pieces past MPI's count). */
  #allReduceNow(data: HostArray, what: number, op: ReduceOp): void {
    const h = this.#h, type = this.#type(data), mpiOp = this.#op(op);
    inPieces(data, (piece) => {
      this.#blocking(
        what,
        () => this.#mpi.MPI_Allreduce(h.inPlace, piece, piece.length, type, mpiOp, h.world),
        "MPI_Allreduce",
      );
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

  /** The per-call check of an all-reduce of x, unless the caller agreed it beforehand. */
  #agreeReduce(op: string, x: unknown, reduce: unknown, options: CollectiveOptions): ReduceOp {
    if (options.agreed === true) {
      hostFloats(op, x);
      return reduceOp(op, reduce);
    }
    let checked: ReduceOp = "sum";
    this.#agreeOn(op, ALL_REDUCE, () => {
      checked = reduceOp(op, reduce);
      return this.#structureCall(op, ALL_REDUCE, x, checked);
    });
    return checked;
  }

  startAllReduce(
    x: Structure,
    op: ReduceOp = "sum",
    options: CollectiveOptions = {},
  ): PendingReduce {
    op = this.#agreeReduce("startAllReduce", x, op, options);
    const known = this.#reductions.get(x);
    if (known !== undefined && !x.storage.released) {
      this.#refuseBusy("startAllReduce", known.region);
      known.start(op);
      return known;
    }
    const { data, region, staged } = this.#operand("startAllReduce", x);
    if (data.byteLength <= blockingLimit || data.length > MOST_ENTRIES) {
      this.#allReduceNow(data, ALL_REDUCE, op);
      this.#finish(x, staged, op);
      return done;
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
    const busy = this.#busy, mpi = this.#mpi, h = this.#h;
    const type = this.#type(data), request = new BigUint64Array(1);
    let op: ReduceOp = "sum", ticket = 0, done = true, finished = true;
    // The reduction thread sums; a largest or smallest goes through MPI_Iallreduce.
    let thread: ReductionThread | undefined;
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
      start: (how: ReduceOp) => {
        op = how;
        thread = op === "sum" || op === "mean" ? this.#thread : undefined;
        if (thread !== undefined) {
          ticket = thread.queue(data as Float32Array | Float64Array);
        } else {
          const mpiOp = this.#op(op);
          this.#check(
            mpi.MPI_Iallreduce(h.inPlace, data, data.length, type, mpiOp, h.world, request),
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

  allReduce_<S extends Structure>(x: S, op: ReduceOp = "sum", options: CollectiveOptions = {}): S {
    op = this.#agreeReduce("allReduce_", x, op, options);
    const { data, staged } = this.#operand("allReduce_", x);
    this.#allReduceNow(data, ALL_REDUCE, op);
    this.#finish(x, staged, op);
    return x;
  }

  async allReduceAsync_<S extends Structure>(x: S, op: ReduceOp = "sum"): Promise<S> {
    reduceOp("allReduceAsync_", op);
    floats("allReduceAsync_", x);
    if (x.factory.location === "host") return this.allReduce_(x, op);
    const host = hostFactory(x.factory.dtype);
    using staged = await transfer(host, x as unknown as GEMatrix<"device">);
    this.allReduce_(staged as Structure, op);
    await transfer_(staged as Structure<"host">, x as Structure<"device">);
    return x;
  }

  reduceNumber(v: number, op: ReduceOp = "sum", options: CollectiveOptions = {}): number {
    const local = () => {
      reduceOp("reduceNumber", op);
      aNumber("reduceNumber", v);
      return signature(REDUCE_NUMBER, 1, "float64", op);
    };
    if (options.agreed === true) local();
    else this.#agreeOn("reduceNumber", REDUCE_NUMBER, local);
    const data = this.#number;
    data[0] = v;
    this.#allReduceNow(data, REDUCE_NUMBER, op);
    return op === "mean" ? data[0] / this.size : data[0];
  }

  broadcastNumber(v: number, root = 0): number {
    this.#agreeOn("broadcastNumber", BROADCAST_NUMBER, () => {
      rootOf("broadcastNumber", root, this.size);
      aNumber("broadcastNumber", v);
      return signature(BROADCAST_NUMBER, 1, "float64", root);
    });
    const data = this.#number;
    data[0] = v;
    this.#blocking(
      BROADCAST_NUMBER,
      () => this.#mpi.MPI_Bcast(data, 1, this.#h.double, root, this.#h.world),
      "MPI_Bcast",
    );
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

/**
 * Large gradient reductions on a thread of their own, so that they travel while the layers
 * below compute. Open MPI's non-blocking collectives move only inside MPI calls, and the main
 * thread, busy with the backward pass, makes none; here a worker thread runs each reduction as
 * one blocking MPI_Allreduce — which drives its own progress — on a communicator of its own (a
 * duplicate of the world's, so its collectives never interleave with the main thread's), in the
 * order the main thread queued them, which is the same on every rank. Needs MPI initialized with
 * MPI_THREAD_MULTIPLE.
 *
 * The main thread queues (pointer, count, type) into shared memory and, to wait, sleeps on the
 * completed count with the collective's timeout. Buffers must stay alive and in place until
 * their reduction completes: gradient buffers do.
 *
 * Opt-in (`KNAP_MPI_THREAD=1`): on the 2-core build machine it made a training step slower
 * (bench/allreduce.ts), since the thread, spinning in MPI, takes a core the ranks compute on. It
 * is meant for machines with cores to spare.
 *
 * A live worker keeps a Deno program from ending, so the thread closes itself after a second with
 * nothing queued; the next reduction starts another.
 *
 * @module
 */

/** Slots of the shared control words. */
const QUEUED = 0, COMPLETED = 1, STATE = 2;
/** STATE: a worker runs; none; one is being started. */
const RUNNING = 0, CLOSED = 2, STARTING = 3;
/** Reductions that may be queued at once. */
const ring = 256;

const source = `
const [QUEUED, COMPLETED, STATE] = [0, 1, 2];
const ring = ${ring};
self.onmessage = (e) => {
  const { control, jobs, statuses, allReduce, comm, inPlace, sum, types } = e.data;
  const c = new Int32Array(control), job = new BigInt64Array(jobs), status = new Int32Array(statuses);
  const call = new Deno.UnsafeFnPointer(Deno.UnsafePointer.create(allReduce), {
    parameters: ["pointer", "pointer", "i32", "pointer", "pointer", "pointer"],
    result: "i32",
  });
  const p = (v) => Deno.UnsafePointer.create(v);
  const [commP, inPlaceP, sumP] = [p(comm), p(inPlace), p(sum)];
  const typeP = types.map(p);
  let next = Atomics.load(c, COMPLETED), quiet = performance.now();
  for (;;) {
    if (Atomics.load(c, QUEUED) > next) {
      const slot = (next % ring) * 3;
      status[next % ring] = call.call(
        inPlaceP, p(job[slot]), Number(job[slot + 1]), typeP[Number(job[slot + 2])], sumP, commP,
      );
      next++;
      Atomics.store(c, COMPLETED, next);
      Atomics.notify(c, COMPLETED);
      quiet = performance.now();
      continue;
    }
    Atomics.wait(c, QUEUED, next, 250);
    if (Atomics.load(c, QUEUED) > next || performance.now() - quiet < 1000) continue;
    if (Atomics.compareExchange(c, STATE, 0, 2) !== 0) continue;
    if (Atomics.load(c, QUEUED) > next && Atomics.compareExchange(c, STATE, 2, 0) === 2) continue;
    self.close();
    return;
  }
};
`;

let url: string | undefined;

/** What the thread calls, as pointer values. */
export interface ReductionTarget {
  /** The address of MPI_Allreduce. */
  readonly allReduce: bigint;
  /** The thread's own communicator. */
  readonly comm: bigint;
  readonly inPlace: bigint;
  readonly sum: bigint;
  /** MPI_FLOAT, MPI_DOUBLE. */
  readonly float: bigint;
  readonly double: bigint;
}

/** Queues large reductions to the thread and waits for them. */
export class ReductionThread {
  readonly #control = new Int32Array(new SharedArrayBuffer(3 * 4));
  readonly #jobs = new BigInt64Array(new SharedArrayBuffer(ring * 3 * 8));
  readonly #statuses = new Int32Array(new SharedArrayBuffer(ring * 4));
  readonly #target: ReductionTarget;

  constructor(target: ReductionTarget) {
    this.#target = target;
    Atomics.store(this.#control, STATE, CLOSED);
  }

  /**
   * Queues the sum of `data` over the ranks, in place; returns its ticket. Throws when `ring`
   * reductions are already queued (the caller waits for some first).
   */
  queue(data: Float32Array | Float64Array): number {
    const c = this.#control, ticket = Atomics.load(c, QUEUED);
    if (ticket - Atomics.load(c, COMPLETED) >= ring) {
      throw new RangeError(`allReduce_: more than ${ring} reductions under way`);
    }
    const slot = (ticket % ring) * 3;
    this.#jobs[slot] = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(data)));
    this.#jobs[slot + 1] = BigInt(data.length);
    this.#jobs[slot + 2] = data instanceof Float64Array ? 1n : 0n;
    Atomics.store(c, QUEUED, ticket + 1);
    Atomics.notify(c, QUEUED);
    if (
      Atomics.load(c, STATE) === CLOSED &&
      Atomics.compareExchange(c, STATE, CLOSED, STARTING) === CLOSED
    ) {
      this.#start();
    }
    return ticket;
  }

  /** Whether the reduction with this ticket completed. */
  done(ticket: number): boolean {
    return Atomics.load(this.#control, COMPLETED) > ticket;
  }

  /**
   * Sleeps until the reduction with this ticket completes and returns MPI's status for it, or
   * returns undefined after `timeout` seconds.
   */
  wait(ticket: number, timeout: number): number | undefined {
    const c = this.#control, deadline = performance.now() + timeout * 1000;
    for (;;) {
      const completed = Atomics.load(c, COMPLETED);
      if (completed > ticket) return this.#statuses[ticket % ring];
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      Atomics.wait(c, COMPLETED, completed, left);
    }
  }

  #start(): void {
    url ??= URL.createObjectURL(new Blob([source], { type: "application/javascript" }));
    Atomics.store(this.#control, STATE, RUNNING);
    const t = this.#target;
    new Worker(url, { type: "module" }).postMessage({
      control: this.#control.buffer,
      jobs: this.#jobs.buffer,
      statuses: this.#statuses.buffer,
      allReduce: t.allReduce,
      comm: t.comm,
      inPlace: t.inPlace,
      sum: t.sum,
      types: [t.float, t.double],
    });
  }
}

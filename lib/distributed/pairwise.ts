/**
 * Small all-reduces by recursive doubling over point-to-point messages. For a few kilobytes
 * Open MPI's non-blocking collective spends most of its time building and stepping its schedule:
 * 19.7 µs for 1 KB over two ranks on loopback against 8.9 µs for the blocking MPI_Allreduce, while
 * an MPI_Isend/MPI_Irecv exchange and a sum here took 9.7 µs (10.1 against 18.2 µs at 4 KB, 14.3
 * against 21.0 at 16 KB; 50.9 against 36.0 at 64 KB, where the collective wins).
 *
 * In step k every rank swaps its partial sums with rank ⊕ 2ᵏ and adds them. a + b and b + a are
 * the same IEEE number, so every rank ends with the same bits, in an order that does not depend
 * on timing. Jobs whose size is not a power of two use the collective.
 *
 * @module
 */

import type { Mpi, MpiHandles } from "../../ffi/mpi.ts";

/** Largest reduction, in bytes, that takes the pairwise route. */
export const pairwiseLimit = 16384;

/** Checks an MPI status, naming the call. */
export type StatusCheck = (status: number, what: string) => void;

/**
 * One reduction under way; `test` advances it and says whether it is complete. Made once and
 * reused: a training step starts one per gradient, and allocates none of this.
 */
export class Exchange {
  readonly #owner: PairwiseReduce;
  readonly #mpi: Mpi;
  readonly #world: Deno.PointerObject;
  readonly #rank: number;
  readonly #steps: number;
  readonly #check: StatusCheck;
  readonly #requests = new BigUint64Array(2);
  readonly #receive = this.#requests.subarray(0, 1);
  readonly #send = this.#requests.subarray(1, 2);
  readonly #flag = new Int32Array(1);
  readonly #scratch64 = new Float64Array(pairwiseLimit / 8);
  readonly #scratch32 = new Float32Array(this.#scratch64.buffer);
  #data: Float32Array | Float64Array = this.#scratch64;
  #type: Deno.PointerObject | null = null;
  #sequence = 0;
  #step = 0;
  /** Counts uses: a reduction's test after its exchange went on to another reports it done. */
  use = 0;

  constructor(owner: PairwiseReduce, mpi: Mpi, handles: MpiHandles, rank: number, steps: number) {
    this.#owner = owner;
    this.#mpi = mpi;
    this.#world = handles.world;
    this.#rank = rank;
    this.#steps = steps;
    this.#check = owner.check;
  }

  /** Starts; the owner hands out exchanges in the order reductions start. */
  begin(data: Float32Array | Float64Array, type: Deno.PointerObject, sequence: number): void {
    this.#data = data;
    this.#type = type;
    this.#sequence = sequence;
    this.#step = 0;
    this.use++;
    this.#post();
  }

  #post(): void {
    const n = this.#data.length, peer = this.#rank ^ (1 << this.#step);
    const tag = (this.#sequence << 3) | this.#step, mpi = this.#mpi, check = this.#check;
    const other = this.#data instanceof Float64Array ? this.#scratch64 : this.#scratch32;
    check(
      mpi.MPI_Irecv(other, n, this.#type, peer, tag, this.#world, this.#receive),
      "MPI_Irecv",
    );
    check(
      mpi.MPI_Isend(this.#data, n, this.#type, peer, tag, this.#world, this.#send),
      "MPI_Isend",
    );
  }

  /** Advances the exchange; true once every step is summed (then it goes back to its owner). */
  test = (): boolean => {
    const data = this.#data, n = data.length;
    while (this.#step < this.#steps) {
      this.#check(this.#mpi.MPI_Testall(2, this.#requests, this.#flag, null), "MPI_Testall");
      if (this.#flag[0] === 0) return false;
      const other = data instanceof Float64Array ? this.#scratch64 : this.#scratch32;
      for (let i = 0; i < n; i++) data[i] += other[i];
      if (++this.#step < this.#steps) this.#post();
      else this.#owner.release(this);
    }
    return true;
  };
}

/** Recursive doubling for one communicator; reductions must start in the same order everywhere. */
export class PairwiseReduce {
  readonly #mpi: Mpi;
  readonly #h: MpiHandles;
  readonly #rank: number;
  /** log₂ of the job's size; 0 where the route does not apply. */
  readonly #steps: number;
  /** Tags tell apart reductions under way at once: (sequence mod 4096)·8 + step. */
  #sequence = 0;
  readonly #idle: Exchange[] = [];
  /** Checks a status; exchanges report through it. */
  readonly check: StatusCheck;

  constructor(mpi: Mpi, handles: MpiHandles, rank: number, size: number, check: StatusCheck) {
    this.#mpi = mpi;
    this.#h = handles;
    this.#rank = rank;
    this.check = check;
    const steps = Math.log2(size);
    this.#steps = Number.isInteger(steps) && steps >= 1 && steps <= 8 ? steps : 0;
  }

  /** Whether a reduction of this many bytes goes pairwise. */
  fits(bytes: number): boolean {
    return this.#steps > 0 && bytes <= pairwiseLimit;
  }

  /**
   * Starts summing `data` (float32 or float64, at most {@linkcode pairwiseLimit} bytes) in
   * place; returns its test, which advances it and says whether it is complete.
   */
  start(data: Float32Array | Float64Array, type: Deno.PointerObject): () => boolean {
    const exchange = this.#idle.pop() ??
      new Exchange(this, this.#mpi, this.#h, this.#rank, this.#steps);
    exchange.begin(data, type, this.#sequence);
    this.#sequence = (this.#sequence + 1) & 4095;
    const use = exchange.use;
    return () => exchange.use !== use || exchange.test();
  }

  /** Takes back a completed exchange. */
  release(exchange: Exchange): void {
    this.#idle.push(exchange);
  }
}

/**
 * The minibatch schedule, written once for the matrix networks (`sgdTrain`) and the tensor
 * networks (`train` of `@knap/knap/dnn`): how big a batch is and how many there are, this
 * process's share of each (its rank's, split into shards), the epoch's random order, and which
 * samples each lane takes — gathered into a lane's buffers, moved from the host a batch at a
 * time, or taken as views of the data.
 *
 * Two ways to form batches: `"samples"` (the default) shuffles the samples every epoch and
 * gathers each batch's columns; `"batches"` keeps each batch's samples together, shuffling only
 * the order of the batches — views of the data where it already lies with the network, no copy
 * at all. Every batch has the same size and every sample is seen each epoch: with shuffled
 * samples a last, partial batch is filled up with the epoch's first samples (wrapping around);
 * with kept batches the last one ends at the last sample, overlapping the one before it.
 *
 * @module
 */

import type { GEMatrix, Structure } from "../core/structures.ts";
import type { Factory } from "../core/factory.ts";
import type { Loc } from "../core/types.ts";
import { ge } from "../core/construct.ts";
import { count, nonNegative, seed as checkSeed } from "../core/checks.ts";
import { submatrix } from "../core/views.ts";
import { mulberry32, shuffle } from "../core/seeded.ts";
import { gatherColumns_ } from "../gather.ts";
import type { Communicator } from "../distributed/communicator.ts";
import type { Optimizer } from "./optimizer.ts";
import type { SgdOptions } from "./sgd.ts";
import { type BatchShare, shareBatches } from "./shares.ts";
import { HostBatches, movesBatches } from "./host_batches.ts";

/** Options of `sgdTrain`, and of `train` in `@knap/knap/dnn`. */
export interface MinibatchOptions extends SgdOptions {
  /** Samples per batch. */
  readonly batch: number;
  /** The learning rate. */
  readonly eta: number;
  /** The optimizer (plain gradient descent without one). */
  readonly optimizer?: Optimizer;
  /** How batches are formed (see the module docs); "samples" by default. */
  readonly shuffle?: "samples" | "batches";
  /** A seed for the shuffles and dropout's masks, an integer in [0, 2⁵³). */
  readonly seed?: number;
  /**
   * Data-parallel training over the processes of a job (`communicator()` of
   * `@knap/knap/distributed`): rank 0's initial weights go to every rank, every rank shuffles
   * alike and trains on its share of each batch (the batch must split evenly), and the
   * gradients are averaged across ranks before every step. On a device engine the parameters
   * and gradients cross ranks through host copies, each batch waiting for the device; there
   * batch normalization keeps each rank's statistics (`syncBatchNorm: false`).
   */
  readonly communicator?: Communicator;
  /**
   * With a communicator, whether batch normalization layers normalize with the statistics of
   * the whole batch, all ranks' samples (default true on host engines: the job trains as one
   * process would, for two small all-reduces per layer and pass — PyTorch's SyncBatchNorm), or
   * each rank with its own share's (false: PyTorch DDP's default).
   */
  readonly syncBatchNorm?: boolean;
  /**
   * Trains in one process as a job of this many ranks would (default 1): each batch split into
   * equal shards, each shard's gradients computed on its own (dropout masks drawn as each rank
   * draws them), their mean taken in shard order, then one step. In float64 the weights equal a
   * two-rank job's bit for bit — the reference for a data-parallel run. Not with a communicator
   * of several processes, nor with batch normalization, whose running statistics are each
   * rank's own.
   */
  readonly shards?: number;
}

/** The checks every minibatch trainer makes of its epochs and options. */
export function checkMinibatch(op: string, epochs: number, options: MinibatchOptions): void {
  count(op, epochs, "epochs");
  count(op, options.batch, "the batch size");
  if (options.batch < 1) throw new RangeError(`${op}: the batch size must be at least 1`);
  nonNegative(op, options.eta, "eta");
  if (options.seed !== undefined) checkSeed(op, options.seed);
  const shards = options.shards ?? 1;
  count(op, shards, "shards");
  if (shards < 1) throw new RangeError(`${op}: shards must be at least 1`);
  const comm = options.communicator;
  if (shards > 1 && (comm?.size ?? 1) > 1) {
    throw new TypeError(
      `${op}: shards stand for the ranks of a job in one process; this job has ${comm!.size}`,
    );
  }
}

/** What a lane trains on in one batch: its inputs and targets. */
export interface LaneBatch<L extends Loc> {
  /** The inputs: the lane's input buffer, filled, or a view of the data. */
  x: GEMatrix<L>;
  /** The targets: the lane's target buffer, filled, or a view of the data. */
  y: GEMatrix<L>;
}

/** What the schedule needs of the network and the data set. */
export interface ScheduleOf<L extends Loc> {
  /** Inputs, one column per sample: on the network's factory, or on the host for a device. */
  readonly x: GEMatrix<L> | GEMatrix<"host">;
  /** Targets, one column per sample, likewise. */
  readonly y: GEMatrix<L> | GEMatrix<"host">;
  /** The network's factory, where batches are trained. */
  readonly factory: Factory<L>;
  /** The network's parameters, which every rank of a job must have alike. */
  readonly parameters: () => readonly Structure[];
  /** Facts every rank of a job must agree on besides the batch, the samples and the epochs. */
  readonly facts?: Readonly<Record<string, number>>;
  /** Whether lanes may take batches as views of the data (dense networks do). */
  readonly views: boolean;
}

/** The batches of a training run and the buffers they are gathered into. */
export class Minibatches<L extends Loc> implements Disposable {
  /** Samples in the data set. */
  readonly samples: number;
  /** Samples per batch over the whole job. */
  readonly size: number;
  /** Batches per epoch. */
  readonly count: number;
  /** Lanes in this process: its shards (1 without shards). */
  readonly lanes: number;
  /** Samples each lane trains on per batch. */
  readonly local: number;
  /** This process's place in its job. */
  readonly share: BatchShare;
  /** Whether lanes take batches as views of the data rather than gathering them. */
  readonly views: boolean;
  /** Whether the network trains in host memory (epochs run synchronously). */
  readonly host: boolean;
  readonly #x: GEMatrix<L>;
  readonly #y: GEMatrix<L>;
  readonly #factory: Factory<L>;
  readonly #keepBatches: boolean;
  readonly #order: Int32Array;
  readonly #random: () => number;
  readonly #picked: Int32Array;
  readonly #hostX: HostBatches | undefined;
  readonly #hostY: HostBatches | undefined;
  /** Per lane: its gathered inputs and targets (made on first use), or the last views. */
  readonly #batches: Partial<LaneBatch<L>>[];
  /** Per lane, where batches are views: each batch's inputs and targets, made once. */
  readonly #views: LaneBatch<L>[][];
  readonly #owned: Disposable[] = [];

  /**
   * The schedule of `epochs` epochs for `of` under `options` (checked by `checkMinibatch`):
   * in a job, every rank's network and schedule are checked alike and rank 0's parameters
   * broadcast (host ones; device ones the caller broadcasts through host copies).
   */
  constructor(op: string, of: ScheduleOf<L>, epochs: number, options: MinibatchOptions) {
    const x = of.x as GEMatrix<L>, y = of.y as GEMatrix<L>;
    const n = this.samples = x.n;
    const size = this.size = Math.min(Math.max(options.batch, 1), n);
    this.count = Math.ceil(n / size);
    const shards = this.lanes = options.shards ?? 1;
    if (size % shards !== 0) {
      throw new RangeError(`${op}: a batch of ${size} does not split evenly into ${shards} shards`);
    }
    // Every rank starts from rank 0's weights and draws the same shuffles.
    this.share = shareBatches(
      op,
      options.communicator,
      size,
      of.factory.location,
      of.parameters,
      options.seed,
      { samples: n, epochs, ...of.facts },
    );
    this.local = this.share.local / shards;
    this.#x = x;
    this.#y = y;
    this.#factory = of.factory;
    this.host = of.factory.location === "host";
    this.#random = mulberry32(this.share.seed);
    this.#keepBatches = options.shuffle === "batches";
    this.#order = new Int32Array(this.#keepBatches ? this.count : n).map((_, i) => i);
    this.#picked = new Int32Array(this.local);
    // Host data for a network on a device moves a batch at a time (host_batches.ts).
    const moveX = movesBatches(x, of.factory), moveY = movesBatches(y, of.factory);
    this.views = of.views && this.#keepBatches && !moveX && !moveY;
    this.#hostX = moveX
      ? this.#own(new HostBatches(of.x as GEMatrix<"host">, this.local))
      : undefined;
    this.#hostY = moveY
      ? this.#own(new HostBatches(of.y as GEMatrix<"host">, this.local))
      : undefined;
    this.#batches = Array.from({ length: shards }, () => ({}));
    this.#views = Array.from(
      { length: this.views ? shards : 0 },
      (_, s) =>
        Array.from({ length: this.count }, (_, b) => ({
          x: this.#view(x, b, s),
          y: this.#view(y, b, s),
        })),
    );
  }

  /** A fresh random order, for the next epoch. */
  shuffle(): void {
    shuffle(this.#order, this.#random);
  }

  /**
   * The input buffer lane s gathers its batches into (its first batch's view, where batches
   * are views), made on first use and released with the schedule.
   */
  input(s: number): GEMatrix<L> {
    if (this.views) return this.#views[s][0].x;
    const lane = this.#batches[s];
    // Inputs stay on their own factory (bfloat16 data for a float32 network, say) unless
    // they move from the host.
    const f = this.#hostX === undefined ? this.#x.factory : this.#factory;
    return lane.x ??= this.#own(ge(f, this.#x.m, this.local));
  }

  /**
   * Lane s's share of batch b of this epoch: gathered into `into` (by default the lane's input
   * buffer) and the lane's target buffer, or views of the data. The record is reused: read it
   * before the next call.
   */
  batch(b: number, s: number, into?: GEMatrix<L>): LaneBatch<L> {
    if (this.views) return this.#views[s][this.#order[b]];
    const lane = this.#batches[s] as LaneBatch<L>;
    const x = into ?? this.input(s);
    lane.x = x;
    const y = lane.y ??= this.#own(ge(this.#factory, this.#y.m, this.local));
    const picked = this.#picked, order = this.#order, offset = this.#offset(s);
    const n = this.samples, local = this.local;
    for (let j = 0; j < local; j++) {
      picked[j] = this.#keepBatches
        ? this.#start(order[b]) + offset + j
        : order[(b * this.size + offset + j) % n];
    }
    if (this.#hostX !== undefined) this.#hostX.move(picked, x);
    else gatherColumns_(this.#x, picked, x);
    if (this.#hostY !== undefined) this.#hostY.move(picked, y);
    else gatherColumns_(this.#y, picked, y);
    return lane;
  }

  /** Releases the buffers. */
  [Symbol.dispose](): void {
    for (const d of this.#owned.splice(0).reverse()) d[Symbol.dispose]();
  }

  /** The first column of lane s's share in a batch: rank r's shard s is the (r + s)-th part. */
  #offset(s: number): number {
    return (this.share.rank + s) * this.local;
  }

  /** The first sample of batch b, kept together (the last ends at the last sample). */
  #start(b: number): number {
    return Math.min(b * this.size, this.samples - this.size);
  }

  #view(m: GEMatrix<L>, b: number, s: number): GEMatrix<L> {
    return submatrix(m, 0, this.#start(b) + this.#offset(s), m.m, this.local);
  }

  #own<D extends Disposable>(d: D): D {
    this.#owned.push(d);
    return d;
  }
}

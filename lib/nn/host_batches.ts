/**
 * A data set kept in host memory for a network on a device: a device's largest buffer is often
 * smaller than the data set (Fashion-MNIST's 60,000 training images are 188 MB; Mesa's llvmpipe
 * binds 128 MB, many GPUs 2 GB, IMDB's bags of words take 1 GB), so each minibatch is gathered on
 * the host and then moved into the device's batch buffer, as PyTorch's DataLoader feeds a CUDA
 * model. The host bytes are copied when the write is queued, so one staging buffer serves every
 * batch.
 *
 * @module
 */

import type { GEMatrix } from "../core/structures.ts";
import type { Loc } from "../core/types.ts";
import { ge } from "../core/construct.ts";
import { gatherColumns_ } from "../gather.ts";
import { transfer_ } from "../access.ts";

/** Whether data on `data`'s factory reaches a network on `net`'s by moving batches. */
export function movesBatches(data: GEMatrix, net: { location: Loc }): boolean {
  return data.factory.location === "host" && net.location === "device";
}

/** Columns of a host matrix gathered into a staging buffer, then moved to a device buffer. */
export class HostBatches implements Disposable {
  readonly #x: GEMatrix<"host">;
  readonly #staging: GEMatrix<"host">;

  /** Batches of `columns` columns of x (host memory). */
  constructor(x: GEMatrix<"host">, columns: number) {
    this.#x = x;
    this.#staging = ge(x.factory, x.m, columns);
  }

  /** into (device) ← the columns `picked` of x. */
  move(picked: Int32Array, into: GEMatrix<Loc>): void {
    gatherColumns_(this.#x, picked, this.#staging);
    transfer_(this.#staging, into);
  }

  /** Releases the staging buffer. */
  [Symbol.dispose](): void {
    this.#staging[Symbol.dispose]();
  }
}

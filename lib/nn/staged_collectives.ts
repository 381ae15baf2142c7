/**
 * Data-parallel training on a device engine: MPI here reads host memory only, so the
 * gradients (and, at the start, the weights) cross between ranks through host copies made once
 * per training run — read from the device, reduced or broadcast on the host, written back. Each
 * step waits for the device at that point; the host's reductions are the same calls as a host
 * engine's.
 *
 * @module
 */

import type { Structure } from "../core/structures.ts";
import { transfer, transfer_ } from "../access.ts";
import { hostFactory } from "../engines/registry.ts";
import type { Communicator } from "../distributed/communicator.ts";
import { agreed } from "./shares.ts";

/** Host copies of a list of device structures, and the collectives over them. */
export class StagedCollectives implements Disposable {
  readonly #comm: Communicator;
  readonly #host: readonly Structure<"host">[];

  private constructor(comm: Communicator, host: Structure<"host">[]) {
    this.#comm = comm;
    this.#host = host;
  }

  /** Host copies shaped as `like` (float32 or float64 as they are). */
  static async make(comm: Communicator, like: readonly Structure[]): Promise<StagedCollectives> {
    const host: Structure<"host">[] = [];
    try {
      for (const s of like) {
        const f = hostFactory(s.factory.dtype);
        host.push(await transfer(f, s as never) as Structure<"host">);
      }
    } catch (e) {
      for (const h of host) h[Symbol.dispose]();
      throw e;
    }
    return new StagedCollectives(comm, host);
  }

  /** Every rank's `targets` (shaped as the copies, in order) ← root's. */
  async broadcast_(targets: readonly Structure[], root = 0): Promise<void> {
    await this.#read(targets);
    for (const h of this.#host) this.#comm.broadcast_(h, root);
    await this.#write(targets);
  }

  /** `targets` ← their mean over the ranks, reduced in the same order everywhere. */
  async mean_(targets: readonly Structure[]): Promise<void> {
    await this.#read(targets);
    const pending = this.#host.map((h) => this.#comm.startAllReduce(h, "mean", agreed));
    for (const p of pending) p.wait();
    await this.#write(targets);
  }

  async #read(targets: readonly Structure[]): Promise<void> {
    await Promise.all(targets.map((t, i) => transfer_(t, this.#host[i])));
  }

  async #write(targets: readonly Structure[]): Promise<void> {
    await Promise.all(this.#host.map((h, i) => transfer_(h, targets[i])));
  }

  [Symbol.dispose](): void {
    for (const h of this.#host) h[Symbol.dispose]();
  }
}

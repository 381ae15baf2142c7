/**
 * What a device queue still uses after the host moved on — the host bytes of queued writes,
 * buffers freed behind queued work — kept until a wait has seen the queue get past them.
 *
 * Waits overlap (several reads in flight at once), so each wait takes a mark when it is queued
 * and, once it completes, lets go of what was held before that mark only — never of what was
 * queued after it, which an in-order queue has not necessarily reached.
 *
 * @module
 */

/** Items held in queue order, let go of up to a mark. */
export class QueueHold<T> {
  #items: T[] = [];
  /** The sequence number of the first item held. */
  #first = 0;

  /** How many items are held. */
  get length(): number {
    return this.#items.length;
  }

  /** Holds an item queued now. */
  hold(item: T): void {
    this.#items.push(item);
  }

  /** The mark of everything held so far: queue a wait, then `letGo` of the mark once it ends. */
  mark(): number {
    return this.#first + this.#items.length;
  }

  /** Lets go of the items held before `mark` and returns them (none twice). */
  letGo(mark: number): T[] {
    const n = Math.max(0, Math.min(mark - this.#first, this.#items.length));
    this.#first += n;
    return this.#items.splice(0, n);
  }
}

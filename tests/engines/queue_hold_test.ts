/**
 * The hold that keeps queued writes' host bytes (and CUDA's deferred frees) alive: overlapping
 * waits each let go of what was queued before their own mark, never of what came after.
 */
import { QueueHold } from "../../lib/engines/kernelc/queue_hold.ts";
import { assertEquals } from "../conformance/assert.ts";

Deno.test("device queues: overlapping waits let go only of what was queued before each", () => {
  const hold = new QueueHold<string>();
  hold.hold("w1");
  hold.hold("w2");
  const first = hold.mark(); // a read queued after two writes
  hold.hold("w3");
  const second = hold.mark(); // another read, queued after a third write
  hold.hold("w4"); // queued after both reads: neither wait covers it
  // The second read resolves first (its promise may be awaited first); then the first.
  assertEquals(hold.letGo(second), ["w1", "w2", "w3"]);
  assertEquals(hold.letGo(first), [], "nothing is let go of twice");
  assertEquals(hold.length, 1);
  hold.hold("w5");
  assertEquals(hold.letGo(first), [], "an old mark lets go of nothing newer");
  assertEquals(hold.letGo(hold.mark()), ["w4", "w5"]);
  assertEquals(hold.length, 0);
});

Deno.test("device queues: in order, each wait lets go of its own writes", () => {
  const hold = new QueueHold<number>();
  hold.hold(1);
  const a = hold.mark();
  hold.hold(2);
  hold.hold(3);
  const b = hold.mark();
  assertEquals(hold.letGo(a), [1]);
  assertEquals(hold.letGo(b), [2, 3]);
  assertEquals(hold.letGo(Infinity), []);
});

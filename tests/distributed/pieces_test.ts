/**
 * MPI takes at most 2³¹ − 1 entries a call: longer runs go in pieces, each a view of the run,
 * covering it exactly once; and memory under way is recognized by overlap, not identity.
 */
import { inPieces, meet, MOST_ENTRIES } from "../../lib/distributed/pieces.ts";
import { assert, assertEquals } from "../conformance/assert.ts";

Deno.test("distributed: a run longer than one MPI call takes goes in consecutive pieces", () => {
  assertEquals(MOST_ENTRIES, 2 ** 31 - 1);
  const data = new Float32Array(10).map((_, i) => i);
  const seen: number[][] = [];
  inPieces(data, (p) => {
    assert(p.buffer === data.buffer, "a piece is a view, not a copy");
    seen.push(Array.from(p));
  }, 4);
  assertEquals(seen, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  const whole: Float32Array[] = [];
  inPieces(data, (p) => whole.push(p as Float32Array), 10);
  assert(whole.length === 1 && whole[0] === data, "a run that fits is passed as it is");
});

Deno.test("distributed: memory under way is recognized wherever views of it overlap", () => {
  const a = new Float64Array(16);
  assert(meet(a.subarray(2, 6), a.subarray(5, 9)), "overlapping views meet");
  assert(!meet(a.subarray(2, 6), a.subarray(6, 9)), "adjacent views do not");
  assert(!meet(a.subarray(2, 2), a), "an empty view meets nothing");
  assert(!meet(a, new Float64Array(16)), "other buffers never meet");
  assert(meet(new Float32Array(a.buffer, 8, 2), a.subarray(1, 2)), "across element types too");
});

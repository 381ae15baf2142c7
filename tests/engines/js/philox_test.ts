import { assertEquals } from "../../conformance/assert.ts";
import { philox } from "../../../lib/engines/js/philox.ts";

// Known-answer vectors of Philox4x32-10 from the Random123 distribution (kat_vectors).
Deno.test("philox matches the Random123 known answers", () => {
  const out = new Uint32Array(4);
  assertEquals([...philox(0, 0, 0, 0, 0, 0, out)], [
    0x6627e8d5,
    0xe169c58d,
    0xbc57ac4c,
    0x9b00dbd8,
  ]);
  const ones = 0xffffffff;
  assertEquals(
    [...philox(ones, ones, ones, ones, ones, ones, out)],
    [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
  );
  assertEquals(
    [...philox(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out)],
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  );
});

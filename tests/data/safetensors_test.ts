/**
 * The safetensors format against files the reference implementation wrote (../shared/fixtures):
 * every tensor's dtype, shape and values read back exactly, and the same tensors and metadata
 * written again give the same bytes. Hostile headers are refused with an error, never a crash,
 * and writing is atomic.
 */
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  type SafeTensor,
  tensorValues,
  writeSafetensors,
} from "../../lib/data/mod.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import { KnapError } from "../../mod.ts";
import { expectations, fixtures, fixturesPresent } from "./_fixtures.ts";

const present = fixturesPresent;

interface Expected {
  sha256: string;
  bytes: number;
  tensors: Record<string, { dtype: string; shape: number[]; values_row_major?: number[] }>;
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

const dtypeOf: Record<string, string> = { float32: "F32", float64: "F64", bfloat16: "BF16" };

for (const file of ["mlp_4_8_1_f32", "mixed_dtypes", "cnn_14x14_f32"]) {
  Deno.test({
    name: present
      ? `safetensors: ${file} reads exactly and writes back byte for byte`
      : `safetensors: ${file} skipped: ../shared/fixtures/safetensors is absent`,
    ignore: !present,
    async fn() {
      const name = `${file}.safetensors`;
      const expected: Expected = (await expectations())[name];
      const bytes = await Deno.readFile(new URL(name, fixtures));
      assertEquals(await sha256(bytes), expected.sha256, "the fixture itself");
      assertEquals(bytes.length, Number(expected.bytes), "the fixture's length");
      const { tensors, metadata } = await readSafetensors(new URL(name, fixtures));
      assertEquals(tensors.map((t) => t.name).sort(), Object.keys(expected.tensors).sort());
      for (const t of tensors) {
        const want = expected.tensors[t.name];
        assertEquals(t.dtype, dtypeOf[want.dtype], t.name);
        assertEquals(t.shape, want.shape, t.name);
        const got = tensorValues(t);
        // The CNN's entry lists no values: its inference outputs check them (issue 14).
        const values = want.values_row_major ?? [];
        if (values.length > 0) assertEquals(got.length, values.length, t.name);
        values.forEach((v, i) => {
          assert(Object.is(got[i], Number(v)), `${t.name}[${i}]: ${got[i]} against ${v}`);
        });
      }
      const again = encodeSafetensors(tensors, metadata);
      assertEquals(again.length, bytes.length, "length");
      assert(again.every((b, i) => b === bytes[i]), `${name}: rewritten bytes differ`);
    },
  });
}

const f32 = (name: string, values: number[], shape = [values.length]): SafeTensor => ({
  name,
  dtype: "F32",
  shape,
  bytes: new Uint8Array(new Float32Array(values).buffer),
});

/** A file whose header is `header` (padded as the writer pads) followed by `data` bytes. */
function fileWith(header: string, data = 0): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

Deno.test("safetensors: the writer orders by element size then name, and pads to 8 bytes", () => {
  const bytes = encodeSafetensors([
    f32("b", [1]),
    { name: "a", dtype: "BF16", shape: [1], bytes: new Uint8Array(2) },
    { name: "c", dtype: "F64", shape: [], bytes: new Uint8Array(8) },
    f32("a2", [2, 3]),
  ], { z: "1", a: "2" });
  const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assertEquals(length % 8, 0, "header length");
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + length));
  assert(header.startsWith('{"__metadata__":{"z":"1","a":"2"},"c":'), header);
  const { tensors } = decodeSafetensors(bytes);
  assertEquals(tensors.map((t) => t.name), ["c", "a2", "b", "a"]);
  assertEquals(Array.from(tensorValues(tensors[1])), [2, 3]);
});

Deno.test("safetensors: hostile files are refused naming what is wrong, never read past", () => {
  const refused = (bytes: Uint8Array, ...fragments: string[]) => {
    const e = assertThrows(() => decodeSafetensors(bytes), KnapError, ...fragments);
    assertEquals((e as KnapError).code, "bad-data");
  };
  refused(new Uint8Array(5), "5 bytes");
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
  refused(huge, "header of");
  refused(fileWith("{not json"), "not UTF-8 JSON");
  refused(fileWith("[1,2]"), "not a JSON object");
  refused(fileWith('{"x":{"dtype":"F99","shape":[1],"data_offsets":[0,4]}}', 4), "F99");
  refused(fileWith('{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', 4), "shape");
  refused(fileWith('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', 4), '"x"', "8 bytes");
  refused(fileWith('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 2), '"x"');
  refused(
    fileWith(
      '{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},' +
        '"y":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
      8,
    ),
    '"y"',
  );
  refused(fileWith('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 12), "8 bytes after");
  refused(fileWith('{"__metadata__":{"a":1}}'), "metadata");
  assertEquals(decodeSafetensors(fileWith("{}")).tensors.length, 0);
});

Deno.test("safetensors: a header listing tensors out of their data's order reads as the reference reads it", () => {
  // "b" is listed first but its data comes second, as other writers may write it.
  const bytes = fileWith(
    '{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},' +
      '"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
    8,
  );
  const data = bytes.subarray(bytes.length - 8);
  new DataView(data.buffer, data.byteOffset).setFloat32(0, 1.5, true);
  new DataView(data.buffer, data.byteOffset).setFloat32(4, -2, true);
  const { tensors } = decodeSafetensors(bytes);
  assertEquals(tensors.map((t) => t.name), ["b", "a"], "in the header's order");
  assertEquals(tensors.map((t) => tensorValues(t)[0]), [-2, 1.5], "each with its own bytes");
});

Deno.test("safetensors: gaps, overlaps and short data are named by tensor and bytes", () => {
  const message = (bytes: Uint8Array) => {
    const e = assertThrows(() => decodeSafetensors(bytes), KnapError);
    assertEquals((e as KnapError).code, "bad-data");
    return (e as Error).message;
  };
  const gap = message(fileWith(
    '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},' +
      '"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}',
    12,
  ));
  assert(gap.includes('bytes [4, 8) between tensor "a" and tensor "b" belong to no tensor'), gap);
  const overlap = message(fileWith(
    '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
      '"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
    8,
  ));
  assert(overlap.includes('"b"\'s bytes [4, 8) overlap those of tensor "a"'), overlap);
  const short = message(fileWith('{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}', 10));
  assert(
    short.includes('tensor "w" needs bytes [0, 16)') && short.includes("6 bytes short"),
    short,
  );
  const size = message(fileWith('{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}', 8));
  assert(size.includes('"w" is F64 2, 16 bytes, but its data_offsets [0, 8) hold 8'), size);
});

Deno.test("safetensors: a file in a missing folder, or a missing file, is named as such", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const write = await writeSafetensors(`${dir}/none/w.safetensors`, [f32("w", [1])]).then(
      () => undefined,
      (e) => e,
    );
    assert(write instanceof KnapError && write.code === "not-found", String(write));
    assert(String(write).includes(`the folder ${dir}/none does not exist`), String(write));
    const read = await readSafetensors(`${dir}/missing.safetensors`).then(
      () => undefined,
      (e) => e,
    );
    assert(read instanceof Deno.errors.NotFound, String(read));
    assert(String(read).includes("readSafetensors(") && String(read).includes("no such file"));
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assertEquals(names, [], "nothing left behind");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("safetensors: names that are JavaScript's own words stay names", () => {
  const names = ["__proto__", "constructor", "toString"];
  const bytes = encodeSafetensors(names.map((n, i) => f32(n, [i])));
  assertEquals(decodeSafetensors(bytes).tensors.map((t) => t.name).sort(), [...names].sort());
});

Deno.test("safetensors: the writer refuses what it cannot write faithfully", () => {
  assertThrows(() => encodeSafetensors([f32("x", [1]), f32("x", [2])]), RangeError, '"x"');
  assertThrows(() => encodeSafetensors([f32("__metadata__", [1])]), RangeError, "reserved");
  assertThrows(() => encodeSafetensors([f32("x", [1, 2], [3])]), RangeError, "12 bytes", "has 8");
  assertThrows(
    () =>
      tensorValues({
        name: "n",
        dtype: "I64",
        shape: [1],
        bytes: new Uint8Array(8).fill(255, 0, 7),
      }),
    RangeError,
    '"n"',
  );
});

Deno.test("safetensors: writing is atomic — the old file survives a failed write, no debris", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/net.safetensors`;
    await writeSafetensors(path, [f32("w", [1, 2])]);
    await writeSafetensors(path, [f32("w", [3, 4, 5])], { v: "2" });
    const { tensors, metadata } = await readSafetensors(path);
    assertEquals(Array.from(tensorValues(tensors[0])), [3, 4, 5]);
    assertEquals(metadata, { v: "2" });
    await Deno.mkdir(`${dir}/taken.safetensors`);
    let failed = false;
    try {
      await writeSafetensors(`${dir}/taken.safetensors`, [f32("w", [1])]);
    } catch {
      failed = true;
    }
    assert(failed, "renaming over a folder must fail");
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assertEquals(names.sort(), ["net.safetensors", "taken.safetensors"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

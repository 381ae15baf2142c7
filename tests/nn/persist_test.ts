/**
 * Saving and loading networks as safetensors, on every engine: the 4-8-1 network PyTorch wrote
 * (../shared/fixtures) loads and computes PyTorch's outputs, and written again with its metadata
 * gives the same bytes; a network saved and loaded computes what it did; a file that does not fit
 * the network is refused naming the tensor, and leaves the weights as they were.
 */
import {
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  jsFloat,
  KnapError,
  nativeBfloat16,
  toArray,
  transfer,
} from "../../mod.ts";
import { fullyConnected, infer, inferenceNetwork, init_, load, save } from "../../lib/nn/mod.ts";
import { readSafetensors, writeSafetensors } from "../../lib/data/mod.ts";
import { dnnl } from "../_factories.ts";
import { assert, assertEquals } from "../conformance/assert.ts";
import { learningFactories } from "./_factories.ts";
import { expectations, fixtures, fixturesPresent } from "../data/_fixtures.ts";

const present = fixturesPresent;
const factories = [() => Promise.resolve(jsFloat as Factory), ...learningFactories()];

/** The outputs of net for the columns of x (given as rows), on the host. */
async function outputs(
  net: ReturnType<typeof inferenceNetwork>,
  rows: number[][],
): Promise<number[]> {
  using x = transfer(net.factory, ge(jsDouble, rows[0].length, rows.length, rows.flat()));
  using host = await transfer(jsDouble, infer(net, x as GEMatrix) as GEMatrix);
  return Array.from(toArray(host));
}

const mlp = (f: Factory) =>
  inferenceNetwork(f, 4, [fullyConnected(8, "tanh"), fullyConnected(1, "linear")]);

for (const make of factories) {
  const f = await make();
  if (f.dtype === "float32") {
    Deno.test({
      name: present
        ? `load: PyTorch's 4-8-1 network computes PyTorch's outputs (${f.name})`
        : `load: PyTorch's 4-8-1 network skipped: ../shared/fixtures is absent (${f.name})`,
      ignore: !present,
      async fn() {
        const expected = await expectations();
        const { inputs, outputs: want } = expected["mlp_4_8_1_f32.safetensors"].inference;
        using net = await load(mlp(f), new URL("mlp_4_8_1_f32.safetensors", fixtures));
        const got = await outputs(net, inputs);
        got.forEach((v, i) =>
          assert(Math.abs(v - want[i]) < 2e-6, `output ${i}: ${v} against ${want[i]}`)
        );
        if (f !== jsFloat) return;
        const path = await Deno.makeTempFile({ suffix: ".safetensors" });
        try {
          await save(net, path, { metadata: { architecture: "4-8-1 tanh linear", format: "pt" } });
          const mine = await Deno.readFile(path);
          const theirs = await Deno.readFile(new URL("mlp_4_8_1_f32.safetensors", fixtures));
          assertEquals(mine.length, theirs.length, "length");
          assert(mine.every((b, i) => b === theirs[i]), "saved bytes differ from PyTorch's file");
        } finally {
          await Deno.remove(path);
        }
      },
    });
  }

  Deno.test(`save then load: the copy computes what the network did (${f.name})`, async () => {
    const path = await Deno.makeTempFile({ suffix: ".safetensors" });
    try {
      const specs = [fullyConnected(5, "relu", { dropout: 0.2 }), fullyConnected(3, "sigmoid")];
      using a = init_(inferenceNetwork(f, 4, specs), { seed: 7 });
      await save(a, path);
      const { tensors, metadata } = await readSafetensors(path);
      // Linear, ReLU and Dropout are modules 0–2 in PyTorch, so the second Linear is module 3.
      assertEquals(tensors.map((t) => t.name).sort(), ["0.bias", "0.weight", "3.bias", "3.weight"]);
      assertEquals(metadata.architecture, "4 → 5 relu → 3 sigmoid");
      using b = await load(inferenceNetwork(f, 4, specs), path);
      const rows = [[0.1, -0.2, 0.3, 0.9], [1, 2, -3, 0.5]];
      assertEquals(await outputs(b, rows), await outputs(a, rows));
    } finally {
      await Deno.remove(path);
    }
  });

  Deno.test(`load refuses a file that does not fit, naming the tensor (${f.name})`, async () => {
    const path = await Deno.makeTempFile({ suffix: ".safetensors" });
    try {
      using saved = init_(mlp(f), { seed: 3 });
      await save(saved, path);
      using target = init_(mlp(f), { seed: 4 });
      const rows = [[0.5, 0.5, 0.5, 0.5]];
      const before = await outputs(target, rows);
      const refused = async (net: ReturnType<typeof mlp>, ...fragments: string[]) => {
        let error: unknown;
        try {
          await load(net, path);
        } catch (e) {
          error = e;
        }
        assert(error instanceof KnapError, `expected a KnapError, got ${error}`);
        for (const frag of fragments) {
          assert(String(error).includes(frag), `${error} lacks ${frag}`);
        }
      };
      using wider = inferenceNetwork(f, 4, [
        fullyConnected(9, "tanh"),
        fullyConnected(1, "linear"),
      ]);
      await refused(wider, '"0.weight"', "8×4", "9×4");
      using deeper = inferenceNetwork(f, 4, [
        fullyConnected(8, "tanh"),
        fullyConnected(1, "tanh"),
        fullyConnected(1, "linear"),
      ]);
      await refused(deeper, '"4.weight"', "lacks");
      using shallower = inferenceNetwork(f, 4, [fullyConnected(8, "tanh", { dropout: 0.5 })]);
      await refused(shallower, '"2.weight"', "no place");
      using other = init_(inferenceNetwork(f === jsDouble ? jsFloat : jsDouble, 4, [
        fullyConnected(8, "tanh"),
        fullyConnected(1, "linear"),
      ]));
      await refused(other, '"0.weight"', f.dtype === "float64" ? "F64" : "F32");
      assertEquals(await outputs(target, rows), before, "a refused load changed the weights");
    } finally {
      await Deno.remove(path);
    }
  });
}

Deno.test({
  name: dnnl.available
    ? "save and load keep a bfloat16 network's bits (nativeBfloat16)"
    : `bfloat16 save and load skipped: ${dnnl.reason}`,
  ignore: !dnnl.available,
  async fn() {
    const bits = (values: number[]) =>
      new Uint8Array(
        Uint16Array.from(new Uint32Array(new Float32Array(values).buffer), (b) => b >>> 16).buffer,
      );
    const dir = await Deno.makeTempDir();
    try {
      await writeSafetensors(`${dir}/a.safetensors`, [
        { name: "0.weight", dtype: "BF16", shape: [2, 3], bytes: bits([1, 2, 3, -4, 0.5, 0.25]) },
        { name: "0.bias", dtype: "BF16", shape: [2], bytes: bits([1.5, -2]) },
      ], { format: "pt", architecture: "3 → 2 linear" });
      using net = await load(
        inferenceNetwork(nativeBfloat16, 3, [fullyConnected(2, "linear")]),
        `${dir}/a.safetensors`,
      );
      await save(net, `${dir}/b.safetensors`);
      const a = await Deno.readFile(`${dir}/a.safetensors`);
      const b = await Deno.readFile(`${dir}/b.safetensors`);
      assert(a.length === b.length && a.every((v, i) => v === b[i]), "bfloat16 bits changed");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

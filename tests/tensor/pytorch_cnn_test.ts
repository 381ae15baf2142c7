/**
 * The small CNN PyTorch wrote into ../shared/fixtures (conv 1→4 3×3 padding 1, ReLU, 2×2 max
 * pooling, conv 4→8 3×3, ReLU, flatten in C, H, W order, linear 200→10), run with knap's planned
 * operations on every engine from the file's own OIHW weights: knap's logits are PyTorch's. The
 * network layers of the next step will load the same file; this checks the operations, layouts
 * and flatten order they will stand on.
 */
import {
  type Factory,
  ge,
  jsDouble,
  mm_,
  tensor,
  type TensorLayout,
  transfer,
  transformer,
  viewGe,
  viewTz,
} from "../../mod.ts";
import { binary, convolution, eltwise, poolingForward } from "../../lib/ops/mod.ts";
import { readSafetensors, tensorValues } from "../../lib/data/mod.ts";
import { expectations, fixtures, fixturesPresent } from "../data/_fixtures.ts";
import { assert } from "../conformance/assert.ts";
import { allFactories } from "../_factories.ts";
import { valuesOf } from "./_values.ts";

const file = "cnn_14x14_f32.safetensors";
const rowMajor: Record<number, TensorLayout> = { 1: "x", 2: "nc", 4: "nchw" };

for (const f of fixturesPresent ? await allFactories() : []) {
  Deno.test(`[${f.name}] PyTorch's CNN file computes PyTorch's logits with knap's operations`, async () => {
    const { inputs, outputs } = (await expectations())[file].inference;
    const weights = new Map(
      (await readSafetensors(new URL(file, fixtures))).tensors.map((t) => [t.name, t]),
    );
    const onto = async (
      values: ArrayLike<number>,
      shape: readonly number[],
      layout?: TensorLayout,
    ) => {
      using host = tensor(jsDouble, shape, rowMajor[shape.length], Array.from(values));
      const t = tensor(f as Factory, shape, layout ?? rowMajor[shape.length]);
      await transformer(host, t).run();
      return t;
    };
    const param = (name: string) => {
      const t = weights.get(name)!;
      return onto(tensorValues(t), t.shape);
    };
    using x = await onto(inputs.flat(Infinity) as number[], [2, 1, 14, 14], "nhwc");
    using w0 = await param("0.weight"), b0 = await param("0.bias");
    using w3 = await param("3.weight"), b3 = await param("3.bias");
    using a1 = tensor(f, [2, 4, 14, 14], "nhwc");
    convolution(x, w0, b0, a1, { padding: 1 }).run();
    eltwise(a1, a1, "relu").run();
    using p1 = tensor(f, [2, 4, 7, 7], "nchw");
    poolingForward(a1, p1, "max", 2).run();
    using a2 = tensor(f, [2, 8, 5, 5], "nchw");
    convolution(p1, w3, b3, a2).run();
    eltwise(a2, a2, "relu").run();
    // Flatten in C, H, W order: the nchw tensor's samples are rows of 200, so its matrix view
    // is 200 features × 2 samples; the linear layer is W (10×200, row-major in the file) times it.
    using b6 = await param("6.bias");
    using w6m = transfer(
      f,
      ge(jsDouble, 10, 200, tensorValues(weights.get("6.weight")!), {
        layout: "row",
      }),
    );
    using logits = tensor(f, [2, 10], "nc");
    mm_(1, w6m, viewGe(a2), 0, viewGe(logits));
    binary("add", logits, viewTz(b6, [1, 10]), logits).run();
    const got = await valuesOf(logits);
    got.forEach((v, i) => {
      assert(
        Math.abs(v - outputs[i]) < 2e-5 * (1 + Math.abs(outputs[i])),
        `logit ${i}: ${v}, PyTorch ${outputs[i]}`,
      );
    });
  });
}

if (!fixturesPresent) {
  Deno.test({
    name: "PyTorch's CNN file test skipped: ../shared/fixtures is absent",
    ignore: true,
    fn() {},
  });
}

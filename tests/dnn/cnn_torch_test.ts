/**
 * A whole convolutional network against PyTorch (tests/references/torch.json, "cnn"): PyTorch's
 * state dict loaded by name into knap's layers, then one training step — the mean cross-entropy,
 * every parameter's gradient (an SGD step of rate 1 moves each weight by exactly it), batch
 * normalization's running statistics — and the logits in inference after the step, on every
 * engine: float64 to 1e-10, float32 to its precision.
 */
import { type Factory, jsDouble, tensor, transformer } from "../../mod.ts";
import { readSafetensors, tensorValues, writeSafetensors } from "../../lib/data/mod.ts";
import {
  batchNorm,
  convo,
  dense,
  flatten,
  infer,
  load,
  network,
  pooling,
  save,
  type TensorNetwork,
  train,
} from "../../lib/dnn/mod.ts";
import { categoricalCrossentropyCost_ } from "../../lib/nn/mod.ts";
import { assert } from "../conformance/assert.ts";
import { learningFactories } from "../nn/_factories.ts";
import { valuesOf } from "../tensor/_values.ts";

interface CnnReference {
  state: Record<string, { shape: number[]; values: number[] }>;
  x: number[];
  classes: number[];
  loss: number;
  grads: Record<string, number[]>;
  running: { mean: number[]; variance: number[] };
  logits_after_step: number[];
}

const ref: CnnReference = JSON.parse(
  await Deno.readTextFile(new URL("../references/torch.json", import.meta.url)),
).cnn;

const layers = () => [
  convo(3, [3, 3], "tanh", { padding: 1 }),
  batchNorm({ activation: "relu" }),
  pooling([2, 2], "max"),
  convo(4, [2, 2], "sigmoid"),
  pooling([2, 2], "avg", { strides: 1 }),
  flatten(),
  dense(5, "relu"),
  dense(3, "softmax"),
];

/** Every tensor of the network by its PyTorch name, as `save` writes them. */
async function named(net: TensorNetwork): Promise<Map<string, number[]>> {
  const path = await Deno.makeTempFile({ suffix: ".safetensors" });
  try {
    await save(net, path);
    const { tensors } = await readSafetensors(path);
    return new Map(tensors.map((t) => [t.name, Array.from(tensorValues(t))]));
  } finally {
    await Deno.remove(path);
  }
}

for (const make of learningFactories()) {
  const f: Factory = await make();
  Deno.test(`PyTorch: a convolutional network's loss, gradients, running statistics and logits (${f.name})`, async () => {
    const path = await Deno.makeTempFile({ suffix: ".safetensors" });
    try {
      const dtype = f.dtype === "float64" ? "F64" : "F32";
      const array = f.dtype === "float64" ? Float64Array : Float32Array;
      await writeSafetensors(
        path,
        Object.entries(ref.state).map(([name, t]) => ({
          name,
          dtype,
          shape: t.shape,
          bytes: new Uint8Array(array.from(t.values).buffer),
        })),
      );
      using net = await load(network(f, [4, 2, 6, 6], layers()), path);
      const before = await named(net);
      using hx = tensor(jsDouble, [4, 2, 6, 6], "nchw", ref.x);
      using x = tensor(f, [4, 2, 6, 6], "nchw");
      await transformer(hx, x).run();
      const oneHot = ref.classes.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
      using hy = tensor(jsDouble, [4, 3], "nc", oneHot);
      using y = tensor(f, [4, 3], "nc");
      await transformer(hy, y).run();
      const cost = await train(net, x, y, categoricalCrossentropyCost_, 1, {
        batch: 4,
        eta: 1,
        seed: 1,
        quiet: true,
      });
      const tol = f.dtype === "float64" ? 1e-10 : 2e-5;
      const near = (got: number, want: number, what: string) =>
        assert(
          Math.abs(got - want) <= tol * (1 + Math.abs(want)),
          `${what}: ${got}, PyTorch ${want}`,
        );
      near(cost, ref.loss, "loss");
      const after = await named(net);
      for (const [name, grad] of Object.entries(ref.grads)) {
        const w0 = before.get(name)!, w1 = after.get(name)!;
        assert(w0 !== undefined && w1 !== undefined, `knap has ${name}`);
        grad.forEach((g, i) => near(w0[i] - w1[i], g, `∂loss/∂${name}[${i}]`));
      }
      after.get("2.running_mean")!.forEach((v, i) =>
        near(v, ref.running.mean[i], `running mean[${i}]`)
      );
      after.get("2.running_var")!.forEach((v, i) =>
        near(v, ref.running.variance[i], `running variance[${i}]`)
      );
      const logits = await valuesOf(infer(net, x));
      // knap's last layer is softmax: PyTorch's logits through softmax.
      for (let s = 0; s < 4; s++) {
        const z = ref.logits_after_step.slice(3 * s, 3 * s + 3);
        const m = Math.max(...z),
          e = z.map((v) => Math.exp(v - m)),
          sum = e.reduce((a, b) => a + b);
        e.forEach((v, k) => near(logits[3 * s + k], v / sum, `p[${s}, ${k}] after the step`));
      }
    } finally {
      await Deno.remove(path);
    }
  });
}

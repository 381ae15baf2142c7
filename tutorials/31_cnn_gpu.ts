/**
 * Chapter 31 — The CNN on the GPU.
 *
 * Chapter 30's network and training, unchanged, on a GPU: the factory is the only difference.
 * On WebGPU the convolutions run as im2col into the tiled matrix multiplication (or directly,
 * for small layers), pooling and batch normalization as their own kernels, and the cost is
 * read once an epoch so the device's queue stays full. CUDA (cuDNN) joins when its engine
 * lands; until then `--backend=cuda` says so.
 * Run: `deno run -A tutorials/31_cnn_gpu.ts [--backend=webgpu|native|js] [--epochs=10]
 * [--samples=60000] [--test=10000] [--data=DIR]`
 */
import { fashionMnist } from "../lib/data/mod.ts";
import { backend, numberFlag } from "./_backend.ts";
import { declareFlags } from "./_flags.ts";
import { dataOptions, orExit } from "./_data.ts";
import { fashionRun } from "./_cnn.ts";

declareFlags({
  epochs: { type: "string", help: "epochs to train (10)" },
  samples: { type: "string", help: "training images to use (60000)" },
  test: { type: "string", help: "test images to score (10000)" },
});
const epochs = numberFlag("epochs", 10), samples = numberFlag("samples", 60000);
const scored = numberFlag("test", 10000);
const { name, float: f } = await backend("webgpu");
const adapter = f.location === "device"
  ? ` (${(await navigator.gpu?.requestAdapter())?.info?.description || "an adapter"})`
  : "";
console.log(`Chapter 31 on the ${name} engine${adapter}\n`);

const { train, test } = await orExit(
  "Fashion-MNIST",
  "31_cnn_gpu.ts",
  fashionMnist(await dataOptions()),
);
const run = await fashionRun(f, train, test, samples, epochs, false, scored);
run.net[Symbol.dispose]();
const perEpoch = Math.min(...run.seconds);
console.log(
  `\n${epochs} epochs of ${samples} images: fastest ${perEpoch.toFixed(1)} s an epoch, ` +
    `${(samples / perEpoch).toFixed(0)} images/s`,
);
console.log(`test accuracy ${run.metrics.accuracy.toFixed(4)}`);

/**
 * Chapter 30's Fashion-MNIST CNN, knap's native engine beside PyTorch in one run: the same
 * layers (tutorials/_cnn.ts, bench/fashion_pytorch.py), Adam at 0.001, minibatches of 128,
 * float32, NCHW, both on the same number of threads. Prints each one's fastest epoch and test
 * accuracy. `deno run -A bench/fashion_compare.ts [--samples=60000] [--epochs=10] [--threads=N]
 * [--backend=native|js|webgpu]` (Fashion-MNIST from Debian's dataset-fashion-mnist or the data
 * registry's download).
 */
import { fashionMnist } from "../lib/data/mod.ts";
import { backend, numberFlag } from "../tutorials/_backend.ts";
import { declareFlags } from "../tutorials/_flags.ts";
import { fashionRun } from "../tutorials/_cnn.ts";

declareFlags({
  samples: { type: "string", help: "training images to use (60000)" },
  epochs: { type: "string", help: "epochs to train (10)" },
  threads: { type: "string", help: "threads for PyTorch (all cores)" },
});
const samples = numberFlag("samples", 60000), epochs = numberFlag("epochs", 10);
const threads = numberFlag("threads", navigator.hardwareConcurrency);
const { name, float: f } = await backend();
const { train, test } = await fashionMnist();

const torch = new Deno.Command("/usr/bin/python3", {
  args: [
    new URL("fashion_pytorch.py", import.meta.url).pathname,
    "/usr/share/datasets/fashion-mnist",
    String(samples),
    String(epochs),
    String(threads),
  ],
  stdout: "piped",
  stderr: "inherit",
});
const pytorch = await torch.output().then(
  (o) => o.success ? JSON.parse(new TextDecoder().decode(o.stdout)) : undefined,
  () => undefined,
);

const run = await fashionRun(f, train, test, samples, epochs);
run.net[Symbol.dispose]();
const knapMs = 1000 * Math.min(...run.seconds.slice(epochs > 1 ? 1 : 0));
console.log(
  `knap ${name}: ${knapMs.toFixed(0)} ms per epoch of ${samples}, accuracy ${
    run.metrics.accuracy.toFixed(4)
  } after ${epochs} epochs`,
);
if (pytorch === undefined) {
  console.log(
    "PyTorch: not run (needs Debian's python3-torch and /usr/share/datasets/fashion-mnist)",
  );
} else {
  console.log(
    `PyTorch ${pytorch.torch} (${threads} threads): ${
      pytorch.ms_per_epoch.toFixed(0)
    } ms per epoch, accuracy ${pytorch.accuracy.toFixed(4)}; knap/PyTorch ${
      (knapMs / pytorch.ms_per_epoch).toFixed(2)
    }`,
  );
}

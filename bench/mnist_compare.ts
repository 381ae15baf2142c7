/**
 * Chapter 22's network, knap's native engine beside PyTorch in one run: 784-512-10 (relu,
 * softmax, categorical cross-entropy), Adam at 0.001, minibatches of 128, float32, trained on the
 * first 8,000 of MNIST's test images and scored on the other 2,000 — the part of MNIST CI has
 * (`../shared/data/mnist`, or a folder given as the argument). PyTorch with one thread and all
 * cores. `deno run -A bench/mnist_compare.ts [DIR]`
 */
import { nativeAvailability, nativeFloat } from "../mod.ts";
import { imageColumns, oneHot, readIdx } from "../lib/data/mod.ts";
import {
  adam,
  categoricalCrossentropyCost_,
  classificationMetrics,
  confusionMatrix,
  fullyConnected,
  infer,
  inferenceNetwork,
  init_,
  predictedClasses,
  train,
} from "../lib/nn/mod.ts";

const dir = Deno.args[0] ?? new URL("../../shared/data/mnist", import.meta.url).pathname;
const images = `${dir}/t10k-images-idx3-ubyte.gz`, labels = `${dir}/t10k-labels-idx1-ubyte.gz`;

async function knap(): Promise<{ ms: number; accuracy: number }> {
  const [im, lab] = await Promise.all([readIdx(images), readIdx(labels)]);
  const split = { images: im.data, labels: lab.data, count: 10000, rows: 28, cols: 28 };
  const f = nativeFloat;
  using x = imageColumns(f, split, 0, 8000);
  using y = oneHot(f, split.labels.subarray(0, 8000), 10);
  using xs = imageColumns(f, split, 8000, 2000);
  using net = init_(
    inferenceNetwork(f, 784, [fullyConnected(512, "relu"), fullyConnected(10, "softmax")]),
    { seed: 1, method: "he" },
  );
  const options = { batch: 128, eta: 0.001, optimizer: adam(), seed: 2, quiet: true };
  // One warm-up epoch, then five timed, as the PyTorch script does.
  train(net, x, y, categoricalCrossentropyCost_, 1, options);
  const epochs = 5, start = performance.now();
  train(net, x, y, categoricalCrossentropyCost_, epochs, options);
  const ms = (performance.now() - start) / epochs;
  const cm = confusionMatrix(split.labels.subarray(8000), predictedClasses(infer(net, xs)), 10);
  return { ms, accuracy: classificationMetrics(cm).accuracy };
}

async function pytorch(threads: number): Promise<Record<string, number | string> | string> {
  try {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [
        new URL("mnist_pytorch.py", import.meta.url).pathname,
        images,
        labels,
        String(threads),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.success) return JSON.parse(new TextDecoder().decode(out.stdout));
    return new TextDecoder().decode(out.stderr).trim().split("\n").pop() ?? "failed";
  } catch {
    return "PyTorch not found (Debian: apt install python3-torch)";
  }
}

if (!nativeAvailability().available) {
  console.log("native engine unavailable: nothing to compare");
} else if (!(await Deno.stat(images).then(() => true, () => false))) {
  console.log(`MNIST's test images are not in ${dir}`);
} else {
  const ours = await knap();
  console.log(
    `knap native: ${ours.ms.toFixed(0)} ms per epoch of 8,000 images, accuracy ${
      ours.accuracy.toFixed(4)
    } on 2,000 after 6 epochs`,
  );
  for (const threads of [1, navigator.hardwareConcurrency]) {
    const theirs = await pytorch(threads);
    if (typeof theirs === "string") {
      console.log(`PyTorch skipped: ${theirs}`);
      break;
    }
    const ms = theirs.ms_per_epoch as number;
    console.log(
      `PyTorch ${theirs.torch}, ${threads} thread${threads > 1 ? "s" : ""}: ${ms.toFixed(0)} ms ` +
        `per epoch, accuracy ${(theirs.accuracy as number).toFixed(4)} — knap takes ${
          (ours.ms / ms).toFixed(2)
        } of its time`,
    );
  }
}

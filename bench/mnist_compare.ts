/**
 * Chapter 22's network, knap's native engine beside PyTorch in one run: 784-512-10 (relu,
 * softmax, categorical cross-entropy), Adam at 0.001, minibatches of 128, float32, trained on the
 * first 8,000 of MNIST's test images and scored on the other 2,000 — the part of MNIST CI has
 * (`../shared/data/mnist`, or a folder given as the argument). PyTorch with one thread and all
 * cores. `deno run -A bench/mnist_compare.ts [DIR]`
 */
import { ge, mm_, nativeAvailability, nativeFloat, randUniform_, trans } from "../mod.ts";
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

/**
 * Milliseconds an epoch's products take at the raw GEMM's rate, measured now on the first
 * layer's two products (W·X forward, δ·Xᵀ for ∇W, ≈ 99% of the multiply-adds): the floor
 * the epoch is measured against.
 */
function productsFloor(): { ms: number; gflops: number } {
  const f = nativeFloat, batch = 128, batches = Math.ceil(8000 / batch);
  using w = randUniform_(ge(f, 512, 784)), x = randUniform_(ge(f, 784, batch));
  using z = randUniform_(ge(f, 512, batch)), g = ge(f, 512, 784, undefined, { layout: "row" });
  const step = () => {
    mm_(1, w, x, 0, z);
    mm_(1, z, trans(x), 0, g);
  };
  for (let i = 0; i < 20; i++) step();
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    for (let i = 0; i < 20; i++) step();
    best = Math.min(best, (performance.now() - start) / 20);
  }
  // Every multiply-add of an epoch: both layers forward, both weight gradients, the second
  // layer's error (the first layer's is not needed).
  const macs = batches * batch * (2 * 784 * 512 + 3 * 512 * 10);
  const gflops = (2 * 2 * 512 * 784 * batch) / best / 1e6;
  return { ms: (2 * macs) / gflops / 1e6, gflops };
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
  const floor = productsFloor();
  console.log(
    `knap native: ${ours.ms.toFixed(0)} ms per epoch of 8,000 images, accuracy ${
      ours.accuracy.toFixed(4)
    } on 2,000 after 6 epochs`,
  );
  console.log(
    `the epoch's products at the raw GEMM's ${floor.gflops.toFixed(0)} GFLOP/s: ${
      floor.ms.toFixed(0)
    } ms — knap takes ${(ours.ms / floor.ms).toFixed(2)}× that`,
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

/**
 * knap's native engine and PyTorch side by side on one workload, in one run: 4-16-64-8-1
 * (sigmoid, tanh, tanh, linear), full batch of 10000, one epoch of gradient descent, float32.
 * PyTorch runs with one thread and with all cores (Debian's python3-torch; skipped with the
 * reason when it is missing). `deno run -A bench/train_compare.ts`
 */
import { nativeAvailability, nativeFloat } from "../mod.ts";
import { quadraticCost_, sgd } from "../lib/nn/mod.ts";
import { benchNetwork, regressionData } from "./train_workload.ts";

function knap(): number {
  const { x, y } = regressionData(nativeFloat, 10000, 1);
  const { training } = benchNetwork(nativeFloat, x);
  sgd(training, y, quadraticCost_, 20, 0.05);
  const epochs = 500, start = performance.now();
  sgd(training, y, quadraticCost_, epochs, 0.05);
  return (performance.now() - start) / epochs;
}

async function pytorch(threads: number): Promise<{ ms_per_epoch: number; torch: string } | string> {
  const python = ["/usr/bin/python3", "python3"];
  for (const exe of python) {
    try {
      const out = await new Deno.Command(exe, {
        args: [new URL("train_pytorch.py", import.meta.url).pathname, String(threads)],
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (out.success) return JSON.parse(new TextDecoder().decode(out.stdout));
      const err = new TextDecoder().decode(out.stderr);
      if (!err.includes("No module named")) return err.trim().split("\n").pop() ?? "failed";
    } catch {
      // this interpreter is not there; try the next
    }
  }
  return "PyTorch not found (Debian: apt install python3-torch)";
}

if (!nativeAvailability().available) {
  console.log("native engine unavailable: nothing to compare");
} else {
  const ours = knap();
  console.log(`knap native (OpenBLAS + oneDNN): ${ours.toFixed(2)} ms per epoch`);
  for (const threads of [1, navigator.hardwareConcurrency]) {
    const theirs = await pytorch(threads);
    if (typeof theirs === "string") {
      console.log(`PyTorch skipped: ${theirs}`);
      break;
    }
    console.log(
      `PyTorch ${theirs.torch}, ${threads} thread${threads > 1 ? "s" : ""}: ` +
        `${theirs.ms_per_epoch.toFixed(2)} ms per epoch — knap is ${
          (theirs.ms_per_epoch / ours).toFixed(1)
        }× faster`,
    );
  }
}

/**
 * The native engine on a busy CPU: chapter 14's training (4-8-8-1 on 10000 samples) and one
 * IMDB epoch (10000-16-16-1, Adam, minibatches of 512 over 25000 multi-hot reviews), each
 * alone and beside two processes that keep a core busy, on the native and the js engine.
 * Every measurement runs in a fresh process, as a user's program would, so thread settings
 * take effect as they do for users. Prints the times, the slowdown under load and native's
 * lead over js.
 *
 * `deno run -A bench/contention.ts [--quick]`
 */
import { ge, jsFloat, nativeAvailability, nativeFloat, randUniform_ } from "../mod.ts";
import {
  adam,
  fullyConnected,
  inferenceNetwork,
  init_,
  quadraticCost_,
  sgd,
  train,
  trainingNetwork,
} from "../lib/nn/mod.ts";
import { regression } from "../tutorials/_regression.ts";

type Workload = "chapter14" | "imdb";
type EngineName = "native" | "js";

const quick = Deno.args.includes("--quick");

/** One measurement in this process: seconds for the workload. */
async function measure(workload: Workload, engine: EngineName): Promise<number> {
  const f = engine === "native" ? nativeFloat : jsFloat;
  if (workload === "chapter14") {
    const { x, y } = regression(f, 10000, 1);
    using net = init_(
      inferenceNetwork(f, 4, [
        fullyConnected(8, "sigmoid"),
        fullyConnected(8, "tanh"),
        fullyConnected(1, "linear"),
      ]),
      { seed: 1 },
    );
    using t = trainingNetwork(net, x);
    sgd(t, y, quadraticCost_, 5, 0.05);
    const epochs = quick ? 100 : (engine === "js" ? 200 : 1000);
    const start = performance.now();
    sgd(t, y, quadraticCost_, epochs, 0.05);
    // Reported per 4000 epochs, the chapter's run.
    return (performance.now() - start) / 1000 * 4000 / epochs;
  }
  // IMDB's shape with synthetic reviews: about 120 of 10000 words in each.
  using x = ge(f, 10000, 25000);
  randUniform_(x, { seed: 1 });
  const { linearFrac_, signum_ } = await import("../lib/math.ts");
  linearFrac_(0.5, signum_(linearFrac_(1, x, -0.988)), 0.5);
  using y = ge(f, 1, 25000);
  randUniform_(y, { seed: 2 });
  linearFrac_(0.5, signum_(linearFrac_(1, y, -0.5)), 0.5);
  using net = init_(
    inferenceNetwork(f, 10000, [
      fullyConnected(16, "relu"),
      fullyConnected(16, "relu"),
      fullyConnected(1, "sigmoid"),
    ]),
    { method: "he", seed: 2 },
  );
  const options = { batch: 512, eta: 1e-4, optimizer: adam(), shuffle: "batches" as const };
  train(net, x, y, quadraticCost_, 1, options);
  const epochs = 3, start = performance.now();
  train(net, x, y, quadraticCost_, epochs, options);
  return (performance.now() - start) / 1000 / epochs;
}

const worker = Deno.args.find((a) => a.startsWith("--worker="))?.slice(9);
if (worker !== undefined) {
  const [workload, engine] = worker.split(":") as [Workload, EngineName];
  console.log(JSON.stringify(await measure(workload, engine)));
  Deno.exit(0);
}

/** Runs one measurement in a fresh Deno; seconds. */
async function fresh(workload: Workload, engine: EngineName): Promise<number> {
  const args = ["run", "-A", import.meta.filename!, `--worker=${workload}:${engine}`];
  if (quick) args.push("--quick");
  const out = await new Deno.Command(Deno.execPath(), { args, stdout: "piped" }).output();
  if (!out.success) throw new Error(`${workload} on ${engine} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

/** Two processes that keep a core busy each, until `stop`. */
function busy(): { stop: () => Promise<void> } {
  const spin = "let x = 0; for (;;) x = (x * 1103515245 + 12345) | 0;";
  const procs = [0, 1].map(() =>
    new Deno.Command(Deno.execPath(), { args: ["eval", spin], stdout: "null" }).spawn()
  );
  return {
    stop: async () => {
      for (const p of procs) p.kill("SIGKILL");
      await Promise.all(procs.map((p) => p.status));
    },
  };
}

const native = nativeAvailability();
if (!native.available) {
  console.log(`the native engine is not available: ${native.reason}`);
  Deno.exit(0);
}
console.log(`${navigator.hardwareConcurrency} cores; two busy processes beside the loaded runs\n`);
const rows: string[] = [];
for (const workload of ["chapter14", "imdb"] as const) {
  const seconds: Record<string, number> = {};
  for (const engine of ["native", "js"] as const) {
    seconds[`${engine} idle`] = await fresh(workload, engine);
    const load = busy();
    try {
      seconds[`${engine} loaded`] = await fresh(workload, engine);
    } finally {
      await load.stop();
    }
  }
  const slowdown = seconds["native loaded"] / seconds["native idle"];
  const lead = seconds["js loaded"] / seconds["native loaded"];
  rows.push(
    `${workload.padEnd(10)} native ${seconds["native idle"].toFixed(2)} s idle, ${
      seconds["native loaded"].toFixed(2)
    } s loaded (${slowdown.toFixed(2)}× slower); js ${seconds["js idle"].toFixed(2)} s idle, ${
      seconds["js loaded"].toFixed(2)
    } s loaded; under load native is ${lead.toFixed(1)}× faster than js`,
  );
  console.log(rows.at(-1));
}

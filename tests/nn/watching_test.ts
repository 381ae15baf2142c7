/**
 * Training you can watch: train's cost is the epoch's mean, onEpoch sees every epoch and may
 * stop training, progress bars draw only on a terminal, and curves show themselves.
 */
import { assert, assertEquals } from "../conformance/assert.ts";
import { ge, jsDouble, randUniform_, transfer } from "../../mod.ts";
import { formatProgress } from "../../lib/core/progress.ts";
import { formatBatchProgress } from "../../lib/nn/epochs.ts";
import {
  fullyConnected,
  inferenceNetwork,
  init_,
  quadraticCost_,
  sgd,
  train,
  trainingCurve,
  trainingCurveSvg,
  trainingNetwork,
} from "../../lib/nn/mod.ts";
import type { EpochInfo } from "../../lib/nn/mod.ts";
import { learningFactories } from "./_factories.ts";

for (const make of learningFactories()) {
  const label = (await make()).name;
  Deno.test(`[${label}] train returns the epoch's mean cost; onEpoch sees each epoch and can stop`, async () => {
    const f = await make();
    using hx = randUniform_(ge(jsDouble, 2, 64), { lo: -1, hi: 1, seed: 1 });
    using hy = randUniform_(ge(jsDouble, 1, 64), { seed: 2 });
    const x = await transfer(f, hx), y = await transfer(f, hy);
    using net = init_(
      inferenceNetwork(f, 2, [fullyConnected(4, "tanh"), fullyConnected(1, "linear")]),
      { seed: 3 },
    );
    // With η = 0 nothing changes: four batches of 16 partition the data, so the mean of their
    // costs is the whole set's, which sgd reads over the full batch.
    const mean = await train(net, x, y, quadraticCost_, 1, { batch: 16, eta: 0 });
    using t = trainingNetwork(net, x);
    const whole = await sgd(t, y, quadraticCost_, 1, 0);
    assert(Math.abs(mean - whole) <= 1e-6 * Math.max(1, whole), `mean ${mean}, whole ${whole}`);
    const seen: number[] = [];
    let last = NaN;
    const watch = ({ epoch, cost, seconds }: EpochInfo) => {
      assert(seconds >= 0 && Number.isFinite(cost), "time and cost");
      seen.push(epoch);
      last = cost;
      return epoch < 3; // false after the third: stop
    };
    // On a device the callback may be async (a validation metric read back), and is awaited.
    const onEpoch = f.location === "host"
      ? watch
      : (info: EpochInfo) => Promise.resolve(watch(info));
    const stopped = await train(net, x, y, quadraticCost_, 20, {
      batch: 16,
      eta: 0.05,
      onEpoch,
    });
    assertEquals(seen, [1, 2, 3], "stopped after the third epoch");
    assertEquals(stopped, last, "returns the last epoch's cost");
    x[Symbol.dispose]();
    y[Symbol.dispose]();
  });
}

Deno.test("onEpoch on the host must not return a promise", () => {
  using net = init_(inferenceNetwork(jsDouble, 1, [fullyConnected(1, "linear")]), { seed: 1 });
  using x = ge(jsDouble, 1, 4, [0, 1, 2, 3]), y = ge(jsDouble, 1, 4, [0, 1, 2, 3]);
  let error: unknown;
  try {
    train(net, x, y, quadraticCost_, 2, {
      batch: 2,
      eta: 0.1,
      onEpoch: () => Promise.resolve(),
    });
  } catch (e) {
    error = e;
  }
  assert(error instanceof TypeError && error.message.includes("onEpoch"), String(error));
});

Deno.test("progress lines carry a bar, the rate and the time left; nothing is drawn off a terminal", async () => {
  const line = formatProgress("train", 5, 20, "epochs", 2);
  assert(line.startsWith("train [██████░░░░"), line);
  assert(line.includes(" 25% 5 epochs of 20 epochs, 2.5 epochs/s, 0:06 left"), line);
  assertEquals(
    formatProgress("download", 2_500_000, undefined, "bytes", 1),
    "download 2.5 MB, 2.5 MB/s",
  );
  // Inside epoch 2 of 5: 30 of 120 batches of 64 in 6 s, so 24 s an epoch.
  assertEquals(
    formatBatchProgress("train", 2, 5, 30, 120, 64, 6),
    `train epoch 2 of 5 [██████${"░".repeat(18)}]  25% batch 30 of 120, 320 samples/s, ` +
      "0:18 left (1:30 in all)",
  );
  // A child process whose standard error is a pipe trains with the bar on by default: silent.
  const script = `
    import { dge } from "${new URL("../../mod.ts", import.meta.url)}";
    import { fullyConnected, inferenceNetwork, quadraticCost_, train } from "${new URL(
    "../../lib/nn/mod.ts",
    import.meta.url,
  )}";
    using net = inferenceNetwork(dge(1, 1).factory, 1, [fullyConnected(1, "linear")]);
    train(net, dge(1, 8), dge(1, 8), quadraticCost_, 30, { batch: 2, eta: 0.1 });`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  // Only the notice of which engine computes, where native is missing: no bar on a pipe.
  const drawn = new TextDecoder().decode(out.stderr).split("\n")
    .filter((l) => l !== "" && !l.startsWith("knap: "));
  assertEquals(drawn, [], "no bar on a pipe");
});

Deno.test("training and validation curves together; a curve displays as SVG in notebooks", () => {
  const svg = trainingCurveSvg([[1, 1], [10, 0.1]], { validation: [[1, 1.5], [10, 0.3]] });
  assertEquals(svg.match(/<polyline/g)?.length, 2, "two curves");
  assert(svg.includes(">training</text>") && svg.includes(">validation</text>"), "a legend");
  const curve = trainingCurve([[1, 1], [10, 0.1]]);
  const shown = (curve as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]();
  assert(shown["image/svg+xml"].startsWith("<svg"), "an SVG image");
  using net = inferenceNetwork(jsDouble, 3, [
    fullyConnected(2, "relu"),
    fullyConnected(1, "linear"),
  ]);
  const table = (net as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]()["text/html"];
  assert(table.includes("11 parameters") && table.includes("3 → 2"), table);
});

const script = await Deno.stat("/usr/bin/script").then(() => "/usr/bin/script", () => undefined);
const mod = new URL("../../mod.ts", import.meta.url),
  nn = new URL("../../lib/nn/mod.ts", import.meta.url);

/**
 * What a training program (`body`, with knap's root and nn modules imported as k and nn) draws
 * on a terminal: script(1) gives it a pseudo-terminal and copies what it draws.
 */
async function onTerminal(body: string, quiet: "0" | "1"): Promise<string> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(
    file,
    `import * as k from "${mod}";\nimport * as nn from "${nn}";\n${body}`,
  );
  try {
    const out = await new Deno.Command(script!, {
      args: ["-qc", `${Deno.execPath()} run -A ${file}`, "/dev/null"],
      env: { KNAP_QUIET: quiet },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const drawn = new TextDecoder().decode(out.stdout);
    assert(out.success, drawn);
    return drawn;
  } finally {
    await Deno.remove(file);
  }
}

Deno.test({
  name: script
    ? "on a terminal, training draws a bar with the rate and the time left; KNAP_QUIET=1 hides it"
    : "the terminal bar test skipped: util-linux's script is missing",
  ignore: script === undefined,
  async fn() {
    const body =
      `using net = nn.inferenceNetwork(k.dge(1, 1).factory, 1, [nn.fullyConnected(1, "linear")]);
      nn.train(net, k.dge(1, 64), k.dge(1, 64), nn.quadraticCost_, 2000, { batch: 2, eta: 0.01 });`;
    const bar = await onTerminal(body, "0");
    assert(
      /train \[█+░*\] +\d+% \d+ epochs of 2000 epochs, [\d.]+ epochs\/s, 0:\d\d left/.test(bar),
      bar,
    );
    assert(!(await onTerminal(body, "1")).includes("train ["), "KNAP_QUIET=1 draws nothing");
  },
});

Deno.test({
  name: script
    ? "on a terminal, an epoch longer than a second draws a bar over its batches"
    : "the batch bar test skipped: util-linux's script is missing",
  ignore: script === undefined,
  async fn() {
    // One epoch of 8,000 samples through 784-400-10 on the js engine, 200 batches of 40: a few
    // seconds here.
    const drawn = await onTerminal(
      `using net = nn.init_(nn.inferenceNetwork(k.jsFloat, 784, [nn.fullyConnected(400, "relu"),
         nn.fullyConnected(10, "linear")]), { seed: 1 });
       using x = k.ge(k.jsFloat, 784, 8000), y = k.ge(k.jsFloat, 10, 8000);
       nn.train(net, x, y, nn.quadraticCost_, 1, { batch: 40, eta: 0.01 });`,
      "0",
    );
    assert(
      /train epoch 1 of 1 \[█*░*\] +\d+% batch \d+ of 200, \d+ samples\/s, 0:\d\d left/.test(
        drawn,
      ),
      drawn,
    );
  },
});

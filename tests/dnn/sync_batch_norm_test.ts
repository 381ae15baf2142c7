/**
 * Batch normalization over a data-parallel job's whole batch, in one process: a job of two
 * ranks holding the same samples (each rank's sum is twice its own) has this rank's batch
 * statistics, so the synchronized pass must reproduce the plain one — output, input error,
 * parameter gradients, running mean — with only the running variance's unbiased factor
 * becoming the whole batch's. The two-rank job under mpirun is tests/distributed/mpi_test.ts.
 */
import { type Factory, jsDouble, type Tensor, tensor, transformer } from "../../mod.ts";
import { scal_ } from "../../lib/blas.ts";
import { batchNorm, convo, dense, network } from "../../lib/dnn/mod.ts";
import { assert } from "../conformance/assert.ts";
import { learningFactories } from "../nn/_factories.ts";
import { valuesOf } from "../tensor/_values.ts";

const wave = (n: number, phase: number) =>
  Array.from({ length: n }, (_, k) => Math.sin(phase + 0.7 * k + 0.013 * k * k) + 0.3);

async function fill(t: Tensor, phase: number): Promise<void> {
  using host = tensor(jsDouble, t.shape, t.layout, wave(t.size, phase));
  await transformer(host, t).run();
}

/** One training pass forward and back; what it wrote. */
async function pass(f: Factory, mirrored: boolean) {
  const n = 6;
  using net = network(f, [n, 2, 5, 5], [
    convo(3, [3, 3], "linear", { padding: 1 }),
    batchNorm({ activation: "tanh" }),
    dense(2, "linear"),
  ]);
  for (const [k, p] of net.features.layers.flatMap((l) => l.parameters).entries()) {
    if (p.trained) await fill(p.tensor, k);
  }
  const sync = mirrored
    ? { ranks: 2, sum: (v: Parameters<typeof scal_>[1]) => void scal_(2, v) }
    : undefined;
  using plan = net.features.plan(n, true, undefined, sync);
  await fill(plan.input, 0.5);
  plan.forward();
  await fill(plan.outputError!, 1.5);
  plan.backward();
  const norm = net.features.layers[1];
  return {
    output: await valuesOf(plan.output),
    inputError: await valuesOf(plan.passes[0].dy!),
    gradients: await Promise.all(plan.passes[1].gradients.map((g) => valuesOf(g.gradient))),
    runningMean: await valuesOf(norm.parameters[2].tensor),
    runningVariance: await valuesOf(norm.parameters[3].tensor),
    perChannel: n * 25,
  };
}

for (const make of learningFactories()) {
  const factory = await make();
  Deno.test(`sync batch norm on ${factory.name}: a job of identical ranks equals one rank`, async () => {
    const plain = await pass(factory, false), synced = await pass(factory, true);
    const tolerance = factory.dtype === "float64" ? 1e-12 : 2e-5;
    const close = (what: string, a: number[], b: number[]) => {
      assert(a.length === b.length && a.length > 0, `${what}: ${a.length} vs ${b.length} entries`);
      a.forEach((v, i) =>
        assert(
          Math.abs(v - b[i]) <= tolerance * (1 + Math.abs(v)),
          `${what}[${i}]: synchronized ${b[i]}, one rank ${v}`,
        )
      );
    };
    close("output", plain.output, synced.output);
    close("input error", plain.inputError, synced.inputError);
    plain.gradients.forEach((g, k) => close(`gradient ${k}`, g, synced.gradients[k]));
    close("running mean", plain.runningMean, synced.runningMean);
    // Running variance: 0.9 + 0.1·m/(m − 1)·σ² against 0.9 + 0.1·2m/(2m − 1)·σ².
    const m = plain.perChannel;
    close(
      "running variance",
      plain.runningVariance.map((v) => 0.9 + (v - 0.9) * (m - 1) / m * (2 * m) / (2 * m - 1)),
      synced.runningVariance,
    );
    assert(plain.inputError.some((v) => Math.abs(v) > 1e-3), "the input error is not all zero");
  });
}

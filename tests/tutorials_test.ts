/**
 * The tutorials print the book's numbers, on every engine they accept.
 */
import { assert } from "./conformance/assert.ts";
import { nativeAvailability, webgpuAvailability } from "../mod.ts";

const gpu = await webgpuAvailability();
const engines = [
  "default",
  "js",
  ...(nativeAvailability().available ? ["native"] : []),
  ...(gpu.available ? ["webgpu"] : []),
];

async function run(script: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `tutorials/${script}`, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert(out.success, `${script} failed:\n${new TextDecoder().decode(out.stderr)}`);
  return text;
}

function expectInOrder(text: string, lines: string[]): void {
  let at = 0;
  for (const line of lines) {
    const i = text.indexOf(line, at);
    assert(i >= 0, `missing "${line}" after position ${at} in:\n${text}`);
    at = i + line.length;
  }
}

for (const engine of engines) {
  Deno.test(`tutorial 01 prints h1 and y (${engine})`, async () => {
    expectInOrder(await run("01_representing_layers.ts", `--backend=${engine}`), [
      "[ 0.63 1.83 3.60 0.90 ]",
      "[ 1.84 ]",
    ]);
  });

  Deno.test(`tutorial 02 prints step, relu, tanh, sigmoid and the network (${engine})`, async () => {
    expectInOrder(await run("02_bias_and_activation.ts", `--backend=${engine}`), [
      "[ 0.00 0.00 1.00 ]",
      "[ 0.00 1.00 1.00 0.00 ]",
      "[ 0.00 1.63 2.50 0.00 ]",
      "[ -0.07 0.93 0.99 -0.80 ]",
      "Infinity",
      "[ 0.48 0.84 0.92 0.25 ]",
      "[ 0.44 ]",
    ]);
  });

  Deno.test(`tutorial 03 prints the layers' outputs (${engine})`, async () => {
    expectInOrder(await run("03_fully_connected.ts", `--backend=${engine}`, "--no-bench"), [
      "[ 0.48 0.84 0.92 0.25 ]",
      "[ 0.44 ]",
    ]);
  });

  Deno.test(`tutorials 04 and 05 print the batch result [0.44 0.44] (${engine})`, async () => {
    for (const script of ["04_batch_processing.ts", "05_sharing_memory.ts"]) {
      const out = await run(script, `--backend=${engine}`, "--no-bench");
      assert(/mxn:1x2.*\n\s+0\.44\s+0\.44\n/.test(out), `${script} printed:\n${out}`);
    }
  });
}

Deno.test("tutorial 03's micro benchmark runs and reports a time", async () => {
  expectInOrder(await run("03_fully_connected.ts"), ["[ 0.44 ]", "one input:", " ms"]);
});

Deno.test("tutorial 06 prints [0.44 0.44] on every factory present and across two engines", async () => {
  const out = await run("06_gpu_computing.ts");
  const results = out.match(/mxn:1x2.*\n\s+0\.44\s+0\.44\n/g) ?? [];
  const factories = 2 + (nativeAvailability().available ? 2 : 0) + (gpu.available ? 2 : 0);
  assert(results.length === factories, `${results.length} results, expected ${factories}:\n${out}`);
  if (gpu.available) assert(/micro benchmark on WebGPU.*: [\d.]+ ms/.test(out), out);
});

Deno.test("an engine not built yet is refused with a clear message", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tutorials/01_representing_layers.ts", "--backend=cuda"],
    stderr: "piped",
    stdout: "null",
  }).output();
  assert(!out.success, "exits with an error");
  assert(new TextDecoder().decode(out.stderr).includes("not built yet"), "says why");
});

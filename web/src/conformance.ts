/// <reference lib="dom" />
/**
 * The conformance suites in a web page: the tests Deno runs on every engine, registered here
 * instead of with Deno.test and run one after another on the js engine (float32 and float64) or
 * on WebGPU (`?engine=webgpu`). The browser test reads `window.knapResults`.
 */
import { type Factory, jsDouble, jsFloat, webgpuAvailability, webgpuFloat } from "../../mod.ts";
import { allConformance } from "../../tests/conformance/suites.ts";
import { type TestBody, useRegistrar } from "../../tests/conformance/register.ts";
import { adapterLine, show } from "./page.ts";

/** One test's outcome. */
interface Outcome {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

const engine = new URL(location.href).searchParams.get("engine") ?? "js";
const only = new URL(location.href).searchParams.get("only");
const tests: { name: string; fn: TestBody }[] = [];
useRegistrar((name, fn) => tests.push({ name, fn }));

let device: Factory<"device", "float32"> | undefined;
if (engine === "webgpu") {
  const a = await webgpuAvailability();
  if (!a.available) throw new Error(`no WebGPU here: ${a.reason}`);
  device = await webgpuFloat();
  allConformance(device, jsFloat);
} else {
  allConformance(jsFloat, jsDouble);
  allConformance(jsDouble, jsFloat);
}
useRegistrar(undefined);

show("engine", `${engine}; ${await adapterLine()}`);
const outcomes: Outcome[] = [];
const status = document.getElementById("status")!;
const list = document.getElementById("failures")!;
const start = performance.now();
for (const [i, t] of tests.entries()) {
  if (only !== null && !t.name.includes(only)) continue;
  status.textContent = `${i + 1} of ${tests.length}: ${t.name}`;
  const t0 = performance.now();
  try {
    await t.fn();
    outcomes.push({ name: t.name, ok: true, ms: performance.now() - t0 });
  } catch (e) {
    const error = e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e);
    outcomes.push({ name: t.name, ok: false, ms: performance.now() - t0, error });
    const li = document.createElement("li");
    li.textContent = `${t.name}: ${error.split("\n")[0]}`;
    list.append(li);
  }
}
device?.[Symbol.dispose]();
const passed = outcomes.filter((o) => o.ok).length;
const seconds = ((performance.now() - start) / 1000).toFixed(1);
status.textContent = `${passed} passed, ${
  outcomes.length - passed
} failed on ${engine} in ${seconds} s`;
(globalThis as unknown as { knapResults: unknown }).knapResults = { engine, outcomes };

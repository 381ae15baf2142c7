/**
 * Run with --v8-flags=--expose-gc by safety_test.ts: a view must keep its memory alive after
 * its owner becomes unreachable, and memory that nothing reaches must be freed.
 */
import { entry_, type Factory, sum, transfer, vctr, type Vector, view } from "../../mod.ts";
import { deferredFloat, deviceStats } from "../engines/deferred_engine.ts";
import { gpu } from "../_factories.ts";
import { webgpuFloat } from "../../mod.ts";

const gc = (globalThis as unknown as { gc: () => void }).gc;

async function collect(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

// An owner that goes out of reach at once; only the view is kept.
function onlyView(f: Factory): Vector {
  const owner = entry_(vctr(f, 1000), 2);
  return view(owner);
}

/** Collects while only a view is held, then reads through it; returns the frees seen. */
async function readThroughView(f: Factory, name: string, frees?: () => number): Promise<void> {
  const v = onlyView(f);
  const before = frees?.();
  await collect();
  if (frees && frees() !== before) throw new Error(`${name}: freed while a view was reachable`);
  const s = await sum(v);
  if (s !== 2000) throw new Error(`${name}: the view reads ${s}, not 2000`);
  using host = await transfer(v);
  if (host.toArray()[999] !== 2) throw new Error(`${name}: the view lost its entries`);
}

async function check(f: Factory, name: string, frees?: () => number): Promise<void> {
  const before = frees?.();
  await readThroughView(f, name, frees);
  await collect();
  // Nothing reaches the memory any more: the safety net frees it.
  if (frees && frees() !== before! + 1) throw new Error(`${name}: unreachable memory kept`);
  console.log(`${name}: ok`);
}

await check(deferredFloat, "deferred", () => deviceStats.frees);
if (gpu) await check(await webgpuFloat(), "webgpu");

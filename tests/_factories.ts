/**
 * Every factory this machine has, for tests that run on all engines: the js reference, native
 * where its libraries load, WebGPU where an adapter is present, and the stand-in device.
 */
import {
  cudaAvailability,
  cudaDouble,
  cudaFloat,
  type Factory,
  jsDouble,
  jsFloat,
  nativeAvailability,
  nativeBfloat16,
  nativeDouble,
  nativeFloat,
  openclAvailability,
  openclDouble,
  openclFloat,
  webgpuAvailability,
  webgpuFloat,
} from "../mod.ts";
import { hostOnly, leftOut } from "./_host_only.ts";
import { deferredDouble, deferredFloat } from "./engines/deferred_engine.ts";

/** Whether the native engine loads here. */
export const native: boolean = nativeAvailability().available;

/**
 * Whether oneDNN loaded under the native engine, and why not (the engine runs on OpenBLAS alone
 * without it): tests of oneDNN's own routes and of bfloat16 skip with this reason.
 */
export const dnnl: { readonly available: boolean; readonly reason: string } = (() => {
  const a = nativeAvailability();
  if (!a.available) return { available: false, reason: a.reason };
  const d = a.libraries?.find((l) => l.name === "oneDNN");
  return d?.loaded
    ? { available: true, reason: "" }
    : { available: false, reason: `oneDNN did not load (${d?.detail.split(". ")[0]})` };
})();

/** Whether WebGPU runs here. */
export const gpu: boolean = !hostOnly && (await webgpuAvailability()).available;

/** The host factories: js float32 and float64, and native ones where present. */
export const hostFactories: readonly Factory<"host">[] = [
  jsFloat,
  jsDouble,
  ...(native ? [nativeFloat, nativeDouble] : []),
];

/** Whether OpenCL runs here (PoCL in CI). */
export const opencl: Awaited<ReturnType<typeof openclAvailability>> = hostOnly
  ? leftOut
  : await openclAvailability();

/** Whether CUDA runs here (never in CI: it has no GPU). */
export const cuda: Awaited<ReturnType<typeof cudaAvailability>> = hostOnly
  ? leftOut
  : await cudaAvailability();
let cudaFactories: Factory<"device">[] | undefined;

let webgpu: Factory<"device"> | undefined;
let openclFactories: Factory<"device">[] | undefined;

/** Every factory: the host ones, the stand-in device, and one WebGPU factory where present. */
export async function allFactories(): Promise<Factory[]> {
  if (gpu) webgpu ??= await webgpuFloat();
  if (opencl.available) {
    openclFactories ??= [await openclFloat(), ...(opencl.fp64 ? [await openclDouble()] : [])];
  }
  if (cuda.available) cudaFactories ??= [await cudaFloat(), await cudaDouble()];
  if (hostOnly) return [...hostFactories];
  return [
    ...hostFactories,
    deferredFloat,
    deferredDouble,
    ...(webgpu ? [webgpu] : []),
    ...(openclFactories ?? []),
    ...(cudaFactories ?? []),
  ];
}

/** Every factory, nativeBfloat16 too (it takes part only in transfers, copies and products). */
export async function everyFactory(): Promise<Factory[]> {
  return [...await allFactories(), ...(dnnl.available ? [nativeBfloat16] : [])];
}

/** The factories the learning tests run on, made on demand (a WebGPU device only when used). */
import {
  cudaAvailability,
  cudaFloat,
  type Factory,
  jsDouble,
  nativeAvailability,
  nativeFloat,
  openclAvailability,
  openclFloat,
  webgpuAvailability,
  webgpuFloat,
} from "../../mod.ts";
import { hostOnly, leftOut } from "../_host_only.ts";

/** Whether WebGPU runs here, and whether on a software adapter. */
export const gpu: { available: boolean; reason?: string; software?: boolean } = hostOnly
  ? leftOut
  : await webgpuAvailability();

/** Whether OpenCL runs here (PoCL in CI). */
export const opencl: { available: boolean; reason?: string } = hostOnly
  ? leftOut
  : await openclAvailability();

let openclShared: Promise<Factory> | undefined;
let cudaShared: Promise<Factory> | undefined;

/** Whether CUDA runs here (never in CI). */
export const cuda: { available: boolean; reason?: string } = hostOnly
  ? leftOut
  : await cudaAvailability();

/** js float64, then `alsoOnJs`, then native float32, WebGPU and OpenCL where present. */
export function learningFactories(...alsoOnJs: Factory[]): (() => Promise<Factory>)[] {
  return [
    () => Promise.resolve(jsDouble),
    ...alsoOnJs.map((f) => () => Promise.resolve(f)),
    ...(nativeAvailability().available ? [() => Promise.resolve(nativeFloat)] : []),
    ...(gpu.available ? [() => webgpuFloat()] : []),
    ...(opencl.available ? [() => (openclShared ??= openclFloat())] : []),
    ...(cuda.available ? [() => (cudaShared ??= cudaFloat())] : []),
  ];
}

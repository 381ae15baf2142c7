/** The factories the learning tests run on, made on demand (a WebGPU device only when used). */
import {
  type Factory,
  jsDouble,
  nativeAvailability,
  nativeFloat,
  webgpuAvailability,
  webgpuFloat,
} from "../../mod.ts";

/** Whether WebGPU runs here, and whether on a software adapter. */
export const gpu = await webgpuAvailability();

/** js float64, then `alsoOnJs`, then native float32 and WebGPU where present. */
export function learningFactories(...alsoOnJs: Factory[]): (() => Promise<Factory>)[] {
  return [
    () => Promise.resolve(jsDouble),
    ...alsoOnJs.map((f) => () => Promise.resolve(f)),
    ...(nativeAvailability().available ? [() => Promise.resolve(nativeFloat)] : []),
    ...(gpu.available ? [() => webgpuFloat()] : []),
  ];
}

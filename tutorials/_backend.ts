/**
 * What every tutorial shares: the `--backend=` flag that picks the engine, and printing that
 * works on the GPU too (a device structure is brought to the host first). Engines not built
 * yet say so instead of silently running somewhere else.
 */
import {
  cudaDouble,
  cudaFloat,
  defaultDouble,
  defaultFloat,
  type Factory,
  type GEMatrix,
  jsDouble,
  jsFloat,
  KnapError,
  nativeDouble,
  nativeFloat,
  openclAvailability,
  openclDouble,
  openclFloat,
  transfer,
  type Vector,
  webgpuFloat,
} from "../mod.ts";
import { declareFlags, numberFlag, stringFlag } from "./_flags.ts";

/** The engines a tutorial can run on, and those still to come. */
export const backends = ["default", "native", "js", "webgpu", "cuda", "opencl"] as const;

declareFlags({
  backend: { type: "string", help: "the engine to run on", choices: backends },
});

export { numberFlag };

/** One engine's factories; on WebGPU `double` is float32 too (WGSL has no float64). */
export interface Backend {
  readonly name: string;
  readonly double: Factory;
  readonly float: Factory;
}

/**
 * The backend named by `--backend NAME` (default: `fallback`, the best CPU engine present unless
 * a tutorial says otherwise). An engine this machine lacks (no GPU, no driver, no library) ends the
 * tutorial with the reason and exit code 1, not a stack trace.
 */
export async function backend(fallback: (typeof backends)[number] = "default"): Promise<Backend> {
  const name = stringFlag("backend") ?? fallback;
  try {
    return await chosen(name);
  } catch (e) {
    if (!(e instanceof KnapError)) throw e;
    console.error(`--backend=${name}: this engine cannot run here: ${e.message}`);
    Deno.exit(1);
  }
}

async function chosen(name: string): Promise<Backend> {
  switch (name) {
    case "default": {
      const double = defaultDouble();
      return { name: double.engine.name, double, float: defaultFloat() };
    }
    case "native":
      return { name, double: nativeDouble, float: nativeFloat };
    case "js":
      return { name, double: jsDouble, float: jsFloat };
    case "webgpu": {
      const f = await webgpuFloat();
      console.log("(WebGPU has no float64: the chapters' double precision runs in float32)");
      return { name, double: f, float: f };
    }
    case "opencl": {
      const float = await openclFloat();
      const a = await openclAvailability();
      if (a.available && a.fp64) return { name, double: await openclDouble(), float };
      console.log(
        "(this OpenCL device has no float64: the chapters' double precision runs in float32)",
      );
      return { name, double: float, float };
    }
    case "cuda":
      return { name, double: await cudaDouble(), float: await cudaFloat() };
    default:
      throw new Error(`--backend=${name}: unknown; choose one of ${backends.join(", ")}`);
  }
}

/** Prints a structure as the book shows it, reading it back from a device first. */
export async function show(x: Vector | GEMatrix): Promise<void> {
  if (x.factory.location === "host") {
    console.log(x);
    return;
  }
  using host = await transfer(x.factory.dtype === "float64" ? jsDouble : jsFloat, x as Vector);
  console.log(host);
}

/** The entries of a structure as plain numbers, from any engine. */
export async function entries(x: Vector): Promise<number[]> {
  using host = await transfer(jsDouble, x);
  return [...host];
}

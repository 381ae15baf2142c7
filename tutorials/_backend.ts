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

/** The engines a tutorial can run on, and those still to come. */
export const backends = ["default", "native", "js", "webgpu", "cuda", "opencl"] as const;

/** One engine's factories; on WebGPU `double` is float32 too (WGSL has no float64). */
export interface Backend {
  readonly name: string;
  readonly double: Factory;
  readonly float: Factory;
}

/**
 * The backend named by `--backend=NAME` in args (default: the best CPU engine present). An
 * engine this machine lacks (no GPU, no driver, no library) ends the tutorial with the reason and
 * exit code 1, not a stack trace.
 */
export async function backend(args: readonly string[] = Deno.args): Promise<Backend> {
  try {
    return await chosen(args);
  } catch (e) {
    if (!(e instanceof KnapError)) throw e;
    const flag = args.find((a) => a.startsWith("--backend=")) ?? "--backend=default";
    console.error(`${flag}: this engine cannot run here: ${e.message}`);
    Deno.exit(1);
  }
}

async function chosen(args: readonly string[]): Promise<Backend> {
  const flag = args.find((a) => a.startsWith("--backend="));
  const name = flag === undefined ? "default" : flag.slice("--backend=".length);
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

/** The number given as `--name=N`, or `fallback` without one; anything but a number is an error. */
export function numberFlag(
  name: string,
  fallback: number,
  args: readonly string[] = Deno.args,
): number {
  const given = args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (given === undefined) return fallback;
  const v = Number(given);
  if (given.trim() === "" || !Number.isFinite(v)) {
    throw new Error(`--${name}=${given}: not a number`);
  }
  return v;
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

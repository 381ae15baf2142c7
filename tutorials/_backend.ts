/**
 * The `--backend=` flag every tutorial takes: which engine runs the chapter. Engines not built
 * yet say so instead of silently running somewhere else.
 */
import {
  defaultDouble,
  defaultFloat,
  type Factory,
  jsDouble,
  jsFloat,
  nativeDouble,
  nativeFloat,
} from "../mod.ts";

/** The engines a tutorial can run on, and those still to come. */
export const backends = ["default", "native", "js", "webgpu", "cuda", "opencl"] as const;

/** One engine's factories. */
export interface Backend {
  readonly name: string;
  readonly double: Factory<"host">;
  readonly float: Factory<"host">;
}

/** The backend named by `--backend=NAME` in args (default: the best engine present). */
export function backend(args: readonly string[] = Deno.args): Backend {
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
    case "webgpu":
    case "cuda":
    case "opencl":
      throw new Error(`--backend=${name}: this engine is not built yet (see FEATURES.md)`);
    default:
      throw new Error(`--backend=${name}: unknown; choose one of ${backends.join(", ")}`);
  }
}

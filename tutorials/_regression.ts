/**
 * Chapter 14's regression data, shared by the optimization chapters: f(x) = sin x₀ + cos x₁ +
 * tanh x₂ + x₃² on inputs drawn from [0, 1)⁴, as the columns of matrices on a factory.
 */
import { type Factory, ge, type GEMatrix, jsDouble, randUniform_, transfer_ } from "../mod.ts";

/** n samples: x is 4×n, y is 1×n. Dispose both when done. */
export function regression(f: Factory, n: number, seed: number): { x: GEMatrix; y: GEMatrix } {
  using hx = randUniform_(ge(jsDouble, 4, n), { seed });
  const xs = hx.toArray();
  using hy = ge(
    jsDouble,
    1,
    n,
    Array.from(
      { length: n },
      (_, j) =>
        Math.sin(xs[4 * j]) + Math.cos(xs[4 * j + 1]) + Math.tanh(xs[4 * j + 2]) +
        xs[4 * j + 3] ** 2,
    ),
  );
  const x = ge(f, 4, n), y = ge(f, 1, n);
  transfer_(hx, x);
  transfer_(hy, y);
  return { x, y };
}

/** The shared data folder: --data=DIR, else $KNAP_DATA, else ../shared/data beside the repository. */
export async function dataFile(name: string): Promise<string | undefined> {
  const flag = Deno.args.find((a) => a.startsWith("--data="))?.slice(7);
  const dirs = [
    flag,
    Deno.env.get("KNAP_DATA"),
    new URL("../../shared/data", import.meta.url).pathname,
  ];
  for (const dir of dirs) {
    if (dir === undefined) continue;
    try {
      await Deno.stat(`${dir}/${name}`);
      return `${dir}/${name}`;
    } catch {
      // not here
    }
  }
  console.log(
    `${name} was not found: pass --data=DIR or set KNAP_DATA to the folder that holds it.`,
  );
  return undefined;
}

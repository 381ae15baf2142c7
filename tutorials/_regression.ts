/**
 * Chapter 14's regression data, shared by the optimization chapters: f(x) = sin x₀ + cos x₁ +
 * tanh x₂ + x₃² on inputs drawn from [0, 1)⁴, as the columns of matrices on a factory.
 */
import type { GEMatrix } from "../mod.ts";
import {
  fullyConnected,
  inferenceNetwork,
  init_,
  type Optimizer,
  quadraticCost_,
  sgd,
  trainingNetwork,
} from "../lib/nn/mod.ts";
import { declareFlags, stringFlag } from "./_flags.ts";

export { regression, target } from "./_regression_data.ts";

declareFlags({ data: { type: "string", help: "a folder holding the data set's files" } });

/** The shared data folder: --data=DIR, else $KNAP_DATA, else ../shared/data beside the repository. */
export async function dataFile(name: string): Promise<string | undefined> {
  const flag = stringFlag("data");
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

/**
 * Trains chapter 14's 4-8-8-1 network on (x, y) for `epochs` (1000) epochs at rate eta with an
 * optimizer (plain descent without one); returns the epoch its cost first fell below `below`
 * (0.02; checked every `every`, 10, epochs; NaN if never) and the cost at the end.
 */
export async function race(
  x: GEMatrix,
  y: GEMatrix,
  optimizer: Optimizer | undefined,
  eta: number,
  { epochs = 1000, below = 0.02, every = 10 } = {},
): Promise<[number, number]> {
  using net = init_(
    inferenceNetwork(x.factory, 4, [
      fullyConnected(8, "sigmoid"),
      fullyConnected(8, "tanh"),
      fullyConnected(1, "linear"),
    ]),
    { seed: 7 },
  );
  using training = trainingNetwork(net, x, optimizer);
  let reached = NaN;
  const cost = await sgd(training, y, quadraticCost_, epochs, eta, {
    progress: every,
    onProgress: (e, c) => {
      if (Number.isNaN(reached) && c < below) reached = e;
    },
  });
  return [reached, cost];
}

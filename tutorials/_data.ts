/**
 * Where the tutorials find the book's data sets: `--data=DIR`, else `$KNAP_DATA`, else the
 * shared data folder beside this repository; anything missing is downloaded from its home.
 * A tutorial that cannot get its data says how to fix that and exits with an error.
 */
import { KnapError } from "../mod.ts";
import { type DatasetOptions, type ImageSplit, mnist, readIdx } from "../lib/data/mod.ts";
import { booleanFlag, declareFlags, stringFlag } from "./_flags.ts";

declareFlags({ data: { type: "string", help: "a folder holding the data set's files" } });

/** The data-set options the tutorials pass: a local folder when there is one. */
export async function dataOptions(): Promise<DatasetOptions> {
  const flag = stringFlag("data");
  const shared = new URL("../../shared/data", import.meta.url).pathname;
  const beside = await Deno.stat(shared).then(() => shared, () => undefined);
  return { data: flag ?? beside };
}

/** The data set, or — when it cannot be had — the reason and the fix, and exit code 1. */
export async function orExit<T>(what: string, script: string, get: Promise<T>): Promise<T> {
  try {
    return await get;
  } catch (e) {
    if (!(e instanceof KnapError || e instanceof Deno.errors.NotFound)) throw e;
    console.error(
      `${what} could not be loaded: ${e.message}\n\n` +
        `Fix: let the tutorial download it (network access, and read/write access to the cache):\n` +
        `  deno run -A tutorials/${script}\n` +
        `or put the data set's files in a folder and pass it:\n` +
        `  deno run -A tutorials/${script} --data=DIR`,
    );
    Deno.exit(1);
  }
}

/**
 * MNIST for chapters 22 and 26: the training and test splits through the data registry, or with
 * `--test-set-only` the 10,000 test images alone, the first 8,000 to train on; `from` is where
 * the scored images start in `test`.
 */
export async function mnistSplits(
  script: string,
): Promise<{ train: ImageSplit; test: ImageSplit; from: number }> {
  const options = await dataOptions();
  if (!booleanFlag("test-set-only")) {
    const { train, test } = await orExit("MNIST", script, mnist(options));
    return { train, test, from: 0 };
  }
  const dir = options.data ?? ".";
  const names = ["mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz"];
  const read = async (name: string) => {
    try {
      return await readIdx(`${dir}/${name}`);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      throw new Deno.errors.NotFound(
        `${dir} has no ${name}: with --test-set-only the folder --data names must hold ` +
          names.join(" and "),
      );
    }
  };
  const [im, lab] = await orExit(
    "MNIST's test set",
    `${script} --test-set-only`,
    Promise.all(names.map(read)),
  );
  const split = { images: im.data, labels: lab.data, count: 10000, rows: 28, cols: 28 };
  return { train: { ...split, count: 8000 }, test: split, from: 8000 };
}

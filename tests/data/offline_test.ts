/**
 * Data without the internet: `{ data }` may name the file itself (any file for a data set of one
 * file, one of its names for the others; another file is refused, naming what the folder must
 * hold); a data set that can be neither found nor downloaded says every way to supply it — the
 * `{ data }` option, KNAP_DATA, the file names, the address to download by hand — and names the
 * --allow-env flag where knap could not read KNAP_DATA or KNAP_CACHE.
 */
import { KnapError } from "../../mod.ts";
import { bostonHousing, mnist } from "../../lib/data/mod.ts";
import { assert } from "../conformance/assert.ts";
import { sharedData } from "./_helpers.ts";

const boston = await sharedData("boston-housing.csv");
const nowhere = "http://127.0.0.1:9";

async function failure(f: () => Promise<unknown>): Promise<KnapError> {
  try {
    await f();
  } catch (e) {
    assert(e instanceof KnapError, String(e));
    return e;
  }
  throw new Error("expected a KnapError");
}

Deno.test({
  name: boston
    ? "bostonHousing({ data: a file }) reads that file, whatever its name"
    : "bostonHousing({ data: a file }) skipped: ../shared/data/boston-housing.csv is absent",
  ignore: boston === undefined,
  async fn() {
    const file = `${await Deno.makeTempDir()}/my-houses.csv`;
    await Deno.copyFile(boston!, file);
    const b = await bostonHousing({ data: file, baseUrl: nowhere, retries: 0 });
    assert(b.count === 506, `${b.count} houses`);
  },
});

Deno.test("a file given as { data } of a data set of several files is refused, naming them", async () => {
  const file = await Deno.makeTempFile({ suffix: ".gz" });
  const e = await failure(() => mnist({ data: file, baseUrl: nowhere, retries: 0 }));
  assert(
    e.code === "not-a-folder" &&
      /is a file; give the folder that holds .*train-images/.test(e.message),
    e.message,
  );
});

Deno.test("offline, a data set says every way to supply it", async () => {
  const empty = await Deno.makeTempDir(), cache = await Deno.makeTempDir();
  const e = await failure(() =>
    bostonHousing({ data: empty, cache, baseUrl: nowhere, retries: 0 })
  );
  for (
    const want of [
      "{ data }",
      "KNAP_DATA",
      "BostonHousing.csv",
      `${nowhere}/BostonHousing.csv`,
      empty,
    ]
  ) {
    assert(e.message.includes(want), `"${want}" in ${e.message}`);
  }
});

Deno.test("without --allow-env, the error names the flag that lets KNAP_DATA and KNAP_CACHE count", async () => {
  const empty = await Deno.makeTempDir(), cache = await Deno.makeTempDir();
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(
    file,
    `import { bostonHousing } from "${new URL("../../lib/data/mod.ts", import.meta.url)}";
     try { await bostonHousing({ data: "${empty}", cache: "${cache}", baseUrl: "${nowhere}", retries: 0 }); }
     catch (e) { console.log(e.message); }`,
  );
  const limited = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-net", "--no-prompt", file],
    env: { KNAP_DATA: "/somewhere" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(limited.stdout);
  assert(limited.success, new TextDecoder().decode(limited.stderr));
  assert(text.includes("--allow-env=KNAP_DATA,KNAP_CACHE"), text);
});

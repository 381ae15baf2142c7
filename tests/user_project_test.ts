/**
 * What a new user meets, from a project outside this repository whose `deno.json` links the
 * checkout as `deno add jsr:@knap/knap` would: their scripts type-check without casts (a
 * network's outputs carry its dtype, and a wrong one is a type error), a program without
 * --allow-ffi hears which engine computes instead, and a data set is read from a local file
 * offline — or, missing, says every way to supply it.
 */
import { assert } from "./conformance/assert.ts";
import { userProject } from "./_project.ts";

const decoder = new TextDecoder();

/** Runs deno with args in the project; the environment given replaces knap's variables. */
async function deno(dir: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: dir,
    env: { KNAP_QUIET: "0", ...env, XDG_RUNTIME_DIR: Deno.env.get("XDG_RUNTIME_DIR") ?? "/tmp" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    ok: out.success,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

/** A user's script: dense and tensor networks whose outputs are used as plain typed arrays. */
const typedScript = `
import { defaultFloat, fge, jsDouble, tensor, toArray } from "@knap/knap";
import { fullyConnected, infer, inferenceNetwork, init_, load, save } from "@knap/knap/nn";
import * as dnn from "@knap/knap/dnn";

using net = init_(
  inferenceNetwork(defaultFloat(), 4, [fullyConnected(3, "relu"), fullyConnected(2, "softmax")]),
  { seed: 1 },
);
using x = fge(4, 5);
const probabilities: Float32Array = toArray(infer(net, x));
const total = toArray(infer(net, x)).reduce((s, p) => s + p, 0);
const file = await Deno.makeTempFile({ suffix: ".safetensors" });
await save(net, file);
using again = await load(
  inferenceNetwork(defaultFloat(), 4, [fullyConnected(3, "relu"), fullyConnected(2, "softmax")]),
  file,
);
const reloaded: Float32Array = toArray(infer(again, x));

using tn = dnn.init_(dnn.network(jsDouble, [5, 4], [dnn.dense(2, "softmax")]), { seed: 1 });
using xt = tensor(jsDouble, [5, 4], "nc");
const sums: number[] = [];
const y: Float64Array = dnn.infer(tn, xt).toArray();
y.forEach((p, i) => sums[i >> 1] = (sums[i >> 1] ?? 0) + p);
console.log("total", total.toFixed(3), probabilities.length, reloaded.length, sums.map((s) => s.toFixed(3)).join());
`;

Deno.test("a user's script type-checks with no casts, and runs; a wrong dtype does not check", async () => {
  const dir = await userProject();
  await Deno.writeTextFile(`${dir}/main.ts`, typedScript);
  const checked = await deno(dir, ["check", "main.ts"]);
  assert(checked.ok, `deno check of a user's script:\n${checked.stderr}`);
  const ran = await deno(dir, ["run", "-A", "main.ts"], { KNAP_QUIET: "1" });
  assert(ran.ok, ran.stderr);
  // Five samples of two probabilities each sum to 5; each tensor sample's pair sums to 1.
  assert(ran.stdout.includes("total 5.000 10 10 1.000,1.000,1.000,1.000,1.000"), ran.stdout);
  // The types are not merely loose: a float32 network's outputs are not a Float64Array.
  await Deno.writeTextFile(
    `${dir}/wrong.ts`,
    `import { jsFloat, ge, toArray } from "@knap/knap";
     import { fullyConnected, infer, inferenceNetwork } from "@knap/knap/nn";
     using net = inferenceNetwork(jsFloat, 2, [fullyConnected(1, "linear")]);
     const y: Float64Array = toArray(infer(net, ge(jsFloat, 2, 1)));
     console.log(y);`,
  );
  const wrong = await deno(dir, ["check", "wrong.ts"]);
  assert(!wrong.ok && /TS2322|not assignable/.test(wrong.stderr), wrong.stderr);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a user's program without --allow-ffi hears which engine computes and how to get native", async () => {
  const dir = await userProject();
  await Deno.writeTextFile(
    `${dir}/main.ts`,
    `import { dv, nrm2 } from "@knap/knap";
     using x = dv(3, 4);
     console.log("norm", nrm2(x), x.factory.name);`,
  );
  const r = await deno(dir, ["run", "--allow-read", "main.ts"]);
  assert(r.ok && r.stdout.includes("norm 5 jsDouble"), r.stdout + r.stderr);
  const notice = r.stderr.split("\n").filter((l) => l.startsWith("knap: computing"));
  assert(notice.length === 1, r.stderr);
  for (const want of ["js engine", "--allow-ffi"]) {
    assert(notice[0].includes(want), `"${want}" in ${notice[0]}`);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("offline, a user's data set comes from a local file, or says every way to supply it", async () => {
  const dir = await userProject();
  // A Boston-shaped file of the user's own: the loader takes any file with the data set's columns.
  const header = "crim,zn,indus,chas,nox,rm,age,dis,rad,tax,ptratio,b,lstat,medv";
  const rows = Array.from(
    { length: 50 },
    (_, i) => Array.from({ length: 14 }, (_, j) => ((i * 7 + j * 3) % 11) + 0.5).join(),
  );
  await Deno.writeTextFile(`${dir}/houses.csv`, [header, ...rows].join("\n") + "\n");
  await Deno.mkdir(`${dir}/cache`);
  await Deno.writeTextFile(
    `${dir}/main.ts`,
    `import { bostonHousing } from "@knap/knap/data";
     const local = await bostonHousing({ data: "houses.csv" });
     console.log("houses", local.count);
     try {
       await bostonHousing({ baseUrl: "http://127.0.0.1:9", retries: 0 });
     } catch (e) {
       console.log("offline:", (e as Error).message);
     }`,
  );
  // No --allow-net: the download is refused as it is on a machine offline.
  const r = await deno(
    dir,
    ["run", "--allow-read", "--allow-write", "--allow-env", "--no-prompt", "main.ts"],
    { KNAP_CACHE: `${dir}/cache`, KNAP_DATA: `${dir}/cache` },
  );
  assert(r.ok, r.stderr);
  assert(r.stdout.includes("houses 50"), r.stdout);
  const offline = r.stdout.slice(r.stdout.indexOf("offline:"));
  for (const want of ["{ data }", "KNAP_DATA", "BostonHousing.csv", "http://127.0.0.1:9"]) {
    assert(offline.includes(want), `"${want}" in ${offline}`);
  }
  await Deno.remove(dir, { recursive: true });
});

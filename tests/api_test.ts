/**
 * The public API's shape: the root module stays the user's (at most 150 names, types included),
 * a name exported by several entry points is the same thing in each, and the two kinds of
 * network share one infer, init_, train, save and load.
 */
import { assert, assertEquals, assertThrows } from "./conformance/assert.ts";
import { ge, jsDouble, jsFloat, tensor, toArray } from "../mod.ts";
import * as nn from "../lib/nn/mod.ts";
import * as dnn from "../lib/dnn/mod.ts";

const root = new URL("../", import.meta.url);
const exported: Record<string, string> = JSON.parse(
  await Deno.readTextFile(new URL("deno.json", root)),
).exports;

Deno.test("api: the root module exports at most 150 names, types included", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", "mod.ts"],
    cwd: root.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  const doc = JSON.parse(new TextDecoder().decode(out.stdout));
  const symbols: { name: string }[] = Object.values(doc.nodes as Record<string, object>)
    .flatMap((n) => (n as { symbols: { name: string }[] }).symbols);
  const names = new Set(symbols.map((s) => s.name));
  assert(names.size <= 150, `the root module exports ${names.size} names`);
  // The user's API, not an engine's insides: no engine contract, no kernel table.
  for (const inside of ["Engine", "BlasEngine", "Operand", "ops", "registerHostEngine"]) {
    assert(!names.has(inside), `${inside} is exported by the root module`);
  }
});

Deno.test("api: a name exported by several entry points means one thing", async () => {
  const seen = new Map<string, { entry: string; value: unknown }>();
  const clashes: string[] = [];
  for (const [entry, path] of Object.entries(exported)) {
    const m: Record<string, unknown> = await import(new URL(path, root).href);
    for (const [name, value] of Object.entries(m)) {
      const before = seen.get(name);
      if (before === undefined) seen.set(name, { entry, value });
      else if (before.value !== value) clashes.push(`${name}: ${before.entry} and ${entry}`);
    }
  }
  assertEquals(clashes, []);
  // The book's layer names are dnn's; the operations under them have names of their own.
  assert(seen.get("pooling")?.entry === "./dnn" && seen.get("batchNorm")?.entry === "./dnn");
  assert(seen.get("poolingForward")?.entry === "./ops");
});

Deno.test("api: nn and dnn export the same infer, init_, train, save and load", () => {
  for (const name of ["infer", "init_", "train", "save", "load"] as const) {
    assert(nn[name] === dnn[name], `${name} differs between nn and dnn`);
  }
});

Deno.test("api: one infer for a matrix network and a tensor network, each typed by its kind", () => {
  using columns = nn.init_(
    nn.inferenceNetwork(jsFloat, 3, [nn.fullyConnected(2, "softmax")]),
    { seed: 1 },
  );
  using samples = dnn.init_(dnn.network(jsFloat, [null, 3], [dnn.dense(2, "softmax")]), {
    seed: 1,
  });
  using x = ge(jsFloat, 3, 4, Array.from({ length: 12 }, (_, i) => i / 12));
  using t = tensor(jsFloat, [4, 3], "nc", Array.from({ length: 12 }, (_, i) => i / 12));
  // Both results carry the network's dtype: these assignments are checked by `deno check`.
  const a: Float32Array = toArray(nn.infer(columns, x));
  const b: Float32Array = nn.infer(samples, t).toArray();
  assertEquals(a.length, 8);
  assertEquals(b.length, 8);
  // Each column and each row is a distribution; predictedClasses takes either result.
  assertEquals(nn.predictedClasses(nn.infer(samples, t)).length, 4);
  assertEquals(nn.predictedClasses(nn.infer(columns, x)).length, 4);
});

Deno.test("api: the family refuses what is not a network, naming the function", () => {
  using x = ge(jsDouble, 2, 2);
  for (const op of ["infer", "init_", "train"] as const) {
    assertThrows(
      () => (nn[op] as (...a: unknown[]) => unknown)({}, x, x, nn.quadraticCost_, 1, { batch: 1 }),
      TypeError,
      `${op}: expected a network`,
    );
  }
  assertThrows(
    () => nn.infer(null as never, x),
    TypeError,
    "infer: expected a network (inferenceNetwork of @knap/knap/nn or network of @knap/knap/dnn), got null",
  );
});

Deno.test("api: a tensor network's batch is not part of it", () => {
  using any = dnn.network(jsDouble, [null, 1, 4, 4], [dnn.flatten(), dnn.dense(3, "linear")]);
  using eight = dnn.network(jsDouble, [8, 1, 4, 4], [dnn.flatten(), dnn.dense(3, "linear")]);
  assertEquals(any.sample, [1, 4, 4]);
  assertEquals(String(any), String(eight));
  for (const n of [1, 5, 8, 13]) {
    using t = tensor(jsDouble, [n, 1, 4, 4]);
    assertEquals(nn.infer(any, t).shape, [n, 3]);
    assertEquals(nn.infer(eight, t).shape, [n, 3]);
  }
  assertThrows(() => dnn.network(jsDouble, [null], [dnn.dense(1, "linear")]), RangeError, "sample");
  assertThrows(
    () => dnn.network(jsDouble, [null, null, 3], [dnn.dense(1, "linear")]),
    RangeError,
    "only the batch may be null",
  );
});

Deno.test("api: train takes either kind and its errors say train", () => {
  using columns = nn.inferenceNetwork(jsDouble, 1, [nn.fullyConnected(1, "linear")]);
  using samples = dnn.network(jsDouble, [null, 1], [dnn.dense(1, "linear")]);
  using x = ge(jsDouble, 1, 4, [0, 1, 2, 3]);
  using y = ge(jsDouble, 1, 4, [1, 3, 5, 7]);
  using tx = tensor(jsDouble, [4, 1], "nc", [0, 1, 2, 3]);
  using ty = tensor(jsDouble, [4, 1], "nc", [1, 3, 5, 7]);
  const options = { batch: 4, eta: 0.05, optimizer: nn.adam(), seed: 1, quiet: true };
  nn.init_(columns, { seed: 2 });
  nn.init_(samples, { seed: 2 });
  const c1 = nn.train(columns, x, y, nn.quadraticCost_, 400, options);
  const c2 = nn.train(samples, tx, ty, nn.quadraticCost_, 400, options);
  assert(c1 < 1e-3 && c2 < 1e-3, `costs ${c1}, ${c2}`);
  using wide = ge(jsDouble, 1, 3);
  assertThrows(
    () => nn.train(columns, x, wide, nn.quadraticCost_, 1, options),
    RangeError,
    "train:",
  );
});

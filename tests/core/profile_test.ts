/**
 * The profiler: what `profile(fn)` records (operation, engine, route, calls, time), that plans
 * made before it began are timed, that it stops on a throw and nests, and that `KNAP_PROFILE=1`
 * prints the whole run's table when a program ends.
 */
import {
  axpy_,
  ge,
  jsFloat,
  mm,
  mm_,
  nativeFloat,
  profile,
  randUniform_,
  vctr,
} from "../../mod.ts";
import { relu_ } from "../../lib/vect_math/mod.ts";
import { profiling } from "../../lib/core/profile.ts";
import { dnnl } from "../_factories.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";

const assertMatch = (text: string, pattern: RegExp) =>
  assert(pattern.test(text), `${JSON.stringify(text)} does not match ${pattern}`);

Deno.test("profile counts a js product's calls and names the js loop", () => {
  using a = ge(jsFloat, 16, 16), b = ge(jsFloat, 16, 16), c = ge(jsFloat, 16, 16);
  const report = profile(() => {
    for (let i = 0; i < 5; i++) mm_(1, a, b, 0, c);
    return "done";
  });
  assertEquals(report.value, "done");
  const gemm = report.entries.find((e) => e.op === "gemm");
  assert(gemm !== undefined, report.table());
  assertEquals([gemm.engine, gemm.route, gemm.calls], ["js", "js loop", 5]);
  assert(gemm.ms > 0 && report.engineMs <= report.wallMs + 1e-9);
  // The heaviest first, and the table names every row.
  for (let i = 1; i < report.entries.length; i++) {
    assert(report.entries[i - 1].ms >= report.entries[i].ms);
  }
  const table = report.table();
  assertMatch(table, /^knap profile: [0-9.]+ ms in all/);
  assertMatch(table, /gemm +js +js loop +5 /);
  assertMatch(table, /between engine calls \(TypeScript\)/);
  assert(!profiling.on, "off again after the run");
});

Deno.test("profile records nothing outside its run, and stops when fn throws", () => {
  using x = vctr(jsFloat, [1, 2, 3]), y = vctr(jsFloat, 3);
  const report = profile(() => axpy_(1, x, y));
  axpy_(1, x, y);
  assertEquals(report.entries.find((e) => e.op === "axpby")?.calls, 1);
  assertThrows(
    () =>
      profile(() => {
        axpy_(1, x, y);
        throw new Error("inside");
      }),
    Error,
    "inside",
  );
  assert(!profiling.on);
});

Deno.test("profiles nest: the outer one sees the inner one's calls too", () => {
  using x = vctr(jsFloat, [1, 2, 3]), y = vctr(jsFloat, 3);
  let inner = 0;
  const outer = profile(() => {
    axpy_(1, x, y);
    inner = profile(() => axpy_(1, x, y)).entries.find((e) => e.op === "axpby")!.calls;
  });
  assertEquals(inner, 1);
  assertEquals(outer.entries.find((e) => e.op === "axpby")?.calls, 2);
});

Deno.test("profile awaits an async function", async () => {
  using x = vctr(jsFloat, [1, 2, 3]), y = vctr(jsFloat, 3);
  const report = await profile(async () => {
    axpy_(1, x, y);
    await new Promise((r) => setTimeout(r, 1));
    axpy_(1, x, y);
    return 7;
  });
  assertEquals(report.value, 7);
  assertEquals(report.entries.find((e) => e.op === "axpby")?.calls, 2);
  assert(report.wallMs >= 1);
  await assertRejectsInside();
});

async function assertRejectsInside() {
  let caught = false;
  try {
    await profile(() => Promise.reject(new Error("later")));
  } catch (e) {
    caught = (e as Error).message === "later";
  }
  assert(caught && !profiling.on);
}

Deno.test({
  name: "profile names the native routes: oneDNN for large calls, a float32 loop for small ones",
  ignore: !dnnl.available,
  fn() {
    using big = randUniform_(vctr(nativeFloat, 1 << 16)), small = vctr(nativeFloat, 8);
    using a = ge(nativeFloat, 64, 64), b = ge(nativeFloat, 64, 64);
    const report = profile(() => {
      relu_(big);
      relu_(small);
      mm(a, b)[Symbol.dispose]();
    });
    const routes = report.entries.filter((e) => e.op === "map relu").map((e) => e.route).sort();
    assertEquals(routes, ["float32 loop", "oneDNN eltwise"], report.table());
    const gemm = report.entries.find((e) => e.op === "gemm");
    assert(gemm?.engine === "native" && /oneDNN|dnnl_sgemm/.test(gemm.route), report.table());
  },
});

Deno.test("a plan made before the profile began is timed when it runs inside", () => {
  // Networks plan their primitives once, when they are built: those runs must still show.
  using x = randUniform_(ge(jsFloat, 5, 4)), out = ge(jsFloat, 5, 4);
  const softmax = jsFloat.engine.nn!.softmax!(x, out, false);
  const report = profile(() => {
    softmax();
    softmax();
  });
  const runs = report.entries.find((e) => e.op === "softmax");
  assertEquals([runs?.engine, runs?.calls], ["js", 2], report.table());
  assert(!report.entries.some((e) => e.op === "plan softmax"), report.table());
  const planned = profile(() => jsFloat.engine.nn!.softmax!(x, out, false)());
  assertEquals(planned.entries.map((e) => e.op).sort(), ["plan softmax", "softmax"]);
});

Deno.test("KNAP_PROFILE=1 prints the whole run's table to stderr when the program ends", async () => {
  const dir = await Deno.makeTempDir({ prefix: "knap-profile-" });
  try {
    const script = `${dir}/run.ts`;
    await Deno.writeTextFile(
      script,
      `import { ge, jsFloat, mm } from ${
        JSON.stringify(new URL("../../mod.ts", import.meta.url).href)
      };
using a = ge(jsFloat, 8, 8), b = ge(jsFloat, 8, 8);
for (let i = 0; i < 3; i++) mm(a, b)[Symbol.dispose]();
console.log("ran");`,
    );
    const run = (env: Record<string, string>) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--no-lock", script],
        env,
        stdout: "piped",
        stderr: "piped",
      }).output();
    const on = await run({ KNAP_PROFILE: "1", KNAP_QUIET: "1" });
    const err = new TextDecoder().decode(on.stderr);
    assert(on.success, err);
    assertEquals(new TextDecoder().decode(on.stdout).trim(), "ran");
    assertMatch(err, /knap profile: [0-9.]+ ms in all/);
    assertMatch(err, /gemm +js +js loop +3 /);
    const off = await run({ KNAP_QUIET: "1" });
    assert(!new TextDecoder().decode(off.stderr).includes("knap profile"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

import { assert, assertEquals } from "../conformance/assert.ts";
import * as k from "../../mod.ts";
import { everyFactory, gpu, native } from "../_factories.ts";

Deno.test("transfer_ copies between factories and dtypes, into strided views, and returns dst", () => {
  using x = k.dge(2, 3, [1, 2, 3, 4, 5, 6]);
  using y = k.ge(k.jsFloat, 3, 2, undefined, { layout: "row" });
  const t = k.trans(y);
  assert(k.transfer_(x, t) === t, "returns dst");
  assertEquals([...k.toArray(y)], [1, 2, 3, 4, 5, 6]);
  using z = k.transfer(k.jsDouble, k.row(x, 1));
  assertEquals([...z], [2, 4, 6]);
  assert(z.factory === k.jsDouble, "on the requested factory");
  using w = k.transfer(y);
  assert(w.factory === k.defaultFloat() && w.layout === "row", "default target, same layout");
});

Deno.test("synchronize resolves on host engines", async () => {
  await k.synchronize(k.jsDouble);
  if (native) await k.synchronize(k.nativeDouble);
});

Deno.test("transfer_ between every pair of factories, both ways, keeps every value", async () => {
  const factories = await everyFactory();
  // Values bfloat16 holds exactly, in a strided view of a row-major matrix.
  const values = [0.5, 8, -2, 0, 1.5, -0.25];
  for (const from of factories) {
    for (const to of factories) {
      using a = k.ge(from, 2, 3, values, { layout: "row" }), b = k.ge(to, 3, 2);
      await k.transfer_(a, k.trans(b));
      using back = await k.transfer(k.jsDouble, b);
      const got = Array.from(back.toArray());
      const want = [0.5, 8, -2, 0, 1.5, -0.25]; // b is aᵀ in column order: a's rows in turn
      assertEquals(got, want, `${from.name} → ${to.name}`);
    }
  }
});

Deno.test({
  name: "a device result outliving its destination or its factory fails as a KnapError",
  ignore: !gpu,
  async fn() {
    const f = await k.webgpuFloat();
    using x = k.vctr(f, [1, 2, 3]);
    const y = k.vctr(k.jsFloat, 3);
    const copy = k.transfer_(x, y);
    y[Symbol.dispose]();
    await assertRejects(copy, "transfer_", "released while the copy was in flight");
    const s = k.sum(x);
    f[Symbol.dispose]();
    await assertRejects(s, "sum", "factory released");
  },
});

Deno.test({
  name: "a device-to-device copy into a factory released while it is in flight fails",
  ignore: !gpu,
  async fn() {
    using from = await k.webgpuFloat();
    const to = await k.webgpuFloat();
    using x = k.vctr(from, [1, 2, 3]);
    const y = k.vctr(to, 3);
    const copy = k.transfer_(x, y);
    to[Symbol.dispose]();
    await assertRejects(copy, "transfer_", "factory webgpuFloat was released while the copy");
  },
});

Deno.test("dimensions no runtime could allocate are refused, even of empty structures", () => {
  for (const f of [k.jsFloat, k.jsDouble]) {
    let error: unknown;
    try {
      k.ge(f, 2 ** 40, 0);
    } catch (e) {
      error = e;
    }
    assert(error instanceof RangeError && String(error).includes("can address (4294967295)"));
    assert(k.ge(f, 2 ** 32 - 1, 0).m === 2 ** 32 - 1, "the largest is taken");
  }
});

// At the end of a scope the device goes while an un-awaited reduction still reads: the
// process must go on. Run in a fresh Deno, where an unhandled rejection would end it.
Deno.test({
  name: "an un-awaited device reduction at scope exit does not end the process",
  ignore: !gpu,
  async fn() {
    const script = `
      import * as k from "${new URL("../../mod.ts", import.meta.url).href}";
      {
        using f = await k.webgpuFloat();
        using x = k.vctr(f, [1, 2, 3]);
        k.sum(x);
      }
      await new Promise((r) => setTimeout(r, 300));
      console.log("still here");
    `;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert(out.success && text.includes("still here"), text);
  },
});

async function assertRejects(p: unknown, ...fragments: string[]): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert(e instanceof k.KnapError, `expected a KnapError, got ${String(e)}`);
    for (const f of fragments) assert(e.message.includes(f), `"${e.message}" lacks "${f}"`);
    return;
  }
  throw new Error("expected a rejection");
}

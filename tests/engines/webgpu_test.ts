import {
  entry,
  entry_,
  jsFloat,
  KnapError,
  scal_,
  sum,
  transfer,
  vctr,
  type Vector,
} from "../../mod.ts";
import { tanh_ } from "../../lib/vect_math/mod.ts";
import * as k from "../../mod.ts";
import * as vectMath from "../../lib/vect_math/mod.ts";
import { assert, assertThrows } from "../conformance/assert.ts";
import { webgpuAvailability, webgpuFloat } from "../../lib/engines/webgpu/mod.ts";
import { allConformance, missingEngine } from "../conformance/suites.ts";

const gpu = await webgpuAvailability();
if (gpu.available) {
  allConformance(await webgpuFloat(), jsFloat);
} else {
  missingEngine("webgpu", gpu.reason);
}

Deno.test({
  name: "[webgpu] entries are read through transfer; kernels compile once; sums loop over the grid",
  ignore: !gpu.available,
  async fn() {
    using f = await webgpuFloat();
    using x = vctr(f, 300_000);
    entry_(x, 1);
    assert((await sum(x)) === 300_000, "a reduction over more entries than one pass of the grid");
    assertThrows(
      () => entry(x as unknown as InstanceType<typeof Vector<"host">>, 0),
      TypeError,
      "transfer",
    );
    const rt = (f.engine as unknown as { runtime: object }).runtime;
    tanh_(x);
    const before = Deno.inspect(rt).length; // the runtime prints its caches' sizes
    tanh_(x);
    tanh_(x);
    assert(Deno.inspect(rt).length === before, "no new kernels for repeated ops");
    const back = await transfer(x);
    assert(Math.abs(back.toArray()[0] - Math.tanh(Math.tanh(Math.tanh(1)))) < 1e-6, "three tanh");
  },
});

Deno.test({
  name: "[webgpu] a disposed factory destroys its device and refuses further work",
  ignore: !gpu.available,
  async fn() {
    const f = await webgpuFloat();
    const x = vctr(f, 3);
    f[Symbol.dispose]();
    assertThrows(() => scal_(2, x), KnapError, "scal_", "released");
    assertThrows(() => vctr(f, 3), KnapError, "vctr", "released");
  },
});

Deno.test({
  name: "[webgpu] expm1, log1p, tanh and sigmoid keep their precision near 0 and in the tails",
  ignore: !gpu.available,
  async fn() {
    using f = await webgpuFloat();
    const near = [1e-30, 1e-10, 1e-7, 1e-6, 1e-4, 0.01, 0.1, 0.29, 0.31, 0.49, 0.5, 0.7, 1, 3, 10];
    const xs = [...near, ...near.map((v) => -v), -0.99, -0.9, -0.6];
    const ulp = (v: number) => 2 ** (Math.floor(Math.log2(Math.abs(v) || 1e-45)) - 23);
    const references: Record<string, (v: number) => number> = {
      expm1: Math.expm1,
      log1p: Math.log1p,
      tanh: Math.tanh,
      sigmoid: (v) => 1 / (1 + Math.exp(-v)),
    };
    for (const [name, reference] of Object.entries(references)) {
      using x = vctr(f, xs);
      const fn = (vectMath as unknown as Record<string, (v: Vector) => Vector>)[`${name}_`];
      using back = await transfer(fn(x));
      const got = back.toArray();
      xs.forEach((v, i) => {
        const want = Math.fround(reference(Math.fround(v)));
        const ulps = Object.is(got[i], want) || got[i] === want
          ? 0
          : Math.abs(got[i] - want) / ulp(want);
        assert(ulps <= 6, `${name}(${v}): ${got[i]}, expected ${want} (${ulps.toFixed(0)} ulps)`);
      });
    }
  },
});

Deno.test({
  name:
    "[webgpu] work past one dispatch's grid or loop is split, not truncated; past memory, refused",
  ignore: !gpu.available,
  async fn() {
    using f = await webgpuFloat();
    const wide = 4_200_000; // 64-column tiles past the 65535 workgroups of one dispatch
    {
      using a = k.ge(f, 1, 1, [2]), b = entry_(k.ge(f, 1, wide), 1), c = k.ge(f, 1, wide);
      k.mm_(a, b, c);
      assert((await sum(c)) === 2 * wide, "mm_ into 4.2 million columns");
    }
    {
      const n = 5_000_000; // 78125 steps of one invocation's loop
      using a = entry_(k.ge(f, 1, n), 1), x = entry_(vctr(f, n), 1), y = vctr(f, 1);
      k.mv_(a, x, y);
      assert((await transfer(y)).toArray()[0] === n, "mv_ over 5 million columns");
      const deep = 300_000; // k in two chunks, the second accumulating
      using b = entry_(k.ge(f, deep, 1), 1), c = k.ge(f, 1, 1);
      k.mm_(k.submatrix(a, 0, 0, 1, deep), b, c);
      assert((await transfer(c)).toArray()[0] === deep, "mm_ over a 300000 inner dimension");
    }
    {
      using tall = entry_(k.ge(f, 70_000, 3), 1), flat = entry_(k.ge(f, 3, 70_000), 1);
      assert((await k.nrm1(tall)) === 70_000, "nrm1 down 70000 rows");
      assert((await k.nrmi(flat)) === 70_000, "nrmi along 70000 columns");
    }
    const max = f.engine.maxEntries;
    assertThrows(() => vctr(f, max + 1), RangeError, "vctr", String(max));
  },
});

Deno.test({
  name: "webgpu: a kernel that does not compile is an error when results are read, not zeros",
  ignore: !(await webgpuAvailability()).available,
  async fn() {
    const { Runtime } = await import("../../lib/engines/webgpu/runtime.ts");
    const adapter = await navigator.gpu.requestAdapter();
    const device = await adapter!.requestDevice();
    try {
      const rt = new Runtime(device);
      rt.kernel("broken", [true], () => "@compute @workgroup_size(1) fn main() { let from = 1; }");
      const b = rt.buffer(4);
      let error = "";
      try {
        await rt.read(b, 0, 16);
      } catch (e) {
        error = String(e);
      }
      if (
        !error.includes("did not compile") || !error.includes("broken") || error.includes("lost")
      ) {
        throw new Error(`expected the compile error, got "${error}"`);
      }
    } finally {
      device.destroy();
    }
  },
});

Deno.test({
  name: "webgpu: a read sees the data as it was when asked for, not after later work",
  ignore: !(await webgpuAvailability()).available,
  async fn() {
    using f = await webgpuFloat();
    using x = k.vctr(f, [1, 2, 3]);
    const before = k.transfer(k.jsFloat, x); // not awaited yet
    k.scal_(10, x);
    const after = k.transfer(k.jsFloat, x);
    using b = await before, a = await after;
    assert(Array.from(k.toArray(b)).join() === "1,2,3", `before: ${Array.from(k.toArray(b))}`);
    assert(Array.from(k.toArray(a)).join() === "10,20,30", `after: ${Array.from(k.toArray(a))}`);
  },
});

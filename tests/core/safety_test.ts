/**
 * Structures cannot lead an engine outside its memory: constructors check what they are given,
 * fields cannot be changed, dimensions past an engine's reach are refused, empty structures
 * with long dimensions cost nothing, and memory stays alive while any view of it is reachable.
 */
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import * as knap from "../../mod.ts";
import * as vectMath from "../../lib/vect_math/mod.ts";
import * as engineApi from "../../lib/engine/mod.ts";
import { EngineFactory } from "../../lib/core/factory.ts";
import { hostFactories } from "../_factories.ts";

/** knap's root module with the vect-math, engine, linalg and ops names these checks reach. */
const k = { ...knap, ...vectMath, ...engineApi };

for (const f of hostFactories) {
  Deno.test(`[${f.name}] constructors refuse memory they cannot address`, () => {
    using x = k.vctr(f, [1, 2, 3]);
    const V = knap.Vector as unknown as new (...a: unknown[]) => knap.Vector<"host">;
    const M = knap.GEMatrix as unknown as new (...a: unknown[]) => knap.GEMatrix;
    // The audit's crash: 100000 entries over 3, then asum ran off the end of the buffer.
    assertThrows(() => new V(f, x.storage, 0, 1, 100000, false), RangeError, "Vector", "3");
    assertThrows(() => new V(f, x.storage, 2, 1, 2, false), RangeError, "Vector");
    assertThrows(() => new V(f, x.storage, -1, 1, 2, false), RangeError, "offset");
    assertThrows(() => new V(f, x.storage, 0, 0, 2, false), RangeError, "stride");
    assertThrows(() => new V(f, x.storage, 0.5, 1, 2, false), RangeError, "offset");
    const forged = { buffer: new Float64Array(3), length: 100000, released: false };
    assertThrows(() => new V(f, forged, 0, 1, 100000, false), TypeError, "Vector", "vctr");
    const other = f === k.jsFloat ? k.jsDouble : k.jsFloat;
    assertThrows(() => new V(other, x.storage, 0, 1, 3, false), TypeError, "factory");
    using a = k.ge(f, 2, 2);
    assertThrows(() => new M(f, a.storage, 0, 2, 2, 1, "column", false), RangeError, "leading");
    assertThrows(() => new M(f, a.storage, 1, 2, 2, 2, "column", false), RangeError, "GEMatrix");
    // What the constructors accept still works: the same view a view function makes.
    const v = new V(f, x.storage, 1, 1, 2, false);
    assertEquals(Array.from(k.toArray(v)), [2, 3]);
  });

  Deno.test(`[${f.name}] a structure's fields cannot be changed at run time`, () => {
    using x = k.vctr(f, [1, 2, 3]);
    const w = x as unknown as Record<string, unknown>;
    assertThrows(() => (w.dim = 100000), TypeError);
    assertThrows(() => (w.offset = 7), TypeError);
    const s = x.storage as unknown as Record<string, unknown>;
    assertThrows(() => (s.length = 100000), TypeError);
    x[Symbol.dispose]();
    assertThrows(() => (s.released = false), TypeError);
    assert(x.storage.released, "released stays released");
    assertThrows(() => k.asum(x), k.KnapError, "asum", "released");
  });

  Deno.test(`[${f.name}] empty structures with long dimensions cost nothing`, () => {
    const long = Math.min(2 ** 40, f.engine.maxEntries);
    using tall = k.ge(f, long, 0), wide = k.ge(f, 0, long, undefined, { layout: "row" });
    for (const a of [tall, wide]) {
      assertEquals([k.nrmi(a), k.nrm1(a), k.nrm2(a), k.sum(a), k.asum(a)], [0, 0, 0, 0, 0]);
      assertEquals(k.toArray(a).length, 0);
      k.scal_(2, a);
      k.tanh_(a);
      k.axpy_(1, a, a);
      assertEquals(k.copy(a).m, a.m);
    }
    assertThrows(() => k.rows(tall), RangeError, "rows", "row(a, i)");
    assertThrows(() => k.cols(wide), RangeError, "cols", "col(a, j)");
  });
}

Deno.test("[native] dimensions past 2³¹ − 1 are refused up front, not by every FFI call", () => {
  if (!k.nativeAvailability().available) return;
  assertThrows(() => k.vctr(k.nativeFloat, 2 ** 31), RangeError, "vctr", "2147483647");
  assertThrows(() => k.ge(k.nativeDouble, 2 ** 40, 0), RangeError, "ge", "rows", "2147483647");
  assertThrows(() => k.ge(k.nativeFloat, 2 ** 16, 2 ** 16), RangeError, "ge", "entries");
});

Deno.test("[native] every operand's extent is checked before a pointer crosses into C", () => {
  if (!k.nativeAvailability().available) return;
  const forged: engineApi.Operand = {
    storage: { buffer: new Float32Array(3), length: 100000, released: false },
    offset: 0,
    rows: 100000,
    cols: 1,
    rowStride: 1,
    colStride: 100000,
  };
  const blas = k.nativeFloat.engine.blas;
  using ok = k.vctr(k.nativeFloat, 100000);
  assertThrows(() => blas.asum(forged), RangeError, "asum", "overruns");
  assertThrows(() => blas.dot(ok, forged), RangeError, "dot", "overruns");
  assertThrows(() => blas.axpby(1, ok, 1, forged), RangeError, "axpby", "overruns");
  assertThrows(() => blas.iamax(forged), RangeError, "iamax", "overruns");
  // Without oneDNN the elementwise work is the js loops': no pointer crosses.
  if (k.nativeAvailability().libraries?.find((l) => l.name === "oneDNN")?.loaded) {
    assertThrows(() => k.nativeFloat.engine.math.map(k.ops.tanh, [], forged, forged), RangeError);
  }
});

Deno.test("an allocation the machine cannot make is a KnapError naming the op and the size", () => {
  // Whether 2³² − 1 doubles (32 GiB) fit depends on the machine: a js engine whose typed
  // arrays fail as V8's do when memory runs out stands in for one that is full.
  const full: engineApi.Engine = {
    ...k.jsDouble.engine,
    alloc() {
      throw new RangeError("Array buffer allocation failed");
    },
  };
  const f = new EngineFactory("fullDouble", "float64", "host", full);
  const e = assertThrows(() => k.vctr(f, 2 ** 32 - 1), k.KnapError, "vctr", "32.0 GiB");
  assertEquals((e as knap.KnapError).code, "out-of-memory");
});

Deno.test("a view of released memory says that its owner was released", () => {
  const x = k.vctr(k.jsDouble, [1, 2, 3]);
  const v = k.subvector(x, 1, 2);
  x[Symbol.dispose]();
  assertThrows(() => k.sum(v), k.KnapError, "sum", "view", "owner was released");
  assertThrows(() => k.sum(x), k.KnapError, "sum", "was released");
});

// The safety net frees memory nobody can reach; a reachable view keeps its memory alive. Run in
// a fresh Deno whose garbage collector the script can trigger.
Deno.test("a reachable view keeps its memory; memory nobody reaches is freed", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", new URL("./_gc_views.ts", import.meta.url).href],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert(out.success, text);
  assert(text.includes("deferred: ok"), text);
});

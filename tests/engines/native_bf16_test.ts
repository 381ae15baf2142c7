/**
 * nativeBfloat16: transfers round to nearest (ties to even) and back; products into float32
 * match a float64 reference computed on the bfloat16-rounded factors, in every layout, inside
 * views, for either factor; every other operation refuses with a KnapError; networks train on
 * bfloat16 inputs; and oneDNN's fast kernels, not its reference ones, run the products.
 */
import {
  axpy_,
  copy_,
  entry,
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  KnapError,
  type Layout,
  mm,
  mm_,
  nativeBfloat16,
  nativeDouble,
  nativeFloat,
  scal_,
  sum,
  toArray,
  transfer,
  vctr,
} from "../../mod.ts";
import { submatrix, trans } from "../../lib/core/views.ts";
import { relu_ } from "../../lib/math.ts";
import { randUniform_ } from "../../lib/random.ts";
import { fromBfloat16, toBfloat16 } from "../../lib/engines/native/bf16.ts";
import {
  adam,
  binaryAccuracy,
  fullyConnected,
  infer,
  inferenceNetwork,
  init_,
  quadraticCost_,
  train,
  trainingNetwork,
} from "../../lib/nn/mod.ts";
import { assert, assertEquals, assertThrows } from "../conformance/assert.ts";
import { withDnnlLog } from "./dnnl_log.ts";
import { dnnl } from "../_factories.ts";

// nativeBfloat16 converts and multiplies through oneDNN.
const test = (name: string, fn: () => void | Promise<void>) =>
  Deno.test({
    name: dnnl.available ? `[nativeBfloat16] ${name}` : `[nativeBfloat16] skipped: ${dnnl.reason}`,
    ignore: !dnnl.available,
    fn,
  });

const bf = (v: number) => fromBfloat16(toBfloat16(v));

test("transfers round to nearest, ties to even, from float32 and float64 alike", () => {
  const values = [
    0,
    -0,
    1,
    -2,
    255,
    256,
    257, // a tie between 256 and 258: to even, 256
    259, // a tie between 258 and 260: to even, 260
    1 + 2 ** -8, // a tie: 1
    1 + 3 * 2 ** -8, // a tie: 1 + 2⁻⁶
    0.1,
    3.4e38, // beyond bfloat16's largest: ∞
    -1e-40, // a float32 subnormal: flushed to −0, as AVX-512 BF16 and AMX do
    Infinity,
    -Infinity,
    NaN,
  ];
  const want = [0, -0, 1, -2, 255, 256, 256, 260, 1, 1 + 2 ** -6, 0.10009765625, Infinity];
  for (const f of [nativeFloat, nativeDouble]) {
    using x = vctr(f, values);
    using h = transfer(nativeBfloat16, x);
    using back = transfer(jsDouble, h);
    const got = toArray(back);
    want.forEach((w, i) =>
      assert(Object.is(got[i], w), `${f.name} ${values[i]}: ${got[i]}, not ${w}`)
    );
    assert(Object.is(got[12], -0), `${f.name} subnormal: ${got[12]}`);
    assertEquals([got[13], got[14]], [Infinity, -Infinity]);
    assert(Number.isNaN(got[15]), `${f.name} NaN: ${got[15]}`);
  }
});

test("views transfer, copy and read back in either layout", () => {
  for (const layout of ["column", "row"] as Layout[]) {
    using a = randUniform_(ge(nativeFloat, 7, 9, undefined, { layout }), {
      seed: 4,
      lo: -8,
      hi: 8,
    });
    using h = transfer(nativeBfloat16, a);
    using part = ge(nativeBfloat16, 3, 4);
    copy_(submatrix(h, 2, 3, 3, 4), part);
    using back = transfer(nativeFloat, trans(part));
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 4; j++) {
        assertEquals(entry(back, j, i), bf(entry(a, 2 + i, 3 + j)), `${layout} (${i}, ${j})`);
      }
    }
  }
});

test("everything but transfers, copies and products into float32 refuses, naming the op", () => {
  using x = transfer(
    nativeBfloat16,
    ge(nativeFloat, 4, 4, Array.from({ length: 16 }, (_, i) => i)),
  );
  using y = ge(nativeBfloat16, 4, 4);
  const refused = (what: string, fn: () => unknown, op: string) => {
    let error: unknown;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    assert(error instanceof KnapError, `${what}: ${error}`);
    assert((error as Error).message.startsWith(`${op}: bfloat16`), `${what}: ${error}`);
  };
  // Each refusal names the public function called, not the engine method behind it.
  refused("axpy_", () => axpy_(1, x, y), "axpy_");
  refused("scal_", () => scal_(2, x), "scal_");
  refused("sum", () => sum(x), "sum");
  refused("relu_", () => relu_(x), "relu_");
  refused("mm into bfloat16", () => mm(x, x), "mm");
  refused("randUniform_", () => randUniform_(x), "randUniform_");
  assertThrows(() => toArray(x), TypeError, "the host cannot read");
  using w = ge(jsDouble, 4, 4);
  assertThrows(() => mm_(w, x, ge(jsDouble, 4, 4)), TypeError, "different factories");
});

/** An m×n view at (1, 2) of a parent filled with sentinels, and the parent. */
function framed(
  f: Factory<"host">,
  m: number,
  n: number,
  layout: Layout,
  seed: number,
): [GEMatrix, GEMatrix] {
  const parent = randUniform_(ge(nativeFloat, m + 3, n + 4, undefined, { layout }), {
    seed,
    lo: -1,
    hi: 1,
  });
  if (f === nativeFloat) return [submatrix(parent, 1, 2, m, n), parent];
  const h = transfer(nativeBfloat16, parent);
  parent[Symbol.dispose]();
  return [submatrix(h, 1, 2, m, n), h];
}

test("products with a bfloat16 factor match float64 on the rounded factors, in every layout", async () => {
  const layouts: Layout[] = ["column", "row"];
  // A block; a single row, a single column and one entry out (a 1×n row once failed to run).
  for (const [m, k, n] of [[9, 70, 11], [1, 70, 11], [9, 70, 1], [1, 5, 1]]) {
    for (const which of ["a", "b"] as const) {
      for (const la of layouts) {
        for (const lb of layouts) {
          for (const lc of layouts) {
            for (const [alpha, beta] of [[1, 0], [0.5, 0], [2, 0.25]]) {
              const [a, pa] = framed(which === "a" ? nativeBfloat16 : nativeFloat, m, k, la, 1);
              const [b, pb] = framed(which === "b" ? nativeBfloat16 : nativeFloat, k, n, lb, 2);
              const [c, pc] = framed(nativeFloat, m, n, lc, 3);
              using ad = await transfer(jsDouble, a), bd = await transfer(jsDouble, b);
              using cd = await transfer(jsDouble, c), before = await transfer(jsDouble, pc);
              mm_(alpha, a, b, beta, c);
              using after = await transfer(jsDouble, pc);
              const label =
                `${m}×${k}×${n}, ${which} bfloat16, A ${la}, B ${lb}, C ${lc}, α ${alpha}, β ${beta}`;
              for (let i = 0; i < pc.m; i++) {
                for (let j = 0; j < pc.n; j++) {
                  const inside = i >= 1 && i < 1 + m && j >= 2 && j < 2 + n;
                  if (!inside) {
                    assert(
                      entry(after, i, j) === entry(before, i, j),
                      `${label}: wrote (${i}, ${j})`,
                    );
                    continue;
                  }
                  let s = 0;
                  for (let l = 0; l < k; l++) {
                    s += bf(entry(ad, i - 1, l)) * bf(entry(bd, l, j - 2));
                  }
                  const want = alpha * s + beta * entry(cd, i - 1, j - 2), got = entry(after, i, j);
                  assert(
                    Math.abs(got - want) < 1e-5 * (1 + Math.abs(want)),
                    `${label}: ${got} vs ${want}`,
                  );
                }
              }
              for (const p of [pa, pb, pc]) p[Symbol.dispose]();
            }
          }
        }
      }
    }
  }
});

test("products into a single row or entry of its own (strides 1 and 1) run", () => {
  using w = ge(nativeFloat, 1, 3, [0.5, 2, 4]);
  using x = transfer(nativeBfloat16, ge(nativeFloat, 3, 2, [1, 0, 1, 0, 1, 1]));
  using a = ge(nativeFloat, 1, 2), one = ge(nativeFloat, 1, 1);
  assertEquals(Array.from(toArray(mm_(w, x, a))), [4.5, 6]);
  assertEquals(Array.from(toArray(mm_(w, submatrix(x, 0, 1, 3, 1), one))), [6]);
});

test("a network trains on bfloat16 inputs as on float32 ones, by views and by copied samples", () => {
  // 0/1 inputs (exact in bfloat16) and a rule to learn: is feature 0 or feature 1 set?
  const n = 512, features = 40;
  using x = ge(nativeFloat, features, n);
  using y = ge(nativeFloat, 1, n);
  const xs = x.toArray(), ys = y.toArray();
  let state = 7;
  for (let i = 0; i < xs.length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    xs[i] = state % 3 === 0 ? 1 : 0;
  }
  for (let j = 0; j < n; j++) ys[j] = xs[j * features] + xs[j * features + 1] > 0 ? 1 : 0;
  using x16 = transfer(nativeBfloat16, x);
  const accuracies: number[] = [];
  for (const [inputs, shuffle] of [[x, "batches"], [x16, "batches"], [x16, "samples"]] as const) {
    using net = init_(
      inferenceNetwork(nativeFloat, features, [
        fullyConnected(8, "relu"),
        fullyConnected(1, "sigmoid"),
      ]),
      { seed: 5 },
    );
    train(net, inputs, y, quadraticCost_, 60, {
      batch: 64,
      eta: 0.01,
      optimizer: adam(),
      shuffle,
      seed: 6,
    });
    accuracies.push(binaryAccuracy(y, infer(net, inputs)) as number);
    // Inference on the same inputs in float32 agrees.
    using a32 = transfer(nativeFloat, infer(net, x)), a16 = transfer(nativeFloat, infer(net, x16));
    for (let j = 0; j < n; j++) {
      assert(Math.abs(entry(a32, 0, j) - entry(a16, 0, j)) < 0.02, `infer, sample ${j}`);
    }
  }
  assert(accuracies.every((a) => a > 0.95), `accuracies ${accuracies}`);
  // Targets stay float32, and the network must be the bfloat16 factory's product factory.
  using y16 = transfer(nativeBfloat16, y);
  using net = inferenceNetwork(nativeFloat, features, [fullyConnected(1, "sigmoid")]);
  assertThrows(
    () => train(net, x16, y16, quadraticCost_, 1, { batch: 64, eta: 0.1 }),
    TypeError,
    "different factories",
  );
  using jsNet = inferenceNetwork(jsDouble, features, [fullyConnected(1, "sigmoid")]);
  assertThrows(() => trainingNetwork(jsNet, x16), TypeError, "different factories");
});

test("IMDB-shaped products run oneDNN's bfloat16 kernels where the CPU has them", async () => {
  const { log } = await withDnnlLog(`
    import { ge, mm_, nativeBfloat16, nativeFloat, transfer } from "${new URL(
    "../../mod.ts",
    import.meta.url,
  )}";
    import { trans } from "${new URL("../../lib/core/views.ts", import.meta.url)}";
    const x = transfer(nativeBfloat16, ge(nativeFloat, 1000, 64));
    const w = ge(nativeFloat, 16, 1000), a = ge(nativeFloat, 16, 64);
    mm_(w, x, a);
    mm_(1 / 64, a, trans(x), 0, ge(nativeFloat, 16, 1000, undefined, { layout: "row" }));
    console.log("done");
  `);
  const products = log.split("\n").filter((l) => l.includes("exec,cpu,matmul,"));
  assertEquals(products.length, 2, log);
  // 2.x logs "src_bf16 … dst_f32", 3.x "src:bf16 … dst:f32".
  assert(products.every((l) => /src[_:]bf16/.test(l) && /dst[_:]f32/.test(l)), log);
  // A column-major result once sent the product to the reference kernel (1 s instead of 0.5 ms).
  if (/isa:.*bfloat16/.test(log)) {
    assert(
      products.every((l) => !l.includes("ref:")),
      `a reference kernel ran:\n${products.join("\n")}`,
    );
  }
});

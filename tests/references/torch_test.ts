/**
 * knap against PyTorch on fixed inputs (tests/references/torch.json, written by
 * torch_references.py with Debian's python3-torch): softmax and log-softmax; a fully connected
 * layer's forward pass and its gradients for every activation; and training steps of small
 * networks with the categorical cross-entropy and the quadratic cost, by SGD and Adam; both
 * cross-entropies from logits far past where a probability rounds to 0 or 1; tensor
 * activations forward and backward, broadcasting binary operations and reductions — on every
 * engine, float64 to 1e-12 and float32 to its precision.
 */
import {
  type Factory,
  ge,
  type GEMatrix,
  jsDouble,
  logSoftmax_,
  mm,
  mv,
  softmax_,
  tensor,
  type TensorLayout,
  toArray,
  trans,
  transfer,
  transfer_,
  transformer,
  vctr,
} from "../../mod.ts";
import {
  batchNormBackward,
  batchNormForward,
  binary,
  type BinaryOp,
  convolution,
  convolutionBackwardData,
  convolutionBackwardWeights,
  eltwise,
  eltwiseBackward,
  type EltwiseFunction,
  poolingBackward,
  poolingForward,
  reduction,
} from "../../lib/ops/mod.ts";
import { outputDerivative_ } from "../../lib/vect_math/mod.ts";
import type { PoolingKind, ReductionAlg } from "../../lib/engine/mod.ts";
import { valuesOf } from "../tensor/_values.ts";
import {
  type Activation,
  adam,
  categoricalCrossentropyCost_,
  type Cost,
  fullyConnected,
  infer,
  inferenceNetwork,
  type Optimizer,
  quadraticCost_,
  sgd,
  sigmoidCrossentropyCost_,
  trainingNetwork,
} from "../../lib/nn/mod.ts";
import { assert, assertEquals } from "../conformance/assert.ts";
import { allFactories } from "../_factories.ts";

const ref = JSON.parse(await Deno.readTextFile(new URL("torch.json", import.meta.url)));

/** A matrix on f from rows (PyTorch's row-major nesting), as knap's column-major layout. */
function fromRows(f: Factory, rows: number[][]): GEMatrix {
  return transfer(f, ge(jsDouble, rows.length, rows[0].length, rows.flat(), { layout: "row" }));
}

/** The samples-as-columns matrix of PyTorch's sample-per-row batch. */
const batch = (f: Factory, rows: number[][]) =>
  fromRows(f, rows[0].map((_, j) => rows.map((r) => r[j])));

/** A matrix's entries as PyTorch nests them (rows), read back through js. */
async function rowsOf(a: GEMatrix): Promise<number[][]> {
  using r = ge(jsDouble, a.m, a.n, undefined, { layout: "row" });
  await transfer_(a, r);
  const v = Array.from(toArray(r));
  return Array.from({ length: a.m }, (_, i) => v.slice(i * a.n, i * a.n + a.n));
}

function close(got: number[][], want: number[][], tol: number, what: string): void {
  assertEquals(got.length, want.length, `${what} rows`);
  got.flat().forEach((g, k) => {
    const w = want.flat()[k];
    assert(Math.abs(g - w) <= tol * (1 + Math.abs(w)), `${what}[${k}]: ${g}, PyTorch ${w}`);
  });
}

const transpose = (rows: number[][]) => rows[0].map((_, j) => rows.map((r) => r[j]));

for (const f of await allFactories()) {
  const tol = f.dtype === "float64" ? 1e-12 : 3e-6;

  Deno.test(`PyTorch: softmax and log-softmax of each sample (${f.name})`, async () => {
    using z = batch(f, ref.softmax.logits);
    using p = softmax_(batch(f, ref.softmax.logits));
    using l = logSoftmax_(z);
    close(transpose(await rowsOf(p)), ref.softmax.softmax, tol, "softmax");
    close(transpose(await rowsOf(l)), ref.softmax.log_softmax, tol * 10, "log-softmax");
  });

  Deno.test(`PyTorch: a layer's outputs and gradients, every activation (${f.name})`, async () => {
    const L = ref.layer;
    using x = batch(f, L.x);
    using g = batch(f, L.g);
    for (const act of ["linear", "sigmoid", "tanh", "relu", "elu", "softmax"] as Activation[]) {
      const want = L.by[act];
      using net = inferenceNetwork(f, 4, [fullyConnected(3, act)]);
      using w = fromRows(f, L.w), b = transfer(f, vctr(jsDouble, L.b));
      await transfer_(w, net.layers[0].weights);
      await transfer_(b, net.layers[0].bias);
      const a = infer(net, x);
      close(transpose(await rowsOf(a)), want.a, tol, `${act} a`);
      if (act === "softmax") continue; // its Jacobian is not elementwise: see the training steps
      // δ = f'(z) ⊙ g from the outputs, then ∂W = δ xᵀ, ∂b = δ 1, ∂x = Wᵀ δ.
      using delta = transfer(f, await transfer(jsDouble, g));
      outputDerivativeOf(act, a, delta as GEMatrix);
      using dw = mm(delta as GEMatrix, trans(x));
      using ones = transfer(f, vctr(jsDouble, new Array(6).fill(1)));
      using db = mv(delta as GEMatrix, ones);
      using dx = mm(trans(net.layers[0].weights), delta as GEMatrix);
      close(await rowsOf(dw), want.dw, tol, `${act} ∂W`);
      using dbh = await transfer(jsDouble, db);
      close([Array.from(toArray(dbh))], [want.db], tol, `${act} ∂b`);
      close(transpose(await rowsOf(dx)), want.dx, tol, `${act} ∂x`);
    }
  });

  const T = ref.training;
  const oneHot = (f: Factory) =>
    batch(f, T.targets.map((c: number) => [0, 1, 2].map((k) => (k === c ? 1 : 0))));
  const cases: [string, Activation, Activation, Cost, () => Optimizer | undefined, number][] = [
    ["ce_sgd", "tanh", "softmax", categoricalCrossentropyCost_, () => undefined, 0.1],
    ["ce_adam", "tanh", "softmax", categoricalCrossentropyCost_, () => adam(), 0.01],
    ["quadratic_sgd", "sigmoid", "linear", quadraticCost_, () => undefined, 0.1],
    ["quadratic_adam", "sigmoid", "linear", quadraticCost_, () => adam(), 0.01],
  ];
  for (const [name, hidden, output, cost, optimizer, eta] of cases) {
    Deno.test(`PyTorch: three training steps, ${name.replace("_", ", ")} (${f.name})`, async () => {
      const want = T[name];
      const outDim = output === "softmax" ? 3 : 1;
      using net = inferenceNetwork(f, 4, [
        fullyConnected(5, hidden),
        fullyConnected(outDim, output),
      ]);
      using w1 = fromRows(f, T.w1), w2 = fromRows(f, output === "softmax" ? T.w2 : T.w2q);
      await transfer_(w1, net.layers[0].weights);
      await transfer_(w2, net.layers[1].weights);
      using x = batch(f, ref.layer.x);
      using y = output === "softmax" ? oneHot(f) : batch(f, T.yq);
      using t = trainingNetwork(net, x, optimizer());
      const costs: number[] = [];
      await sgd(t, y as GEMatrix, cost, T.steps, eta, {
        quiet: true,
        onEpoch: ({ cost }) => {
          costs.push(cost);
        },
      });
      const check = async (want: Record<string, number[][] & number[]>, t2: number) => {
        close([costs], [want.costs], t2, "costs");
        close(await rowsOf(net.layers[0].weights), want.w1, t2, "W₁");
        close(await rowsOf(net.layers[1].weights), want.w2, t2, "W₂");
        using b1 = await transfer(jsDouble, net.layers[0].bias);
        close([Array.from(toArray(b1))], [want.b1], t2, "b₁");
      };
      if (optimizer() === undefined) return await check(want, tol);
      // knap's Adam adds ε to √s before the bias corrections (the paper's efficient form), PyTorch
      // after them. Against that form written in PyTorch knap is exact; torch.optim.Adam's costs
      // agree to 1e-6, while a weight whose gradient is near ε moves a few percent differently.
      await check(T[`${name}_efficient`], tol);
      close([costs], [want.costs], Math.max(tol, 1e-6), "costs against torch.optim.Adam");
    });
  }
}

for (const f of await allFactories()) {
  const tol = f.dtype === "float64" ? 1e-12 : 3e-6;
  const X = ref.crossentropy;
  const classes: number[] = X.categorical.classes;
  const cases: [
    "categorical" | "sigmoid",
    Cost,
    Activation,
    number[][],
    (s: number) => number[],
  ][] = [
    [
      "categorical",
      categoricalCrossentropyCost_,
      "softmax",
      X.categorical.logits,
      (s) => X.categorical.logits[0].map((_: number, c: number) => c === classes[s] ? 1 : 0),
    ],
    ["sigmoid", sigmoidCrossentropyCost_, "sigmoid", X.sigmoid.logits, (s) => X.sigmoid.targets[s]],
  ];
  for (const [name, cost, output, logits, target] of cases) {
    Deno.test(`PyTorch: ${name} cross-entropy from logits far past saturation (${f.name})`, async () => {
      // Identity weights: the network's logits are PyTorch's, its outputs their probabilities.
      const k = logits[0].length;
      using net = inferenceNetwork(f, k, [fullyConnected(k, output)]);
      const identity = Array.from(
        { length: k },
        (_, i) => logits[0].map((_, j) => i === j ? 1 : 0),
      );
      using w = fromRows(f, identity);
      await transfer_(w, net.layers[0].weights);
      using x = batch(f, logits);
      using y = batch(f, logits.map((_, s) => target(s)));
      using t = trainingNetwork(net, x);
      t.forward();
      t.outputError(cost, y);
      const got = await t.cost(cost, y);
      const want = X[name].cost;
      assert(Math.abs(got - want) <= tol * want, `${name} cost ${got}, PyTorch ${want}`);
      // Each sample alone, as sgd reports a one-sample batch's cost (a step of 0 moves nothing).
      for (const [s, per] of (X[name].per as number[]).entries()) {
        using xs = batch(f, [logits[s]]);
        using ys = batch(f, [target(s)]);
        using ts = trainingNetwork(net, xs);
        let reported = NaN;
        await sgd(ts, ys, cost, 1, 0, {
          quiet: true,
          onEpoch: ({ cost }) => void (reported = cost),
        });
        assert(
          Math.abs(reported - per) <= tol * Math.max(1, per),
          `${name} sample ${s}: ${reported}, PyTorch ${per}`,
        );
      }
    });
  }
}

/** A tensor on f in the given layout holding PyTorch's logical row-major entries. */
async function onto(f: Factory, values: number[], shape: number[], layout: TensorLayout) {
  const rowMajor = ({ 1: "x", 2: "nc", 3: "ncw", 4: "nchw", 5: "ncdhw" } as const)[shape.length]!;
  using host = tensor(jsDouble, shape, rowMajor, values);
  const t = tensor(f, shape, layout);
  await transformer(host, t).run();
  return t;
}

for (const f of await allFactories()) {
  const tol = f.dtype === "float64" ? 1e-12 : 3e-6;
  const T = ref.tensor;
  const near = async (t: Parameters<typeof valuesOf>[0], want: number[], what: string, k = 1) =>
    close([await valuesOf(t)], [want], tol * k, what);

  Deno.test(`PyTorch: tensor activations forward and backward, nhwc into nchw (${f.name})`, async () => {
    using x = await onto(f, T.x, T.shape, "nhwc");
    using g = await onto(f, T.g, T.shape, "nchw");
    for (
      const [name, want] of Object.entries(T.eltwise) as [
        EltwiseFunction,
        { y: number[]; dx: number[] },
      ][]
    ) {
      using y = tensor(f, T.shape, "nchw");
      eltwise(x, y, name).run();
      await near(y, want.y, `${name}`, 3);
      using dx = tensor(f, T.shape, "nhwc");
      eltwiseBackward(x, g, dx, name).run();
      await near(dx, want.dx, `${name}'`, 3);
    }
  });

  Deno.test(`PyTorch: tensor binary operations and reductions (${f.name})`, async () => {
    using x = await onto(f, T.x, T.shape, "nhwc");
    using b = await onto(f, T.b, [1, 3, 1, 1], "nchw");
    for (const [alg, want] of Object.entries(T.binary) as [BinaryOp, number[]][]) {
      using out = tensor(f, T.shape, "nchw");
      binary(alg, x, b, out).run();
      await near(out, want, `binary ${alg}`);
    }
    const kept: Record<string, number[]> = {
      n: [1, 3, 4, 5],
      hw: [2, 3, 1, 1],
      c: [2, 1, 4, 5],
      all: [1, 1, 1, 1],
    };
    for (
      const [alg, by] of Object.entries(T.reduction) as [ReductionAlg, Record<string, number[]>][]
    ) {
      for (const [over, shape] of Object.entries(kept)) {
        using out = tensor(f, shape, "nchw");
        reduction(alg, x, out).run();
        await near(out, by[over], `${alg} over ${over}`, 10);
      }
    }
  });
}

for (const f of await allFactories()) {
  const tol = f.dtype === "float64" ? 1e-12 : 3e-6;
  if (f.engine.dnn?.convolution === undefined) {
    Deno.test(`PyTorch: ${f.name} has no convolution, and says so`, () => {
      using x = tensor(f, [1, 1, 3, 3]), w = tensor(f, [1, 1, 2, 2]), y = tensor(f, [1, 1, 2, 2]);
      let message = "";
      try {
        convolution(x, w, undefined, y);
      } catch (e) {
        message = (e as Error).message;
      }
      assert(message.includes("has no convolution,"), message);
    });
    continue;
  }
  for (const [name, C] of Object.entries(ref.convolution) as [string, ConvCase][]) {
    Deno.test(`PyTorch: convolution ${name}, forward and backward, mixed layouts (${f.name})`, async () => {
      const data = C.x_shape.length === 4 ? "nhwc" : C.x_shape.length === 3 ? "nwc" : "ndhwc";
      const kernel = C.x_shape.length === 4 ? "hwio" : C.x_shape.length === 3 ? "wio" : "dhwio";
      const plain = C.x_shape.length === 4 ? "nchw" : C.x_shape.length === 3 ? "ncw" : "ncdhw";
      const geometry = { strides: C.strides, padding: C.padding, dilation: C.dilation };
      using x = await onto(f, C.x, C.x_shape, data);
      using w = await onto(f, C.w, C.w_shape, kernel);
      using b = await onto(f, C.b, [C.w_shape[0]], "x");
      using g = await onto(f, C.g, C.y_shape, plain);
      using y = tensor(f, C.y_shape, data);
      convolution(x, w, b, y, geometry).run();
      const near = async (t: Parameters<typeof valuesOf>[0], want: number[], what: string) =>
        close([await valuesOf(t)], [want], tol * 10, `${name} ${what}`);
      await near(y, C.y, "y");
      using dx = tensor(f, C.x_shape, plain);
      convolutionBackwardData(g, w, dx, geometry).run();
      await near(dx, C.dx, "dx");
      using dw = tensor(f, C.w_shape, kernel);
      using db = tensor(f, [C.w_shape[0]], "x");
      convolutionBackwardWeights(x, g, dw, db, geometry).run();
      await near(dw, C.dw, "dw");
      await near(db, C.db, "db");
    });
  }
}

for (const f of await allFactories()) {
  const tol = f.dtype === "float64" ? 1e-12 : 3e-6;
  if (f.engine.dnn?.poolingForward === undefined) {
    Deno.test(`PyTorch: ${f.name} has no pooling, and says so`, () => {
      using x = tensor(f, [1, 1, 4, 4]), y = tensor(f, [1, 1, 2, 2]);
      let message = "";
      try {
        poolingForward(x, y, "max", 2);
      } catch (e) {
        message = (e as Error).message;
      }
      assert(message.includes("has no pooling,"), message);
    });
    continue;
  }
  for (const [name, P] of Object.entries(ref.pooling) as [string, PoolCase][]) {
    Deno.test(`PyTorch: pooling ${name}, forward and backward, nhwc (${f.name})`, async () => {
      const data = P.x_shape.length === 4 ? "nhwc" : P.x_shape.length === 3 ? "nwc" : "ndhwc";
      const plain = P.x_shape.length === 4 ? "nchw" : P.x_shape.length === 3 ? "ncw" : "ncdhw";
      const options = { strides: P.strides, padding: P.padding };
      using x = await onto(f, P.x, P.x_shape, data);
      using g = await onto(f, P.g, P.y_shape, plain);
      using y = tensor(f, P.y_shape, data);
      poolingForward(x, y, P.kind, P.kernel, options).run();
      close([await valuesOf(y)], [P.y], tol, `${name} y`);
      using dx = tensor(f, P.x_shape, plain);
      poolingBackward(x, g, dx, P.kind, P.kernel, options).run();
      close([await valuesOf(dx)], [P.dx], tol, `${name} dx`);
    });
  }
}

for (const f of await allFactories()) {
  const tol = f.dtype === "float64" ? 1e-12 : 1e-5;
  if (f.engine.dnn?.batchNormalization === undefined) {
    Deno.test(`PyTorch: ${f.name} has no batch normalization, and says so`, () => {
      using x = tensor(f, [2, 1]), y = tensor(f, [2, 1]), s = tensor(f, [1]), b = tensor(f, [1]);
      using m = tensor(f, [1]), v = tensor(f, [1]);
      let message = "";
      try {
        batchNormForward(x, y, { scale: s, shift: b, mean: m, variance: v });
      } catch (e) {
        message = (e as Error).message;
      }
      assert(message.includes("has no batch normalization,"), message);
    });
    continue;
  }
  for (const [name, B] of Object.entries(ref.batch_norm) as [string, BatchNormCase][]) {
    Deno.test(`PyTorch: batch normalization ${name}, training, inference, backward (${f.name})`, async () => {
      const rank = B.x_shape.length;
      const data = ({ 2: "cn", 4: "nhwc", 5: "ndhwc" } as const)[rank as 2 | 4 | 5];
      const c = B.x_shape[1];
      using x = await onto(f, B.x, B.x_shape, data);
      using g = await onto(f, B.g, B.x_shape, data);
      using scale = await onto(f, B.scale, [c], "x"), shift = await onto(f, B.shift, [c], "x");
      using mean = tensor(f, [c]), variance = tensor(f, [c]);
      using y = tensor(f, B.x_shape, data);
      batchNormForward(x, y, { scale, shift, mean, variance }).run();
      const near = async (t: Parameters<typeof valuesOf>[0], want: number[], what: string) =>
        close([await valuesOf(t)], [want], tol, `${name} ${what}`);
      await near(y, B.y, "y");
      await near(mean, B.mean, "mean");
      await near(variance, B.variance, "variance");
      using dx = tensor(f, B.x_shape, data);
      using dScale = tensor(f, [c]), dShift = tensor(f, [c]);
      batchNormBackward(x, g, dx, { scale, mean, variance, dScale, dShift }).run();
      await near(dx, B.dx, "dx");
      await near(dScale, B.dscale, "dscale");
      await near(dShift, B.dshift, "dshift");
      using rm = await onto(f, B.running_mean, [c], "x");
      using rv = await onto(f, B.running_variance, [c], "x");
      batchNormForward(x, y, { scale, shift, mean: rm, variance: rv }, { training: false }).run();
      await near(y, B.inference, "inference");
    });
  }
}

/** One stored batch normalization case of torch_references.py. */
interface BatchNormCase {
  x_shape: number[];
  x: number[];
  g: number[];
  scale: number[];
  shift: number[];
  y: number[];
  mean: number[];
  variance: number[];
  dx: number[];
  dscale: number[];
  dshift: number[];
  running_mean: number[];
  running_variance: number[];
  inference: number[];
}

/** One stored pooling case of torch_references.py. */
interface PoolCase {
  kind: PoolingKind;
  x_shape: number[];
  y_shape: number[];
  kernel: number[];
  strides: number[];
  padding: number[];
  x: number[];
  g: number[];
  y: number[];
  dx: number[];
}

/** One stored convolution case of torch_references.py. */
interface ConvCase {
  x: number[];
  w: number[];
  b: number[];
  g: number[];
  x_shape: number[];
  w_shape: number[];
  y_shape: number[];
  strides: number[];
  padding: number[];
  dilation: number[];
  y: number[];
  dx: number[];
  dw: number[];
  db: number[];
}

function outputDerivativeOf(act: Activation, a: GEMatrix, delta: GEMatrix): void {
  if (act === "linear") return;
  if (act === "elu") outputDerivative_("elu", a, delta, 1);
  else outputDerivative_(act as "sigmoid" | "tanh" | "relu", a, delta);
}

/**
 * Chapter 2 — Bias and activation function.
 *
 * A neuron fires when its weighted sum passes a threshold (the bias); the activation function
 * decides how. This chapter builds the step function, ReLU, tanh and the sigmoid from vector
 * operations, all destructive, and ends with a two-layer network.
 * Run: `deno run -A tutorials/02_bias_and_activation.ts [--backend=js]`.
 */
import { axpy_, ge, type GEMatrix, mv, scal_, vctr, type Vector, zero } from "../mod.ts";
import { exp, fmax_, linearFrac_, signum_, tanh_ } from "../lib/vect_math/mod.ts";
import { backend, entries, show } from "./_backend.ts";

const { name, double: f, float } = await backend();
console.log(`Chapter 2 on the ${name} engine\n`);

// step(threshold, x): 1 where x > threshold, 0 elsewhere. max(threshold, x) − threshold is
// positive exactly where x passes the threshold; its sign is the step.
function step_(threshold: Vector, x: Vector): Vector {
  return signum_(axpy_(-1, threshold, fmax_(threshold, x, x)));
}

{
  using threshold = vctr(f, [1, 2, 3]);
  using x = vctr(f, [0, 2, 7]);
  console.log("step with threshold [1 2 3] of [0 2 7]:");
  await show(step_(threshold, x));
}

using x = vctr(f, [0.3, 0.9]);
using w1 = ge(f, 4, 2, [0.3, 0.6, 0.1, 2.0, 0.9, 3.7, 0.0, 1.0], { layout: "row" });
using bias = vctr(f, [0.7, 0.2, 1.1, 2]);

// The bias moves the threshold into the sum: step(0, w1 x − b).
{
  using h = axpy_(-1, bias, mv(w1, x));
  using zeros = zero(h);
  console.log("\nstep(w1 x − bias):");
  await show(step_(zeros, h));
}

// ReLU is max(0, w1 x − b). Written as max(b, w1 x) − b it needs no vector of zeros: the
// bias subtraction and the activation fuse into two passes over the data.
function relu_(threshold: Vector, x: Vector): Vector {
  return axpy_(-1, threshold, fmax_(threshold, x, x));
}
{
  using h = mv(w1, x);
  console.log("\nrelu(w1 x − bias), fused with the bias:");
  await show(relu_(bias, h));
}

{
  using h = axpy_(-1, bias, mv(w1, x));
  console.log("\ntanh(w1 x − bias):");
  await show(tanh_(h));
}

// The logistic sigmoid 1 / (1 + e⁻ˣ) needs e⁻ˣ, which overflows: past x ≈ 88.7 in float and
// 709.8 in double. The identity sigmoid(x) = ½ + ½·tanh(x/2) never overflows.
{
  using big = vctr(float, [88, 89]);
  using bigD = vctr(f, [709, 710]);
  using ef = exp(big);
  using ed = exp(bigD);
  const float32 = (await entries(ef)).map(String), float64 = (await entries(ed)).map(String);
  console.log("\nexp overflows: float", float32, "double", float64);
}
function sigmoid_(x: Vector): Vector {
  return linearFrac_(0.5, tanh_(scal_(0.5, x)), 0.5);
}
{
  using h = axpy_(-1, bias, mv(w1, x));
  console.log("\nsigmoid(w1 x − bias) as ½ + ½ tanh(x/2):");
  await show(sigmoid_(h));
}

// Two layers: tanh in the hidden layer, sigmoid at the output.
function layer(w: GEMatrix, b: Vector, input: Vector, activation: (v: Vector) => Vector): Vector {
  return activation(axpy_(-1, b, mv(w, input)));
}
{
  using w2 = ge(f, 1, 4, [0.75, 0.15, 0.22, 0.33]);
  using bias2 = vctr(f, [0.3]);
  using hidden = layer(w1, bias, x, tanh_);
  using out = layer(w2, bias2, hidden, sigmoid_);
  console.log("\nthe network: sigmoid(w2 tanh(w1 x − bias1) − bias2):");
  await show(out);
}

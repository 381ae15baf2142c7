/**
 * Chapter 7 — Gradient descent and backpropagation.
 *
 * Learning is minimization: find the weights where the cost is smallest. The gradient points
 * uphill, so a small step against it goes down; repeat, and the weights settle at a minimum.
 * Backpropagation is how a network gets that gradient for every weight at once: the chain rule,
 * applied from the output back to the input.
 * Run: `deno run -A tutorials/07_gradient_descent.ts`.
 */

// One weight, cost C(w) = (w − 3)², gradient C'(w) = 2(w − 3). Steps of η = 0.1 from w = 0.
let w = 0;
const eta = 0.1;
console.log("gradient descent on C(w) = (w − 3)², η = 0.1:");
for (let step = 1; step <= 30; step++) {
  w -= eta * 2 * (w - 3);
  if (step % 10 === 0) {
    console.log(`  step ${step}: w = ${w.toFixed(4)}, C = ${((w - 3) ** 2).toExponential(2)}`);
  }
}

// Too large a step overshoots and diverges: each step multiplies the distance by |1 − 2η|.
let wild = 0;
for (let step = 0; step < 10; step++) wild -= 1.1 * 2 * (wild - 3);
console.log(`with η = 1.1 instead: after 10 steps w = ${wild.toFixed(1)} — the steps grow`);

// The chain rule through one neuron: a = σ(wx + b), C = ½(a − y)².
// ∂C/∂w = (a − y) · σ'(z) · x, where σ'(z) = a(1 − a): every factor is already at hand
// after the forward pass. That reuse, layer after layer, is backpropagation.
const x = 0.5, y = 0.8;
let weight = 0.2, bias = 0.1;
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
for (let epoch = 1; epoch <= 200; epoch++) {
  const a = sigmoid(weight * x + bias);
  const delta = (a - y) * a * (1 - a); // ∂C/∂z
  weight -= 1.0 * delta * x; // ∂C/∂w = δ·x
  bias -= 1.0 * delta; // ∂C/∂b = δ
  if (epoch === 1 || epoch % 100 === 0) {
    console.log(
      `one neuron, epoch ${epoch}: output ${a.toFixed(4)}, cost ${
        (0.5 * (a - y) ** 2).toExponential(2)
      }`,
    );
  }
}

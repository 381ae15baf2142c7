/**
 * Chapter 11 — The inference API.
 *
 * A network as a value: `inferenceNetwork(factory, inputs, [fullyConnected(width,
 * activation), …])` makes the layers, `layers`, `weights` and `bias` reach into them, and
 * `infer(net, x)` evaluates a batch, reusing its buffers from call to call.
 * Run: `deno run -A tutorials/11_inference_api.ts [--backend=js|native|webgpu]`.
 */
import { ge, transfer_, vctr } from "../mod.ts";
import { fullyConnected, infer, inferenceNetwork } from "../lib/nn/mod.ts";
import { backend, show } from "./_backend.ts";

const { name, double: f } = await backend();
console.log(`Chapter 11 on the ${name} engine\n`);

using net = inferenceNetwork(f, 2, [fullyConnected(4, "tanh"), fullyConnected(1, "sigmoid")]);
console.log(net);
const [hidden, output] = net.layers;
console.log(
  `hidden layer: ${hidden.weights.m}×${hidden.weights.n} weights, ${hidden.bias.dim} biases`,
);

// The book's weights (its thresholds enter as negative biases).
using w1 = ge(f, 4, 2, [0.3, 0.6, 0.1, 2.0, 0.9, 3.7, 0.0, 1.0], { layout: "row" });
using b1 = vctr(f, [-0.7, -0.2, -1.1, -2]);
using w2 = ge(f, 1, 4, [0.75, 0.15, 0.22, 0.33]);
using b2 = vctr(f, [-0.3]);
transfer_(w1, hidden.weights);
transfer_(b1, hidden.bias);
transfer_(w2, output.weights);
transfer_(b2, output.bias);

using x = ge(f, 2, 1, [0.3, 0.9]);
console.log("\ninfer(net, x) for the book's input:");
await show(infer(net, x));

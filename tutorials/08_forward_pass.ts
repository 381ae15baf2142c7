/**
 * Chapter 8 — The forward pass.
 *
 * Training needs more from a layer than inference does: besides its output a = f(z) it keeps
 * what backpropagation will ask for. knap's training layers keep the activations a of every
 * layer (the derivatives of its activations can be taken from a alone) in buffers made once,
 * for the whole batch. Here is the book's network's forward pass through that machinery.
 * Run: `deno run -A tutorials/08_forward_pass.ts [--backend=js|native|webgpu]`.
 */
import { ge, transfer_, vctr } from "../mod.ts";
import { fullyConnected, inferenceNetwork, trainingNetwork } from "../lib/nn/mod.ts";
import { backend, show } from "./_backend.ts";

const { name, double: f } = await backend();
console.log(`Chapter 8 on the ${name} engine\n`);

using net = inferenceNetwork(f, 2, [fullyConnected(4, "tanh"), fullyConnected(1, "sigmoid")]);
{
  // The book's weights; its biases were thresholds subtracted, so they enter negated here.
  using w1 = ge(f, 4, 2, [0.3, 0.6, 0.1, 2.0, 0.9, 3.7, 0.0, 1.0], { layout: "row" });
  using b1 = vctr(f, [-0.7, -0.2, -1.1, -2]);
  using w2 = ge(f, 1, 4, [0.75, 0.15, 0.22, 0.33]);
  using b2 = vctr(f, [-0.3]);
  transfer_(w1, net.layers[0].weights);
  transfer_(b1, net.layers[0].bias);
  transfer_(w2, net.layers[1].weights);
  transfer_(b2, net.layers[1].bias);
}

using x = ge(f, 2, 2, [0.3, 0.9, 0.3, 0.9]); // a batch of two identical inputs
using training = trainingNetwork(net, x);
console.log("the forward pass of the training network, its output for the batch:");
await show(training.forward());

/**
 * Chapter 5 — Sharing memory.
 *
 * In inference a layer's output is needed only until the next layer has read it. So instead of
 * one output matrix per layer, a network can own two work buffers, each as large as the widest
 * layer's output, and let the layers write into views of them in turn: layer 1 writes buffer
 * A, layer 2 reads A and writes B, layer 3 reads B and writes A again. Views cost nothing: they
 * share memory and never free it. Run: `deno run -A tutorials/05_sharing_memory.ts [--backend=js]`.
 */
import {
  type Factory,
  ge,
  type GEMatrix,
  mm_,
  rk_,
  subvector,
  transfer_,
  vctr,
  type Vector,
  viewGe,
} from "../mod.ts";
import { sigmoid_, tanh_ } from "../lib/vect_math/mod.ts";
import { backend, show } from "./_backend.ts";

type Activation = (a: GEMatrix) => GEMatrix;

/** A layer that owns its weights and bias, but writes into memory the network lends it. */
interface SharedLayer extends Disposable {
  (x: GEMatrix, ones: Vector, out: GEMatrix): GEMatrix;
  readonly weights: GEMatrix;
  readonly bias: Vector;
  readonly outDim: number;
}

function fullyConnected(
  f: Factory,
  activation: Activation,
  inDim: number,
  outDim: number,
): SharedLayer {
  const weights = ge(f, outDim, inDim);
  const bias = vctr(f, outDim);
  const layer = (x: GEMatrix, ones: Vector, out: GEMatrix) =>
    activation(rk_(-1, bias, ones, mm_(weights, x, out)));
  return Object.assign(layer, {
    weights,
    bias,
    outDim,
    [Symbol.dispose]() {
      weights[Symbol.dispose]();
      bias[Symbol.dispose]();
    },
  });
}

/** The two buffers' sizes: layers at even positions share one, odd positions the other. */
function bufferWidths(widths: number[]): [number, number] {
  const at = (parity: number) => Math.max(0, ...widths.filter((_, i) => i % 2 === parity));
  return [at(0), at(1)];
}

/** A network whose layers take turns writing into two shared buffers. */
function network(f: Factory, batch: number, layers: SharedLayer[]) {
  const widths = bufferWidths(layers.map((l) => l.outDim));
  const buffers = widths.map((w) => vctr(f, w * batch));
  const ones = vctr(f, Array(batch).fill(1));
  // Views over the buffers, made once: layer i writes an outDim×batch view of buffer i mod 2.
  const outputs = layers.map((l, i) =>
    viewGe(subvector(buffers[i % 2], 0, l.outDim * batch), l.outDim, batch)
  );
  return {
    infer(x: GEMatrix): GEMatrix {
      let a = x;
      layers.forEach((l, i) => (a = l(a, ones, outputs[i])));
      return a;
    },
    [Symbol.dispose]() {
      for (const s of [...buffers, ones, ...layers]) s[Symbol.dispose]();
    },
  };
}

const { name, float: f } = await backend();
console.log(`Chapter 5 on the ${name} engine\n`);

const layer1 = fullyConnected(f, tanh_, 2, 4);
const layer2 = fullyConnected(f, sigmoid_, 4, 1);
{
  using w1 = ge(f, 4, 2, [0.3, 0.6, 0.1, 2.0, 0.9, 3.7, 0.0, 1.0], { layout: "row" });
  using w2 = ge(f, 1, 4, [0.75, 0.15, 0.22, 0.33]);
  using b1 = vctr(f, [0.7, 0.2, 1.1, 2]);
  using b2 = vctr(f, [0.3]);
  transfer_(w1, layer1.weights);
  transfer_(w2, layer2.weights);
  transfer_(b1, layer1.bias);
  transfer_(b2, layer2.bias);
}
using net = network(f, 2, [layer1, layer2]);
using x = ge(f, 2, 2, [0.3, 0.9, 0.3, 0.9]);
console.log("the network, its layers writing into two shared buffers:");
await show(net.infer(x));

// What sharing saves, in float32 megabytes of layer outputs for a batch of 10000 inputs.
const batch = 10000;
for (const widths of [[5000, 1000, 10], [5000, 5000, 5000, 5000, 10]]) {
  const own = widths.reduce((s, w) => s + w, 0) * batch * 4 / 1e6;
  const shared = bufferWidths(widths).reduce((s, w) => s + w, 0) * batch * 4 / 1e6;
  console.log(
    `\nlayers of widths ${widths.join(", ")}: ${own} MB one per layer, ${shared} MB shared`,
  );
}

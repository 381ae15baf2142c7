/**
 * Saving and loading tensor networks as safetensors, under the names PyTorch gives the same
 * `nn.Sequential`: every layer is one module, and an activation other than linear one more —
 * a convolution with ReLU, 2×2 max pooling, flatten and a linear layer are `0` (weight OIHW,
 * bias), `1`, `2`, `3` and `4` (weight out × in, bias). Batch normalization's tensors are
 * `weight`, `bias`, `running_mean`, `running_var` and its batch counter `num_batches_tracked`.
 *
 * @module
 */

import type { Loc } from "../core/types.ts";
import { trans } from "../core/views.ts";
import { tensorVctr, viewGe } from "../tensor/views.ts";
import type { Tensor } from "../tensor/tensor.ts";
import {
  layerEntries,
  loadEntries,
  type NamedTensor,
  saveEntries,
  type SaveOptions,
  structureEntry,
} from "../nn/persist.ts";
import { liveTensorNetwork, type TensorNetwork } from "./network.ts";

/** A parameter tensor as a named entry: rank ≥ 2 as [first, the rest] row-major, else a vector. */
function tensorEntry(name: string, t: Tensor): NamedTensor {
  const of = t.shape.length >= 2 ? trans(viewGe(t)) : tensorVctr(t);
  return structureEntry(name, t.shape, of, t.dtype);
}

/** Every tensor of the network, in PyTorch's naming. */
function entriesOf(net: TensorNetwork): NamedTensor[] {
  const out: NamedTensor[] = [];
  let index = 0;
  for (const layer of net.features.layers) {
    for (const p of layer.parameters) out.push(tensorEntry(`${index}.${p.name}`, p.tensor));
    out.push(...layer.counters?.(`${index}.`) ?? []);
    index += layer.modules;
  }
  return [...out, ...layerEntries(net.layers, index)];
}

/**
 * Writes the network's weights as safetensors, atomically, under the names PyTorch gives the
 * same `nn.Sequential` (convolution weights OIHW, dense weights out × in).
 *
 * @example
 * ```ts
 * import { jsFloat } from "@knap/knap";
 * import { convo, dense, flatten, init_, load, network, save } from "@knap/knap/dnn";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * const layers = () => [convo(2, [3, 3], "relu"), flatten(), dense(2, "softmax")];
 * using a = init_(network(jsFloat, [1, 1, 5, 5], layers()), { seed: 1 });
 * await save(a, path);
 * using b = await load(network(jsFloat, [1, 1, 5, 5], layers()), path);
 * const w = (n: typeof a) => n.features.layers[0].parameters[0].tensor.toArray().join();
 * if (w(a) !== w(b)) throw new Error("unexpected");
 * await Deno.remove(path);
 * ```
 */
export async function save<L extends Loc>(
  net: TensorNetwork<L>,
  path: string | URL,
  options: SaveOptions = {},
): Promise<void> {
  liveTensorNetwork("save", net);
  const metadata: Record<string, string> = { ...options.metadata };
  metadata.format ??= "pt";
  metadata.architecture ??= String(net).replace(/^#TensorNetwork\[[^,]*, (.*)\]$/, "$1");
  await saveEntries(entriesOf(net), path, metadata);
}

/**
 * Loads weights saved by `save` (or by PyTorch for the same layers) into the network and
 * returns it; a file that does not fit is refused naming the tensor, before any weight changes.
 *
 * @example
 * ```ts
 * import { jsFloat } from "@knap/knap";
 * import { dense, load, network, save } from "@knap/knap/dnn";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * using a = network(jsFloat, [1, 4], [dense(3, "relu")]);
 * await save(a, path);
 * using b = await load(network(jsFloat, [1, 4], [dense(3, "relu")]), path);
 * await Deno.remove(path);
 * ```
 */
export async function load<N extends TensorNetwork>(
  net: N,
  path: string | URL,
): Promise<N> {
  liveTensorNetwork("load", net);
  await loadEntries(entriesOf(net), path);
  return net;
}

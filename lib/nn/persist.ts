/**
 * Saving and loading a network's weights in the safetensors format, under the names PyTorch
 * gives the same network built as an `nn.Sequential` of `Linear` modules, each followed by its
 * activation module (none for "linear") and a `Dropout` module where the layer drops: a
 * 4 → 8 tanh → 1 linear network's tensors are `0.weight` (8×4, out × in, row-major), `0.bias`,
 * `2.weight` and `2.bias`. So a file knap writes loads into that PyTorch model, and one PyTorch
 * wrote for it loads into the knap network.
 *
 * @module
 */

import type { GEMatrix, Structure } from "../core/structures.ts";
import type { DType, Loc } from "../core/types.ts";
import { ge, vctr } from "../core/construct.ts";
import { toArray, transfer_ } from "../access.ts";
import { jsDouble, jsFloat } from "../engines/js/mod.ts";
import {
  readSafetensors,
  type SafeTensor,
  type SafetensorsDType,
  tensorValues,
  writeSafetensors,
} from "../data/safetensors.ts";
import { type InferenceNetwork, liveNetwork } from "./network.ts";
import { KnapError } from "../core/errors.ts";

/** The safetensors dtype each knap dtype is stored as. */
const stored: Record<DType, SafetensorsDType> = {
  float32: "F32",
  float64: "F64",
  bfloat16: "BF16",
};

/** The name and shape of each tensor a network holds, in PyTorch's `nn.Sequential` naming. */
function parameters(
  net: InferenceNetwork,
): { name: string; shape: number[]; of: Structure; matrix: boolean }[] {
  const out: { name: string; shape: number[]; of: Structure; matrix: boolean }[] = [];
  let index = 0;
  for (const l of net.layers) {
    out.push({ name: `${index}.weight`, shape: [l.outDim, l.inDim], of: l.weights, matrix: true });
    out.push({ name: `${index}.bias`, shape: [l.outDim], of: l.bias, matrix: false });
    index += 1 + (l.activation === "linear" ? 0 : 1) + (l.dropout > 0 ? 1 : 0);
  }
  return out;
}

/** A host copy of a weight matrix or bias in row-major order (float32 for float32 and bfloat16). */
async function rowMajor(
  of: Structure,
  shape: number[],
  dtype: DType,
): Promise<Float32Array | Float64Array> {
  const f = dtype === "float64" ? jsDouble : jsFloat;
  using host = shape.length === 2
    ? ge(f, shape[0], shape[1], undefined, { layout: "row" })
    : vctr(f, shape[0]);
  await transfer_(of as GEMatrix, host as GEMatrix<"host">);
  return toArray(host as Structure<"host">);
}

function bytesOf(values: Float32Array | Float64Array, dtype: DType): Uint8Array {
  if (dtype !== "bfloat16") return new Uint8Array(values.slice().buffer);
  // bfloat16 values widened to float32 are exact, so their upper halves are the stored bits.
  const bits = new Uint32Array(Float32Array.from(values).buffer);
  const out = new Uint16Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[i] >>> 16;
  return new Uint8Array(out.buffer);
}

/** Options of {@linkcode save}. */
export interface SaveOptions {
  /**
   * Free-form string metadata stored with the weights, in this order; `format` ("pt") and
   * `architecture` (the widths and activations) are added where absent.
   */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Writes the network's weights and biases to `path` as safetensors, atomically (a temporary
 * file renamed over the old one), in PyTorch's naming and the network's dtype.
 *
 * @example
 * ```ts
 * import { defaultDouble } from "@knap/knap";
 * import { fullyConnected, inferenceNetwork, init_, load, save } from "@knap/knap/nn";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * using net = init_(inferenceNetwork(defaultDouble(), 4, [fullyConnected(8, "tanh"), fullyConnected(1, "linear")]), { seed: 1 });
 * await save(net, path);
 * using copy = await load(inferenceNetwork(defaultDouble(), 4, [fullyConnected(8, "tanh"), fullyConnected(1, "linear")]), path);
 * await Deno.remove(path);
 * ```
 */
export async function save<L extends Loc>(
  net: InferenceNetwork<L>,
  path: string | URL,
  options: SaveOptions = {},
): Promise<void> {
  liveNetwork("save", net);
  const dtype = net.factory.dtype;
  const tensors: SafeTensor[] = [];
  for (const p of parameters(net)) {
    const values = await rowMajor(p.of, p.shape, dtype);
    tensors.push({
      name: p.name,
      dtype: stored[dtype],
      shape: p.shape,
      bytes: bytesOf(values, dtype),
    });
  }
  const widths = [net.inDim, ...net.layers.map((l) => `${l.outDim} ${l.activation}`)];
  // The caller's keys keep their order (a file is only byte-identical with the same order).
  const metadata: Record<string, string> = { ...options.metadata };
  metadata.format ??= "pt";
  metadata.architecture ??= widths.join(" → ");
  await writeSafetensors(path, tensors, metadata);
}

/**
 * Loads weights and biases from a safetensors file into `net` and returns it. Every name the
 * network needs must be in the file with its shape and the network's dtype, and the file may
 * hold nothing else; a mismatch is refused naming the tensor, before any weight changes.
 *
 * @example
 * ```ts
 * import { defaultFloat } from "@knap/knap";
 * import { fullyConnected, inferenceNetwork, load, save } from "@knap/knap/nn";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * using a = inferenceNetwork(defaultFloat(), 2, [fullyConnected(3, "relu"), fullyConnected(1, "sigmoid")]);
 * await save(a, path);
 * using b = inferenceNetwork(defaultFloat(), 2, [fullyConnected(4, "relu"), fullyConnected(1, "sigmoid")]);
 * let refused = false;
 * try { await load(b, path); } catch (e) { refused = String(e).includes("0.weight"); }
 * if (!refused) throw new Error("expected the shape mismatch to be refused");
 * await Deno.remove(path);
 * ```
 */
export async function load<L extends Loc>(
  net: InferenceNetwork<L>,
  path: string | URL,
): Promise<InferenceNetwork<L>> {
  liveNetwork("load", net);
  const op = `load(${String(path)})`;
  const { tensors } = await readSafetensors(path);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const dtype = net.factory.dtype;
  const wanted = parameters(net);
  const refuse = (why: string) => new KnapError(`${op}: ${why}`, "mismatch");
  for (const p of wanted) {
    const t = byName.get(p.name);
    if (t === undefined) {
      throw refuse(`the network needs "${p.name}" (${p.shape.join("×")}), the file lacks it`);
    }
    if (t.shape.join() !== p.shape.join() || t.shape.length !== p.shape.length) {
      throw refuse(
        `"${p.name}" is ${t.shape.join("×")} in the file, ${p.shape.join("×")} in the network`,
      );
    }
    if (t.dtype !== stored[dtype]) {
      throw refuse(
        `"${p.name}" is ${t.dtype} in the file, the network is ${dtype} (${stored[dtype]})`,
      );
    }
    byName.delete(p.name);
  }
  if (byName.size > 0) {
    throw refuse(
      `the file holds ${
        [...byName.keys()].map((n) => `"${n}"`).join(", ")
      }, which the network has no place for`,
    );
  }
  const host = dtype === "float64" ? jsDouble : jsFloat;
  for (const p of wanted) {
    const values = tensorValues(tensors.find((t) => t.name === p.name)!);
    using src = p.matrix
      ? ge(host, p.shape[0], p.shape[1], values, { layout: "row" })
      : vctr(host, values);
    await transfer_(src as GEMatrix<"host">, p.of as GEMatrix<L>);
  }
  return net;
}

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
import { hostFactory } from "../engines/registry.ts";
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
export const stored: Readonly<Record<DType, SafetensorsDType>> = {
  float32: "F32",
  float64: "F64",
  bfloat16: "BF16",
};

/**
 * One tensor of a saved network: its name and shape in the file, and how to read it out of the
 * network and write it back (values row-major). Loading checks every entry before any `set`.
 */
export interface NamedTensor {
  /** PyTorch's name, such as `3.weight`. */
  readonly name: string;
  /** Its shape in the file. */
  readonly shape: readonly number[];
  /** Its element type in the file. */
  readonly dtype: SafetensorsDType;
  /** May the file lack it (PyTorch's batch counter)? */
  readonly optional?: boolean;
  /** Its bytes, as the file stores them. */
  bytes(): Promise<Uint8Array>;
  /** Takes the file's values. */
  set(values: Float64Array): Promise<void>;
}

/** A network's matrix (a row-major rows × cols view of it) or vector, as a named tensor. */
export function structureEntry(
  name: string,
  shape: readonly number[],
  of: Structure,
  dtype: DType,
): NamedTensor {
  const matrix = shape.length >= 2;
  const rows = shape[0], cols = shape.slice(1).reduce((a, b) => a * b, 1);
  const host = hostFactory(dtype);
  return {
    name,
    shape,
    dtype: stored[dtype],
    async bytes() {
      using h = matrix ? ge(host, rows, cols, undefined, { layout: "row" }) : vctr(host, rows);
      await transfer_(of as GEMatrix, h as GEMatrix<"host">);
      return bytesOf(toArray(h as Structure<"host">), dtype);
    },
    async set(values) {
      using src = matrix ? ge(host, rows, cols, values, { layout: "row" }) : vctr(host, values);
      await transfer_(src as GEMatrix<"host">, of as GEMatrix);
    },
  };
}

/**
 * The named tensors of a network's layers in PyTorch's `nn.Sequential` naming, its modules
 * counted from `first` (the modules of layers before them).
 */
export function layerEntries(net: InferenceNetwork, first = 0): NamedTensor[] {
  const out: NamedTensor[] = [];
  const dtype = net.factory.dtype;
  let index = first;
  for (const l of net.layers) {
    out.push(structureEntry(`${index}.weight`, [l.outDim, l.inDim], l.weights, dtype));
    out.push(structureEntry(`${index}.bias`, [l.outDim], l.bias, dtype));
    index += 1 + (l.activation === "linear" ? 0 : 1) + (l.dropout > 0 ? 1 : 0);
  }
  return out;
}

function bytesOf(values: Float32Array | Float64Array, dtype: DType): Uint8Array {
  if (dtype !== "bfloat16") return new Uint8Array(values.slice().buffer);
  // bfloat16 values widened to float32 are exact, so their upper halves are the stored bits.
  const bits = new Uint32Array(Float32Array.from(values).buffer);
  const out = new Uint16Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[i] >>> 16;
  return new Uint8Array(out.buffer);
}

/** Writes the named tensors, atomically, with the metadata. */
export async function saveEntries(
  entries: readonly NamedTensor[],
  path: string | URL,
  metadata: Readonly<Record<string, string>>,
): Promise<void> {
  const tensors: SafeTensor[] = [];
  for (const e of entries) {
    tensors.push({ name: e.name, dtype: e.dtype, shape: e.shape, bytes: await e.bytes() });
  }
  await writeSafetensors(path, tensors, metadata);
}

/**
 * Reads a file into the named tensors: every one not optional must be there with its shape and
 * dtype, and the file may hold nothing else; a mismatch is refused naming the tensor, before
 * anything changes.
 */
export async function loadEntries(
  entries: readonly NamedTensor[],
  path: string | URL,
): Promise<void> {
  const op = `load(${String(path)})`;
  const { tensors } = await readSafetensors(path);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const refuse = (why: string) => new KnapError(`${op}: ${why}`, "mismatch");
  const found: [NamedTensor, SafeTensor][] = [];
  for (const e of entries) {
    const t = byName.get(e.name);
    if (t === undefined) {
      if (e.optional) continue;
      throw refuse(`the network needs "${e.name}" (${e.shape.join("×")}), the file lacks it`);
    }
    if (t.shape.join() !== e.shape.join() || t.shape.length !== e.shape.length) {
      throw refuse(
        `"${e.name}" is ${t.shape.join("×")} in the file, ${e.shape.join("×")} in the network`,
      );
    }
    if (t.dtype !== e.dtype) {
      throw refuse(`"${e.name}" is ${t.dtype} in the file, the network has ${e.dtype}`);
    }
    byName.delete(e.name);
    found.push([e, t]);
  }
  if (byName.size > 0) {
    throw refuse(
      `the file holds ${
        [...byName.keys()].map((n) => `"${n}"`).join(", ")
      }, which the network has no place for`,
    );
  }
  for (const [e, t] of found) await e.set(tensorValues(t));
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
  const widths = [net.inDim, ...net.layers.map((l) => `${l.outDim} ${l.activation}`)];
  // The caller's keys keep their order (a file is only byte-identical with the same order).
  const metadata: Record<string, string> = { ...options.metadata };
  metadata.format ??= "pt";
  metadata.architecture ??= widths.join(" → ");
  await saveEntries(layerEntries(net), path, metadata);
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
export async function load<N extends InferenceNetwork>(
  net: N,
  path: string | URL,
): Promise<N> {
  liveNetwork("load", net);
  await loadEntries(layerEntries(net), path);
  return net;
}

/**
 * Inference networks: fully connected layers that own their weights and biases, evaluated on a
 * batch of inputs (one column per sample) with buffers made once per batch size.
 *
 * @module
 */

import type { Factory } from "../core/factory.ts";
import type { GEMatrix, Vector } from "../core/structures.ts";
import { ge, vctr } from "../core/construct.ts";
import { count, liveMatrix, productFactories, shapeOf } from "../core/checks.ts";
import { checkFactoryLive } from "../core/factory.ts";
import { KnapError } from "../core/errors.ts";
import { innerProduct_ } from "../inner_product.ts";
import { submatrix, view } from "../core/views.ts";
import { transfer_ } from "../access.ts";
import { movesBatches } from "./host_batches.ts";
import type { DType, Loc } from "../core/types.ts";
import { type Activation, activations } from "./activation.ts";

/** A layer's description: its width and activation; the network supplies its input width. */
export interface LayerSpec {
  /** Number of neurons. */
  readonly outDim: number;
  /** Activation function. */
  readonly activation: Activation;
  /** During training, each output is dropped (zeroed) with this probability; 0 by default. */
  readonly dropout?: number;
}

/** Options of {@linkcode fullyConnected}. */
export interface LayerOptions {
  /**
   * Dropout: during training each of the layer's outputs is zeroed with probability p and the
   * rest scaled by 1/(1 − p), so inference (which drops nothing) sees the same expected values.
   */
  readonly dropout?: number;
}

/**
 * A fully connected layer's description, for {@linkcode inferenceNetwork}.
 *
 * @example
 * ```ts
 * import { fullyConnected } from "@knap/knap/nn";
 * const spec = fullyConnected(16, "sigmoid");
 * if (spec.outDim !== 16) throw new Error("unexpected");
 * ```
 */
export function fullyConnected(
  outDim: number,
  activation: Activation,
  options: LayerOptions = {},
): LayerSpec {
  count("fullyConnected", outDim, "the number of neurons");
  if (outDim === 0) throw new RangeError("fullyConnected: a layer needs at least one neuron");
  if (!activations.includes(activation)) {
    throw new TypeError(
      `fullyConnected: unknown activation ${String(activation)}; one of ${activations.join(", ")}`,
    );
  }
  const dropout = options.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) {
    throw new RangeError(`fullyConnected: dropout must be in [0, 1), got ${dropout}`);
  }
  return { outDim, activation, dropout };
}

/** A fully connected layer: z = W x + b, a = f(z). W is outDim×inDim, b has outDim entries. */
export interface Layer<L extends Loc = Loc, D extends DType = DType> {
  /** The weights, outDim×inDim. */
  readonly weights: GEMatrix<L, D>;
  /** The biases. */
  readonly bias: Vector<L, D>;
  /** The activation. */
  readonly activation: Activation;
  /** Inputs. */
  readonly inDim: number;
  /** Neurons. */
  readonly outDim: number;
  /** The dropout probability applied to its outputs in training. */
  readonly dropout: number;
}

/** The buffers a network evaluates batches of one size in, made on first use of that size. */
export interface BatchBuffers<L extends Loc, D extends DType = DType> {
  /** Each layer's output, outDim × batch. */
  readonly outputs: GEMatrix<L, D>[];
}

/** How many batch sizes' evaluation buffers a network keeps: a bounded cache, not one per size. */
const BATCH_SIZES_KEPT = 4;

function releaseBuffers<L extends Loc>(w: BatchBuffers<L>): void {
  for (const o of w.outputs) o[Symbol.dispose]();
}

/**
 * A stack of fully connected layers on one factory, typed by its location and its dtype (so
 * `toArray(infer(net, x))` is a Float32Array for a float32 network). Dispose it to release
 * everything it owns.
 */
export class InferenceNetwork<L extends Loc = Loc, D extends DType = DType> implements Disposable {
  /** The factory of every layer. */
  readonly factory: Factory<L, D>;
  /** Width of the input. */
  readonly inDim: number;
  /** The layers, input to output. */
  readonly layers: readonly Layer<L, D>[];
  readonly #work = new Map<number, BatchBuffers<L, D>>();
  #released = false;

  /** Internal: use {@linkcode inferenceNetwork}. */
  constructor(factory: Factory<L, D>, inDim: number, layers: Layer<L, D>[]) {
    this.factory = factory;
    this.inDim = inDim;
    this.layers = layers;
  }

  /** Width of the output. */
  get outDim(): number {
    return this.layers[this.layers.length - 1].outDim;
  }

  /** Whether the network was released. */
  get released(): boolean {
    return this.#released;
  }

  /**
   * The evaluation buffers for a batch size, made on its first use. The buffers of the last
   * four sizes used are kept; an older size's are released.
   */
  work(batch: number): BatchBuffers<L, D> {
    let w = this.#work.get(batch);
    if (w !== undefined) {
      this.#work.delete(batch); // most recently used last
    } else {
      if (this.#work.size >= BATCH_SIZES_KEPT) {
        const [oldest, buffers] = this.#work.entries().next().value!;
        this.#work.delete(oldest);
        releaseBuffers(buffers);
      }
      w = { outputs: this.layers.map((l) => ge(this.factory, l.outDim, batch)) };
    }
    this.#work.set(batch, w);
    return w;
  }

  /** Releases the weights, biases and every buffer. */
  [Symbol.dispose](): void {
    if (this.#released) return;
    this.#released = true;
    for (const l of this.layers) {
      l.weights[Symbol.dispose]();
      l.bias[Symbol.dispose]();
    }
    for (const w of this.#work.values()) releaseBuffers(w);
    this.#work.clear();
  }

  /** A short description for the console. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** `#InferenceNetwork[factory, in → width activation → …]`, as the console prints it. */
  toString(): string {
    const widths = [this.inDim, ...this.layers.map((l) => `${l.outDim} ${l.activation}`)];
    return `#InferenceNetwork[${this.factory.name}, ${widths.join(" → ")}]`;
  }

  /** In `deno jupyter`: a table of the layers — widths, activation, dropout, parameters. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    const cell = (v: string | number) => `<td style="text-align:right">${v}</td>`;
    const rows = this.layers.map((l, i) =>
      `<tr>${cell(i + 1)}${cell(`${l.inDim} → ${l.outDim}`)}${cell(l.activation)}${
        cell(l.dropout > 0 ? l.dropout : "")
      }${cell(l.outDim * l.inDim + l.outDim)}</tr>`
    ).join("");
    const params = this.layers.reduce((n, l) => n + l.outDim * l.inDim + l.outDim, 0);
    return {
      "text/html":
        `<table><caption style="caption-side:top;text-align:left">inference network on ${this.factory.name}, ${params} parameters</caption><tr><th>layer</th><th>width</th><th>activation</th><th>dropout</th><th>parameters</th></tr>${rows}</table>`,
      "text/plain": String(this),
    };
  }
}

/** Throws unless the network is alive. */
export function liveNetwork(op: string, net: InferenceNetwork): void {
  if (!(net instanceof InferenceNetwork)) {
    throw new TypeError(`${op}: expected an inference network`);
  }
  if (net.released) throw new KnapError(`${op}: the network was released`, "released");
  checkFactoryLive(op, net.factory);
}

/**
 * A network of fully connected layers on factory `f`, taking inDim inputs. Weights and biases
 * start at zero: initialize them with `init_`.
 *
 * @example
 * ```ts
 * import { dge, entry } from "@knap/knap";
 * import { fullyConnected, infer, inferenceNetwork, init_ } from "@knap/knap/nn";
 * import { defaultDouble } from "@knap/knap";
 * using net = init_(inferenceNetwork(defaultDouble(), 4, [fullyConnected(8, "tanh"), fullyConnected(1, "linear")]), { seed: 1 });
 * using x = dge(4, 3);
 * const y = infer(net, x);
 * if (y.m !== 1 || y.n !== 3 || !Number.isFinite(entry(y, 0, 0))) throw new Error();
 * ```
 */
export function inferenceNetwork<L extends Loc, D extends DType>(
  f: Factory<L, D>,
  inDim: number,
  specs: readonly LayerSpec[],
): InferenceNetwork<L, D> {
  checkFactoryLive("inferenceNetwork", f);
  count("inferenceNetwork", inDim, "the input width");
  if (specs.length === 0) {
    throw new RangeError("inferenceNetwork: a network needs at least one layer");
  }
  const layers: Layer<L, D>[] = [];
  let width = inDim;
  for (const s of specs) {
    const valid = fullyConnected(s.outDim, s.activation, { dropout: s.dropout });
    layers.push({
      weights: ge(f, s.outDim, width),
      bias: vctr(f, s.outDim),
      activation: s.activation,
      inDim: width,
      outDim: s.outDim,
      dropout: valid.dropout ?? 0,
    });
    width = s.outDim;
  }
  return new InferenceNetwork(f, inDim, layers);
}

/**
 * The outputs of the network for a batch x (inDim × batch, one column per sample): a view of a
 * buffer the network owns and reuses for batches of that size, valid until the next call with
 * the same size — or until calls with four other sizes, which release the oldest size's
 * buffers (a later use of the view is a KnapError). Copy it (`copy`) to keep it.
 *
 * @example
 * ```ts
 * import { defaultDouble, dge, toArray } from "@knap/knap";
 * import { fullyConnected, infer, inferenceNetwork } from "@knap/knap/nn";
 * using net = inferenceNetwork(defaultDouble(), 2, [fullyConnected(1, "sigmoid")]);
 * using x = dge(2, 2, [1, 2, 3, 4]);
 * if (toArray(infer(net, x)).join() !== "0.5,0.5") throw new Error();
 * ```
 */
export function infer<L extends Loc, D extends DType>(
  net: InferenceNetwork<L, D>,
  x: GEMatrix<L> | GEMatrix<"host">,
): GEMatrix<L, D> {
  liveNetwork("infer", net);
  liveMatrix("infer", x, "x");
  const moved = movesBatches(x, net.factory);
  if (!moved) productFactories("infer", net.layers[0].weights, x);
  if (x.m !== net.inDim) {
    throw new RangeError(`infer: the network takes ${net.inDim} inputs but x is ${shapeOf(x)}`);
  }
  const w = net.work(x.n);
  if (moved) return view(inferMoved(net, x as GEMatrix<"host">, w.outputs));
  let a = x as GEMatrix<L>;
  net.layers.forEach((l, i) => {
    const z = w.outputs[i];
    a = innerProduct_(l.weights, a, l.bias, z, l.activation);
  });
  return view(a) as GEMatrix<L, D>;
}

/** Entries of host data moved to a device at a time by {@linkcode infer}. */
const MOVED = 2 ** 22;

/**
 * Host data through a network on a device: its columns in chunks moved into one device buffer,
 * each chunk's outputs written into their columns of the layers' outputs.
 */
function inferMoved<L extends Loc, D extends DType>(
  net: InferenceNetwork<L, D>,
  x: GEMatrix<"host">,
  outputs: readonly GEMatrix<L, D>[],
): GEMatrix<L, D> {
  const chunk = Math.max(1, Math.min(x.n, Math.floor(MOVED / Math.max(x.m, 1))));
  using staged = ge(net.factory, x.m, chunk);
  for (let j = 0; j < x.n; j += chunk) {
    const c = Math.min(chunk, x.n - j);
    let a: GEMatrix<L> = submatrix(staged, 0, 0, x.m, c);
    transfer_(submatrix(x, 0, j, x.m, c), a);
    net.layers.forEach((l, i) => {
      a = innerProduct_(
        l.weights,
        a,
        l.bias,
        submatrix(outputs[i], 0, j, l.outDim, c),
        l.activation,
      );
    });
  }
  return outputs[outputs.length - 1];
}

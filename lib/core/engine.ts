/**
 * The contract between knap's public functions and its engines.
 *
 * Public functions check liveness, kinds and shapes once, then call exactly one engine method
 * with {@linkcode Operand}s: a buffer plus offset, extent and strides. An engine never calls a
 * public function and never re-checks what the public function checked. Methods that return a
 * value may return a promise: a device engine queues work and reads results back later.
 *
 * @module
 */

import type { DType, HostArray, Loc } from "./types.ts";
import type { ElementwiseOp } from "../elementwise/table.ts";
import type { KindShape } from "./kinds.ts";
import type { LinalgEngine } from "./linalg_engine.ts";
import type { Operand, Storage } from "./operand.ts";

export type { Operand, Storage } from "./operand.ts";

/** An operand whose buffer is a host typed array: the host side of a transfer. */
export interface HostOperand extends Operand {
  /** Host memory. */
  readonly storage: Storage & { readonly buffer: HostArray };
}

/** A number now, or later for a device engine. */
export type Deferred<T> = T | Promise<T>;

/** BLAS levels 1–3 over operands. */
export interface BlasEngine {
  /** Σ x·y over all entries. */
  dot(x: Operand, y: Operand): Deferred<number>;
  /** Σ x. */
  sum(x: Operand): Deferred<number>;
  /** Σ |x|. */
  asum(x: Operand): Deferred<number>;
  /** √Σ x² (Euclidean for vectors, Frobenius for matrices), without overflow. */
  nrm2(x: Operand): Deferred<number>;
  /** The 1-norm: the largest column sum of |x| (a vector's Σ |x|). */
  nrm1(x: Operand): Deferred<number>;
  /** The ∞-norm: the largest row sum of |x| (a vector's max |x|). */
  nrmi(x: Operand): Deferred<number>;
  /** Index of the first entry of largest |x| in a vector (n×1 operand). */
  iamax(x: Operand): Deferred<number>;
  /** Index of the first entry of smallest |x| in a vector (n×1 operand). */
  iamin(x: Operand): Deferred<number>;
  /** Index of the first largest entry of a vector (signed: −5 < 1), or of its first NaN. */
  imax(x: Operand): Deferred<number>;
  /** Index of the first smallest entry of a vector (signed), or of its first NaN. */
  imin(x: Operand): Deferred<number>;
  /** y ← x. */
  copy(x: Operand, y: Operand): void;
  /** x ↔ y. */
  swap(x: Operand, y: Operand): void;
  /** x ← αx. */
  scal(alpha: number, x: Operand): void;
  /** y ← αx + βy (β = 0 ignores y's old contents, NaN included). */
  axpby(alpha: number, x: Operand, beta: number, y: Operand): void;
  /** x ← v everywhere. */
  fill(x: Operand, v: number): void;
  /** y ← αAx + βy (β = 0 ignores y's old contents). */
  gemv(alpha: number, a: Operand, x: Operand, beta: number, y: Operand): void;
  /** A ← αxyᵀ + A. */
  ger(alpha: number, x: Operand, y: Operand, a: Operand): void;
  /** C ← αAB + βC (β = 0 ignores C's old contents). */
  gemm(alpha: number, a: Operand, b: Operand, beta: number, c: Operand): void;
}

/** Elementwise functions from the one table in `lib/elementwise/table.ts`. */
export interface MathEngine {
  /** out ← op(x[, y]; params), entry by entry; out may alias x or y. */
  map(op: ElementwiseOp, params: readonly number[], out: Operand, x: Operand, y?: Operand): void;
}

/**
 * A Philox4x32-10 key and counter offset: entry k of a structure (in column-major logical
 * order) draws from counter block `offset + ⌊k / 4⌋`, lane `k mod 4`, so every engine
 * produces the same numbers for the same seed.
 */
export interface RandomStream {
  /** Low 32 bits of the key. */
  readonly key0: number;
  /** High 32 bits of the key. */
  readonly key1: number;
  /** First counter block. */
  readonly offset: number;
}

/** Random fills. */
export interface RngEngine {
  /** x ← uniform on [lo, hi). */
  uniform(x: Operand, lo: number, hi: number, stream: RandomStream): void;
  /** x ← normal with mean mu and standard deviation sigma. */
  normal(x: Operand, mu: number, sigma: number, stream: RandomStream): void;
}

/**
 * What an engine sees of a tensor: entry (i₀, …, i_k) lies at `offset + Σ i_d · strides[d]` of
 * `storage.buffer`; the shape is in logical order (n, c, [d,] h, w).
 */
export interface TensorOperand {
  /** The memory. */
  readonly storage: Storage;
  /** Index of the first entry. */
  readonly offset: number;
  /** The dimensions, 1 to 5. */
  readonly shape: readonly number[];
  /** The distance between neighbours along each dimension. */
  readonly strides: readonly number[];
}

/**
 * A convolution's geometry, one entry per spatial dimension ([d,] h, w): the step between
 * windows, the zeros added before and after, and the distance between a kernel's taps (1 for
 * neighbouring entries, as PyTorch counts it; oneDNN counts 0).
 */
export interface ConvolutionGeometry {
  /** The step between windows. */
  readonly strides: readonly number[];
  /** Zeros added at each end. */
  readonly padding: readonly number[];
  /** The distance between a kernel's taps. */
  readonly dilation: readonly number[];
}

/**
 * What a convolution plan computes over the same four tensors: the forward pass y ← w ∗ x + b,
 * the error behind it (x ← the gradient for x, from y holding the error after it and w), or the
 * weights' gradients (w and b ← their gradients, from x and y holding the error).
 */
export type ConvolutionPass = "forward" | "backwardData" | "backwardWeights";

/**
 * What pooling takes from each window: its largest entry, or its mean over the whole window
 * (padding counted as zeros) or over the entries inside the data only.
 */
export type PoolingKind = "max" | "avg" | "avg-exclude-padding";

/** A pooling window's geometry, one entry per spatial dimension ([d,] h, w). */
export interface PoolingGeometry {
  /** The window's extent. */
  readonly kernel: readonly number[];
  /** The step between windows. */
  readonly strides: readonly number[];
  /** Entries added at each end: never the largest, zeros in a mean that counts them. */
  readonly padding: readonly number[];
}

/**
 * A batch normalization pass: training (the batch's own mean and variance, written out),
 * inference (the given mean and variance), or backward (the gradients from the error).
 */
export type BatchNormPass = "training" | "inference" | "backward";

/**
 * The tensors of a batch normalization over x [n, c, …], per channel c: scale, shift, mean and
 * variance are [c]. Forward y is the output; backward it holds the error dy, and dx, dScale and
 * dShift receive the gradients.
 */
export interface BatchNormOperands {
  /** The data. */
  readonly x: TensorOperand;
  /** The output, or the error after it in the backward pass. */
  readonly y: TensorOperand;
  /** γ. */
  readonly scale: TensorOperand;
  /** β. */
  readonly shift: TensorOperand;
  /** The per-channel mean: written in training, read otherwise. */
  readonly mean: TensorOperand;
  /** The per-channel (biased) variance: written in training, read otherwise. */
  readonly variance: TensorOperand;
  /** Backward: the gradient for x. */
  readonly dx?: TensorOperand;
  /** Backward: the gradient for γ. */
  readonly dScale?: TensorOperand;
  /** Backward: the gradient for β. */
  readonly dShift?: TensorOperand;
}

/**
 * A structured matrix (triangular, symmetric, banded, packed, diagonal, tridiagonal) as an
 * engine sees it: its kind's shape (`lib/core/kinds.ts` says where each entry lies) and its
 * memory.
 */
export interface StructuredOperand extends KindShape {
  /** The memory. */
  readonly storage: Storage;
  /** Index of the first stored entry. */
  readonly offset: number;
}

/**
 * Products and solves with a structured matrix, described by its operand rather than by one
 * method per kind: an engine plans those kinds it has a routine for and declines the rest
 * (`undefined`), and the public function composes — a dense copy through `gemv`/`gemm`, or, for
 * a solve, the dense copy's triangle handed back as a `tr`.
 */
export interface StructuredEngine {
  /** y ← αAx + βy. y shares no memory with a or x. */
  mv?(alpha: number, a: StructuredOperand, x: Operand, beta: number, y: Operand): Plan | undefined;
  /** C ← αAB + βC (`left`) or αBA + βC (`right`); c shares no memory with a or b. */
  mm?(
    side: "left" | "right",
    alpha: number,
    a: StructuredOperand,
    b: Operand,
    beta: number,
    c: Operand,
  ): Plan | undefined;
  /** B ← A⁻¹B for a triangular or diagonal A (each column of B a right-hand side). */
  sv?(a: StructuredOperand, b: Operand): Plan | undefined;
  /**
   * C ← αBBᵀ + βC on the stored triangle of a symmetric `sy` C (B n×k; a vector is n×1): BLAS's
   * syrk, and syr for k = 1. β = 0 overwrites. b shares no memory with c.
   */
  rk?(alpha: number, b: Operand, beta: number, c: StructuredOperand): Plan | undefined;
}

/** How a reduction folds the entries it reduces: their sum, mean, largest or smallest. */
export type ReductionAlg = "sum" | "mean" | "max" | "min";

/**
 * A primitive planned for its operands: run it whenever their contents are ready, as often as
 * needed. Planning checks, chooses the route and builds what it needs (a oneDNN primitive, a
 * compiled kernel); running does the work.
 */
export type Plan = () => void;

/**
 * The matrix primitives of learning (the dense networks of `@knap/knap/nn`), on operands.
 * Every member is optional and says no one way: absent, or `undefined` from the call, the
 * engine has nothing better, and the public function composes BLAS and elementwise methods.
 * Softmax alone has no composition: an engine without it refuses `softmax_`.
 */
export interface NnEngine {
  /**
   * out ← the softmax of each column of x (its log-softmax when `log`): exp(x − max) over the
   * column's sum of them, so large entries never overflow; a column with a NaN is all NaN. out
   * may be x itself. Never declines: an engine has softmax or has not.
   */
  softmax?(x: Operand, out: Operand, log: boolean): Plan;
  /**
   * Column k of out ← column indices[k] of x, for every k (indices checked, x and out apart):
   * a shuffled minibatch in one call. Declined, each column is a `copy`.
   */
  gatherColumns?(x: Operand, indices: Int32Array, out: Operand): Plan | undefined;
  /**
   * out ← f(W·x + b·1ᵀ) with f's params: a fully connected layer's forward pass, the bias
   * added to every column and the activation applied in the same primitive (f undefined: the
   * identity). out shares no memory with w, x or b. Declined where this engine has nothing
   * faster for these operands than the composition: the bias copied into every column, the
   * product accumulated onto it, and the activation.
   */
  innerProduct?(
    w: Operand,
    x: Operand,
    b: Operand,
    out: Operand,
    f: ElementwiseOp | undefined,
    params: readonly number[],
  ): Plan | undefined;
  /**
   * One Adam step in one pass: m ← β₁m + (1 − β₁)g; s ← β₂s + (1 − β₂)g²;
   * w ← w − rate · m / (√s + ε). Operands of one shape, apart in memory, any strides.
   * Declined, the step is five BLAS and elementwise calls.
   */
  adam?(
    w: Operand,
    g: Operand,
    m: Operand,
    s: Operand,
    rate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
  ): Plan | undefined;
}

/**
 * The tensor primitives (Deep Diamond's), each planned once for its operands' descriptors and
 * run many times, as oneDNN and cuDNN work. Two kinds of member:
 *
 * - `reorder` and `reduction` have compositions: absent, or `undefined` from the call, and the
 *   public function folds the tensors into matrix pieces and runs `copy` and `map` on them.
 * - `convolution`, `poolingForward`, `poolingBackward` and `batchNormalization` have none. A
 *   tensor network requires the ones its layers use; an engine that has them plans every
 *   operand it is given, and on one without them (the native engine's bfloat16 storage) the
 *   layer's op refuses with a `TypeError` naming the op and the engine.
 *
 * Elementwise work on tensors (eltwise forward and backward, binary ops with broadcasting) has
 * no member here: it is planned as the few matrix pieces its tensors fold into, each one
 * `MathEngine.map` call, which the native engine runs through oneDNN's eltwise and binary
 * primitives.
 */
export interface DnnEngine {
  /**
   * A planned copy from src to dst, tensors of one shape and dtype in any strides (a layout
   * change); declined where this engine has no faster way than matrix copies for them.
   */
  reorder?(src: TensorOperand, dst: TensorOperand, dtype: DType): Plan | undefined;
  /**
   * A planned reduction: each entry of out ← alg over the entries of x it stands for. out has
   * x's rank; along each dimension its extent is x's (kept) or 1 (reduced). A NaN among the
   * reduced entries gives NaN (max and min included); every reduced set has an entry. out
   * shares no memory with x. Declined where this engine has nothing of its own for these
   * operands: the caller then folds the slices of x into out with `copy` and `map`.
   */
  reduction?(
    alg: ReductionAlg,
    x: TensorOperand,
    out: TensorOperand,
    dtype: DType,
  ): Plan | undefined;
  /**
   * A planned convolution pass over x [n, c, …spatial], w [o, c, …kernel], b [o] and
   * y [n, o, …output] in any strides, the shapes already checked against the geometry. b may be
   * undefined: no bias (and, backward, no bias gradient). The written tensors share no memory with
   * the read ones.
   */
  convolution?(
    pass: ConvolutionPass,
    x: TensorOperand,
    w: TensorOperand,
    b: TensorOperand | undefined,
    y: TensorOperand,
    geometry: ConvolutionGeometry,
    dtype: DType,
  ): Plan;
  /**
   * A planned pooling of x [n, c, …] into y [n, c, …output] (any strides, shapes checked). A NaN
   * in a max window gives NaN; ties give the first largest entry.
   */
  poolingForward?(
    kind: PoolingKind,
    x: TensorOperand,
    y: TensorOperand,
    geometry: PoolingGeometry,
    dtype: DType,
  ): Plan;
  /**
   * The planned backward pass of pooling: dx ← the gradient for x from dy, the gradient for
   * y; max pooling sends each error to its window's first largest entry of x. dx shares no
   * memory with x or dy.
   */
  poolingBackward?(
    kind: PoolingKind,
    x: TensorOperand,
    dy: TensorOperand,
    dx: TensorOperand,
    geometry: PoolingGeometry,
    dtype: DType,
  ): Plan;
  /**
   * Pooling's two passes planned together for a training step: `forward` pools x into y and
   * keeps what `backward` needs (max pooling's positions of the largest entries, which oneDNN
   * keeps in a workspace), and `backward` sends dy into dx from what the last `forward` kept. So
   * `backward` must follow a `forward` with x unchanged since, as a network's step does; one
   * with no `forward` before it finds the positions itself. Declined (absent, or `undefined`):
   * the two passes are planned apart, and the backward pass pools x again.
   */
  poolingTraining?(
    kind: PoolingKind,
    x: TensorOperand,
    y: TensorOperand,
    dy: TensorOperand,
    dx: TensorOperand,
    geometry: PoolingGeometry,
    dtype: DType,
  ): { readonly forward: Plan; readonly backward: Plan } | undefined;
  /**
   * A planned batch normalization pass, y = γ(x − μ)/√(σ² + ε) + β per channel, the shapes
   * checked and the written tensors apart from the read ones.
   */
  batchNormalization?(
    pass: BatchNormPass,
    t: BatchNormOperands,
    epsilon: number,
    dtype: DType,
  ): Plan;
}

/** One backend: its memory, its transfers and its capabilities. */
export interface Engine {
  /** Short name shown in printing and errors: `"js"`, `"native"`, `"webgpu"`. */
  readonly name: string;
  /** Whether TypeScript can read its memory directly. */
  readonly location: Loc;
  /** True when the garbage collector reclaims its memory, so a forgotten release leaks nothing. */
  readonly collected: boolean;
  /**
   * The most entries one allocation — and any dimension — may have: 2³¹ − 1 where native
   * calls take 32-bit integers, a device's largest buffer on a GPU.
   */
  readonly maxEntries: number;
  /** Zero-filled memory for `length` entries. */
  alloc(dtype: DType, length: number): unknown;
  /** Frees memory from {@linkcode Engine.alloc}; called once per owner. */
  free(buffer: unknown): void;
  /** The host typed array behind a buffer, for host engines; undefined on a device. */
  hostArray(buffer: unknown): HostArray | undefined;
  /** dst ← src, where src is host memory (any dtype: converted on the way). */
  write(src: HostOperand, dst: Operand): void;
  /** dst ← src, where dst is host memory; resolves when the data has arrived. */
  read(src: Operand, dst: HostOperand): Deferred<void>;
  /** Resolves when all queued work has finished. */
  synchronize(): Promise<void>;
  /** BLAS. */
  readonly blas: BlasEngine;
  /** Elementwise math. */
  readonly math: MathEngine;
  /** Random numbers. */
  readonly rng: RngEngine;
  /** Matrix primitives of learning, where the engine has its own. */
  readonly nn?: NnEngine;
  /** Tensor primitives, where the engine has its own. */
  readonly dnn?: DnnEngine;
  /** Products and solves with structured matrices, where the engine has its own routines. */
  readonly structured?: StructuredEngine;
  /** LAPACK's factorizations and solves: host engines (`linalg_engine.ts`). */
  readonly linalg?: LinalgEngine;
}

/**
 * What the native routes ask of oneDNN, the same on 2.x and 3.x: memory descriptors as one
 * opaque type, and every primitive as an `OpSpec` — a function that makes its primitive
 * descriptor against an engine, a forward hint and attributes. The routes name algorithms; each
 * version (`dnnl_v2.ts`, `dnnl_v3.ts`) maps the names to its numbers. `dnnl_api.ts` picks one.
 *
 * @module
 */

/** A memory descriptor: its address as the C API takes it (2.x keeps the struct's bytes too). */
export interface MemoryDesc {
  /** What `const_dnnl_memory_desc_t` parameters receive. */
  readonly ptr: Deno.PointerValue;
  /** 2.x's dnnl_memory_desc_t struct, which knap allocated and oneDNN filled. */
  readonly bytes?: Uint8Array;
}

/** Makes a primitive descriptor on an engine, against a forward hint, with attributes. */
export type OpSpec = (
  engine: Deno.PointerValue,
  hint: Deno.PointerValue,
  attr: Deno.PointerValue,
) => Deno.PointerValue;

/** The eltwise algorithms the routes use, by name. */
export type EltwiseName =
  | "relu"
  | "tanh"
  | "elu"
  | "square"
  | "abs"
  | "sqrt"
  | "linear"
  | "logistic"
  | "exp"
  | "log"
  | "pow"
  | "clip";

/** The eltwise algorithms whose backward pass can read the forward output. */
export type UseDstName = "relu" | "tanh" | "elu" | "logistic";

/** An eltwise algorithm, reading the forward output in its backward pass when `useDst`. */
export interface EltwiseAlgorithm {
  readonly name: EltwiseName;
  readonly useDst?: boolean;
}

/**
 * One step of a post-op chain: an eltwise function of the result so far, the destination's old
 * contents times a scale added to it (`sum`), or a binary operation
 * (a `binaryAlg`) of it with a second tensor of this descriptor (broadcast where it has 1s).
 */
export type PostOp =
  | { readonly eltwise: EltwiseName; readonly alpha: number; readonly beta: number }
  | { readonly sum: number }
  | { readonly binary: number; readonly md: MemoryDesc };

/** The primitives a route may ask whether the library has. */
export type PrimitiveName =
  | "matmul"
  | "innerProduct"
  | "softmax"
  | "reduction"
  | "convolution"
  | "pooling"
  | "batchNorm";

/** Pooling's algorithms. */
export type PoolingName = "max" | "avg" | "avg-exclude-padding";

/** Batch normalization's flags, by meaning. */
export interface NormalizationFlags {
  readonly globalStats?: boolean;
  readonly scale?: boolean;
  readonly shift?: boolean;
}

/** Strides, dilation (oneDNN counts gaps), padding before and after: dnnl_dims_t each. */
export type Geometry = readonly [Uint8Array, Uint8Array, Uint8Array, Uint8Array];

/** Strides, kernel, padding before and after: pooling's dnnl_dims_t. */
export type PoolingGeometry = readonly [Uint8Array, Uint8Array, Uint8Array, Uint8Array];

/** What the native routes ask of oneDNN, the same on 2.x and 3.x. */
export interface DnnlApi {
  /** The loaded library's version. */
  readonly version: readonly [number, number, number];
  /** Whether the library has a primitive (early 2.x releases lack some; 3.x has them all). */
  has(primitive: PrimitiveName): boolean;
  /**
   * Whether batch normalization's backward pass takes β (DNNL_ARG_SHIFT): 2.x asks for it though
   * the gradients do not read it, 3.x counts it one argument too many.
   */
  readonly shiftInBackward: boolean;
  /** A memory descriptor of these dimensions, strides and data type. */
  memoryDesc(dims: readonly number[], strides: readonly number[], type: number): MemoryDesc;
  /** A memory descriptor that lets the primitive choose the layout (format tag any). */
  anyDesc(dims: readonly number[], type: number): MemoryDesc;
  /** A copy of the memory descriptor a primitive descriptor has for a role. */
  queryMd(pd: Deno.PointerValue, query: number): MemoryDesc;
  /** Whether two memory descriptors describe the same layout. */
  equal(a: MemoryDesc, b: MemoryDesc): boolean;
  /** The bytes memory of this descriptor takes. */
  sizeOf(md: MemoryDesc): number;
  /** A memory object of this descriptor, its data handle set later. */
  memoryCreate(md: MemoryDesc, engine: Deno.PointerValue): Deno.PointerValue;
  /** A reorder's primitive descriptor, with attributes (post-ops) where given. */
  reorder(
    src: MemoryDesc,
    dst: MemoryDesc,
    engine: Deno.PointerValue,
    attr?: Deno.PointerValue,
  ): Deno.PointerValue;
  /** Attributes with one eltwise post-op (the caller destroys them with `destroyAttr`). */
  postOpAttr(alg: EltwiseName, alpha: number, beta: number): Deno.PointerValue;
  /** Attributes with a chain of post-ops, applied in order (destroyed with `destroyAttr`). */
  postOpsAttr(chain: readonly PostOp[]): Deno.PointerValue;
  /** The execution argument of the second tensor of the post-op at `index` of a chain. */
  postOpArg(index: number): number;
  /** Destroys attributes `postOpAttr` made. */
  destroyAttr(attr: Deno.PointerValue): void;
  /** dst ← f(src). */
  eltwiseForward(
    prop: number,
    alg: EltwiseAlgorithm,
    md: MemoryDesc,
    alpha: number,
    beta: number,
  ): OpSpec;
  /** diff src ← f′(data) ⊙ diff dst, every tensor of one descriptor. */
  eltwiseBackward(alg: EltwiseAlgorithm, md: MemoryDesc, alpha: number, beta: number): OpSpec;
  /** dst ← src₀ ∘ src₁ (the algorithm's dnnl_alg_kind_t, the same in both versions). */
  binary(alg: number, a: MemoryDesc, b: MemoryDesc, dst: MemoryDesc): OpSpec;
  /** dst ← src·weights. */
  matmul(src: MemoryDesc, weights: MemoryDesc, dst: MemoryDesc): OpSpec;
  /** dst ← src·weightsᵀ + bias. */
  innerProduct(
    prop: number,
    src: MemoryDesc,
    weights: MemoryDesc,
    bias: MemoryDesc,
    dst: MemoryDesc,
  ): OpSpec;
  /** Softmax (or log-softmax) along `axis`. */
  softmax(log: boolean, prop: number, md: MemoryDesc, axis: number): OpSpec;
  /** A reduction (the algorithm's dnnl_alg_kind_t, the same in both versions). */
  reduction(alg: number, src: MemoryDesc, dst: MemoryDesc): OpSpec;
  /** Convolution forward, bias optional. */
  convolutionForward(
    prop: number,
    src: MemoryDesc,
    weights: MemoryDesc,
    bias: MemoryDesc | undefined,
    dst: MemoryDesc,
    g: Geometry,
  ): OpSpec;
  /** Convolution's gradient with respect to its input. */
  convolutionBackwardData(
    diffSrc: MemoryDesc,
    weights: MemoryDesc,
    diffDst: MemoryDesc,
    g: Geometry,
  ): OpSpec;
  /** Convolution's gradients with respect to its weights (and bias). */
  convolutionBackwardWeights(
    src: MemoryDesc,
    diffWeights: MemoryDesc,
    diffBias: MemoryDesc | undefined,
    diffDst: MemoryDesc,
    g: Geometry,
  ): OpSpec;
  /** Pooling forward. */
  poolingForward(
    prop: number,
    alg: PoolingName,
    src: MemoryDesc,
    dst: MemoryDesc,
    g: PoolingGeometry,
  ): OpSpec;
  /** Pooling's gradient. */
  poolingBackward(
    alg: PoolingName,
    diffSrc: MemoryDesc,
    diffDst: MemoryDesc,
    g: PoolingGeometry,
  ): OpSpec;
  /** Batch normalization forward over one data descriptor. */
  batchNormForward(
    prop: number,
    md: MemoryDesc,
    epsilon: number,
    flags: NormalizationFlags,
  ): OpSpec;
  /** Batch normalization backward. */
  batchNormBackward(
    prop: number,
    diff: MemoryDesc,
    md: MemoryDesc,
    epsilon: number,
    flags: NormalizationFlags,
  ): OpSpec;
}

/** A version's numbers for batch normalization's flags. */
export function flagBits(
  f: NormalizationFlags,
  bits: { readonly globalStats: number; readonly scale: number; readonly shift: number },
): number {
  return (f.globalStats ? bits.globalStats : 0) | (f.scale ? bits.scale : 0) |
    (f.shift ? bits.shift : 0);
}

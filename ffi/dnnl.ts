/**
 * oneDNN (DNNL) through Deno FFI: the C API symbols knap calls, the constants it needs, and
 * how the library is found. Both of today's APIs: 2.x (Debian 12 ships 2.6), with operation
 * descriptors and memory descriptors as structs knap allocates, and 3.x (3.0 through 3.9, what
 * Homebrew, Fedora, Arch and newer Debian and Ubuntu ship), with opaque memory descriptors and
 * primitive descriptors made directly — its symbols in `dnnl3.ts`. The version is read when the
 * library loads; `lib/engines/native/dnnl_api.ts` hides the difference from the routes.
 *
 * @module
 */

import { KnapError } from "../lib/core/errors.ts";
import { type LibrarySpec, openLibrary } from "./load.ts";
import { dnnl3Symbols } from "./dnnl3.ts";

/** Where oneDNN lives on each platform. */
/** Where oneDNN lives on each platform: 3.x's names first, then 2.x's. */
export const dnnlSpec: LibrarySpec = {
  name: "oneDNN",
  env: "KNAP_DNNL",
  names: {
    linux: ["libdnnl.so.3", "libdnnl.so.2", "libdnnl.so"],
    darwin: [
      "/opt/homebrew/lib/libdnnl.3.dylib",
      "/opt/homebrew/lib/libdnnl.dylib",
      "/usr/local/lib/libdnnl.3.dylib",
      "/usr/local/lib/libdnnl.dylib",
      "/opt/homebrew/opt/onednn/lib/libdnnl.dylib",
      "/usr/local/opt/onednn/lib/libdnnl.dylib",
      "libdnnl.3.dylib",
      "libdnnl.dylib",
    ],
    windows: ["dnnl.dll"],
  },
  install: "Debian/Ubuntu: apt install libdnnl2 (or libdnnl3); Fedora: dnf install onednn; " +
    "Arch: pacman -S onednn; Homebrew: brew install onednn; conda: conda install -c " +
    "conda-forge onednn",
};

/** dnnl_status_t's success. */
const dnnl_success = 0;
/** dnnl_data_type_t for float32. */
export const dnnl_f32 = 3;
/** dnnl_data_type_t for bfloat16. */
export const dnnl_bf16 = 2;
/** dnnl_engine_kind_t for the CPU. */
export const dnnl_cpu = 1;
/** dnnl_stream_flags_t: in-order execution. */
export const dnnl_stream_in_order = 1;
/** dnnl_prop_kind_t: inference. */
export const dnnl_forward_inference = 96;
/** Execution argument indices. */
export const DNNL_ARG_SRC = 1;
/** The second source of a binary primitive. */
export const DNNL_ARG_SRC_1 = 2;
/** The destination. */
export const DNNL_ARG_DST = 17;
/** The weights (the right factor of a matmul). */
export const DNNL_ARG_WEIGHTS = 33;
/** The bias argument of an inner product. */
export const DNNL_ARG_BIAS = 41;
/** The gradient with respect to the source (backward). */
export const DNNL_ARG_DIFF_SRC = 129;
/** The gradient with respect to the destination (backward). */
export const DNNL_ARG_DIFF_DST = 145;
/** The gradient with respect to the weights (backward). */
export const DNNL_ARG_DIFF_WEIGHTS = 161;
/** The gradient with respect to the bias (backward). */
export const DNNL_ARG_DIFF_BIAS = 169;
/** dnnl_format_tag_t: let the primitive choose the layout. */
export const dnnl_format_tag_any = 1;
/** dnnl_query_t values: the memory descriptors by role. */
export const dnnlQuery = {
  src: 129,
  diffSrc: 130,
  weights: 131,
  diffWeights: 132,
  dst: 133,
  diffDst: 134,
} as const;
/** sizeof(dnnl_memory_desc_t) in oneDNN 2.6 on 64-bit platforms. */
export const memoryDescSize = 696;
/** The workspace argument (max pooling's positions of the largest entries). */
export const DNNL_ARG_WORKSPACE = 64;
/** dnnl_query_t: the workspace's memory descriptor. */
export const dnnl_query_workspace_md = 135;
/** Pooling algorithms of oneDNN 2.x. */
export const poolingAlg = {
  max: 0x1ff,
  avg: 0x2ff,
  "avg-exclude-padding": 0x3ff,
} as const;
/** dnnl_normalization_flags_t of oneDNN 2.x. */
export const normalizationFlags = { globalStats: 0x1, scale: 0x8, shift: 0x10 } as const;
/** dnnl_prop_kind_t: backward, data and weights (scale and shift) at once. */
export const dnnl_backward = 128;
/** Batch normalization's arguments. */
export const DNNL_ARG_MEAN = 49;
/** The variance argument. */
export const DNNL_ARG_VARIANCE = 50;
/** The scale (γ) argument. */
export const DNNL_ARG_SCALE = 51;
/** The shift (β) argument. */
export const DNNL_ARG_SHIFT = 52;
/** The scale's gradient. */
export const DNNL_ARG_DIFF_SCALE = 255;
/** The shift's gradient. */
export const DNNL_ARG_DIFF_SHIFT = 256;
/** dnnl_alg_kind_t: direct convolution. */
export const dnnl_convolution_direct = 0x1;
/** dnnl_prop_kind_t: training forward, needed as the hint of a backward primitive. */
export const dnnl_forward_training = 64;

/** Eltwise algorithms of oneDNN 2.x (dnnl_alg_kind_t). */
export const eltwiseAlg = {
  relu: 0x1f,
  tanh: 0x2f,
  elu: 0x3f,
  square: 0x4f,
  abs: 0x5f,
  sqrt: 0x6f,
  linear: 0x7f,
  logistic: 0xaf,
  exp: 0xbf,
  log: 0xef,
  pow: 0x20,
  clip: 0xff,
} as const;

/** Eltwise algorithms whose backward pass reads the forward output (dst) instead of src. */
export const eltwiseUseDstAlg = {
  relu: 0x100,
  tanh: 0x101,
  elu: 0x102,
  logistic: 0x104,
} as const;

/** Binary algorithms of oneDNN 2.x. */
export const binaryAlg = {
  add: 0x1fff0,
  mul: 0x1fff1,
  max: 0x1fff2,
  min: 0x1fff3,
  div: 0x1fff4,
  sub: 0x1fff5,
} as const;

/** Reduction algorithms of oneDNN 2.x. */
export const reductionAlg = {
  max: 0x2fff2,
  min: 0x2fff3,
  sum: 0x2fff4,
  mean: 0x2fff6,
} as const;

/**
 * Byte sizes of oneDNN 2.6's descriptor structs on 64-bit platforms (dnnl_memory_desc_t 696,
 * dnnl_eltwise_desc_t 1416, dnnl_binary_desc_t 2096, dnnl_matmul_desc_t 2800,
 * dnnl_softmax_desc_t 1408, dnnl_inner_product_desc_t 5584, dnnl_reduction_desc_t 1408,
 * dnnl_convolution_desc_t 5976, dnnl_pooling_desc_t 3184, dnnl_batch_normalization_desc_t
 * 3496), rounded up:
 * knap allocates these buffers and oneDNN fills them.
 */
export const descBytes = {
  memory: 1024,
  eltwise: 2048,
  binary: 4096,
  matmul: 4096,
  softmax: 2048,
  innerProduct: 8192,
  reduction: 2048,
  convolution: 8192,
  pooling: 4096,
  batchNormalization: 4096,
} as const;

/** A dnnl_dims_t (int64[12]) holding v, for the C API's dimension arguments. */
export function dnnlDims(v: readonly number[]): Uint8Array {
  const a = new BigInt64Array(12);
  v.forEach((e, i) => a[i] = BigInt(e));
  return new Uint8Array(a.buffer);
}

/**
 * The symbols knap binds: those both APIs share, 2.x's (the memory-descriptor ones taking
 * knap's struct buffers; its operation descriptors optional), and 3.x's under their own keys.
 */
const dnnlSymbols = {
  ...dnnl3Symbols,
  dnnl_version: { parameters: [], result: "pointer" },
  dnnl_engine_create: { parameters: ["buffer", "i32", "usize"], result: "i32" },
  dnnl_stream_create: { parameters: ["buffer", "pointer", "u32"], result: "i32" },
  dnnl_stream_wait: { parameters: ["pointer"], result: "i32" },
  dnnl_memory_desc_init_by_strides: {
    parameters: ["buffer", "i32", "buffer", "i32", "buffer"],
    result: "i32",
    optional: true,
  },
  // (md, ndims, dims, data type, format tag)
  dnnl_memory_desc_init_by_tag: {
    parameters: ["buffer", "i32", "buffer", "i32", "i32"],
    result: "i32",
    optional: true,
  },
  dnnl_memory_desc_get_size: { parameters: ["buffer"], result: "usize" },
  dnnl_memory_desc_equal: { parameters: ["buffer", "buffer"], result: "i32" },
  // (pd, what, index): a pointer to the memory descriptor oneDNN chose for that role
  dnnl_primitive_desc_query_md: { parameters: ["pointer", "i32", "i32"], result: "pointer" },
  dnnl_memory_create: { parameters: ["buffer", "buffer", "pointer", "pointer"], result: "i32" },
  dnnl_memory_set_data_handle: { parameters: ["pointer", "pointer"], result: "i32" },
  dnnl_memory_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_eltwise_forward_desc_init: {
    parameters: ["buffer", "i32", "i32", "buffer", "f32", "f32"],
    result: "i32",
    optional: true,
  },
  dnnl_eltwise_backward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "f32", "f32"],
    result: "i32",
    optional: true,
  },
  dnnl_binary_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "buffer"],
    result: "i32",
    optional: true,
  },
  // (desc, src, weights, bias or null, dst)
  dnnl_matmul_desc_init: {
    parameters: ["buffer", "buffer", "buffer", "pointer", "buffer"],
    result: "i32",
    optional: true,
  },
  // (desc, prop kind, src, weights, bias or null, dst)
  dnnl_inner_product_forward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
    optional: true,
  },
  dnnl_softmax_forward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "i32"],
    result: "i32",
    optional: true,
  },
  dnnl_logsoftmax_forward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "i32"],
    result: "i32",
    optional: true,
  },
  // (desc, algorithm, src, dst, p, eps): p and eps matter only to the norm algorithms.
  dnnl_reduction_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "f32", "f32"],
    result: "i32",
    optional: true,
  },
  // (desc, prop kind, algorithm, src, weights, bias or null, dst, strides, dilates, padding
  // left, padding right); the dims are int64[12].
  dnnl_dilated_convolution_forward_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "pointer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
    optional: true,
  },
  // (desc, algorithm, diff src, weights, diff dst, strides, dilates, padding left, right)
  dnnl_dilated_convolution_backward_data_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
    optional: true,
  },
  // (desc, algorithm, src, diff weights, diff bias or null, diff dst, strides, dilates, padding
  // left, right)
  dnnl_dilated_convolution_backward_weights_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "pointer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
    optional: true,
  },
  // (desc, prop kind, algorithm, src, dst, strides, kernel, padding left, padding right)
  dnnl_pooling_forward_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
    optional: true,
  },
  // (desc, algorithm, diff src, diff dst, strides, kernel, padding left, padding right)
  dnnl_pooling_backward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
    optional: true,
  },
  // (desc, prop kind, data, epsilon, flags)
  dnnl_batch_normalization_forward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "f32", "u32"],
    result: "i32",
    optional: true,
  },
  // (desc, prop kind, diff data, data, epsilon, flags)
  dnnl_batch_normalization_backward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "f32", "u32"],
    result: "i32",
    optional: true,
  },
  dnnl_primitive_attr_create: { parameters: ["buffer"], result: "i32", optional: true },
  dnnl_primitive_attr_destroy: { parameters: ["pointer"], result: "i32", optional: true },
  dnnl_primitive_attr_set_post_ops: {
    parameters: ["pointer", "pointer"],
    result: "i32",
    optional: true,
  },
  dnnl_post_ops_create: { parameters: ["buffer"], result: "i32", optional: true },
  dnnl_post_ops_destroy: { parameters: ["pointer"], result: "i32", optional: true },
  // (post ops, scale, algorithm, alpha, beta)
  dnnl_post_ops_append_eltwise: {
    parameters: ["pointer", "f32", "i32", "f32", "f32"],
    result: "i32",
    optional: true,
  },
  // (post ops, scale): dst ← result + scale · dst
  dnnl_post_ops_append_sum: { parameters: ["pointer", "f32"], result: "i32", optional: true },
  // (post ops, algorithm, second operand's memory descriptor struct)
  dnnl_post_ops_append_binary: {
    parameters: ["pointer", "i32", "buffer"],
    result: "i32",
    optional: true,
  },
  dnnl_primitive_desc_create: {
    parameters: ["buffer", "buffer", "pointer", "pointer", "pointer"],
    result: "i32",
    optional: true,
  },
  // (pd, src md, src engine, dst md, dst engine, attr or null)
  dnnl_reorder_primitive_desc_create: {
    parameters: ["buffer", "buffer", "pointer", "buffer", "pointer", "pointer"],
    result: "i32",
  },
  dnnl_primitive_desc_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_primitive_create: { parameters: ["buffer", "pointer"], result: "i32" },
  dnnl_primitive_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_primitive_execute: { parameters: ["pointer", "pointer", "i32", "buffer"], result: "i32" },
  // Row-major: (transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
  dnnl_sgemm: {
    parameters: [
      "u8",
      "u8",
      "i64",
      "i64",
      "i64",
      "f32",
      "buffer",
      "i64",
      "buffer",
      "i64",
      "f32",
      "buffer",
      "i64",
    ],
    result: "i32",
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The opened library. */
export type DNNL = Deno.DynamicLibrary<typeof dnnlSymbols>;

/** The library's version triple. */
export function dnnlVersion(symbols: DNNL["symbols"]): [number, number, number] {
  const v = new Deno.UnsafePointerView(symbols.dnnl_version()!);
  return [v.getInt32(0), v.getInt32(4), v.getInt32(8)];
}

/**
 * Opens oneDNN 2.x or 3.x (KNAP_DNNL, then the platform's names); throws a KnapError for a
 * missing library or another major version.
 */
export function openDNNL(): DNNL {
  const lib = openLibrary(dnnlSpec, dnnlSymbols);
  const [major, minor, patch] = dnnlVersion(lib.symbols);
  const complete = major === 2
    ? lib.symbols.dnnl_eltwise_forward_desc_init !== null &&
      lib.symbols.dnnl_primitive_desc_create !== null
    : major === 3
    ? lib.symbols.dnnl_eltwise_forward_primitive_desc_create !== null &&
      lib.symbols.dnnl_memory_desc_create_with_strides3 !== null
    : false;
  if (!complete) {
    lib.close();
    throw new KnapError(
      `oneDNN ${major}.${minor}.${patch} is not supported: knap binds the 2.x and 3.x C APIs. ` +
        "Set KNAP_DNNL to a 2.x or 3.x library.",
      "unsupported-version",
    );
  }
  return lib;
}

/** dnnl_status_t's values after success, as oneDNN numbers them (3.x's graph ones after). */
const statusNames = [
  "success",
  "out of memory",
  "invalid arguments",
  "unimplemented",
  "no more implementations",
  "runtime error",
  "not required",
];

/** Throws a KnapError carrying oneDNN's status unless it is success. */
export function check(status: number, what: string): void {
  if (status !== dnnl_success) {
    const why = statusNames[status] ?? "unknown status";
    throw new KnapError(
      `oneDNN: ${what} failed: ${why} (status ${status})${
        status === 1 ? "; free memory or use smaller batches" : ""
      }`,
      `dnnl-${status}`,
    );
  }
}

/**
 * Where a C function that makes a handle writes it (`bytes`, its out-parameter), and `take`,
 * which checks the function's status and reads the handle.
 */
export function handleSlot(): {
  readonly bytes: Uint8Array;
  take(status: number, what: string): Deno.PointerValue;
} {
  const out = new BigUint64Array(1);
  return {
    bytes: new Uint8Array(out.buffer),
    take(status, what) {
      check(status, what);
      return Deno.UnsafePointer.create(out[0]);
    },
  };
}

/**
 * Primitive attributes holding a chain of post-ops, each appended by one of `appends` in order
 * (2.x and 3.x name and number those calls differently; the rest is one sequence). The
 * attributes keep their own copy of the post-ops, which are released here.
 */
export function postOpsAttr(
  d: DNNL["symbols"],
  appends: readonly ((postOps: Deno.PointerValue) => number)[],
): Deno.PointerValue {
  const slot = handleSlot();
  const postOps = slot.take(d.dnnl_post_ops_create!(slot.bytes), "post_ops_create");
  try {
    for (const append of appends) check(append(postOps), "post_ops_append");
    const attr = slot.take(d.dnnl_primitive_attr_create!(slot.bytes), "primitive_attr_create");
    try {
      check(d.dnnl_primitive_attr_set_post_ops!(attr, postOps), "primitive_attr_set_post_ops");
    } catch (e) {
      d.dnnl_primitive_attr_destroy!(attr);
      throw e;
    }
    return attr;
  } finally {
    d.dnnl_post_ops_destroy!(postOps);
  }
}

/** Primitive attributes holding one eltwise post-op, which `append` adds. */
export function eltwisePostOpAttr(
  d: DNNL["symbols"],
  append: (postOps: Deno.PointerValue) => number,
): Deno.PointerValue {
  return postOpsAttr(d, [append]);
}

/**
 * oneDNN 3.x's C API where it differs from 2.x: memory descriptors are opaque handles made and
 * destroyed by functions, and each primitive descriptor is made directly from memory
 * descriptors and attributes (no operation descriptors). The symbols are bound under names with
 * a `3` suffix (Deno's `name` field points each at the real one), optional, beside 2.x's; and
 * the algorithm and flag values 3.0 renumbered. Signatures from oneDNN 3.9's `dnnl.h`.
 *
 * @module
 */

const P = "pointer", B = "buffer";

/** oneDNN 3.x's symbols, each optional and bound to its real name. */
export const dnnl3Symbols = {
  // (md out, ndims, dims, data type, strides)
  dnnl_memory_desc_create_with_strides3: {
    name: "dnnl_memory_desc_create_with_strides",
    parameters: [B, "i32", B, "i32", B],
    result: "i32",
    optional: true,
  },
  // (md out, ndims, dims, data type, format tag)
  dnnl_memory_desc_create_with_tag3: {
    name: "dnnl_memory_desc_create_with_tag",
    parameters: [B, "i32", B, "i32", "i32"],
    result: "i32",
    optional: true,
  },
  dnnl_memory_desc_destroy3: {
    name: "dnnl_memory_desc_destroy",
    parameters: [P],
    result: "i32",
    optional: true,
  },
  dnnl_memory_desc_clone3: {
    name: "dnnl_memory_desc_clone",
    parameters: [B, P],
    result: "i32",
    optional: true,
  },
  dnnl_memory_desc_equal3: {
    name: "dnnl_memory_desc_equal",
    parameters: [P, P],
    result: "i32",
    optional: true,
  },
  dnnl_memory_desc_get_size3: {
    name: "dnnl_memory_desc_get_size",
    parameters: [P],
    result: "usize",
    optional: true,
  },
  // (memory out, md, engine, handle)
  dnnl_memory_create3: {
    name: "dnnl_memory_create",
    parameters: [B, P, P, P],
    result: "i32",
    optional: true,
  },
  // (pd out, src md, src engine, dst md, dst engine, attr)
  dnnl_reorder_primitive_desc_create3: {
    name: "dnnl_reorder_primitive_desc_create",
    parameters: [B, P, P, P, P, P],
    result: "i32",
    optional: true,
  },
  // (post ops, scale, zero point, data type): 3.0 added the last two.
  dnnl_post_ops_append_sum3: {
    name: "dnnl_post_ops_append_sum",
    parameters: [P, "f32", "i32", "i32"],
    result: "i32",
    optional: true,
  },
  // (post ops, algorithm, second operand's memory descriptor handle)
  dnnl_post_ops_append_binary3: {
    name: "dnnl_post_ops_append_binary",
    parameters: [P, "i32", P],
    result: "i32",
    optional: true,
  },
  // (post ops, algorithm, alpha, beta): 3.0 dropped the scale.
  dnnl_post_ops_append_eltwise3: {
    name: "dnnl_post_ops_append_eltwise",
    parameters: [P, "i32", "f32", "f32"],
    result: "i32",
    optional: true,
  },
  // (pd out, engine, prop kind, algorithm, src, dst, alpha, beta, attr)
  dnnl_eltwise_forward_primitive_desc_create: {
    parameters: [B, P, "i32", "i32", P, P, "f32", "f32", P],
    result: "i32",
    optional: true,
  },
  // (pd out, engine, algorithm, diff src, diff dst, data, alpha, beta, hint, attr)
  dnnl_eltwise_backward_primitive_desc_create: {
    parameters: [B, P, "i32", P, P, P, "f32", "f32", P, P],
    result: "i32",
    optional: true,
  },
  // (pd out, engine, algorithm, src 0, src 1, dst, attr)
  dnnl_binary_primitive_desc_create: {
    parameters: [B, P, "i32", P, P, P, P],
    result: "i32",
    optional: true,
  },
  // (pd out, engine, src, weights, bias or null, dst, attr)
  dnnl_matmul_primitive_desc_create: {
    parameters: [B, P, P, P, P, P, P],
    result: "i32",
    optional: true,
  },
  // (pd out, engine, prop kind, src, weights, bias or null, dst, attr)
  dnnl_inner_product_forward_primitive_desc_create: {
    parameters: [B, P, "i32", P, P, P, P, P],
    result: "i32",
    optional: true,
  },
  // (pd out, engine, prop kind, algorithm, src, dst, axis, attr)
  dnnl_softmax_forward_primitive_desc_create: {
    parameters: [B, P, "i32", "i32", P, P, "i32", P],
    result: "i32",
    optional: true,
  },
  // (pd out, engine, algorithm, src, dst, p, eps, attr)
  dnnl_reduction_primitive_desc_create: {
    parameters: [B, P, "i32", P, P, "f32", "f32", P],
    result: "i32",
    optional: true,
  },
  // (pd out, engine, prop kind, algorithm, src, weights, bias or null, dst, strides, dilates,
  // padding left, padding right, attr)
  dnnl_convolution_forward_primitive_desc_create: {
    parameters: [B, P, "i32", "i32", P, P, P, P, B, B, B, B, P],
    result: "i32",
    optional: true,
  },
  // (pd out, engine, algorithm, diff src, weights, diff dst, strides, dilates, padding left,
  // right, hint, attr)
  dnnl_convolution_backward_data_primitive_desc_create: {
    parameters: [B, P, "i32", P, P, P, B, B, B, B, P, P],
    result: "i32",
    optional: true,
  },
  // (pd out, engine, algorithm, src, diff weights, diff bias or null, diff dst, strides,
  // dilates, padding left, right, hint, attr)
  dnnl_convolution_backward_weights_primitive_desc_create: {
    parameters: [B, P, "i32", P, P, P, P, B, B, B, B, P, P],
    result: "i32",
    optional: true,
  },
  // (pd out, engine, prop kind, algorithm, src, dst, strides, kernel, dilation, padding left,
  // right, attr)
  dnnl_pooling_forward_primitive_desc_create: {
    parameters: [B, P, "i32", "i32", P, P, B, B, B, B, B, P],
    result: "i32",
    optional: true,
  },
  // (pd out, engine, algorithm, diff src, diff dst, strides, kernel, dilation, padding left,
  // right, hint, attr)
  dnnl_pooling_backward_primitive_desc_create: {
    parameters: [B, P, "i32", P, P, B, B, B, B, B, P, P],
    result: "i32",
    optional: true,
  },
  // (pd out, engine, prop kind, src, dst, epsilon, flags, attr)
  dnnl_batch_normalization_forward_primitive_desc_create: {
    parameters: [B, P, "i32", P, P, "f32", "u32", P],
    result: "i32",
    optional: true,
  },
  // (pd out, engine, prop kind, diff src, diff dst, src, epsilon, flags, hint, attr)
  dnnl_batch_normalization_backward_primitive_desc_create: {
    parameters: [B, P, "i32", P, P, P, "f32", "u32", P, P],
    result: "i32",
    optional: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** Eltwise algorithms as oneDNN 3.x numbers them (dnnl_alg_kind_t). */
export const eltwiseAlg3 = {
  relu: 0x20,
  tanh: 0x21,
  elu: 0x22,
  square: 0x23,
  abs: 0x24,
  sqrt: 0x25,
  linear: 0x26,
  logistic: 0x29,
  exp: 0x2a,
  log: 0x2d,
  clip: 0x2e,
  pow: 0x30,
} as const;

/** 3.x's eltwise algorithms whose backward pass reads the forward output. */
export const eltwiseUseDstAlg3 = { relu: 0x100, tanh: 0x101, elu: 0x102, logistic: 0x104 } as const;

/** 3.x's softmax algorithms. */
export const softmaxAlg3 = { accurate: 0x30000, log: 0x30001 } as const;

/** 3.x's dnnl_normalization_flags_t: 3.0 split scale and shift into bits of their own. */
export const normalizationFlags3 = { globalStats: 0x1, scale: 0x2, shift: 0x4 } as const;

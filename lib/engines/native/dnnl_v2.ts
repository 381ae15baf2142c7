/**
 * `DnnlApi` over oneDNN 2.x: memory descriptors are dnnl_memory_desc_t structs in buffers knap
 * allocates, each primitive an operation descriptor filled by its `*_desc_init` and turned into
 * a primitive descriptor by `dnnl_primitive_desc_create`.
 *
 * @module
 */

import {
  check,
  descBytes,
  type DNNL,
  DNNL_ARG_SRC_1,
  dnnl_format_tag_any,
  dnnlDims,
  eltwiseAlg,
  eltwisePostOpAttr,
  eltwiseUseDstAlg,
  handleSlot,
  memoryDescSize,
  normalizationFlags,
  poolingAlg,
  postOpsAttr,
} from "../../../ffi/dnnl.ts";
import {
  type DnnlApi,
  type EltwiseAlgorithm,
  flagBits,
  type MemoryDesc,
  type OpSpec,
} from "./dnnl_spec.ts";

/** A 2.x memory descriptor: the struct, and its address for pointer parameters. */
const wrap = (bytes: Uint8Array): MemoryDesc => ({ bytes, ptr: Deno.UnsafePointer.of(bytes) });

const bytesOf = (md: MemoryDesc) => md.bytes!;

const eltwiseOf = (a: EltwiseAlgorithm) =>
  a.useDst ? eltwiseUseDstAlg[a.name as keyof typeof eltwiseUseDstAlg] : eltwiseAlg[a.name];

/** The 2.x layer over an opened library. */
export function dnnlV2(d: DNNL["symbols"], version: [number, number, number]): DnnlApi {
  const { bytes: outBytes, take: pointerOut } = handleSlot();
  /** An operation descriptor filled by init, as an OpSpec. */
  const spec = (size: number, what: string, init: (desc: Uint8Array) => number): OpSpec => {
    const desc = new Uint8Array(size);
    check(init(desc), what);
    return (engine, hint, attr) =>
      pointerOut(d.dnnl_primitive_desc_create!(outBytes, desc, attr, engine, hint), what);
  };

  const present = {
    matmul: d.dnnl_matmul_desc_init,
    innerProduct: d.dnnl_inner_product_forward_desc_init,
    softmax: d.dnnl_softmax_forward_desc_init,
    reduction: d.dnnl_reduction_desc_init,
    convolution: d.dnnl_dilated_convolution_forward_desc_init,
    pooling: d.dnnl_pooling_forward_desc_init,
    batchNorm: d.dnnl_batch_normalization_forward_desc_init,
  };
  return {
    version,
    has: (primitive) => present[primitive] !== null,
    shiftInBackward: true,
    memoryDesc(shape, strides, type) {
      const md = new Uint8Array(descBytes.memory);
      check(
        d.dnnl_memory_desc_init_by_strides!(
          md,
          shape.length,
          dnnlDims(shape),
          type,
          dnnlDims(strides),
        ),
        "memory_desc_init_by_strides",
      );
      return wrap(md);
    },
    anyDesc(shape, type) {
      const md = new Uint8Array(descBytes.memory);
      check(
        d.dnnl_memory_desc_init_by_tag!(
          md,
          shape.length,
          dnnlDims(shape),
          type,
          dnnl_format_tag_any,
        ),
        "memory_desc_init_by_tag",
      );
      return wrap(md);
    },
    queryMd(pd, query) {
      const at = d.dnnl_primitive_desc_query_md(pd, query, 0);
      if (at === null) throw new Error(`oneDNN has no memory descriptor for query ${query}`);
      const md = new Uint8Array(descBytes.memory);
      md.set(new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(at, memoryDescSize)));
      return wrap(md);
    },
    equal: (a, b) => d.dnnl_memory_desc_equal(bytesOf(a), bytesOf(b)) !== 0,
    sizeOf: (md) => Number(d.dnnl_memory_desc_get_size(bytesOf(md))),
    memoryCreate: (md, engine) =>
      pointerOut(d.dnnl_memory_create(outBytes, bytesOf(md), engine, null), "memory_create"),
    reorder: (src, dst, engine, attr = null) =>
      pointerOut(
        d.dnnl_reorder_primitive_desc_create(
          outBytes,
          bytesOf(src),
          engine,
          bytesOf(dst),
          engine,
          attr,
        ),
        "reorder_primitive_desc_create",
      ),
    postOpAttr: (alg, alpha, beta) =>
      eltwisePostOpAttr(
        d,
        (postOps) => d.dnnl_post_ops_append_eltwise!(postOps, 1, eltwiseAlg[alg], alpha, beta),
      ),
    postOpsAttr: (chain) =>
      postOpsAttr(
        d,
        chain.map((op) => (postOps: Deno.PointerValue) =>
          "sum" in op
            ? d.dnnl_post_ops_append_sum!(postOps, op.sum)
            : "eltwise" in op
            ? d.dnnl_post_ops_append_eltwise!(postOps, 1, eltwiseAlg[op.eltwise], op.alpha, op.beta)
            : d.dnnl_post_ops_append_binary!(postOps, op.binary, bytesOf(op.md))
        ),
      ),
    // DNNL_ARG_ATTR_MULTIPLE_POST_OP(index) | DNNL_ARG_SRC_1: the base is 16384 in this version.
    postOpArg: (index) => 16384 * (index + 1) | DNNL_ARG_SRC_1,
    destroyAttr: (attr) => void d.dnnl_primitive_attr_destroy!(attr),
    eltwiseForward: (prop, alg, md, alpha, beta) =>
      spec(
        descBytes.eltwise,
        "eltwise_forward_desc_init",
        (desc) =>
          d.dnnl_eltwise_forward_desc_init!(desc, prop, eltwiseOf(alg), bytesOf(md), alpha, beta),
      ),
    eltwiseBackward: (alg, md, alpha, beta) =>
      spec(
        descBytes.eltwise,
        "eltwise_backward_desc_init",
        (desc) =>
          d.dnnl_eltwise_backward_desc_init!(
            desc,
            eltwiseOf(alg),
            bytesOf(md),
            bytesOf(md),
            alpha,
            beta,
          ),
      ),
    binary: (alg, a, b, dst) =>
      spec(
        descBytes.binary,
        "binary_desc_init",
        (desc) => d.dnnl_binary_desc_init!(desc, alg, bytesOf(a), bytesOf(b), bytesOf(dst)),
      ),
    matmul: (src, weights, dst) =>
      spec(
        descBytes.matmul,
        "matmul_desc_init",
        (desc) =>
          d.dnnl_matmul_desc_init!(desc, bytesOf(src), bytesOf(weights), null, bytesOf(dst)),
      ),
    innerProduct: (prop, src, weights, bias, dst) =>
      spec(
        descBytes.innerProduct,
        "inner_product_forward_desc_init",
        (desc) =>
          d.dnnl_inner_product_forward_desc_init!(
            desc,
            prop,
            bytesOf(src),
            bytesOf(weights),
            bytesOf(bias),
            bytesOf(dst),
          ),
      ),
    softmax: (log, prop, md, axis) =>
      spec(
        descBytes.softmax,
        "softmax_forward_desc_init",
        (desc) =>
          (log ? d.dnnl_logsoftmax_forward_desc_init! : d.dnnl_softmax_forward_desc_init!)(
            desc,
            prop,
            bytesOf(md),
            axis,
          ),
      ),
    reduction: (alg, src, dst) =>
      spec(
        descBytes.reduction,
        "reduction_desc_init",
        (desc) => d.dnnl_reduction_desc_init!(desc, alg, bytesOf(src), bytesOf(dst), 0, 0),
      ),
    convolutionForward: (prop, src, weights, bias, dst, g) =>
      spec(
        descBytes.convolution,
        "convolution forward desc_init",
        (desc) =>
          d.dnnl_dilated_convolution_forward_desc_init!(
            desc,
            prop,
            0x1,
            bytesOf(src),
            bytesOf(weights),
            bias === undefined ? null : bias.ptr,
            bytesOf(dst),
            ...g,
          ),
      ),
    convolutionBackwardData: (diffSrc, weights, diffDst, g) =>
      spec(
        descBytes.convolution,
        "convolution backwardData desc_init",
        (desc) =>
          d.dnnl_dilated_convolution_backward_data_desc_init!(
            desc,
            0x1,
            bytesOf(diffSrc),
            bytesOf(weights),
            bytesOf(diffDst),
            ...g,
          ),
      ),
    convolutionBackwardWeights: (src, diffWeights, diffBias, diffDst, g) =>
      spec(
        descBytes.convolution,
        "convolution backwardWeights desc_init",
        (desc) =>
          d.dnnl_dilated_convolution_backward_weights_desc_init!(
            desc,
            0x1,
            bytesOf(src),
            bytesOf(diffWeights),
            diffBias === undefined ? null : diffBias.ptr,
            bytesOf(diffDst),
            ...g,
          ),
      ),
    poolingForward: (prop, alg, src, dst, g) =>
      spec(
        descBytes.pooling,
        "pooling_forward_desc_init",
        (desc) =>
          d.dnnl_pooling_forward_desc_init!(
            desc,
            prop,
            poolingAlg[alg],
            bytesOf(src),
            bytesOf(dst),
            ...g,
          ),
      ),
    poolingBackward: (alg, diffSrc, diffDst, g) =>
      spec(
        descBytes.pooling,
        "pooling_backward_desc_init",
        (desc) =>
          d.dnnl_pooling_backward_desc_init!(
            desc,
            poolingAlg[alg],
            bytesOf(diffSrc),
            bytesOf(diffDst),
            ...g,
          ),
      ),
    batchNormForward: (prop, md, epsilon, flags) =>
      spec(
        descBytes.batchNormalization,
        "batch_normalization_forward_desc_init",
        (desc) =>
          d.dnnl_batch_normalization_forward_desc_init!(
            desc,
            prop,
            bytesOf(md),
            epsilon,
            flagBits(flags, normalizationFlags),
          ),
      ),
    batchNormBackward: (prop, diff, md, epsilon, flags) =>
      spec(
        descBytes.batchNormalization,
        "batch_normalization_backward_desc_init",
        (desc) =>
          d.dnnl_batch_normalization_backward_desc_init!(
            desc,
            prop,
            bytesOf(diff),
            bytesOf(md),
            epsilon,
            flagBits(flags, normalizationFlags),
          ),
      ),
  };
}

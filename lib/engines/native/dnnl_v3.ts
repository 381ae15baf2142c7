/**
 * `DnnlApi` over oneDNN 3.x: memory descriptors are opaque handles (destroyed when their wrapper
 * is collected), each primitive descriptor made by the primitive's own `*_primitive_desc_create`
 * from memory descriptors, a forward hint and attributes.
 *
 * @module
 */

import {
  type DNNL,
  DNNL_ARG_SRC_1,
  dnnl_format_tag_any,
  dnnlDims,
  eltwisePostOpAttr,
  handleSlot,
  poolingAlg,
  postOpsAttr,
} from "../../../ffi/dnnl.ts";
import {
  eltwiseAlg3,
  eltwiseUseDstAlg3,
  normalizationFlags3,
  softmaxAlg3,
} from "../../../ffi/dnnl3.ts";
import {
  type DnnlApi,
  type EltwiseAlgorithm,
  flagBits,
  type MemoryDesc,
  type OpSpec,
} from "./dnnl_spec.ts";

/** 3.0's dilation argument of pooling: no gaps. */
const noDilation = dnnlDims([]);

const eltwiseOf = (a: EltwiseAlgorithm) =>
  a.useDst ? eltwiseUseDstAlg3[a.name as keyof typeof eltwiseUseDstAlg3] : eltwiseAlg3[a.name];

/** The 3.x layer over an opened library. */
export function dnnlV3(d: DNNL["symbols"], version: [number, number, number]): DnnlApi {
  const { bytes: outBytes, take: pointerOut } = handleSlot();
  // A handle lives as long as its wrapper: memory objects and primitives keep their own copies.
  const handles = new FinalizationRegistry<bigint>((h) =>
    d.dnnl_memory_desc_destroy3!(Deno.UnsafePointer.create(h))
  );
  const wrap = (ptr: Deno.PointerValue): MemoryDesc => {
    const md = { ptr };
    handles.register(md, BigInt(Deno.UnsafePointer.value(ptr)));
    return md;
  };
  const spec = (
    what: string,
    make: (engine: Deno.PointerValue, hint: Deno.PointerValue, attr: Deno.PointerValue) => number,
  ): OpSpec =>
  (engine, hint, attr) => pointerOut(make(engine, hint, attr), what);

  return {
    version,
    // 3.0 has every primitive knap uses.
    has: () => true,
    shiftInBackward: false,
    memoryDesc: (shape, strides, type) =>
      wrap(
        pointerOut(
          d.dnnl_memory_desc_create_with_strides3!(
            outBytes,
            shape.length,
            dnnlDims(shape),
            type,
            dnnlDims(strides),
          ),
          "memory_desc_create_with_strides",
        ),
      ),
    anyDesc: (shape, type) =>
      wrap(
        pointerOut(
          d.dnnl_memory_desc_create_with_tag3!(
            outBytes,
            shape.length,
            dnnlDims(shape),
            type,
            dnnl_format_tag_any,
          ),
          "memory_desc_create_with_tag",
        ),
      ),
    queryMd(pd, query) {
      const at = d.dnnl_primitive_desc_query_md(pd, query, 0);
      if (at === null) throw new Error(`oneDNN has no memory descriptor for query ${query}`);
      // The descriptor belongs to pd: a clone outlives it.
      return wrap(pointerOut(d.dnnl_memory_desc_clone3!(outBytes, at), "memory_desc_clone"));
    },
    equal: (a, b) => d.dnnl_memory_desc_equal3!(a.ptr, b.ptr) !== 0,
    sizeOf: (md) => Number(d.dnnl_memory_desc_get_size3!(md.ptr)),
    memoryCreate: (md, engine) =>
      pointerOut(d.dnnl_memory_create3!(outBytes, md.ptr, engine, null), "memory_create"),
    reorder: (src, dst, engine, attr = null) =>
      pointerOut(
        d.dnnl_reorder_primitive_desc_create3!(outBytes, src.ptr, engine, dst.ptr, engine, attr),
        "reorder_primitive_desc_create",
      ),
    postOpAttr: (alg, alpha, beta) =>
      eltwisePostOpAttr(
        d,
        (postOps) => d.dnnl_post_ops_append_eltwise3!(postOps, eltwiseAlg3[alg], alpha, beta),
      ),
    postOpsAttr: (chain) =>
      postOpsAttr(
        d,
        chain.map((op) => (postOps: Deno.PointerValue) =>
          "sum" in op
            ? d.dnnl_post_ops_append_sum3!(postOps, op.sum, 0, 0)
            : "eltwise" in op
            ? d.dnnl_post_ops_append_eltwise3!(postOps, eltwiseAlg3[op.eltwise], op.alpha, op.beta)
            : d.dnnl_post_ops_append_binary3!(postOps, op.binary, op.md.ptr)
        ),
      ),
    // DNNL_ARG_ATTR_MULTIPLE_POST_OP(index) | DNNL_ARG_SRC_1: the base is 32768 in this version.
    postOpArg: (index) => 32768 * (index + 1) | DNNL_ARG_SRC_1,
    destroyAttr: (attr) => void d.dnnl_primitive_attr_destroy!(attr),
    eltwiseForward: (prop, alg, md, alpha, beta) =>
      spec(
        "eltwise_forward_primitive_desc_create",
        (engine, _hint, attr) =>
          d.dnnl_eltwise_forward_primitive_desc_create!(
            outBytes,
            engine,
            prop,
            eltwiseOf(alg),
            md.ptr,
            md.ptr,
            alpha,
            beta,
            attr,
          ),
      ),
    eltwiseBackward: (alg, md, alpha, beta) =>
      spec(
        "eltwise_backward_primitive_desc_create",
        (engine, hint, attr) =>
          d.dnnl_eltwise_backward_primitive_desc_create!(
            outBytes,
            engine,
            eltwiseOf(alg),
            md.ptr,
            md.ptr,
            md.ptr,
            alpha,
            beta,
            hint,
            attr,
          ),
      ),
    binary: (alg, a, b, dst) =>
      spec(
        "binary_primitive_desc_create",
        (engine, _hint, attr) =>
          d.dnnl_binary_primitive_desc_create!(outBytes, engine, alg, a.ptr, b.ptr, dst.ptr, attr),
      ),
    matmul: (src, weights, dst) =>
      spec(
        "matmul_primitive_desc_create",
        (engine, _hint, attr) =>
          d.dnnl_matmul_primitive_desc_create!(
            outBytes,
            engine,
            src.ptr,
            weights.ptr,
            null,
            dst.ptr,
            attr,
          ),
      ),
    innerProduct: (prop, src, weights, bias, dst) =>
      spec(
        "inner_product_forward_primitive_desc_create",
        (engine, _hint, attr) =>
          d.dnnl_inner_product_forward_primitive_desc_create!(
            outBytes,
            engine,
            prop,
            src.ptr,
            weights.ptr,
            bias.ptr,
            dst.ptr,
            attr,
          ),
      ),
    softmax: (log, prop, md, axis) =>
      spec(
        "softmax_forward_primitive_desc_create",
        (engine, _hint, attr) =>
          d.dnnl_softmax_forward_primitive_desc_create!(
            outBytes,
            engine,
            prop,
            log ? softmaxAlg3.log : softmaxAlg3.accurate,
            md.ptr,
            md.ptr,
            axis,
            attr,
          ),
      ),
    reduction: (alg, src, dst) =>
      spec(
        "reduction_primitive_desc_create",
        (engine, _hint, attr) =>
          d.dnnl_reduction_primitive_desc_create!(
            outBytes,
            engine,
            alg,
            src.ptr,
            dst.ptr,
            0,
            0,
            attr,
          ),
      ),
    convolutionForward: (prop, src, weights, bias, dst, g) =>
      spec(
        "convolution_forward_primitive_desc_create",
        (engine, _hint, attr) =>
          d.dnnl_convolution_forward_primitive_desc_create!(
            outBytes,
            engine,
            prop,
            0x1,
            src.ptr,
            weights.ptr,
            bias === undefined ? null : bias.ptr,
            dst.ptr,
            ...g,
            attr,
          ),
      ),
    convolutionBackwardData: (diffSrc, weights, diffDst, g) =>
      spec(
        "convolution_backward_data_primitive_desc_create",
        (engine, hint, attr) =>
          d.dnnl_convolution_backward_data_primitive_desc_create!(
            outBytes,
            engine,
            0x1,
            diffSrc.ptr,
            weights.ptr,
            diffDst.ptr,
            ...g,
            hint,
            attr,
          ),
      ),
    convolutionBackwardWeights: (src, diffWeights, diffBias, diffDst, g) =>
      spec(
        "convolution_backward_weights_primitive_desc_create",
        (engine, hint, attr) =>
          d.dnnl_convolution_backward_weights_primitive_desc_create!(
            outBytes,
            engine,
            0x1,
            src.ptr,
            diffWeights.ptr,
            diffBias === undefined ? null : diffBias.ptr,
            diffDst.ptr,
            ...g,
            hint,
            attr,
          ),
      ),
    poolingForward: (prop, alg, src, dst, [strides, kernel, padL, padR]) =>
      spec(
        "pooling_forward_primitive_desc_create",
        (engine, _hint, attr) =>
          d.dnnl_pooling_forward_primitive_desc_create!(
            outBytes,
            engine,
            prop,
            poolingAlg[alg],
            src.ptr,
            dst.ptr,
            strides,
            kernel,
            noDilation,
            padL,
            padR,
            attr,
          ),
      ),
    poolingBackward: (alg, diffSrc, diffDst, [strides, kernel, padL, padR]) =>
      spec(
        "pooling_backward_primitive_desc_create",
        (engine, hint, attr) =>
          d.dnnl_pooling_backward_primitive_desc_create!(
            outBytes,
            engine,
            poolingAlg[alg],
            diffSrc.ptr,
            diffDst.ptr,
            strides,
            kernel,
            noDilation,
            padL,
            padR,
            hint,
            attr,
          ),
      ),
    batchNormForward: (prop, md, epsilon, flags) =>
      spec(
        "batch_normalization_forward_primitive_desc_create",
        (engine, _hint, attr) =>
          d.dnnl_batch_normalization_forward_primitive_desc_create!(
            outBytes,
            engine,
            prop,
            md.ptr,
            md.ptr,
            epsilon,
            flagBits(flags, normalizationFlags3),
            attr,
          ),
      ),
    batchNormBackward: (prop, diff, md, epsilon, flags) =>
      spec(
        "batch_normalization_backward_primitive_desc_create",
        (engine, hint, attr) =>
          d.dnnl_batch_normalization_backward_primitive_desc_create!(
            outBytes,
            engine,
            prop,
            diff.ptr,
            diff.ptr,
            md.ptr,
            epsilon,
            flagBits(flags, normalizationFlags3),
            hint,
            attr,
          ),
      ),
  };
}

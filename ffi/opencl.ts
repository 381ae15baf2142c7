/**
 * OpenCL through Deno FFI: the API calls knap makes (OpenCL 1.2, which every ICD offers), the
 * constants they take, the names of the error codes, and how the ICD loader is found. Symbol
 * tables only; `lib/engines/opencl/` wraps them with checks.
 *
 * @module
 */

import { type LibrarySpec, openLibrary } from "./load.ts";

/** Where the OpenCL ICD loader lives; an ICD (the driver, or PoCL on the CPU) comes separately. */
const openclSpec: LibrarySpec = {
  name: "OpenCL",
  env: "KNAP_OPENCL",
  names: {
    linux: ["libOpenCL.so.1", "libOpenCL.so"],
    darwin: ["/System/Library/Frameworks/OpenCL.framework/OpenCL"],
    windows: ["OpenCL.dll"],
  },
  install: "Debian/Ubuntu: apt install ocl-icd-libopencl1 and a driver's ICD, such as " +
    "pocl-opencl-icd for the CPU",
};

/** The OpenCL constants knap passes. */
export const CL = {
  DEVICE_TYPE_GPU: 1n << 2n,
  DEVICE_TYPE_ALL: 0xFFFFFFFFn,
  PLATFORM_NAME: 0x0902,
  DEVICE_TYPE: 0x1000,
  DEVICE_MAX_WORK_GROUP_SIZE: 0x1004,
  DEVICE_MAX_MEM_ALLOC_SIZE: 0x1010,
  DEVICE_NAME: 0x102B,
  DEVICE_DOUBLE_FP_CONFIG: 0x1032,
  MEM_READ_WRITE: 1n,
  PROGRAM_BUILD_LOG: 0x1183,
  TRUE: 1,
  FALSE: 0,
} as const;

/** The names of OpenCL's error codes, for messages. */
export const clErrors: ReadonlyMap<number, string> = new Map([
  [0, "CL_SUCCESS"],
  [-1, "CL_DEVICE_NOT_FOUND"],
  [-2, "CL_DEVICE_NOT_AVAILABLE"],
  [-3, "CL_COMPILER_NOT_AVAILABLE"],
  [-4, "CL_MEM_OBJECT_ALLOCATION_FAILURE"],
  [-5, "CL_OUT_OF_RESOURCES"],
  [-6, "CL_OUT_OF_HOST_MEMORY"],
  [-7, "CL_PROFILING_INFO_NOT_AVAILABLE"],
  [-8, "CL_MEM_COPY_OVERLAP"],
  [-9, "CL_IMAGE_FORMAT_MISMATCH"],
  [-10, "CL_IMAGE_FORMAT_NOT_SUPPORTED"],
  [-11, "CL_BUILD_PROGRAM_FAILURE"],
  [-12, "CL_MAP_FAILURE"],
  [-13, "CL_MISALIGNED_SUB_BUFFER_OFFSET"],
  [-14, "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST"],
  [-15, "CL_COMPILE_PROGRAM_FAILURE"],
  [-16, "CL_LINKER_NOT_AVAILABLE"],
  [-17, "CL_LINK_PROGRAM_FAILURE"],
  [-18, "CL_DEVICE_PARTITION_FAILED"],
  [-19, "CL_KERNEL_ARG_INFO_NOT_AVAILABLE"],
  [-30, "CL_INVALID_VALUE"],
  [-31, "CL_INVALID_DEVICE_TYPE"],
  [-32, "CL_INVALID_PLATFORM"],
  [-33, "CL_INVALID_DEVICE"],
  [-34, "CL_INVALID_CONTEXT"],
  [-35, "CL_INVALID_QUEUE_PROPERTIES"],
  [-36, "CL_INVALID_COMMAND_QUEUE"],
  [-37, "CL_INVALID_HOST_PTR"],
  [-38, "CL_INVALID_MEM_OBJECT"],
  [-39, "CL_INVALID_IMAGE_FORMAT_DESCRIPTOR"],
  [-40, "CL_INVALID_IMAGE_SIZE"],
  [-41, "CL_INVALID_SAMPLER"],
  [-42, "CL_INVALID_BINARY"],
  [-43, "CL_INVALID_BUILD_OPTIONS"],
  [-44, "CL_INVALID_PROGRAM"],
  [-45, "CL_INVALID_PROGRAM_EXECUTABLE"],
  [-46, "CL_INVALID_KERNEL_NAME"],
  [-47, "CL_INVALID_KERNEL_DEFINITION"],
  [-48, "CL_INVALID_KERNEL"],
  [-49, "CL_INVALID_ARG_INDEX"],
  [-50, "CL_INVALID_ARG_VALUE"],
  [-51, "CL_INVALID_ARG_SIZE"],
  [-52, "CL_INVALID_KERNEL_ARGS"],
  [-53, "CL_INVALID_WORK_DIMENSION"],
  [-54, "CL_INVALID_WORK_GROUP_SIZE"],
  [-55, "CL_INVALID_WORK_ITEM_SIZE"],
  [-56, "CL_INVALID_GLOBAL_OFFSET"],
  [-57, "CL_INVALID_EVENT_WAIT_LIST"],
  [-58, "CL_INVALID_EVENT"],
  [-59, "CL_INVALID_OPERATION"],
  [-60, "CL_INVALID_GL_OBJECT"],
  [-61, "CL_INVALID_BUFFER_SIZE"],
  [-62, "CL_INVALID_MIP_LEVEL"],
  [-63, "CL_INVALID_GLOBAL_WORK_SIZE"],
  [-64, "CL_INVALID_PROPERTY"],
  [-65, "CL_INVALID_IMAGE_DESCRIPTOR"],
  [-66, "CL_INVALID_COMPILER_OPTIONS"],
  [-67, "CL_INVALID_LINKER_OPTIONS"],
  [-68, "CL_INVALID_DEVICE_PARTITION_COUNT"],
  [-69, "CL_INVALID_PIPE_SIZE"],
  [-70, "CL_INVALID_DEVICE_QUEUE"],
  [-71, "CL_INVALID_SPEC_ID"],
  [-72, "CL_MAX_SIZE_RESTRICTION_EXCEEDED"],
]);

/** The OpenCL 1.2 entry points knap binds. Handles are pointers; sizes are size_t (usize). */
const openclSymbols = {
  clGetPlatformIDs: { parameters: ["u32", "buffer", "buffer"], result: "i32" },
  clGetPlatformInfo: { parameters: ["pointer", "u32", "usize", "buffer", "buffer"], result: "i32" },
  clGetDeviceIDs: { parameters: ["pointer", "u64", "u32", "buffer", "buffer"], result: "i32" },
  clGetDeviceInfo: { parameters: ["pointer", "u32", "usize", "buffer", "buffer"], result: "i32" },
  clCreateContext: {
    parameters: ["pointer", "u32", "buffer", "pointer", "pointer", "buffer"],
    result: "pointer",
  },
  clReleaseContext: { parameters: ["pointer"], result: "i32" },
  clCreateCommandQueue: {
    parameters: ["pointer", "pointer", "u64", "buffer"],
    result: "pointer",
  },
  clReleaseCommandQueue: { parameters: ["pointer"], result: "i32" },
  clCreateBuffer: {
    parameters: ["pointer", "u64", "usize", "pointer", "buffer"],
    result: "pointer",
  },
  clReleaseMemObject: { parameters: ["pointer"], result: "i32" },
  clEnqueueWriteBuffer: {
    parameters: [
      "pointer",
      "pointer",
      "u32",
      "usize",
      "usize",
      "buffer",
      "u32",
      "pointer",
      "pointer",
    ],
    result: "i32",
  },
  clEnqueueReadBuffer: {
    parameters: [
      "pointer",
      "pointer",
      "u32",
      "usize",
      "usize",
      "buffer",
      "u32",
      "pointer",
      "buffer",
    ],
    result: "i32",
  },
  clEnqueueFillBuffer: {
    parameters: [
      "pointer",
      "pointer",
      "buffer",
      "usize",
      "usize",
      "usize",
      "u32",
      "pointer",
      "pointer",
    ],
    result: "i32",
  },
  clCreateProgramWithSource: {
    parameters: ["pointer", "u32", "buffer", "buffer", "buffer"],
    result: "pointer",
  },
  clBuildProgram: {
    parameters: ["pointer", "u32", "buffer", "buffer", "pointer", "pointer"],
    result: "i32",
  },
  clGetProgramBuildInfo: {
    parameters: ["pointer", "pointer", "u32", "usize", "buffer", "buffer"],
    result: "i32",
  },
  clReleaseProgram: { parameters: ["pointer"], result: "i32" },
  clCreateKernel: { parameters: ["pointer", "buffer", "buffer"], result: "pointer" },
  clReleaseKernel: { parameters: ["pointer"], result: "i32" },
  clSetKernelArg: { parameters: ["pointer", "u32", "usize", "buffer"], result: "i32" },
  clEnqueueNDRangeKernel: {
    parameters: [
      "pointer",
      "pointer",
      "u32",
      "pointer",
      "buffer",
      "buffer",
      "u32",
      "pointer",
      "pointer",
    ],
    result: "i32",
  },
  clFlush: { parameters: ["pointer"], result: "i32" },
  clFinish: { parameters: ["pointer"], result: "i32" },
  /** The same call on a worker thread: a promise that settles when the queue is done. */
  clFinishAsync: { name: "clFinish", parameters: ["pointer"], result: "i32", nonblocking: true },
  clWaitForEventsAsync: {
    name: "clWaitForEvents",
    parameters: ["u32", "buffer"],
    result: "i32",
    nonblocking: true,
  },
  clReleaseEvent: { parameters: ["pointer"], result: "i32" },
} as const;

/** The opened OpenCL library. */
export type OpenCL = Deno.DynamicLibrary<typeof openclSymbols>["symbols"];

/** Opens the ICD loader, or throws a KnapError naming it and its package. */
export function openOpenCL(): OpenCL {
  return openLibrary(openclSpec, openclSymbols).symbols;
}

/**
 * The CUDA runtime under the engine: the device's primary context and a stream of knap's own (or
 * the caller's); device memory; kernels compiled from the shared C sources by NVRTC for the
 * device's architecture once and kept; launches with their arguments packed; and transfers.
 * Every status other than success becomes a KnapError with the code's name (a failed compile
 * carries NVRTC's log); running out of memory is such an error, never a crash.
 *
 * Work is queued on the stream; reads and `synchronize` record an event after it and poll the
 * event between turns of the event loop (a context is current only on the thread that set it, so
 * no worker thread calls CUDA), and the main thread never blocks on the device. Freed memory is
 * given back once the stream is past its last use: `cuMemFree` would not wait.
 *
 * @module
 */

import { KnapError } from "../../core/errors.ts";
import { CU_ATTRIBUTE, type Cuda, cuErrors } from "../../../ffi/cuda.ts";
import { type Nvrtc, nvrtcErrors } from "../../../ffi/nvrtc.ts";
import { QueueHold } from "../kernelc/queue_hold.ts";
import { helpers, type KernelArg, type KernelRuntime } from "../kernelc/runtime.ts";

/** A CUDA allocation: its device address and size. */
export interface CuBuffer {
  /** The device address. */
  readonly ptr: bigint;
  /** Its size in bytes. */
  readonly bytes: number;
}

/** Throws a KnapError for a CUDA status other than success. */
export function cuCheck(status: number, what: string): void {
  if (status !== 0) {
    const name = cuErrors.get(status) ?? "an unknown CUDA error";
    throw new KnapError(
      `cuda: ${what} failed with ${name} (${status})`,
      status === 2 ? "out-of-memory" : "cuda",
    );
  }
}

/** The kernels' macros in CUDA C (NVRTC has no standard headers: the constants are spelled out). */
const macros = `
#define KERNEL extern "C" __global__ void
#define WG_KERNEL(n) extern "C" __global__ void __launch_bounds__(n)
#define GLOBAL
#define SHARED __shared__
#define SYNC __syncthreads()
#define GID ((long)blockIdx.x * blockDim.x + threadIdx.x)
#define GSIZE ((long)gridDim.x * blockDim.x)
#define LID ((int)threadIdx.x)
#define GROUP ((long)blockIdx.x)
#define FN __device__ inline
#define MULHI __umulhi
#define UINT4(a, b, c, d) make_uint4(a, b, c, d)
#define UINT2(a, b) make_uint2(a, b)
#define INFINITY __int_as_float(0x7f800000)
#define NAN __int_as_float(0x7fffffff)
#define LONG_MAX 0x7fffffffffffffffL
typedef unsigned int uint;
typedef unsigned long ulong;
`;

/** OpenCL builtins the kernels use that CUDA C lacks, for T. */
const builtins = `
FN T sign(T x) { return x > (T)0 ? (T)1 : x < (T)0 ? (T)-1 : x; }
FN T clamp(T x, T lo, T hi) { return fmin(fmax(x, lo), hi); }
`;

/** The kernels' header in CUDA C for T = float or double. */
export function cudaPrelude(double: boolean): string {
  return `${macros}typedef ${double ? "double" : "float"} T;\n${helpers}${builtins}`;
}

/** Queued writes (or frees) held before one waits for the stream instead. */
const PENDING_LIMIT = 256;

/** What the runtime found about its device. */
export interface CuDeviceInfo {
  /** The device's name, such as "NVIDIA H200". */
  readonly name: string;
  /** Compute capability, major·10 + minor (90 for Hopper). */
  readonly arch: number;
  /** Streaming multiprocessors. */
  readonly sms: number;
  /** Total memory in bytes. */
  readonly memory: number;
  /** The largest allocation knap makes: the device's memory. */
  readonly maxAlloc: number;
  /** Every CUDA device computes in double precision. */
  readonly fp64: true;
}

/** One device's context, stream, modules and memory. */
export class CuRuntime implements KernelRuntime {
  readonly cu: Cuda;
  readonly nvrtc: Nvrtc;
  readonly device: number;
  readonly context: Deno.PointerObject;
  readonly stream: Deno.PointerObject;
  readonly info: CuDeviceInfo;
  /** Whether `T` is double: set by the engine for its dtype. */
  double = false;
  readonly #functions = new Map<string, Deno.PointerObject>();
  readonly #modules: Deno.PointerObject[] = [];
  readonly #scratch = new Set<CuBuffer>();
  /** Host bytes of queued writes, and frees waiting for the stream. */
  readonly #inflight = new QueueHold<Uint8Array>();
  readonly #freed = new QueueHold<CuBuffer>();
  readonly #ownsStream: boolean;
  #released = false;

  constructor(cu: Cuda, nvrtc: Nvrtc, device: number, stream?: Deno.PointerObject) {
    this.cu = cu;
    this.nvrtc = nvrtc;
    this.device = device;
    const int = new Int32Array(1);
    const attribute = (a: number) => {
      cuCheck(cu.cuDeviceGetAttribute(int, a, device), "cuDeviceGetAttribute");
      return int[0];
    };
    const name = new Uint8Array(256);
    cuCheck(cu.cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
    const memory = new BigUint64Array(1);
    cuCheck(cu.cuDeviceTotalMem_v2(memory, device), "cuDeviceTotalMem");
    this.info = {
      name: new TextDecoder().decode(name.subarray(0, name.indexOf(0))),
      arch: 10 * attribute(CU_ATTRIBUTE.COMPUTE_CAPABILITY_MAJOR) +
        attribute(CU_ATTRIBUTE.COMPUTE_CAPABILITY_MINOR),
      sms: attribute(CU_ATTRIBUTE.MULTIPROCESSOR_COUNT),
      memory: Number(memory[0]),
      maxAlloc: Number(memory[0]),
      fp64: true,
    };
    const handle = new BigUint64Array(1);
    cuCheck(cu.cuDevicePrimaryCtxRetain(handle, device), "cuDevicePrimaryCtxRetain");
    this.context = Deno.UnsafePointer.create(handle[0])!;
    cuCheck(cu.cuCtxSetCurrent(this.context), "cuCtxSetCurrent");
    this.#ownsStream = stream === undefined;
    if (stream === undefined) {
      cuCheck(cu.cuStreamCreate(handle, 1 /* CU_STREAM_NON_BLOCKING */), "cuStreamCreate");
      this.stream = Deno.UnsafePointer.create(handle[0])!;
    } else {
      this.stream = stream;
    }
  }

  /** The kernels' header in CUDA C. */
  prelude(_wide = false): string {
    return cudaPrelude(this.double);
  }

  /** Zero-filled device memory of `bytes` (at least 4). */
  buffer(bytes: number): CuBuffer {
    const size = Math.max(bytes, 4);
    const ptr = new BigUint64Array(1);
    let status = this.cu.cuMemAlloc_v2(ptr, BigInt(size));
    if (status === 2 /* out of memory */ && this.#freed.length > 0) {
      // Memory freed but not yet given back: wait for the stream, give it back, try again.
      this.#settle();
      status = this.cu.cuMemAlloc_v2(ptr, BigInt(size));
    }
    cuCheck(status, `cuMemAlloc(${size} bytes)`);
    cuCheck(this.cu.cuMemsetD8Async(ptr[0], 0, BigInt(size), this.stream), "cuMemsetD8Async");
    return { ptr: ptr[0], bytes: size };
  }

  /** A buffer of the engine's own, freed with the runtime. */
  scratch(bytes: number): CuBuffer {
    const b = this.buffer(bytes);
    this.#scratch.add(b);
    return b;
  }

  /**
   * Frees memory once the stream's queued work, which may still use it, is done: after the next
   * `synchronize` (or read), or at once after a wait when many frees have piled up.
   */
  free(b: CuBuffer): void {
    this.#scratch.delete(b);
    this.#freed.hold(b);
    if (this.#freed.length > PENDING_LIMIT) this.#settle();
  }

  /**
   * Data into b at byte offset `at`, queued on the stream without waiting for its work. The host
   * bytes stay referenced until a later `synchronize` or read has seen the stream get past them;
   * `handoff` says the caller will not touch `data` again, else it is copied first.
   */
  write(b: CuBuffer, at: number, data: ArrayBufferView, handoff = false): void {
    if (at + data.byteLength > b.bytes) {
      throw new RangeError(`cuda: a write of ${data.byteLength} bytes at ${at} passes the buffer`);
    }
    const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const bytes = handoff ? view : view.slice();
    cuCheck(
      this.cu.cuMemcpyHtoDAsync_v2(
        b.ptr + BigInt(at),
        bytes,
        BigInt(bytes.byteLength),
        this.stream,
      ),
      "cuMemcpyHtoDAsync",
    );
    this.#inflight.hold(bytes);
    if (this.#inflight.length > PENDING_LIMIT) this.#settle();
  }

  /** Waits for the stream on this thread, then lets go of what it held. */
  #settle(): void {
    const writes = this.#inflight.mark(), frees = this.#freed.mark();
    cuCheck(this.cu.cuStreamSynchronize(this.stream), "cuStreamSynchronize");
    this.#landed(writes, frees);
  }

  /** Lets go of the writes' host bytes and the frees queued before these marks. */
  #landed(writes: number, frees: number): void {
    this.#inflight.letGo(writes);
    for (const b of this.#freed.letGo(frees)) cuCheck(this.cu.cuMemFree_v2(b.ptr), "cuMemFree");
  }

  /** `bytes` bytes of b from byte offset `at`, after the queued work before them. */
  async read(b: CuBuffer, at: number, bytes: number): Promise<Uint8Array<ArrayBuffer>> {
    if (at + bytes > b.bytes) {
      throw new RangeError(`cuda: a read of ${bytes} bytes at ${at} passes the buffer`);
    }
    const out = new Uint8Array(bytes);
    if (bytes === 0) return out;
    cuCheck(
      this.cu.cuMemcpyDtoHAsync_v2(out, b.ptr + BigInt(at), BigInt(bytes), this.stream),
      "cuMemcpyDtoHAsync",
    );
    // `out` stays referenced here until the copy has landed in it.
    await this.synchronize();
    return out;
  }

  /** Resolves when the work queued so far has finished: an event after it, polled. */
  async synchronize(): Promise<void> {
    const writes = this.#inflight.mark(), frees = this.#freed.mark();
    const handle = new BigUint64Array(1);
    cuCheck(this.cu.cuEventCreate(handle, 2 /* CU_EVENT_DISABLE_TIMING */), "cuEventCreate");
    const event = Deno.UnsafePointer.create(handle[0]);
    try {
      cuCheck(this.cu.cuEventRecord(event, this.stream), "cuEventRecord");
      for (;;) {
        const status = this.cu.cuEventQuery(event);
        if (status === 0) return this.#landed(writes, frees);
        if (status !== 600 /* CUDA_ERROR_NOT_READY */) cuCheck(status, "cuEventQuery");
        await new Promise((r) => setTimeout(r, 0));
      }
    } finally {
      this.cu.cuEventDestroy_v2(event);
    }
  }

  /** The function `name` of `source()`, compiled by NVRTC for this device on first use. */
  kernel(key: string, name: string, source: () => string): Deno.PointerObject {
    const cached = this.#functions.get(key);
    if (cached !== undefined) return cached;
    const ptx = this.#compile(key, source());
    const handle = new BigUint64Array(1);
    cuCheck(this.cu.cuModuleLoadData(handle, ptx), `cuModuleLoadData(${key})`);
    const module = Deno.UnsafePointer.create(handle[0])!;
    this.#modules.push(module);
    cuCheck(
      this.cu.cuModuleGetFunction(handle, module, new TextEncoder().encode(name + "\0")),
      `cuModuleGetFunction(${name})`,
    );
    const fn = Deno.UnsafePointer.create(handle[0])!;
    this.#functions.set(key, fn);
    return fn;
  }

  #compile(key: string, source: string): Uint8Array {
    const nv = this.nvrtc, enc = new TextEncoder();
    const check = (status: number, what: string, log = "") => {
      if (status !== 0) {
        throw new KnapError(
          `cuda: NVRTC ${what} of kernel ${key} failed with ${nvrtcErrors.get(status) ?? status}${
            log ? `:\n${log}` : ""
          }`,
          "cuda",
        );
      }
    };
    const program = new BigUint64Array(1);
    check(
      nv.nvrtcCreateProgram(
        program,
        enc.encode(source + "\0"),
        enc.encode(`${key}.cu\0`),
        0,
        null,
        null,
      ),
      "nvrtcCreateProgram",
    );
    const prog = Deno.UnsafePointer.create(program[0]);
    try {
      const options = [`--gpu-architecture=compute_${this.info.arch}`, "-default-device"].map((o) =>
        enc.encode(o + "\0")
      );
      const pointers = BigUint64Array.from(
        options.map((o) => BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(o)))),
      );
      const status = nv.nvrtcCompileProgram(prog, options.length, pointers);
      if (status !== 0) {
        const size = new BigUint64Array(1);
        nv.nvrtcGetProgramLogSize(prog, size);
        const log = new Uint8Array(Number(size[0]));
        nv.nvrtcGetProgramLog(prog, log);
        check(status, "compilation", new TextDecoder().decode(log).replace(/\0+$/, ""));
      }
      const size = new BigUint64Array(1);
      check(nv.nvrtcGetPTXSize(prog, size), "nvrtcGetPTXSize");
      const ptx = new Uint8Array(Number(size[0]));
      check(nv.nvrtcGetPTX(prog, ptx), "nvrtcGetPTX");
      return ptx;
    } finally {
      nv.nvrtcDestroyProgram(program);
    }
  }

  /**
   * Launches `global` threads in blocks of `local` (256 by default) with the arguments, each
   * packed into its own 8-byte slot as cuLaunchKernel takes them.
   */
  launch(fn: unknown, args: readonly KernelArg[], global: number, local = 256): void {
    const slots = new BigUint64Array(args.length);
    const view = new DataView(slots.buffer);
    args.forEach((a, i) => {
      const at = 8 * i;
      if ("bytes" in a) view.setBigUint64(at, (a as CuBuffer).ptr, true);
      else if ("int" in a) view.setInt32(at, a.int, true);
      else if ("long" in a) view.setBigInt64(at, BigInt(a.long), true);
      else if ("double" in a) view.setFloat64(at, a.double, true);
      else if (this.double) view.setFloat64(at, a.real, true);
      else view.setFloat32(at, a.real, true);
    });
    const base = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(slots)));
    const params = BigUint64Array.from(args.map((_, i) => base + BigInt(8 * i)));
    const blocks = Math.max(1, Math.ceil(global / local));
    cuCheck(
      this.cu.cuLaunchKernel(
        fn as Deno.PointerObject,
        blocks,
        1,
        1,
        local,
        1,
        1,
        0,
        this.stream,
        params,
        null,
      ),
      "cuLaunchKernel",
    );
  }

  /** Releases the modules, the engine's memory, a stream it made and the context's retain. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.cu.cuStreamSynchronize(this.stream);
    this.#inflight.letGo(Infinity);
    const freed = this.#freed.letGo(Infinity);
    for (const b of [...this.#scratch, ...freed]) this.cu.cuMemFree_v2(b.ptr);
    for (const m of this.#modules) this.cu.cuModuleUnload(m);
    this.#functions.clear();
    if (this.#ownsStream) this.cu.cuStreamDestroy_v2(this.stream);
    this.cu.cuDevicePrimaryCtxRelease_v2(this.device);
  }
}

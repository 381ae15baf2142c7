/**
 * The OpenCL runtime under the engine: one device, its context and an in-order command queue;
 * buffers; programs compiled from source once per device and kept; kernel launches with their
 * arguments checked; and transfers. Every OpenCL status other than success becomes a KnapError
 * carrying the code and its name (a failed build carries the compiler's log).
 *
 * Work is queued and flushed, never waited for on the main thread: reads and `synchronize` wait on
 * a worker thread (Deno's non-blocking FFI calls) and settle a promise. A released buffer is given
 * back with `clReleaseMemObject`, which OpenCL defers until the commands that use it are done.
 *
 * @module
 */

import { KnapError } from "../../core/errors.ts";
import { helpers, type KernelArg, type KernelRuntime } from "../kernelc/runtime.ts";
import { QueueHold } from "../kernelc/queue_hold.ts";
import { CL, clErrors, type OpenCL } from "../../../ffi/opencl.ts";

/** An OpenCL buffer: its handle and size. */
export interface ClBuffer {
  /** The cl_mem handle. */
  readonly mem: Deno.PointerObject;
  /** Its size in bytes. */
  readonly bytes: number;
}

/** What the runtime found about its device. */
export interface ClDeviceInfo {
  /** The platform's name, such as "Portable Computing Language". */
  readonly platform: string;
  /** The device's name. */
  readonly name: string;
  /** Whether it is a GPU. */
  readonly gpu: boolean;
  /** Whether it computes in double precision. */
  readonly fp64: boolean;
  /** The largest single allocation, in bytes. */
  readonly maxAlloc: number;
  /** The largest work-group. */
  readonly maxWorkGroup: number;
}

/** Throws a KnapError for an OpenCL status other than success. */
function clCheck(status: number, what: string): void {
  if (status !== 0) {
    const name = clErrors.get(status) ?? "an unknown OpenCL error";
    throw new KnapError(`opencl: ${what} failed with ${name} (${status})`, "opencl");
  }
}

const text = (bytes: Uint8Array): string => {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end)).trim();
};

/** The platforms and devices present: [platform, device, its type] for each. */
export function listDevices(
  cl: OpenCL,
): { platform: Deno.PointerValue; device: Deno.PointerObject; gpu: boolean }[] {
  const count = new Uint32Array(1);
  const none = cl.clGetPlatformIDs(0, null, count);
  if (none === -1001 || count[0] === 0) return []; // CL_PLATFORM_NOT_FOUND_KHR: no ICD
  clCheck(none, "clGetPlatformIDs");
  const platforms = new BigUint64Array(count[0]);
  clCheck(cl.clGetPlatformIDs(count[0], platforms, null), "clGetPlatformIDs");
  const out = [];
  for (const p of platforms) {
    const platform = Deno.UnsafePointer.create(p);
    const n = new Uint32Array(1);
    const status = cl.clGetDeviceIDs(platform, CL.DEVICE_TYPE_ALL, 0, null, n);
    if (status === -1 || n[0] === 0) continue; // CL_DEVICE_NOT_FOUND
    clCheck(status, "clGetDeviceIDs");
    const devices = new BigUint64Array(n[0]);
    clCheck(cl.clGetDeviceIDs(platform, CL.DEVICE_TYPE_ALL, n[0], devices, null), "clGetDeviceIDs");
    for (const d of devices) {
      const device = Deno.UnsafePointer.create(d)!;
      const type = new BigUint64Array(1);
      clCheck(cl.clGetDeviceInfo(device, CL.DEVICE_TYPE, 8n, type, null), "clGetDeviceInfo");
      out.push({ platform, device, gpu: (type[0] & CL.DEVICE_TYPE_GPU) !== 0n });
    }
  }
  return out;
}

/** The kernels' macros in OpenCL C. */
const macros = `
#define KERNEL __kernel void
#define WG_KERNEL(n) __kernel __attribute__((reqd_work_group_size(n, 1, 1))) void
#define GLOBAL __global
#define SHARED __local
#define SYNC barrier(CLK_LOCAL_MEM_FENCE)
#define GID get_global_id(0)
#define GSIZE get_global_size(0)
#define LID get_local_id(0)
#define GROUP get_group_id(0)
#define FN inline
#define MULHI mul_hi
#define UINT4(a, b, c, d) (uint4)(a, b, c, d)
#define UINT2(a, b) (uint2)(a, b)
`;

/** Queued writes' host bytes held before a write waits for the queue instead. */
const INFLIGHT_LIMIT = 64 << 20;

/** One device's context, queue, programs and buffers. */
export class ClRuntime implements KernelRuntime {
  readonly cl: OpenCL;
  readonly device: Deno.PointerObject;
  readonly context: Deno.PointerObject;
  readonly queue: Deno.PointerObject;
  /** The queue's address, as CLBlast takes it. */
  readonly queueRef: BigUint64Array;
  readonly info: ClDeviceInfo;
  readonly #kernels = new Map<string, Deno.PointerObject>();
  readonly #programs: Deno.PointerObject[] = [];
  readonly #scratch = new Set<ClBuffer>();
  /** Host bytes of queued writes, kept until the queue is past them. */
  readonly #inflight = new QueueHold<Uint8Array>();
  #inflightBytes = 0;
  readonly #ownsContext: boolean;
  #released = false;
  // Argument scratch, reused by every launch.
  readonly #word = new BigUint64Array(1);
  readonly #int = new Int32Array(1);
  readonly #long = new BigInt64Array(1);
  readonly #f32 = new Float32Array(1);
  readonly #f64 = new Float64Array(1);
  readonly #global = new BigUint64Array(1);
  readonly #local = new BigUint64Array(1);

  constructor(
    cl: OpenCL,
    platform: Deno.PointerValue,
    device: Deno.PointerObject,
    given?: { context: Deno.PointerObject; queue: Deno.PointerObject },
  ) {
    this.cl = cl;
    this.device = device;
    this.info = deviceInfo(cl, platform, device);
    this.#ownsContext = given === undefined;
    if (given !== undefined) {
      this.context = given.context;
      this.queue = given.queue;
    } else {
      const status = new Int32Array(1);
      const devices = BigUint64Array.of(BigInt(Deno.UnsafePointer.value(device)));
      const context = cl.clCreateContext(null, 1, devices, null, null, status);
      clCheck(status[0], "clCreateContext");
      this.context = context!;
      const queue = cl.clCreateCommandQueue(this.context, device, 0n, status);
      if (status[0] !== 0) cl.clReleaseContext(this.context);
      clCheck(status[0], "clCreateCommandQueue");
      this.queue = queue!;
    }
    this.queueRef = BigUint64Array.of(BigInt(Deno.UnsafePointer.value(this.queue)));
  }

  /** A zero-filled buffer of `bytes` (at least 1). */
  buffer(bytes: number): ClBuffer {
    const size = Math.max(bytes, 4);
    if (size > this.info.maxAlloc) {
      throw new RangeError(
        `opencl: ${size} bytes is more than ${this.info.name} allocates at once ` +
          `(${this.info.maxAlloc})`,
      );
    }
    const status = new Int32Array(1);
    const mem = this.cl.clCreateBuffer(this.context, CL.MEM_READ_WRITE, BigInt(size), null, status);
    clCheck(status[0], `clCreateBuffer(${size} bytes)`);
    const b = { mem: mem!, bytes: size };
    const zero = new Uint8Array(4);
    clCheck(
      this.cl.clEnqueueFillBuffer(
        this.queue,
        b.mem,
        zero,
        4n,
        0n,
        BigInt(size & ~3),
        0,
        null,
        null,
      ),
      "clEnqueueFillBuffer",
    );
    if (size & 3) this.write(b, size & ~3, new Uint8Array(size & 3), true);
    return b;
  }

  /** Gives a buffer back; OpenCL frees it once the queued commands that use it are done. */
  free(b: ClBuffer): void {
    this.#scratch.delete(b);
    clCheck(this.cl.clReleaseMemObject(b.mem), "clReleaseMemObject");
  }

  /** A buffer of the engine's own (reduction results, indices), freed with the runtime. */
  scratch(bytes: number): ClBuffer {
    const b = this.buffer(bytes);
    this.#scratch.add(b);
    return b;
  }

  /**
   * Data into b at byte offset `at`, queued without waiting for the work before it (a blocking
   * write would stall the queue: a minibatch's indices every step). The host bytes stay
   * referenced until a later read or `synchronize` has seen the queue get past them; `handoff`
   * says the caller will not touch `data` again, else it is copied first.
   */
  write(b: ClBuffer, at: number, data: ArrayBufferView, handoff = false): void {
    if (at + data.byteLength > b.bytes) {
      throw new RangeError(
        `opencl: a write of ${data.byteLength} bytes at ${at} passes the buffer`,
      );
    }
    const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const bytes = handoff ? view : view.slice();
    clCheck(
      this.cl.clEnqueueWriteBuffer(
        this.queue,
        b.mem,
        CL.FALSE,
        BigInt(at),
        BigInt(bytes.byteLength),
        bytes,
        0,
        null,
        null,
      ),
      "clEnqueueWriteBuffer",
    );
    this.#inflight.hold(bytes);
    this.#inflightBytes += bytes.byteLength;
    // A program that queues much and reads nothing: wait once rather than hold it all.
    if (this.#inflightBytes > INFLIGHT_LIMIT) {
      const mark = this.#inflight.mark();
      clCheck(this.cl.clFinish(this.queue), "clFinish");
      this.#landed(mark);
    }
  }

  /** Forgets the host bytes of the writes queued before `mark`: the queue is past them. */
  #landed(mark: number): void {
    for (const b of this.#inflight.letGo(mark)) this.#inflightBytes -= b.byteLength;
  }

  /** `bytes` bytes of b from byte offset `at`, once the queued work before has finished. */
  async read(b: ClBuffer, at: number, bytes: number): Promise<Uint8Array<ArrayBuffer>> {
    if (at + bytes > b.bytes) {
      throw new RangeError(`opencl: a read of ${bytes} bytes at ${at} passes the buffer`);
    }
    const out = new Uint8Array(bytes);
    if (bytes === 0) return out;
    const event = new BigUint64Array(1), before = this.#inflight.mark();
    clCheck(
      this.cl.clEnqueueReadBuffer(
        this.queue,
        b.mem,
        CL.FALSE,
        BigInt(at),
        BigInt(bytes),
        out,
        0,
        null,
        event,
      ),
      "clEnqueueReadBuffer",
    );
    clCheck(this.cl.clFlush(this.queue), "clFlush");
    try {
      // `out` stays referenced here until the read has landed in it.
      clCheck(await this.cl.clWaitForEventsAsync(1, event), "clWaitForEvents");
      this.#landed(before);
    } finally {
      this.cl.clReleaseEvent(Deno.UnsafePointer.create(event[0]));
    }
    return out;
  }

  /** Resolves when every queued command has finished. */
  async synchronize(): Promise<void> {
    const before = this.#inflight.mark();
    clCheck(await this.cl.clFinishAsync(this.queue), "clFinish");
    this.#landed(before);
  }

  /**
   * The kernel `name` of the program `source()` makes, compiled on first use and kept; `key`
   * names the program in the cache.
   */
  kernel(key: string, name: string, source: () => string): Deno.PointerObject {
    const cached = this.#kernels.get(key);
    if (cached !== undefined) return cached;
    const cl = this.cl;
    const src = new TextEncoder().encode(source() + "\0");
    const strings = BigUint64Array.of(BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(src))));
    const status = new Int32Array(1);
    const program = cl.clCreateProgramWithSource(this.context, 1, strings, null, status);
    clCheck(status[0], "clCreateProgramWithSource");
    const devices = BigUint64Array.of(BigInt(Deno.UnsafePointer.value(this.device)));
    const built = cl.clBuildProgram(
      program,
      1,
      devices,
      new TextEncoder().encode("\0"),
      null,
      null,
    );
    if (built !== 0) {
      const size = new BigUint64Array(1);
      cl.clGetProgramBuildInfo(program, this.device, CL.PROGRAM_BUILD_LOG, 0n, null, size);
      const log = new Uint8Array(Number(size[0]) + 1);
      cl.clGetProgramBuildInfo(
        program,
        this.device,
        CL.PROGRAM_BUILD_LOG,
        BigInt(log.length),
        log,
        null,
      );
      cl.clReleaseProgram(program);
      const name = clErrors.get(built) ?? String(built);
      throw new KnapError(
        `opencl: building kernel ${key} failed with ${name} (${built}):\n${text(log)}`,
        "opencl",
      );
    }
    this.#programs.push(program!);
    const kernel = cl.clCreateKernel(program, new TextEncoder().encode(name + "\0"), status);
    clCheck(status[0], `clCreateKernel(${name})`);
    this.#kernels.set(key, kernel!);
    return kernel!;
  }

  /** Sets the arguments and queues `global` work items in groups of `local` (or the device's choice). */
  launch(handle: unknown, args: readonly KernelArg[], global: number, local?: number): void {
    const cl = this.cl, kernel = handle as Deno.PointerObject;
    args.forEach((a, i) => {
      let status: number;
      if ("bytes" in a) {
        this.#word[0] = BigInt(Deno.UnsafePointer.value((a as ClBuffer).mem));
        status = cl.clSetKernelArg(kernel, i, 8n, this.#word);
      } else if ("int" in a) {
        this.#int[0] = a.int;
        status = cl.clSetKernelArg(kernel, i, 4n, this.#int);
      } else if ("long" in a) {
        this.#long[0] = BigInt(a.long);
        status = cl.clSetKernelArg(kernel, i, 8n, this.#long);
      } else if ("double" in a) {
        this.#f64[0] = a.double;
        status = cl.clSetKernelArg(kernel, i, 8n, this.#f64);
      } else if (this.double) {
        this.#f64[0] = a.real;
        status = cl.clSetKernelArg(kernel, i, 8n, this.#f64);
      } else {
        this.#f32[0] = a.real;
        status = cl.clSetKernelArg(kernel, i, 4n, this.#f32);
      }
      clCheck(status, `clSetKernelArg(${i})`);
    });
    this.#global[0] = BigInt(local === undefined ? global : Math.ceil(global / local) * local);
    if (local !== undefined) this.#local[0] = BigInt(local);
    clCheck(
      cl.clEnqueueNDRangeKernel(
        this.queue,
        kernel,
        1,
        null,
        this.#global,
        local === undefined ? null : this.#local,
        0,
        null,
        null,
      ),
      "clEnqueueNDRangeKernel",
    );
  }

  /** Whether scalar arguments are doubles: set by the engine for its dtype. */
  double = false;

  /** The kernels' header in OpenCL C. */
  prelude(wide = false): string {
    const fp64 = this.double || wide ? "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n" : "";
    return `${fp64}${macros}typedef ${this.double ? "double" : "float"} T;\n${helpers}`;
  }

  /** The programs compiled so far, for tests of the cache. */
  get programs(): number {
    return this.#programs.length;
  }

  /** Releases the kernels, programs, and a queue and context it made. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    const mark = this.#inflight.mark();
    this.cl.clFinish(this.queue);
    this.#landed(mark);
    for (const k of this.#kernels.values()) this.cl.clReleaseKernel(k);
    for (const p of this.#programs) this.cl.clReleaseProgram(p);
    for (const b of this.#scratch) this.cl.clReleaseMemObject(b.mem);
    this.#scratch.clear();
    this.#kernels.clear();
    if (this.#ownsContext) {
      this.cl.clReleaseCommandQueue(this.queue);
      this.cl.clReleaseContext(this.context);
    }
  }
}

function deviceInfo(
  cl: OpenCL,
  platform: Deno.PointerValue,
  device: Deno.PointerObject,
): ClDeviceInfo {
  const str = (
    get: (size: bigint, out: Uint8Array | null, ret: BigUint64Array | null) => number,
  ) => {
    const size = new BigUint64Array(1);
    clCheck(get(0n, null, size), "clGet*Info");
    const out = new Uint8Array(Number(size[0]));
    clCheck(get(size[0], out, null), "clGet*Info");
    return text(out);
  };
  const u64 = (param: number) => {
    const v = new BigUint64Array(1);
    clCheck(cl.clGetDeviceInfo(device, param, 8n, v, null), "clGetDeviceInfo");
    return v[0];
  };
  const type = u64(CL.DEVICE_TYPE);
  return {
    platform: str((s, o, r) => cl.clGetPlatformInfo(platform, CL.PLATFORM_NAME, s, o, r)),
    name: str((s, o, r) => cl.clGetDeviceInfo(device, CL.DEVICE_NAME, s, o, r)),
    gpu: (type & CL.DEVICE_TYPE_GPU) !== 0n,
    fp64: u64(CL.DEVICE_DOUBLE_FP_CONFIG) !== 0n,
    maxAlloc: Number(u64(CL.DEVICE_MAX_MEM_ALLOC_SIZE)),
    maxWorkGroup: Number(u64(CL.DEVICE_MAX_WORK_GROUP_SIZE)),
  };
}

/**
 * The WebGPU engine's runtime: one device, one command encoder that collects work until it must
 * be submitted, kernel parameters packed into one uniform ring written once per submission,
 * buffers freed only after the work that uses them was submitted, and readback.
 *
 * Work is submitted when a result must come back to the host, when the host writes data, when
 * the parameter ring fills, or on `synchronize` — never between two GPU operations.
 *
 * @module
 */

import { KnapError } from "../../core/errors.ts";

/** Bytes of kernel parameters per dispatch: 96 u32 words, then 32 f32 words. */
const PARAM_BYTES = 512;
const RING_SLOTS = 1024;

/** One dispatch's parameters: fill `u` and `f`, then `dispatch`. */
export interface Params {
  /** Integer parameters (96). */
  readonly u: Uint32Array;
  /** Float parameters (32; the last is always 0). */
  readonly f: Float32Array;
}

/** A compiled kernel: its pipeline and the bind group layout of its storage slots. */
export interface Kernel {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  readonly id: number;
}

/** The state of one WebGPU device as the engine uses it. */
export class Runtime {
  readonly device: GPUDevice;
  readonly limits: { readonly maxWorkgroups: number; readonly maxBuffer: number };
  #encoder: GPUCommandEncoder | undefined;
  #pass: GPUComputePassEncoder | undefined;
  readonly #ring: GPUBuffer;
  readonly #mirror = new ArrayBuffer(RING_SLOTS * PARAM_BYTES);
  readonly #slots: Params[] = Array.from({ length: RING_SLOTS }, (_, i) => ({
    u: new Uint32Array(this.#mirror, i * PARAM_BYTES, 96),
    f: new Float32Array(this.#mirror, i * PARAM_BYTES + 384, 32),
  }));
  #used = 0;
  #graveyard: GPUBuffer[] = [];
  readonly #scratch = new Map<string, { buffer: GPUBuffer; length: number }>();
  // A kernel that fails to compile would run as nothing and leave its output as it was: the
  // compile's error scope is kept and checked before any result reaches the host.
  #compiles: Promise<string | undefined>[] = [];
  readonly #kernels = new Map<string, Kernel>();
  readonly #bindGroups = new Map<string, GPUBindGroup>();
  readonly #ids = new WeakMap<GPUBuffer, number>();
  #nextId = 1;

  constructor(device: GPUDevice) {
    this.device = device;
    this.limits = {
      maxWorkgroups: device.limits.maxComputeWorkgroupsPerDimension,
      maxBuffer: Math.min(device.limits.maxBufferSize, device.limits.maxStorageBufferBindingSize),
    };
    this.#ring = device.createBuffer({
      size: RING_SLOTS * PARAM_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  /** The cache sizes, for the console and for tests that check nothing is compiled twice. */
  [Symbol.for("Deno.customInspect")](): string {
    return `#WebGPURuntime[kernels:${this.#kernels.size}, bindGroups:${this.#bindGroups.size}]`;
  }

  /** A new zeroed storage buffer of `length` float32 entries. */
  buffer(length: number): GPUBuffer {
    const size = Math.max(4, length * 4);
    if (size > this.limits.maxBuffer) {
      throw new RangeError(
        `webgpu: ${length} floats (${size} bytes) exceed this device's largest storage buffer ` +
          `(${this.limits.maxBuffer} bytes)`,
      );
    }
    const b = this.device.createBuffer({
      size: Math.ceil(size / 16) * 16,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.#ids.set(b, this.#nextId++);
    return b;
  }

  /**
   * A storage buffer of at least `length` floats kept for one purpose and reused, grown on
   * demand (the old one freed). Reuse is safe: a kernel's own writes are ordered by the command
   * stream, and `write` submits the work recorded before it rewrites the buffer.
   */
  scratch(purpose: string, length: number): GPUBuffer {
    let s = this.#scratch.get(purpose);
    if (s === undefined || s.length < length) {
      if (s !== undefined) this.free(s.buffer);
      s = { buffer: this.buffer(length), length };
      this.#scratch.set(purpose, s);
    }
    return s.buffer;
  }

  /** Destroys a buffer once the work already recorded with it has been submitted. */
  free(b: GPUBuffer): void {
    this.#graveyard.push(b);
  }

  /** A kernel compiled once per key from the WGSL its builder returns. */
  kernel(key: string, slots: readonly boolean[], build: () => string): Kernel {
    let k = this.#kernels.get(key);
    if (k === undefined) {
      const layout = this.device.createBindGroupLayout({
        entries: [
          {
            binding: 0,
            visibility: GPUShaderStage.COMPUTE,
            buffer: { type: "uniform", hasDynamicOffset: true },
          },
          ...slots.map((writable, i) => ({
            binding: i + 1,
            visibility: GPUShaderStage.COMPUTE,
            buffer: { type: writable ? "storage" as const : "read-only-storage" as const },
          })),
        ],
      });
      this.device.pushErrorScope("validation");
      const module = this.device.createShaderModule({ code: build(), label: key });
      const pipeline = this.device.createComputePipeline({
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: "main" },
        label: key,
      });
      this.#compiles.push(
        this.device.popErrorScope().then((e) => e === null ? undefined : `${key}: ${e.message}`),
      );
      k = { pipeline, layout, id: this.#kernels.size + 1 };
      this.#kernels.set(key, k);
    }
    return k;
  }

  /** Records one dispatch of `kernel` over `groups` workgroups with the given buffers. */
  dispatch(
    kernel: Kernel,
    buffers: readonly GPUBuffer[],
    fill: (p: Params) => void,
    groups: readonly [number, number?, number?],
  ): void {
    if (this.#used === RING_SLOTS) this.flush();
    const slot = this.#used++;
    const params = this.#slots[slot];
    params.u.fill(0);
    params.f.fill(0);
    fill(params);
    const pass = this.#computePass();
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, this.#bindGroup(kernel, buffers), [slot * PARAM_BYTES]);
    pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
  }

  #bindGroup(kernel: Kernel, buffers: readonly GPUBuffer[]): GPUBindGroup {
    const key = `${kernel.id}:${buffers.map((b) => this.#ids.get(b)).join(",")}`;
    let g = this.#bindGroups.get(key);
    if (g === undefined) {
      if (this.#bindGroups.size > 4096) this.#bindGroups.clear();
      g = this.device.createBindGroup({
        layout: kernel.layout,
        entries: [
          { binding: 0, resource: { buffer: this.#ring, size: PARAM_BYTES } },
          ...buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } })),
        ],
      });
      this.#bindGroups.set(key, g);
    }
    return g;
  }

  #computePass(): GPUComputePassEncoder {
    if (this.#pass === undefined) this.#pass = this.#commandEncoder().beginComputePass();
    return this.#pass;
  }

  #commandEncoder(): GPUCommandEncoder {
    if (this.#encoder === undefined) this.#encoder = this.device.createCommandEncoder();
    return this.#encoder;
  }

  /** Records a buffer-to-buffer copy (bytes). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.#pass?.end();
    this.#pass = undefined;
    this.#commandEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Submits everything recorded so far, with its parameters; then frees what waited on it. */
  flush(): void {
    if (this.#used > 0) {
      this.device.queue.writeBuffer(this.#ring, 0, this.#mirror, 0, this.#used * PARAM_BYTES);
      this.#used = 0;
    }
    this.#pass?.end();
    this.#pass = undefined;
    if (this.#encoder !== undefined) {
      this.device.queue.submit([this.#encoder.finish()]);
      this.#encoder = undefined;
    }
    for (const b of this.#graveyard) b.destroy();
    this.#graveyard = [];
  }

  /** Writes host data at a byte offset, after everything recorded before it. */
  write(dst: GPUBuffer, byteOffset: number, data: Float32Array<ArrayBuffer>): void {
    this.flush();
    this.device.queue.writeBuffer(dst, byteOffset, data);
  }

  /** Throws a KnapError if a kernel compiled since the last check failed to. */
  async #checkCompiles(): Promise<void> {
    if (this.#compiles.length === 0) return;
    const failed = (await Promise.all(this.#compiles.splice(0))).filter((m) => m !== undefined);
    if (failed.length > 0) {
      throw new KnapError(`webgpu: a kernel did not compile (${failed.join("; ")})`, "kernel");
    }
  }

  /** The bytes [byteOffset, byteOffset + bytes) of a buffer, after all recorded work. */
  async read(src: GPUBuffer, byteOffset: number, bytes: number): Promise<Float32Array> {
    // The copy is recorded now, before this function first yields: work the caller records
    // after calling read must not reach the bytes read.
    const staging = this.device.createBuffer({
      size: Math.max(4, bytes),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    if (bytes > 0) this.copy(src, byteOffset, staging, 0, bytes);
    this.flush();
    try {
      await this.#checkCompiles();
    } catch (e) {
      staging.destroy();
      throw e;
    }
    try {
      await staging.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      return out;
    } catch (e) {
      // A device destroyed while the read was pending (its factory disposed): say so.
      throw new KnapError(
        `the WebGPU device was lost or its factory released while a read was pending (${
          (e as Error).message
        })`,
        "device-lost",
      );
    } finally {
      staging.destroy();
    }
  }

  /** Resolves when all recorded work has finished on the device. */
  async synchronize(): Promise<void> {
    this.flush();
    await this.#checkCompiles();
    await this.device.queue.onSubmittedWorkDone();
  }

  /** Workgroups for a grid-stride loop over n items, `size` per workgroup. */
  groups(n: number, size: number): number {
    return Math.max(1, Math.min(Math.ceil(n / size), this.limits.maxWorkgroups));
  }
}

/**
 * A stand-in device for tests: the js engine behind memory the host may not touch and results
 * that arrive asynchronously — the contract a GPU engine must meet. Running the whole
 * conformance suite on it proves the public API and the suite never assume host memory.
 */
import { type Factory, jsDouble } from "../../mod.ts";
import type { Engine, Operand, StructuredOperand, TensorOperand } from "../../lib/engine/mod.ts";
import { EngineFactory } from "../../lib/core/factory.ts";

class DeviceMemory {
  constructor(readonly array: Float32Array | Float64Array) {}
}

const js = jsDouble.engine;
const inner = (o: Operand): Operand => ({
  ...o,
  storage: { ...o.storage, buffer: (o.storage.buffer as DeviceMemory).array },
});
const innerTensor = (t: TensorOperand): TensorOperand => ({
  ...t,
  storage: { ...t.storage, buffer: (t.storage.buffer as DeviceMemory).array },
});
const innerStructured = (a: StructuredOperand): StructuredOperand => ({
  ...a,
  storage: { ...a.storage, buffer: (a.storage.buffer as DeviceMemory).array },
});
const later = <T>(v: T): Promise<T> => Promise.resolve().then(() => v);

/** Counts allocations and frees, so tests can check that nothing leaks. */
export const deviceStats = { allocs: 0, frees: 0 };

const engine: Engine = {
  name: "deferred",
  location: "device",
  collected: false,
  maxEntries: 2 ** 32 - 1,
  alloc: (dtype, n) => {
    deviceStats.allocs++;
    return new DeviceMemory(js.alloc(dtype, n) as Float32Array);
  },
  free: () => {
    deviceStats.frees++;
  },
  hostArray: () => undefined,
  write: (src, dst) => js.write(src, inner(dst)),
  read: (src, dst) => later(js.read(inner(src), dst) as void),
  synchronize: () => later(undefined),
  blas: {
    dot: (x, y) => later(js.blas.dot(inner(x), inner(y)) as number),
    sum: (x) => later(js.blas.sum(inner(x)) as number),
    asum: (x) => later(js.blas.asum(inner(x)) as number),
    nrm2: (x) => later(js.blas.nrm2(inner(x)) as number),
    nrm1: (x) => later(js.blas.nrm1(inner(x)) as number),
    nrmi: (x) => later(js.blas.nrmi(inner(x)) as number),
    iamax: (x) => later(js.blas.iamax(inner(x)) as number),
    iamin: (x) => later(js.blas.iamin(inner(x)) as number),
    imax: (x) => later(js.blas.imax(inner(x)) as number),
    imin: (x) => later(js.blas.imin(inner(x)) as number),
    copy: (x, y) => js.blas.copy(inner(x), inner(y)),
    swap: (x, y) => js.blas.swap(inner(x), inner(y)),
    scal: (a, x) => js.blas.scal(a, inner(x)),
    axpby: (a, x, b, y) => js.blas.axpby(a, inner(x), b, inner(y)),
    fill: (x, v) => js.blas.fill(inner(x), v),
    gemv: (a, m, x, b, y) => js.blas.gemv(a, inner(m), inner(x), b, inner(y)),
    ger: (a, x, y, m) => js.blas.ger(a, inner(x), inner(y), inner(m)),
    gemm: (a, m, n, b, c) => js.blas.gemm(a, inner(m), inner(n), b, inner(c)),
  },
  math: {
    map: (op, p, o, x, y) => js.math.map(op, p, inner(o), inner(x), y && inner(y)),
  },
  rng: {
    uniform: (x, lo, hi, s) => js.rng.uniform(inner(x), lo, hi, s),
    normal: (x, mu, sigma, s) => js.rng.normal(inner(x), mu, sigma, s),
  },
  nn: {
    softmax: (x, o, log) => js.nn!.softmax!(inner(x), inner(o), log),
    adam: (w, g, m, s, ...p) => js.nn!.adam!(inner(w), inner(g), inner(m), inner(s), ...p),
  },
  // A device's structured group: products and solves in the structure's own storage (as the
  // device kernels run them), rank updates composed by the caller.
  structured: {
    mv: (alpha, a, x, beta, y) =>
      js.structured!.mv!(alpha, innerStructured(a), inner(x), beta, inner(y)),
    mm: (side, alpha, a, b, beta, c) =>
      js.structured!.mm!(side, alpha, innerStructured(a), inner(b), beta, inner(c)),
    sv: (a, b) => js.structured!.sv!(innerStructured(a), inner(b)),
  },
  dnn: {
    batchNormalization: (pass, t, epsilon, dtype) =>
      js.dnn!.batchNormalization!(
        pass,
        Object.fromEntries(
          Object.entries(t).map(([k, v]) => [k, innerTensor(v as TensorOperand)]),
        ) as unknown as typeof t,
        epsilon,
        dtype,
      ),
    poolingForward: (kind, x, y, g, dtype) =>
      js.dnn!.poolingForward!(kind, innerTensor(x), innerTensor(y), g, dtype),
    poolingBackward: (kind, x, dy, dx, g, dtype) =>
      js.dnn!.poolingBackward!(kind, innerTensor(x), innerTensor(dy), innerTensor(dx), g, dtype),
    convolution: (pass, x, w, b, y, g, dtype) =>
      js.dnn!.convolution!(
        pass,
        innerTensor(x),
        innerTensor(w),
        b && innerTensor(b),
        innerTensor(y),
        g,
        dtype,
      ),
  },
};

/** Float32 and float64 factories over the stand-in device. */
export const deferredFloat: Factory<"device"> = new EngineFactory(
  "deferredFloat",
  "float32",
  "device",
  engine,
);
export const deferredDouble: Factory<"device"> = new EngineFactory(
  "deferredDouble",
  "float64",
  "device",
  engine,
);

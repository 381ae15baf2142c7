/**
 * `@knap/knap/engine`: what an engine is made of, for those who write one or look inside one —
 * the engine contracts (BLAS, vect-math, random, structured matrices, linear algebra, DNN), the
 * operands and storage they work on, the table of elementwise operations every engine implements
 * and the expressions its kernels are emitted from, and the registry of host engines. A user of
 * knap's structures and networks needs none of these: `@knap/knap` gives the factories that
 * pick an engine.
 *
 * @example A host engine that does not run here is passed over
 * ```ts
 * import { defaultFloat, jsDouble, jsFloat } from "@knap/knap";
 * import { hostEngines, registerHostEngine } from "@knap/knap/engine";
 * const remove = registerHostEngine({
 *   name: "mine", rank: 100, float: jsFloat, double: jsDouble,
 *   availability: () => ({ available: false, reason: "not on this machine" }),
 * });
 * if (hostEngines()[0].name !== "mine") throw new Error("ranked first");
 * if (defaultFloat().name === "mine") throw new Error("an engine that does not run is skipped");
 * remove();
 * ```
 *
 * @module
 */

export type {
  BatchNormOperands,
  BatchNormPass,
  BlasEngine,
  ConvolutionGeometry,
  ConvolutionPass,
  Deferred,
  DnnEngine,
  Engine,
  HostOperand,
  MathEngine,
  NnEngine,
  Operand,
  Plan,
  PoolingGeometry,
  PoolingKind,
  RandomStream,
  ReductionAlg,
  RngEngine,
  Storage,
  StructuredEngine,
  StructuredOperand,
  TensorOperand,
} from "../core/engine.ts";
export type { LinalgEngine } from "../core/linalg_engine.ts";
export type { StructuredLinalg } from "../core/structured_lapack.ts";
export {
  type HostEngine,
  hostEngines,
  type LibraryState,
  registerHostEngine,
} from "../engines/registry.ts";
export { type Domain, type ElementwiseOp, type OpName, ops } from "../elementwise/table.ts";
export type { Expr, Fn1, Fn2 } from "../elementwise/expr.ts";

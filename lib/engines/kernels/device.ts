/**
 * A device as the kernel templates' plans see it: it runs a template over a number of work
 * items with named arguments, keeps scratch buffers, and says how long a loop one launch may
 * run (cutting.ts). WebGPU (webgpu/templates.ts) and the C-kernel engines, OpenCL and CUDA
 * (kernelc/templates.ts), are such devices; a plan written against this interface runs on all
 * of them.
 *
 * @module
 */

import type { Operand, TensorOperand } from "../../core/engine.ts";
import { cutSpans, type Parts, partsFor, type Span } from "../cutting.ts";
import { spatial3 } from "../../tensor/spatial.ts";
import type { KernelTemplate } from "./template.ts";

/** A whole buffer of the device's own (scratch), and its length in entries. */
export interface Flat {
  readonly buffer: unknown;
  readonly entries: number;
}

/** An argument: a matrix, a tensor (or vector), a whole buffer, or a scalar. */
export type KernelArg = Operand | TensorOperand | Flat | number;

/** A launch's arguments by the template's names. */
export type KernelArgs = Readonly<Record<string, KernelArg | undefined>>;

/** What the plans need of a device. */
export interface KernelDevice {
  /** Bytes of one of the engine's reals. */
  readonly realBytes: number;
  /** The largest buffer the device allocates, in bytes. */
  readonly maxBytes: number;
  /** Loop iterations one work item may make in one launch (grid-stride turns included). */
  readonly budget: number;
  /** Turns of the grid-stride loop a work item makes over `outputs` items, `wg` a group. */
  turns(outputs: number, wg: number): number;
  /** Runs the template over `total` work items (none for 0). */
  run(template: KernelTemplate, args: KernelArgs, total: number): void;
  /** Runs a template over `groups` (its `grid`) as that many workgroups. */
  runGroups(template: KernelTemplate, args: KernelArgs, groups: number): void;
  /** `count` reals of a buffer from entry `at`, once the work queued before has finished. */
  readReals(from: Flat, at: number, count: number): Promise<ArrayLike<number>>;
  /** `count` integers of an integer buffer from entry `at`, likewise. */
  readInts(from: Flat, at: number, count: number): Promise<ArrayLike<number>>;
  /** A buffer of at least `entries` reals or integers kept for one purpose and reused. */
  scratch(purpose: string, entries: number, type?: "real" | "int"): Flat;
  /** Integers into an integer buffer, after the work queued before. */
  writeInts(to: Flat, data: Int32Array): void;
}

/** Terms a work item may take per launch over `outputs` items within the budget. */
export function termsPer(dev: KernelDevice, outputs: number, wg: number): number {
  return Math.max(1, Math.floor(dev.budget / dev.turns(outputs, wg)));
}

/** Each launch's [first, length] span of `terms` over `outputs` items: one for no terms. */
export function spans(dev: KernelDevice, outputs: number, terms: number, wg: number): Span[] {
  return cutSpans(terms, termsPer(dev, outputs, wg));
}

/** Parts for `groups` outputs of `terms` terms each, a part's walk within one launch's budget. */
export function partsOf(dev: KernelDevice, terms: number, groups: number, wg: number): Parts {
  return partsFor(terms, dev.budget, (chunk, parts) => chunk <= termsPer(dev, groups * parts, wg));
}

export type { Span };

/** A tensor's offset and its five strides as templates address it: n, c, then d, h, w. */
export function tensorWords(t: TensorOperand): number[] {
  const { s } = spatial3(t);
  return [t.offset, t.strides[0] ?? 0, t.strides[1] ?? 0, ...s];
}

/**
 * Factories: an engine, an element type and a device, fixed together. Every constructor takes
 * one first; every structure remembers the one that made it.
 *
 * @module
 */

import type { Engine } from "./engine.ts";
import { instrumentEngine } from "./profile.ts";
import type { DType, Loc } from "./types.ts";
import { KnapError } from "./errors.ts";

/**
 * A factory makes structures of one dtype in one engine's memory. Disposing a factory that
 * owns a device releases it; the built-in CPU factories are shared and never released.
 */
export interface Factory<L extends Loc = Loc, D extends DType = DType> {
  /** A name for printing: `"jsFloat"`, `"nativeDouble"`, … */
  readonly name: string;
  /** The element type of every structure it makes. */
  readonly dtype: D;
  /** Host memory or device memory. */
  readonly location: L;
  /** The backend that owns the memory and runs the ops. */
  readonly engine: Engine;
  /** True once disposed. */
  readonly released: boolean;
  /**
   * The factory whose products take this one's structures as factors, computing in its own
   * dtype (nativeBfloat16's is nativeFloat); undefined where factors must share a factory.
   */
  readonly productFactory?: Factory<L>;
  /** Releases the factory's device, if it owns one. */
  [Symbol.dispose](): void;
}

/**
 * A factory over an engine, given directly or as a loader run on first use (so native
 * libraries open only when a program uses them). Factories made with a `release` function own
 * a device and release it when disposed.
 */
export class EngineFactory<L extends Loc, D extends DType = DType> implements Factory<L, D> {
  readonly name: string;
  readonly dtype: D;
  readonly location: L;
  readonly productFactory?: Factory<L>;
  #engine: Engine | (() => Engine);
  #released = false;
  readonly #release: (() => void) | undefined;

  /**
   * @param name printable name
   * @param dtype element type
   * @param location host or device, as the engine's
   * @param engine the engine, or a function that loads it on first use
   * @param release what disposing does; undefined for shared factories, which stay alive
   * @param productFactory the factory whose products take this one's structures as factors
   */
  constructor(
    name: string,
    dtype: D,
    location: L,
    engine: Engine | (() => Engine),
    release?: () => void,
    productFactory?: Factory<L>,
  ) {
    this.name = name;
    this.dtype = dtype;
    this.location = location;
    this.productFactory = productFactory;
    this.#engine = engine;
    this.#release = release;
    if (typeof engine !== "function") instrumentEngine(engine);
  }

  /** The engine; a lazy one is loaded here, and a load failure is thrown here. */
  get engine(): Engine {
    if (typeof this.#engine === "function") {
      this.#engine = this.#engine();
      instrumentEngine(this.#engine);
    }
    return this.#engine;
  }

  /** True once disposed. */
  get released(): boolean {
    return this.#released;
  }

  /** Releases the device for factories that own one; a no-op on shared CPU factories. */
  [Symbol.dispose](): void {
    if (this.#release === undefined || this.#released) return;
    this.#released = true;
    this.#release();
  }

  /** A short description for the console. */
  [Symbol.for("Deno.customInspect")](): string {
    const engine = typeof this.#engine === "function" ? "not loaded" : this.#engine.name;
    return `#Factory[${this.name}, ${this.dtype}, engine:${engine}]`;
  }
}

/** Throws when a factory was released: nothing may reach its engine after that. */
export function checkFactoryLive(op: string, f: Factory): void {
  if (f.released) {
    throw new KnapError(`${op}: factory ${f.name} was released`, "released");
  }
}

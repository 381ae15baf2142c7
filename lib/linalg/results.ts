/**
 * What the eigenvalue and singular value routines share: the refusal of NaN and ∞ before an
 * iteration starts, and results built on the host and moved to the caller's factory.
 *
 * @module
 */

import type { GEMatrix, Vector } from "../core/structures.ts";
import type { HostArray, Loc } from "../core/types.ts";
import type { Factory } from "../core/factory.ts";
import { ge, vctr } from "../core/construct.ts";
import { transfer_ } from "../access.ts";

/** Throws unless every entry of a host GE matrix is finite, naming the first that is not. */
export function finite(op: string, a: GEMatrix<"host">): void {
  const buf = a.storage.buffer as HostArray;
  for (let j = 0; j < a.n; j++) {
    for (let i = 0; i < a.m; i++) {
      const v = buf[a.offset + i * a.rowStride + j * a.colStride];
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `${op}: a(${i}, ${j}) is ${v}; the iteration would not end meaningfully, so it does not start`,
        );
      }
    }
  }
}

/** A host matrix moved to home (itself where it already is there). */
export function toHome<L extends Loc>(home: Factory<L>, m: GEMatrix<"host">): GEMatrix<L> {
  if (m.factory === (home as Factory)) return m as unknown as GEMatrix<L>;
  const out = ge(home, m.m, m.n);
  transfer_(m, out);
  m[Symbol.dispose]();
  return out;
}

/** Values and vectors as a disposable result on home: one record whose disposal frees them all. */
export function result<L extends Loc>(
  home: Factory<L>,
  values: [string, Float64Array][],
  vectors: [string, GEMatrix<"host"> | undefined][],
): Record<string, Vector<L> | GEMatrix<L> | undefined> & Disposable {
  const out: Record<string, Vector<L> | GEMatrix<L> | undefined> = {};
  for (const [name, v] of values) out[name] = vctr(home, Array.from(v));
  for (const [name, m] of vectors) out[name] = m && toHome(home, m);
  return Object.assign(out, {
    [Symbol.dispose]() {
      for (const v of Object.values(out)) v?.[Symbol.dispose]();
    },
  });
}

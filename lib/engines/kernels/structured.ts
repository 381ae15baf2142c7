/**
 * Structured routines as kernels, for every device: the triangular solve of a dense triangle
 * (what the public `sv_` hands an engine after copying any triangular or diagonal kind into one),
 * one work item per right-hand side walking the rows in order, a span of rows per launch. The
 * products compose from the dense copy and the device's GEMM, which beats a kernel per kind.
 *
 * @module
 */

import type { StructuredEngine } from "../../core/engine.ts";
import { type KernelDevice, termsPer } from "./device.ts";
import { kernel, matrix, scalars, variants } from "./template.ts";

const WG = 64;

/** Rows first … first + span_n of each column t of b, solved against the triangle of a. */
const solve = variants((upper: boolean) =>
  kernel({
    key: `trsv:${upper}`,
    operands: { a: matrix(), b: matrix(true) },
    scalars: scalars("int", ["n", "first", "span_n"]),
    workgroup: WG,
    body: (l) =>
      l.for(
        "r",
        "first",
        "first + span_n",
        `${l.int("i", upper ? "n - 1 - r" : "r")}
      ${l.realVar("acc", l.at("b", "i", "t"))}
      ${
          l.for(
            "j",
            upper ? "i + 1" : "0",
            upper ? "n" : "i",
            `acc = acc - ${l.at("a", "i", "j")} * ${l.at("b", "j", "t")};`,
          )
        }
      ${l.at("b", "i", "t")} = acc / ${l.at("a", "i", "i")};`,
      ),
  })
);

/** A device's structured routines: the solve of a dense non-unit triangle. */
export function structuredKernels(dev: KernelDevice, name: string): StructuredEngine {
  return {
    sv(a, b) {
      if (a.kind !== "tr" || a.diag !== "non-unit") return undefined;
      const n = a.n;
      const per = termsPer(dev, b.cols, WG);
      if (n > per) {
        throw new RangeError(
          `sv_: a triangle of order ${n} exceeds what one ${name} launch may loop over (${per} terms)`,
        );
      }
      const rows = Math.max(1, Math.floor(per / Math.max(n, 1)));
      const operand = {
        storage: a.storage,
        offset: a.offset,
        rows: n,
        cols: n,
        rowStride: a.layout === "column" ? 1 : a.ld,
        colStride: a.layout === "column" ? a.ld : 1,
      };
      const upper = a.uplo === "upper";
      return () => {
        for (let first = 0; first < n; first += rows) {
          const span_n = Math.min(rows, n - first);
          dev.run(solve(upper), { a: operand, b, n, first, span_n }, b.cols);
        }
      };
    },
  };
}

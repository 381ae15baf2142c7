/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011), written
 * once: its rounds render into WGSL, C and JavaScript (js/philox.ts), so every engine draws the
 * same counter-based stream — entry k of a structure takes lane k mod 4 of counter block
 * offset + ⌊k/4⌋. The kernels turn the lanes into uniform or normal numbers, in double where
 * the device has it, as the js engine computes them.
 *
 * @module
 */

import type { Operand, RandomStream, RngEngine } from "../../core/engine.ts";
import { atOrAbove, below } from "../../core/floats.ts";
import type { KernelDevice } from "./device.ts";
import { kernel, type Lang, matrix, type UintLang, variants } from "./template.ts";

const M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

/** The ten rounds over the unsigned variables c0…c3 with key k0, k1, which they change. */
export function philoxRounds(l: UintLang): string {
  return l.for(
    "r_",
    "0",
    "10",
    `${l.uint("hi0", l.mulhi(l.ulit(M0), "c0"))} ${l.uint("lo0", l.umul(l.ulit(M0), "c0"))}
    ${l.uint("hi1", l.mulhi(l.ulit(M1), "c2"))} ${l.uint("lo1", l.umul(l.ulit(M1), "c2"))}
    c0 = ${l.uxor("hi1", "c1", "k0")}; c1 = lo1; c2 = ${l.uxor("hi0", "c3", "k1")}; c3 = lo0;
    k0 = ${l.uadd("k0", l.ulit(W0))}; k1 = ${l.uadd("k1", l.ulit(W1))};`,
  );
}

/** Lane `i` (an integer 0…3) of the block c0…c3. */
const lane = (l: Lang, i: string) =>
  l.select(`${i} == 0`, "c0", l.select(`${i} == 1`, "c1", l.select(`${i} == 2`, "c2", "c3")));

/**
 * sin or cos of theta: WGSL's own helpers (wgsl.ts), whose accuracy does not depend on the
 * implementation's builtins; C's libm is exact to its type.
 */
const trig = (l: Lang, f: "sin" | "cos") => l.dialect === "wgsl" ? `${f}_(theta)` : `${f}(theta)`;

/** A lane as a wide uniform number in the open interval (0, 1). */
const unit = (l: Lang, u: string) => `(${l.toWide(u)} + 0.5) * 2.3283064365386963e-10`;

/**
 * x ← uniform [p0, p1) kept within [p2, p3] (the representable ends), or normal(p0, p1) by
 * Box–Muller on lanes (0, 1) and (2, 3) of each block.
 */
const random = variants((kind: "uniform" | "normal") =>
  kernel({
    key: `random:${kind}`,
    operands: { x: matrix(true) },
    scalars: {
      rows: "int",
      key0: "uint",
      key1: "uint",
      off_lo: "uint",
      off_hi: "uint",
      p0: "wide",
      p1: "wide",
      p2: "real",
      p3: "real",
    },
    wide: true,
    workgroup: 256,
    body: (l) =>
      `${l.uint("lo", l.uadd("off_lo", l.toUint("t / 4")))}
    ${l.uint("hi", l.uadd("off_hi", l.select("lo < off_lo", l.ulit(1), l.ulit(0))))}
    ${l.uintVar("c0", "lo")} ${l.uintVar("c1", "hi")}
    ${l.uintVar("c2", l.ulit(0))} ${l.uintVar("c3", l.ulit(0))}
    ${l.uintVar("k0", "key0")} ${l.uintVar("k1", "key1")}
    ${philoxRounds(l)}
    ${l.int("lane", "t % 4")}
    ${
        kind === "uniform"
          ? `${l.at("x", "t % rows", "t / rows")} = clamp(${
            l.fromWide(`p0 + (p1 - p0) * ${unit(l, lane(l, "lane"))}`)
          }, p2, p3);`
          : `${l.int("pair", "lane - lane % 2")}
    ${l.wide("radius", `sqrt(-2.0 * log(${unit(l, lane(l, "pair"))}))`)}
    ${l.wide("theta", `6.283185307179586 * ${unit(l, lane(l, "pair + 1"))}`)}
    ${l.at("x", "t % rows", "t / rows")} = ${
            l.fromWide(
              `p0 + p1 * radius * ${l.select("lane % 2 == 0", trig(l, "cos"), trig(l, "sin"))}`,
            )
          };`
      }`,
  })
);

/** Random numbers on a device. */
export function rngKernels(dev: KernelDevice): RngEngine {
  const draw = (
    kind: "uniform" | "normal",
    x: Operand,
    a: number,
    b: number,
    first: number,
    last: number,
    s: RandomStream,
  ) =>
    dev.run(random(kind), {
      x,
      rows: x.rows,
      key0: s.key0,
      key1: s.key1,
      off_lo: s.offset >>> 0,
      off_hi: Math.floor(s.offset / 4294967296) >>> 0,
      p0: a,
      p1: b,
      p2: first,
      p3: last,
    }, x.rows * x.cols);
  const float32 = dev.realBytes === 4;
  return {
    uniform: (x, lo, hi, s) =>
      draw("uniform", x, lo, hi, atOrAbove(lo, float32), below(hi, float32), s),
    normal: (x, mu, sigma, s) => draw("normal", x, mu, sigma, -Infinity, Infinity, s),
  };
}

/**
 * Pooling in WGSL: one invocation per entry written, its loop cut into spans within the loop
 * budget (a dispatch per span, the later spans folding into what the earlier wrote), so that a
 * window may hold any number of taps. Forward, an output entry walks its window. Backward, an
 * input entry walks the windows that hold it; for max pooling each window's first largest tap
 * (NaN first, as the js engine takes it) is found first, into scratch, and an input entry takes
 * the errors of the windows whose tap it is. A mean over the taps inside the data counts them
 * in closed form.
 *
 * @module
 */

import type { DnnEngine, PoolingKind, TensorOperand } from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { dense, gridKernel, U } from "./wgsl.ts";
import { head } from "./conv_words.ts";
import { padded3, spatial3 } from "../../tensor/spatial.ts";
import { spans, walkDigits } from "./loops.ts";

const WG = 64;
/** Words: spatial strides of operands 0, 1 and 2, the extents, the geometry. */
const S0 = 16, S1 = 19, S2 = 22, N = 25, C = 26, IE = 28, KE = 31, OE = 34, ST = 37, PA = 40;
/**
 * Words: this dispatch's span (first term, length, whether it is the last), the first (n, c)
 * plane of a chunk, and the most windows holding one entry along each dimension.
 */
const FIRST = 1, LENGTH = 2, LAST = 3, PLANE = 27, WN = 43;
/** The scratch of max pooling's backward pass: operand 3, each window's largest and its tap. */
const SCRATCH = 3;
/** Tap numbers travel as floats: exact below 2²⁴. */
const EXACT = 2 ** 24;

const at = (q: number, s: number, d: string, h: string, w: string) =>
  `(${U(4 + 3 * q)} + n * ${U(5 + 3 * q)} + c * ${U(6 + 3 * q)} + ${d} * ${U(s)} + ` +
  `${h} * ${U(s + 1)} + ${w} * ${U(s + 2)})`;

/** WGSL: t unravelled over (plane, d, h, w) with the spatial extents from word `e`. */
const planeEntry = (names: [string, string, string], e: number) =>
  `var r = t; let ${names[2]} = r % ${U(e + 2)}; r = r / ${U(e + 2)};
    let ${names[1]} = r % ${U(e + 1)}; r = r / ${U(e + 1)}; let ${names[0]} = r % ${U(e)};
    let plane = r / ${U(e)} + ${U(PLANE)}; let c = plane % ${U(C)}; let n = plane / ${U(C)};`;

/** WGSL: the input position (id, ih, iw) of tap (kd, kh, kw) of window (od, oh, ow). */
const tap = `let id = i32(od * ${U(ST)} + kd) - i32(${U(PA)});
      let ih = i32(oh * ${U(ST + 1)} + kh) - i32(${U(PA + 1)});
      let iw = i32(ow * ${U(ST + 2)} + kw) - i32(${U(PA + 2)});
      let inside = id >= 0 && id < i32(${U(IE)}) && ih >= 0 && ih < i32(${U(IE + 1)}) &&
        iw >= 0 && iw < i32(${U(IE + 2)});`;

/** WGSL: the taps of window (od, oh, ow) inside the data along dimension e. */
const insideAlong = (o: string, e: number) =>
  `f32(max(min(i32(${o} * ${U(ST + e)}) - i32(${U(PA + e)}) + i32(${U(KE + e)}), i32(${
    U(IE + e)
  })) - max(i32(${o} * ${U(ST + e)}) - i32(${U(PA + e)}), 0), 0))`;

/** WGSL: the divisor of window (od, oh, ow)'s mean: the whole window, or its taps inside. */
const divisor = (kind: PoolingKind) =>
  kind === "avg"
    ? `f32(${U(KE)} * ${U(KE + 1)} * ${U(KE + 2)})`
    : `(${insideAlong("od", 0)} * ${insideAlong("oh", 1)} * ${insideAlong("ow", 2)})`;

/** The WebGPU engine's pooling, forward and backward. */
export function webgpuPooling(
  rt: Runtime,
): Required<Pick<DnnEngine, "poolingForward" | "poolingBackward">> {
  const geometry = (
    g: { kernel: readonly number[]; strides: readonly number[]; padding: readonly number[] },
  ) => [padded3(g.kernel, 1), padded3(g.strides, 1), padded3(g.padding, 0)];

  /**
   * A dispatch of kernel `name` over the tensors, and the scratch where a dispatch gives one,
   * with the shape, geometry and span words set. It writes the last tensor, or the scratch.
   */
  function dispatcher(
    name: string,
    ts: TensorOperand[],
    geo: number[][],
    body: string,
    writes: "last" | "scratch" = "last",
  ) {
    const spatials = ts.map(spatial3);
    const [kernel, strides, pad] = geo;
    // The most windows that hold one entry along each dimension.
    const holding = kernel.map((k, i) => Math.min(Math.ceil(k / strides[i]), spatials[1].e[i]));
    return (
      total: number,
      span: readonly [number, number],
      last: boolean,
      plane = 0,
      scratch?: { buffer: GPUBuffer; length: number },
    ) => {
      const operands = ts.map(head);
      if (scratch !== undefined) operands[SCRATCH] = dense(scratch.buffer, scratch.length, 1);
      gridKernel(
        rt,
        `pool:${name}`,
        operands,
        [writes === "last" ? ts.length - 1 : SCRATCH],
        (slot) =>
          body.replaceAll("b$X", slot(0)).replaceAll("b$Y", slot(1))
            .replaceAll("b$Z", ts.length > 2 ? slot(2) : "")
            .replaceAll("b$S", scratch === undefined ? "" : slot(SCRATCH)),
        WG,
      )(total, (p) => {
        spatials.forEach((sp, q) => sp.s.forEach((v, i) => p.u[[S0, S1, S2][q] + i] = v));
        p.u[N] = ts[0].shape[0];
        p.u[C] = ts[0].shape[1];
        spatials[0].e.forEach((v, i) => p.u[IE + i] = v);
        spatials[1].e.forEach((v, i) => p.u[OE + i] = v);
        kernel.forEach((v, i) => p.u[KE + i] = v);
        strides.forEach((v, i) => p.u[ST + i] = v);
        pad.forEach((v, i) => p.u[PA + i] = v);
        holding.forEach((v, i) => p.u[WN + i] = v);
        p.u[FIRST] = span[0];
        p.u[LENGTH] = span[1];
        p.u[LAST] = last ? 1 : 0;
        p.u[PLANE] = plane;
      });
    };
  }

  /** Runs `d` over `total` entries in spans of `terms`. */
  const spanned = (d: ReturnType<typeof dispatcher>, total: number, terms: number) => () => {
    if (total === 0) return;
    const all = spans(rt, total, terms, WG);
    all.forEach((s, i) => d(total, s, i === all.length - 1));
  };

  /** WGSL walking the taps of window (od, oh, ow) in this dispatch's span. */
  const taps = (body: string) =>
    walkDigits(
      ["kd", "kh", "kw"],
      [U(KE), U(KE + 1), U(KE + 2)],
      U(FIRST),
      `${U(FIRST)} + ${U(LENGTH)}`,
      `${tap}
      ${body}`,
    );

  /**
   * WGSL walking the windows (od, oh, ow) that hold input entry (xd, xh, xw) in this dispatch's
   * span: along each dimension od·s ≤ i + p < od·s + k.
   */
  const holding = (body: string) => {
    const range = (v: string, i: string, e: number) =>
      `let ${v}hi = min((i32(${i}) + i32(${U(PA + e)})) / i32(${U(ST + e)}), i32(${U(OE + e)}) - 1);
    var ${v}lo = i32(${i}) + i32(${U(PA + e)}) - i32(${U(KE + e)}) + 1;
    ${v}lo = max(select((${v}lo + i32(${U(ST + e)}) - 1) / i32(${U(ST + e)}), 0, ${v}lo <= 0), 0);`;
    return `${range("d", "xd", 0)}
    ${range("h", "xh", 1)}
    ${range("w", "xw", 2)}
    ${
      walkDigits(
        ["jd", "jh", "jw"],
        [U(WN), U(WN + 1), U(WN + 2)],
        U(FIRST),
        `${U(FIRST)} + ${U(LENGTH)}`,
        `let odi = dlo + i32(jd); let ohi = hlo + i32(jh); let owi = wlo + i32(jw);
      if (odi <= dhi && ohi <= hhi && owi <= whi) {
        let od = u32(odi); let oh = u32(ohi); let ow = u32(owi);
        ${body}
      }`,
      )
    }`;
  };

  const count = (t: TensorOperand) => t.shape.reduce((n, e) => n * e, 1);
  const windowTaps = (g: { kernel: readonly number[] }) => g.kernel.reduce((n, e) => n * e, 1);

  return {
    poolingForward(kind, x, y, g) {
      const max = kind === "max";
      // A max starts below every entry (a window of padding alone is −∞); a mean sums, and the
      // last span divides.
      const d = dispatcher(
        `fwd:${kind}`,
        [x, y],
        geometry(g),
        `
    ${planeEntry(["od", "oh", "ow"], OE)}
    let ya = ${at(1, S1, "od", "oh", "ow")};
    var acc = select(b$Y[ya], ${max ? "-inf_(0.0)" : "0.0"}, ${U(FIRST)} == 0u);
    ${
          taps(`if (inside) {
        let v = b$X[${at(0, S0, "u32(id)", "u32(ih)", "u32(iw)")}];
        acc = ${max ? "max_(acc, v)" : "acc + v"};
      }`)
        }
    b$Y[ya] = ${max ? "acc" : `select(acc, acc / ${divisor(kind)}, ${U(LAST)} == 1u)`};`,
      );
      return spanned(d, count(y), windowTaps(g));
    },

    poolingBackward(kind, x, dy, dx, g) {
      const geo = geometry(g);
      const holdingTerms = geo[0].reduce(
        (n, k, i) => n * Math.min(Math.ceil(k / geo[1][i]), spatial3(dy).e[i]),
        1,
      );
      if (kind !== "max") {
        const d = dispatcher(
          `bwd:${kind}`,
          [x, dy, dx],
          geo,
          `
    ${planeEntry(["xd", "xh", "xw"], IE)}
    let xa = ${at(2, S2, "xd", "xh", "xw")};
    var acc = select(b$Z[xa], 0.0, ${U(FIRST)} == 0u);
    ${holding(`acc += b$Y[${at(1, S1, "od", "oh", "ow")}] / ${divisor(kind)};`)}
    b$Z[xa] = acc;`,
        );
        return spanned(d, count(dx), holdingTerms);
      }
      const perWindow = windowTaps(g);
      if (perWindow >= EXACT) {
        throw new RangeError(
          `poolingBackward: max windows of ${perWindow} taps exceed the ${EXACT} whose ` +
            "positions WebGPU's kernels hold exactly",
        );
      }
      const planes = x.shape[0] * x.shape[1];
      const windows = count(dy) / Math.max(planes, 1), entries = count(dx) / Math.max(planes, 1);
      const room = Math.floor(rt.limits.maxBuffer / 4 / 2);
      if (windows > room) {
        throw new RangeError(
          `poolingBackward: ${windows} windows of one channel need more scratch than WebGPU's ` +
            `largest buffer (${rt.limits.maxBuffer} bytes) holds`,
        );
      }
      // Planes in chunks whose windows' largest entries and taps fit one scratch buffer.
      const chunk = Math.max(1, Math.min(planes, Math.floor(room / Math.max(windows, 1))));
      const largest = dispatcher(
        "largest",
        [x, dy],
        geo,
        `
    ${planeEntry(["od", "oh", "ow"], OE)}
    let first = ${U(FIRST)} == 0u;
    var bv = select(b$S[2u * t], 0.0, first);
    var bi = select(b$S[2u * t + 1u], -1.0, first);
    ${
          taps(`if (inside) {
        let v = b$X[${at(0, S0, "u32(id)", "u32(ih)", "u32(iw)")}];
        if (bi < 0.0 || (!isnan_(bv) && (isnan_(v) || v > bv))) { bv = v; bi = f32(r_); }
      }`)
        }
    b$S[2u * t] = bv;
    b$S[2u * t + 1u] = bi;`,
        "scratch",
      );
      const gather = dispatcher(
        "bwd:max",
        [x, dy, dx],
        geo,
        `
    ${planeEntry(["xd", "xh", "xw"], IE)}
    let xa = ${at(2, S2, "xd", "xh", "xw")};
    var acc = select(b$Z[xa], 0.0, ${U(FIRST)} == 0u);
    ${
          holding(`// This entry's tap number in the window, and the window's place in the chunk.
        let mine = ((i32(xd) + i32(${U(PA)}) - odi * i32(${U(ST)})) * i32(${U(KE + 1)}) +
          (i32(xh) + i32(${U(PA + 1)}) - ohi * i32(${U(ST + 1)}))) * i32(${U(KE + 2)}) +
          (i32(xw) + i32(${U(PA + 2)}) - owi * i32(${U(ST + 2)}));
        let wl = (((plane - ${U(PLANE)}) * ${U(OE)} + od) * ${U(OE + 1)} + oh) * ${U(OE + 2)} + ow;
        if (b$S[2u * wl + 1u] == f32(mine)) { acc += b$Y[${at(1, S1, "od", "oh", "ow")}]; }`)
        }
    b$Z[xa] = acc;`,
      );
      return () => {
        if (count(dx) === 0) return;
        const length = 2 * windows * chunk;
        const scratch = { buffer: rt.scratch("pool-largest", length), length };
        for (let p0 = 0; p0 < planes; p0 += chunk) {
          const n = Math.min(chunk, planes - p0);
          const w = spans(rt, n * windows, perWindow, WG);
          w.forEach((s, i) => largest(n * windows, s, i === w.length - 1, p0, scratch));
          const e = spans(rt, n * entries, holdingTerms, WG);
          e.forEach((s, i) => gather(n * entries, s, i === e.length - 1, p0, scratch));
        }
      };
    },
  };
}

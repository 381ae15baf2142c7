/**
 * Convolutions in WGSL, direct: one invocation per entry it writes. The forward pass sums an
 * output entry's window over the input channels; the data gradient sums, for an input entry,
 * the output entries whose windows hold it; the weights' gradient sums a weight's terms over
 * the batch and the output positions; the bias gradient is the planned reduction of the error.
 * Shapes, strides and geometry travel in the parameter words, up to three spatial dimensions
 * (the missing ones of extent 1), so one compiled kernel serves every shape.
 *
 * @module
 */

import type { DnnEngine, Operand, TensorOperand } from "../../core/engine.ts";
import type { Runtime } from "./runtime.ts";
import { bind, header, setOperand, U } from "./wgsl.ts";
import { tensorReduction } from "./tensor_reduce.ts";

const WG = 64;

/** Words: the x, w and y spatial strides, the extents, then the geometry. */
const XS = 16, WS = 19, YS = 22, N = 25, C = 26, O = 27, IE = 28, KE = 31, OE = 34;
const ST = 37, PA = 40, DI = 43;

/** A tensor's memory as an operand whose three words hold its offset and first two strides. */
const head = (t: TensorOperand): Operand => ({
  storage: t.storage,
  offset: t.offset,
  rows: 1,
  cols: 1,
  rowStride: t.strides[0],
  colStride: t.strides[1] ?? 0,
});

/** Three spatial extents and strides, the missing leading ones of extent 1 and stride 0. */
function spatial(t: TensorOperand): { e: number[]; s: number[] } {
  const e = t.shape.slice(2), s = t.strides.slice(2);
  while (e.length < 3) {
    e.unshift(1);
    s.unshift(0);
  }
  return { e, s };
}

const three = (v: readonly number[], fill: number): number[] => {
  const out = [...v];
  while (out.length < 3) out.unshift(fill);
  return out;
};

/** WGSL: the address of tensor q's entry (a, b, sd, sh, sw), its spatial strides from word s. */
const at = (q: number, s: number, a: string, b: string, d: string, h: string, w: string) =>
  `(${U(4 + 3 * q)} + ${a} * ${U(5 + 3 * q)} + ${b} * ${U(6 + 3 * q)} + ${d} * ${U(s)} + ` +
  `${h} * ${U(s + 1)} + ${w} * ${U(s + 2)})`;

/** WGSL: unravels linear index t over (a, b, d, h, w) with extents from words. */
const unravel = (names: string[], extents: number[]) => {
  let code = "var r = t;";
  for (let k = names.length - 1; k > 0; k--) {
    code += ` let ${names[k]} = r % ${U(extents[k])}; r = r / ${U(extents[k])};`;
  }
  return `${code} let ${names[0]} = r;`;
};

/** The WebGPU engine's planned convolution passes. */
export function webgpuConvolution(rt: Runtime): NonNullable<DnnEngine["convolution"]> {
  const reduce = tensorReduction(rt);
  return (pass, x, w, b, y, g) => {
    const xs = spatial(x), ws = spatial(w), ys = spatial(y);
    const words = (p: { u: Uint32Array }, total: number) => {
      p.u[0] = total;
      p.u[1] = b === undefined ? 0 : 1;
      [xs.s, ws.s, ys.s].forEach((s, k) => s.forEach((v, i) => p.u[[XS, WS, YS][k] + i] = v));
      p.u[N] = x.shape[0];
      p.u[C] = x.shape[1];
      p.u[O] = w.shape[0];
      [xs.e, ws.e, ys.e].forEach((e, k) => e.forEach((v, i) => p.u[[IE, KE, OE][k] + i] = v));
      three(g.strides, 1).forEach((v, i) => p.u[ST + i] = v);
      three(g.padding, 0).forEach((v, i) => p.u[PA + i] = v);
      three(g.dilation, 1).forEach((v, i) => p.u[DI + i] = v);
    };
    const count = (t: TensorOperand) => t.shape.reduce((n, e) => n * e, 1);
    // Operand order: the written tensor first; x is 0, w 1, y 2 in the address words below, so
    // each kernel binds them in that order and the written one is flagged.
    const kernelFor = (name: string, written: TensorOperand, body: string) => {
      const operands = [x, w, y, ...(b === undefined ? [] : [b])].map(head);
      const writes = [x, w, y].indexOf(written);
      // bind() marks the first `writes` operands as written; put the written one first.
      const order = [writes, ...[0, 1, 2, 3].filter((q) => q !== writes && q < operands.length)];
      const binding = bind(order.map((q) => operands[q]), 1);
      const slot = (q: number) => `b${binding.slotOf[order.indexOf(q)]}`;
      const kernel = rt.kernel(
        `conv:${name}:${binding.key}:${b === undefined}`,
        binding.writable,
        () =>
          `${header(binding)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nw: vec3u) {
  for (var t = gid.x; t < ${U(0)}; t += nw.x * ${WG}u) {
${
            body.replaceAll("$X", slot(0)).replaceAll("$W", slot(1)).replaceAll("$Y", slot(2))
              .replaceAll("$B", b === undefined ? "" : slot(3))
          }
  }
}`,
      );
      return { kernel, binding, order, operands };
    };
    const dispatch = (k: ReturnType<typeof kernelFor>, total: number) =>
      rt.dispatch(k.kernel, k.binding.buffers, (p) => {
        k.order.forEach((q) => setOperand(p.u, q, k.operands[q]));
        words(p, total);
      }, [rt.groups(total, WG)]);

    const inRange = (v: string, e: number) => `${v} >= 0 && ${v} < i32(${U(e)})`;
    if (pass === "forward") {
      const k = kernelFor(
        "forward",
        y,
        `
    ${unravel(["n", "o", "od", "oh", "ow"], [N, O, OE, OE + 1, OE + 2])}
    var acc = 0.0;
    ${b === undefined ? "" : `acc = $B[${U(13)} + o * ${U(14)}];`}
    for (var c = 0u; c < ${U(C)}; c++) {
      for (var kd = 0u; kd < ${U(KE)}; kd++) {
        let id = i32(od * ${U(ST)} + kd * ${U(DI)}) - i32(${U(PA)});
        if (!(${inRange("id", IE)})) { continue; }
        for (var kh = 0u; kh < ${U(KE + 1)}; kh++) {
          let ih = i32(oh * ${U(ST + 1)} + kh * ${U(DI + 1)}) - i32(${U(PA + 1)});
          if (!(${inRange("ih", IE + 1)})) { continue; }
          for (var kw = 0u; kw < ${U(KE + 2)}; kw++) {
            let iw = i32(ow * ${U(ST + 2)} + kw * ${U(DI + 2)}) - i32(${U(PA + 2)});
            if (!(${inRange("iw", IE + 2)})) { continue; }
            acc += $X[${at(0, XS, "n", "c", "u32(id)", "u32(ih)", "u32(iw)")}] *
              $W[${at(1, WS, "o", "c", "kd", "kh", "kw")}];
          }
        }
      }
    }
    $Y[${at(2, YS, "n", "o", "od", "oh", "ow")}] = acc;`,
      );
      return () => dispatch(k, count(y));
    }
    if (pass === "backwardData") {
      // The output position a tap reaches: (i + p − k·d) / s where that divides evenly.
      const reach = (v: string, i: string, k: string, e: number) =>
        `let ${v}n = i32(${i}) + i32(${U(PA + e)}) - i32(${k} * ${U(DI + e)});
          if (${v}n < 0 || ${v}n % i32(${U(ST + e)}) != 0) { continue; }
          let ${v} = u32(${v}n / i32(${U(ST + e)}));
          if (${v} >= ${U(OE + e)}) { continue; }`;
      const k = kernelFor(
        "backwardData",
        x,
        `
    ${unravel(["n", "c", "id", "ih", "iw"], [N, C, IE, IE + 1, IE + 2])}
    var acc = 0.0;
    for (var o = 0u; o < ${U(O)}; o++) {
      for (var kd = 0u; kd < ${U(KE)}; kd++) {
        ${reach("od", "id", "kd", 0)}
        for (var kh = 0u; kh < ${U(KE + 1)}; kh++) {
          ${reach("oh", "ih", "kh", 1)}
          for (var kw = 0u; kw < ${U(KE + 2)}; kw++) {
            ${reach("ow", "iw", "kw", 2)}
            acc += $Y[${at(2, YS, "n", "o", "od", "oh", "ow")}] *
              $W[${at(1, WS, "o", "c", "kd", "kh", "kw")}];
          }
        }
      }
    }
    $X[${at(0, XS, "n", "c", "id", "ih", "iw")}] = acc;`,
      );
      return () => dispatch(k, count(x));
    }
    const k = kernelFor(
      "backwardWeights",
      w,
      `
    ${unravel(["o", "c", "kd", "kh", "kw"], [O, C, KE, KE + 1, KE + 2])}
    var acc = 0.0;
    for (var n = 0u; n < ${U(N)}; n++) {
      for (var od = 0u; od < ${U(OE)}; od++) {
        let id = i32(od * ${U(ST)} + kd * ${U(DI)}) - i32(${U(PA)});
        if (!(${inRange("id", IE)})) { continue; }
        for (var oh = 0u; oh < ${U(OE + 1)}; oh++) {
          let ih = i32(oh * ${U(ST + 1)} + kh * ${U(DI + 1)}) - i32(${U(PA + 1)});
          if (!(${inRange("ih", IE + 1)})) { continue; }
          for (var ow = 0u; ow < ${U(OE + 2)}; ow++) {
            let iw = i32(ow * ${U(ST + 2)} + kw * ${U(DI + 2)}) - i32(${U(PA + 2)});
            if (!(${inRange("iw", IE + 2)})) { continue; }
            acc += $Y[${at(2, YS, "n", "o", "od", "oh", "ow")}] *
              $X[${at(0, XS, "n", "c", "u32(id)", "u32(ih)", "u32(iw)")}];
          }
        }
      }
    }
    $W[${at(1, WS, "o", "c", "kd", "kh", "kw")}] = acc;`,
    );
    // The bias gradient: the error summed over the batch and the positions, one per output.
    const bias = b === undefined ? undefined : reduce("sum", y, {
      storage: b.storage,
      offset: b.offset,
      shape: y.shape.map((e, d) => d === 1 ? e : 1),
      strides: y.shape.map((_, d) => d === 1 ? b.strides[0] : 0),
    }, "float32");
    return () => {
      dispatch(k, count(w));
      bias?.();
    };
  };
}

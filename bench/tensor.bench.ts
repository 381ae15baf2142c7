/**
 * Tensor layout changes: knap's transformer between nchw and nhwc of a 128×64×32×32 float32
 * batch (8.4 million entries), against oneDNN's reorder primitive called raw on the same
 * memory, and the js engine's matrix copies. `deno bench -A bench/tensor.bench.ts`
 */
import { jsFloat, nativeAvailability, nativeFloat, tensor, transformer } from "../mod.ts";
import { dnnlPrimitives } from "../lib/engines/native/primitives.ts";
import { nativeLibraries } from "../lib/engines/native/libraries.ts";
import { layoutStrides } from "../lib/tensor/desc.ts";

const shape = [128, 64, 32, 32];
const size = shape.reduce((a, b) => a * b);
const data = Float32Array.from({ length: size }, (_, i) => i % 1000);

const native = nativeAvailability();
if (!native.available) {
  console.log(`native skipped: ${native.reason}`);
} else {
  const x = tensor(nativeFloat, shape, "nchw", data);
  const y = tensor(nativeFloat, shape, "nhwc");
  const forward = transformer(x, y), back = transformer(y, x);
  const prims = dnnlPrimitives(nativeLibraries(), 4);
  const md = (l: "nchw" | "nhwc") => prims.memoryDesc(shape, layoutStrides("bench", shape, l));
  const rawForward = prims.reorder("nchw→nhwc", md("nchw"), md("nhwc"));
  const rawBack = prims.reorder("nhwc→nchw", md("nhwc"), md("nchw"));
  const xa = x.storage.buffer as Float32Array, ya = y.storage.buffer as Float32Array;
  const px = Deno.UnsafePointer.of(xa), py = Deno.UnsafePointer.of(ya);

  Deno.bench("transformer nchw → nhwc (native)", { group: "nchw → nhwc", baseline: true }, () => {
    forward.run();
  });
  Deno.bench("raw oneDNN reorder nchw → nhwc", { group: "nchw → nhwc" }, () => {
    prims.run(rawForward, [px, py]);
  });
  Deno.bench("transformer nhwc → nchw (native)", { group: "nhwc → nchw", baseline: true }, () => {
    back.run();
  });
  Deno.bench("raw oneDNN reorder nhwc → nchw", { group: "nhwc → nchw" }, () => {
    prims.run(rawBack, [py, px]);
  });
}

const jx = tensor(jsFloat, shape, "nchw", data);
const jy = tensor(jsFloat, shape, "nhwc");
const js = transformer(jx, jy);
Deno.bench("transformer nchw → nhwc (js, matrix copies)", { group: "nchw → nhwc" }, () => {
  js.run();
});

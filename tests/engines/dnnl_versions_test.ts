/**
 * The book's layers on oneDNN 2.6 and 3.9 side by side: a chapter-31-style convolutional network
 * (convolutions, batch normalization, max pooling, dense layers, softmax) trained for two steps
 * with Adam, and chapter 14's fully connected layers, each in a child process with oneDNN's
 * verbose log on — once on the system's oneDNN 2.x, once on ../shared's 3.9 build. Both run the
 * same kinds of primitive, and 3.9 takes a reference (slow) kernel for none that 2.6 runs fast.
 * Skipped, with the reason, where either library is missing (users have no ../shared).
 */
import { assert } from "../conformance/assert.ts";

const onednn3 =
  new URL("../../../shared/lib/onednn-3.9/lib/libdnnl.so.3", import.meta.url).pathname;
const has3 = (() => {
  try {
    return Deno.statSync(onednn3).isFile;
  } catch {
    return false;
  }
})();
const lib = new URL("../../mod.ts", import.meta.url).href;
const dnn = new URL("../../lib/dnn/mod.ts", import.meta.url).href;
const nn = new URL("../../lib/nn/mod.ts", import.meta.url).href;

const script = `
  import { ge, nativeAvailability, nativeFloat, randUniform_, tensor, vctr } from "${lib}";
  import { innerProduct_ } from "${new URL("../../lib/ops/mod.ts", import.meta.url).href}";
  import { batchNorm, convo, dense, flatten, network, pooling, train } from "${dnn}";
  import { adam, categoricalCrossentropyCost_ } from "${nn}";
  const v = nativeAvailability().libraries?.find((l) => l.name === "oneDNN");
  if (!v?.loaded) throw new Error("oneDNN did not load: " + v?.detail);
  const n = 32;
  using net = network(nativeFloat, [n, 1, 28, 28], [
    convo(8, [3, 3], "relu", { padding: 1 }),
    batchNorm(),
    pooling([2, 2], "max"),
    convo(16, [3, 3], "relu"),
    pooling([2, 2], "max"),
    flatten(),
    dense(32, "tanh"),
    dense(10, "softmax"),
  ]);
  using x = tensor(nativeFloat, [n, 1, 28, 28], "nchw");
  x.storage.buffer.forEach((_, k, a) => a[k] = Math.sin(k * 0.37));
  using y = tensor(nativeFloat, [n, 10], "nc");
  y.storage.buffer.forEach((_, k, a) => a[k] = k % 10 === (k / 10 | 0) % 10 ? 1 : 0);
  await train(net, x, y, categoricalCrossentropyCost_, 2, { batch: 16, eta: 0.01, optimizer: adam(), seed: 1, quiet: true });
  // Chapter 14's layers: a fused 16→16 tanh layer and a wide one.
  const w = randUniform_(ge(nativeFloat, 16, 16), { seed: 1 }), x2 = randUniform_(ge(nativeFloat, 16, 512), { seed: 2 });
  innerProduct_(w, x2, randUniform_(vctr(nativeFloat, 16), { seed: 3 }), ge(nativeFloat, 16, 512), "tanh");
  console.log("version", v.detail);
`;

/** The (primitive, pass) pairs a run executed, with whether each took a reference kernel. */
async function kernels(
  env: Record<string, string>,
): Promise<{ version: string; ran: Map<string, boolean> }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    env: { ...env, DNNL_VERBOSE: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert(out.success, new TextDecoder().decode(out.stderr));
  const ran = new Map<string, boolean>();
  for (const line of text.split("\n")) {
    // 2.x: dnnl_verbose,exec,cpu,kind,impl,prop,…; 3.x: onednn_verbose,v1,primitive,exec,cpu,kind,impl,prop,…
    const f = line.split(","), at = f.indexOf("exec");
    if (at < 0 || f[at + 1] !== "cpu") continue;
    const kind = f[at + 2].replace(/_v2$/, ""), impl = f[at + 3], prop = f[at + 4];
    // Reorders depend on the layouts chosen; 3.x logs dnnl_sgemm calls too (as gemm_api).
    if (kind === "reorder" || kind === "gemm_api") continue;
    const key = `${kind} ${prop}`;
    ran.set(key, (ran.get(key) ?? false) || impl.startsWith("ref"));
  }
  return { version: text.match(/version (\S+)/)?.[1] ?? "?", ran };
}

Deno.test({
  name: has3
    ? "oneDNN 3.9 runs the book's layers on the same primitives as 2.6, none of them on a slower reference kernel"
    : "oneDNN 2.6 against 3.9 skipped: ../shared/lib/onednn-3.9 is not here",
  ignore: !has3,
  async fn() {
    const old = await kernels({ KNAP_DNNL: "libdnnl.so.2" });
    const now = await kernels({ KNAP_DNNL: onednn3 });
    assert(
      old.version.startsWith("2.") && now.version.startsWith("3."),
      `${old.version}, ${now.version}`,
    );
    const kinds = (m: Map<string, boolean>) => [...m.keys()].sort().join("; ");
    assert(
      kinds(old.ran) === kinds(now.ran),
      `2.x ran ${kinds(old.ran)}\n3.x ran ${kinds(now.ran)}`,
    );
    for (const [key, ref] of now.ran) {
      assert(!ref || old.ran.get(key), `3.9 runs ${key} on a reference kernel where 2.6 does not`);
    }
    for (
      const kind of ["convolution", "pooling", "batch_normalization", "inner_product", "softmax"]
    ) {
      assert(
        [...now.ran.keys()].some((k) => k.startsWith(kind)),
        `no ${kind} ran: ${kinds(now.ran)}`,
      );
    }
  },
});

/// <reference lib="webworker" />
/**
 * Chapter 22's network, trained in a worker so the page stays responsive: MNIST's test images
 * fetched from the folder the page names, the first 8,000 to train on and the other 2,000 to
 * score; then it reads the digits the page sends.
 */
import { bestFloat, type Factory, jsFloat, type Loc, webgpuFloat } from "../../mod.ts";
import { infer, type InferenceNetwork } from "../../lib/nn/mod.ts";
import { fetchImages, registry } from "../../lib/web/mod.ts";
import { trainMnist } from "./mnist_model.ts";
import { ge, transfer } from "../../mod.ts";

/** What the page asks. */
export type MnistRequest =
  | { type: "train"; base: string; epochs: number; hidden: number; engine: string | null }
  | { type: "classify"; pixels: Float32Array };

/** What the worker answers. */
export type MnistReply =
  | { type: "status"; text: string }
  | { type: "epoch"; epoch: number; epochs: number; cost: number; seconds: number }
  | { type: "trained"; accuracy: number; seconds: number; engine: string; scored: number }
  | { type: "digit"; probabilities: number[] }
  | { type: "error"; message: string };

const post = (r: MnistReply) => (self as unknown as Worker).postMessage(r);
let net: InferenceNetwork<Loc> | undefined;
let f: Factory<Loc, "float32"> | undefined;

async function factory(engine: string | null): Promise<Factory<Loc, "float32">> {
  if (engine === "js") return jsFloat;
  if (engine === "webgpu") return await webgpuFloat();
  return await bestFloat();
}

async function trainNetwork(base: string, epochs: number, hidden: number, engine: string | null) {
  // A retraining releases the last network, then its factory (a device it requested).
  net?.[Symbol.dispose]();
  net = undefined;
  f?.[Symbol.dispose]();
  f = await factory(engine);
  post({ type: "status", text: `fetching MNIST's test images from ${base}` });
  const test = await fetchImages(registry.mnist, "test", base, {
    onProgress: (file, got, total) =>
      post({ type: "status", text: `${file}: ${got} of ${total ?? "?"} bytes` }),
  });
  post({ type: "status", text: `training 784-${hidden}-10 on ${f.name}` });
  const t0 = performance.now();
  const trained = await trainMnist(
    f,
    test,
    epochs,
    hidden,
    ({ epoch, cost, seconds }) => post({ type: "epoch", epoch, epochs, cost, seconds }),
  );
  net = trained.net;
  post({
    type: "trained",
    accuracy: trained.accuracy,
    seconds: (performance.now() - t0) / 1000,
    engine: f.name,
    scored: trained.scored,
  });
}

async function classify(pixels: Float32Array): Promise<void> {
  if (net === undefined || f === undefined) throw new Error("train the network first");
  using x = ge(f, 784, 1, pixels);
  using out = await transfer(infer(net, x));
  post({ type: "digit", probabilities: [...out.toArray()] });
}

self.onmessage = async (e: MessageEvent<MnistRequest>) => {
  try {
    const m = e.data;
    if (m.type === "train") await trainNetwork(m.base, m.epochs, m.hidden, m.engine);
    else await classify(m.pixels);
  } catch (err) {
    post({ type: "error", message: (err as Error).message });
  }
};

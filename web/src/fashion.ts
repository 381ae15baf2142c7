/// <reference lib="dom" />
/**
 * Chapter 30 in a page: the CNN built from the tutorials' layer list, its weights loaded from a
 * safetensors file fetched by URL, classifying the shipped test images.
 */
import { desc, tensor } from "../../mod.ts";
import { infer, load, network } from "../../lib/dnn/mod.ts";
import { predictedClasses } from "../../lib/nn/mod.ts";
import { fashionClasses, fashionLayers } from "../../tutorials/_fashion_layers.ts";
import { adapterLine, greyImage, pageFloat, show } from "./page.ts";

const params = new URL(location.href).searchParams;
const model = new URL(params.get("model") ?? "../data/fashion_cnn.safetensors", location.href);
const state = globalThis as unknown as {
  knapPredicted?: number[];
  knapError?: string;
  knapReady?: boolean;
};
show("model", model.href);

try {
  using f = await pageFloat();
  show("engine", `Computing on ${f.name}. ${await adapterLine()}.`);
  const samples = await (await fetch(new URL("../data/fashion_samples.json", location.href)))
    .json() as { count: number; labels: number[]; images: string };
  const bytes = Uint8Array.from(atob(samples.images), (c) => c.charCodeAt(0));
  const n = samples.count;
  show("status", `loading ${model.href}`);
  const t0 = performance.now();
  using net = await load(network(f, desc([n, 1, 28, 28], "float32"), fashionLayers()), model);
  using x = tensor(f, [n, 1, 28, 28], "nchw", Array.from(bytes, (b) => b / 255));
  const predicted = [...await predictedClasses(infer(net, x))];
  show("timing", `(loaded and classified in ${(performance.now() - t0).toFixed(0)} ms)`);
  show("status", `${net}`);
  let right = 0;
  const thumbs = document.getElementById("thumbs")!;
  for (let i = 0; i < n; i++) {
    const ok = predicted[i] === samples.labels[i];
    right += ok ? 1 : 0;
    const c = document.createElement("canvas");
    c.width = c.height = 56;
    const g = c.getContext("2d")!;
    g.imageSmoothingEnabled = false;
    g.drawImage(greyImage(bytes, i * 784), 0, 0, 56, 56);
    const fig = document.createElement("figure");
    const cap = document.createElement("figcaption");
    cap.textContent = fashionClasses[predicted[i]];
    if (!ok) {
      cap.className = "bad";
      cap.title = `it is a ${fashionClasses[samples.labels[i]]}`;
    }
    fig.append(c, cap);
    thumbs.append(fig);
  }
  show("right", `${right} of ${n}`);
  state.knapPredicted = predicted;
} catch (e) {
  show("status", `error: ${(e as Error).message}`);
  state.knapError = (e as Error).message;
}
state.knapReady = true;

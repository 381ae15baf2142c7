/// <reference lib="dom" />
/**
 * Chapters 1–3 in a page: a layer's product, its bias and activations, and two layers in a
 * row, recomputed by knap from the fields whenever one changes.
 */
import { axpy_, ge, mv, scal_, vctr } from "../../mod.ts";
import { linearFrac_, relu_, signum_, tanh_ } from "../../lib/vect_math/mod.ts";
import { adapterLine, brackets, pageFloat, parseNumbers, show, since, values } from "./page.ts";

const f = await pageFloat();
show("engine", `Computing on ${f.name}. ${await adapterLine()}.`);

const field = (id: string) => (document.getElementById(id) as HTMLInputElement).value;

async function compute(): Promise<void> {
  const t0 = performance.now();
  using x = vctr(f, parseNumbers(field("x"), 2, "x"));
  using w1 = ge(f, 4, 2, parseNumbers(field("w1"), 8, "W₁"), { layout: "row" });
  using b1 = vctr(f, parseNumbers(field("b1"), 4, "b₁"));
  using w2 = ge(f, 1, 4, parseNumbers(field("w2"), 4, "W₂"));
  using b2 = vctr(f, parseNumbers(field("b2"), 1, "b₂"));
  using h1 = mv(w1, x);
  using y = mv(w2, h1);
  // Each activation works on its own copy of W₁x − b₁.
  const shifted = () => axpy_(-1, b1, mv(w1, x));
  // step: (signum(z) + 1) / 2 is 1 above the threshold and 0 below (½ exactly on it).
  using ones = vctr(f, [1, 1, 1, 1]);
  using step = scal_(0.5, axpy_(1, ones, signum_(shifted())));
  using relu = relu_(shifted());
  using tanh = tanh_(shifted());
  using sigmoid = linearFrac_(0.5, tanh_(scal_(0.5, shifted())), 0.5);
  using hidden = tanh_(shifted());
  using out = linearFrac_(0.5, tanh_(scal_(0.5, axpy_(-1, b2, mv(w2, hidden)))), 0.5);
  show("h1", brackets(await values(h1)));
  show("y", brackets(await values(y)));
  show("step", brackets(await values(step)));
  show("relu", brackets(await values(relu)));
  show("tanh", brackets(await values(tanh)));
  show("sigmoid", brackets(await values(sigmoid)));
  show("net", brackets(await values(out)));
  show("timing", `(all of it in ${since(t0)})`);
  show("error", "");
}

async function update(): Promise<void> {
  try {
    await compute();
  } catch (e) {
    show("error", (e as Error).message);
  }
}

for (const id of ["x", "w1", "b1", "w2", "b2"]) {
  document.getElementById(id)!.addEventListener("input", update);
}
await update();
(globalThis as unknown as { knapReady: boolean }).knapReady = true;

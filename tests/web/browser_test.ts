/**
 * knap in a real browser: the site built by `deno task web`, served on 127.0.0.1 and driven in
 * headless Chromium over the DevTools protocol. The conformance suites run inside the page on js
 * and on WebGPU (Dawn and Tint on SwiftShader: a second WebGPU implementation beside Deno's),
 * and each chapter page must show the numbers the Deno run gives. Without Chromium the test is
 * skipped, naming why (a failure where KNAP_REQUIRE_ENGINES lists "browser").
 */
import { defaultFloat, desc, type Factory, jsFloat, tensor } from "../../mod.ts";
import { infer, init_, load, network, save, train } from "../../lib/dnn/mod.ts";
import {
  adam,
  categoricalCrossentropyCost_,
  predictedClasses,
  quadraticCost_,
  sgd,
  trainingNetwork,
} from "../../lib/nn/mod.ts";
import { fashionMnist, type ImageSplit, imageTensor, oneHotTensor } from "../../lib/data/mod.ts";
import { fashionLayers } from "../../tutorials/_fashion_layers.ts";
import { fetchImages, registry } from "../../lib/web/mod.ts";
import { assert, assertEquals } from "../conformance/assert.ts";
import { missingEngine } from "../conformance/suites.ts";
import { Browser, chromiumPath, type Page } from "./cdp.ts";
import { colours, decodePng } from "./png_pixels.ts";
import { buildSite } from "../../tools/web_build.ts";
import { serveSite } from "../../tools/web_serve.ts";
import { regression } from "../../tutorials/_regression_data.ts";
import { regressionNetwork, STRETCH } from "../../web/src/regression_model.ts";
import { trainMnist } from "../../web/src/mnist_model.ts";

const root = new URL("../../", import.meta.url).pathname;
const sharedMnist = `${root}../shared/data/mnist`;
const haveMnist = await Deno.stat(`${sharedMnist}/t10k-images-idx3-ubyte.gz`).then(
  () => true,
  () => false,
);
const chromium = chromiumPath();

/** The outcomes the conformance page leaves in window.knapResults. */
interface Outcomes {
  outcomes: { name: string; ok: boolean; error?: string }[];
}

/** A page's visible text. */
const text = (page: Page) => page.evaluate<string>("document.body.innerText");

/** Takes the page's screenshot and checks that something was drawn: many colours, not one. */
async function screenshot(page: Page, name: string, minColours = 8): Promise<Uint8Array> {
  const png = await page.screenshot();
  const pixels = await decodePng(png);
  assert(pixels.width > 500 && pixels.height > 400, `${name}: ${pixels.width}×${pixels.height}`);
  const n = colours(pixels);
  assert(n >= minColours, `${name}'s screenshot has ${n} colours: a blank page`);
  const dir = Deno.env.get("KNAP_WEB_SCREENSHOTS");
  if (dir !== undefined) await Deno.writeFile(`${dir}/${name}.png`, png);
  return png;
}

/** Chapter 14's page in Deno: the cost after `epochs`, trained in the page's stretches. */
function regressionCost(f: Factory, n: number, epochs: number): number {
  const data = regression(f, n, 1);
  try {
    using net = regressionNetwork(f);
    using training = trainingNetwork(net, data.x);
    let cost = NaN;
    for (let done = 0; done < epochs; done += STRETCH) {
      cost = sgd(
        training,
        data.y as never,
        quadraticCost_,
        Math.min(STRETCH, epochs - done),
        0.05,
        {
          quiet: true,
        },
      ) as number;
    }
    return cost;
  } finally {
    data.x[Symbol.dispose]();
    data.y[Symbol.dispose]();
  }
}

/** Chapter 30's CNN trained one epoch on 3,000 images, on the fastest host engine. */
async function trainedFashion(split: ImageSplit, path: string): Promise<void> {
  const f = defaultFloat();
  using net = init_(network(f, desc([128, 1, 28, 28], "float32"), fashionLayers()), {
    seed: 1,
    method: "he",
  });
  using x = imageTensor(f, split, 0, 3000);
  using y = oneHotTensor(f, split.labels.subarray(0, 3000), 10);
  await train(net, x, y, categoricalCrossentropyCost_, 1, {
    batch: 128,
    eta: 0.001,
    optimizer: adam(),
    seed: 2,
    quiet: true,
  });
  await save(net, path);
}

if (chromium === undefined) {
  missingEngine("browser", "no Chromium (Debian: apt install chromium; or set KNAP_CHROMIUM)");
} else {
  Deno.test({
    name:
      "[browser] knap's pages in headless Chromium: conformance on js and WebGPU, chapters 1–30",
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      await buildSite();
      const data = await Deno.makeTempDir({ prefix: "knap-web-data-" });
      if (haveMnist) await Deno.symlink(sharedMnist, `${data}/mnist`);
      const server = serveSite([["/data/", data], ["/", `${root}web`]]);
      const site = `http://127.0.0.1:${server.addr.port}`;
      const browser = await Browser.launch(chromium);
      try {
        await t.step(
          "the library bundle loads in a page without Deno, and computes on js",
          async () => {
            const page = await browser.open(`${site}/index.html`);
            await page.waitFor("window.knapReady", 30_000);
            const r = await page.evaluate<string[]>(`(async () => {
            const k = await import("/dist/knap.js");
            const x = k.vctr(k.jsFloat, [1, 2, 3]);
            return [String(k.dot(x, x)), k.defaultFloat().name, k.nativeAvailability().reason,
              typeof Deno];
          })()`);
            assertEquals(r.slice(0, 2), ["14", "jsFloat"]);
            assert(r[2].includes("not Deno"), r[2]);
            assertEquals(r[3], "undefined");
            assert((await text(page)).includes("WebGPU adapter"), await text(page));
            await screenshot(page, "index");
            page.close();
          },
        );

        for (const engine of ["js", "webgpu"]) {
          await t.step(`the conformance suites pass inside the page on ${engine}`, async () => {
            const page = await browser.open(`${site}/tests/conformance.html?engine=${engine}`);
            await page.waitFor("window.knapResults", 400_000);
            const r = await page.evaluate<Outcomes>("window.knapResults");
            const failed = r.outcomes.filter((o) => !o.ok);
            assertEquals(
              failed.map((o) => `${o.name}: ${o.error?.slice(0, 300)}`),
              [],
              `${failed.length} of ${r.outcomes.length} failed on ${engine}`,
            );
            // The same suites Deno runs: js twice (float32 and float64), WebGPU once.
            assert(r.outcomes.length > (engine === "js" ? 200 : 100), `${r.outcomes.length} tests`);
            await screenshot(page, `conformance_${engine}`);
            page.close();
          });
        }

        for (const engine of ["js", "webgpu"]) {
          await t.step(
            `chapters 1–3 show the book's numbers on ${engine}, and follow an edit`,
            async () => {
              const page = await browser.open(`${site}/chapters/layers.html?engine=${engine}`);
              await page.waitFor("window.knapReady", 60_000);
              const read = (id: string) =>
                page.evaluate<string>(`document.getElementById("${id}").textContent`);
              assertEquals(await read("h1"), "[0.63 1.83 3.60 0.90]");
              assertEquals(await read("y"), "[1.84]");
              assertEquals(await read("step"), "[0.00 1.00 1.00 0.00]");
              assertEquals(await read("relu"), "[0.00 1.63 2.50 0.00]");
              assertEquals(await read("tanh"), "[-0.07 0.93 0.99 -0.80]");
              assertEquals(await read("sigmoid"), "[0.48 0.84 0.92 0.25]");
              assertEquals(await read("net"), "[0.44]");
              await page.evaluate(`(() => {
              const x = document.getElementById("x"); x.value = "1 0";
              x.dispatchEvent(new Event("input"));
            })()`);
              await page.waitFor(
                `document.getElementById("h1").textContent === "[0.30 0.10 0.90 0.00]"`,
                10_000,
              );
              if (engine === "js") await screenshot(page, "layers");
              page.close();
            },
          );
        }

        await t.step(
          "chapter 6 gives [0.44 0.44] on js and on WebGPU, and times the benchmark",
          async () => {
            const page = await browser.open(`${site}/chapters/gpu.html`);
            await page.waitFor("window.knapReady", 60_000);
            const read = (id: string) =>
              page.evaluate<string>(`document.getElementById("${id}").textContent`);
            assertEquals(await read("js-out"), "[0.44 0.44]");
            assertEquals(await read("webgpu-out"), "[0.44 0.44]");
            await page.evaluate(
              `(() => { document.getElementById("batch").value = "100"; return knapBench(); })()`,
            );
            for (const e of ["js", "webgpu"]) {
              assert(/^\d+\.\d ms$/.test(await read(`${e}-bench`)), await read(`${e}-bench`));
            }
            await screenshot(page, "gpu");
            page.close();
          },
        );

        await t.step(
          "chapter 14's cost on js equals Deno's to the last bit, and WebGPU's is close",
          async () => {
            const epochs = 100;
            const deno = regressionCost(jsFloat, 2000, epochs);
            for (const engine of ["js", "webgpu"]) {
              const page = await browser.open(
                `${site}/chapters/regression.html?engine=${engine}&samples=2000&epochs=${epochs}`,
              );
              await page.waitFor("window.knapResult", 120_000);
              const r = await page.evaluate<{ cost: number; epochs: number }>("window.knapResult");
              if (engine === "js") assertEquals(r.cost, deno, "the page's cost, Deno's");
              else {assert(
                  Math.abs(r.cost - deno) < 1e-3 * deno + 1e-5,
                  `WebGPU ${r.cost}, js ${deno}`,
                );}
              if (engine === "js") {
                await screenshot(page, "regression");
              }
              page.close();
            }
          },
        );

        await t.step({
          name:
            "chapter 22 trains MNIST in the page to ≥ 0.9, as Deno does, and reads a test image drawn on its canvas",
          ignore: !haveMnist,
          async fn() {
            const test = await fetchImages(registry.mnist, "test", `${site}/data/mnist/`, {
              cache: false,
            });
            const deno = await trainMnist(jsFloat, test, 2, 64);
            deno.net[Symbol.dispose]();
            const page = await browser.open(
              `${site}/chapters/mnist.html?engine=js&epochs=2&hidden=64&train`,
            );
            await page.waitFor("window.knapTrained || window.knapError", 300_000);
            const r = await page.evaluate<{ accuracy: number } | undefined>("window.knapTrained");
            assert(r !== undefined, await page.evaluate<string>("window.knapError"));
            assert(r.accuracy >= 0.9, `accuracy ${r.accuracy}`);
            assertEquals(r.accuracy, deno.accuracy, "the page's accuracy, Deno's");
            let read = 0;
            for (let i = 8000; i < 8010; i++) {
              await page.evaluate(`(window.knapDigit = undefined, knapSample(${i}))`);
              await page.waitFor("window.knapDigit", 20_000);
              const d = await page.evaluate<{ digit: number; label: number }>("window.knapDigit");
              read += d.digit === d.label ? 1 : 0;
            }
            assert(read >= 8, `${read} of 10 test images drawn on the canvas read right`);
            await screenshot(page, "mnist");
            page.close();
          },
        });

        await t.step(
          "chapter 30's page loads a trained CNN by URL and classifies as Deno does",
          async () => {
            // A short training where Fashion-MNIST is here (Debian's package); else initial weights.
            const f = jsFloat;
            const model = `${data}/fashion_cnn.safetensors`;
            const fashion = await fashionMnist({ cache: data }).catch(() => undefined);
            if (fashion !== undefined) await trainedFashion(fashion.train, model);
            else {
              using fresh = init_(network(f, desc([24, 1, 28, 28], "float32"), fashionLayers()), {
                seed: 1,
                method: "he",
              });
              await save(fresh, model);
            }
            const samples = JSON.parse(
              await Deno.readTextFile(`${root}web/data/fashion_samples.json`),
            );
            const bytes = Uint8Array.from(atob(samples.images), (c: string) => c.charCodeAt(0));
            using copy = await load(
              network(f, desc([24, 1, 28, 28], "float32"), fashionLayers()),
              `${site}/data/fashion_cnn.safetensors`,
            );
            using x = tensor(f, [24, 1, 28, 28], "nchw", Array.from(bytes, (b) => b / 255));
            const deno = [...predictedClasses(infer(copy, x))];
            if (fashion !== undefined) {
              const right = deno.filter((p, i) => p === samples.labels[i]).length;
              assert(right >= 14, `the trained CNN reads ${right} of 24 shipped images right`);
            }
            for (const engine of ["js", "webgpu"]) {
              const page = await browser.open(`${site}/chapters/fashion.html?engine=${engine}`);
              await page.waitFor("window.knapReady", 60_000);
              const got = await page.evaluate<number[] | undefined>("window.knapPredicted");
              assert(got !== undefined, await page.evaluate<string>("window.knapError"));
              assertEquals(got, deno, `${engine} in the page, js in Deno`);
              if (engine === "js") await screenshot(page, "fashion");
              page.close();
            }
          },
        );
        await t.step("without WebGPU the pages say so and compute on js", async () => {
          const plain = await Browser.launch(chromium, false);
          try {
            const page = await plain.open(`${site}/chapters/layers.html`);
            await page.waitFor("window.knapReady", 60_000);
            const engine = await page.evaluate<string>(
              `document.getElementById("engine").textContent`,
            );
            assert(engine.includes("jsFloat") && engine.includes("run on js"), engine);
            assertEquals(
              await page.evaluate(`document.getElementById("net").textContent`),
              "[0.44]",
            );
            const gpu = await plain.open(`${site}/chapters/gpu.html`);
            await gpu.waitFor("window.knapReady", 60_000);
            const said = await gpu.evaluate<string>(
              `document.getElementById("webgpu-out").textContent`,
            );
            assert(said.includes("no WebGPU"), said);
            assertEquals(
              await gpu.evaluate(`document.getElementById("js-out").textContent`),
              "[0.44 0.44]",
            );
            page.close();
            gpu.close();
          } finally {
            await plain.close();
          }
        });
      } finally {
        await browser.close();
        await server.shutdown();
        await Deno.remove(data, { recursive: true });
      }
    },
  });
}

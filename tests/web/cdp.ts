/**
 * A small client of the Chrome DevTools protocol: starts a headless Chromium, opens a page and
 * answers `Runtime.evaluate` and `Page.captureScreenshot` over Deno's WebSocket. Only what the
 * browser test needs; puppeteer would bring a browser download that CI's network refuses.
 *
 * @module
 */

/** Where Debian puts Chromium; `KNAP_CHROMIUM` names another (or a missing path: none). */
export function chromiumPath(): string | undefined {
  const named = Deno.env.get("KNAP_CHROMIUM");
  const candidates = named !== undefined
    ? [named]
    : ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
  for (const p of candidates) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch { /* not here */ }
  }
  return undefined;
}

interface Pending {
  resolve(v: Record<string, unknown>): void;
  reject(e: Error): void;
}

/** One page of a running Chromium, driven over its DevTools WebSocket. */
export class Page {
  #ws: WebSocket;
  #next = 1;
  #pending = new Map<number, Pending>();
  /** What the page wrote on its console, in order: "level: text". */
  readonly console: string[] = [];

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (ev) => {
      const msg = JSON.parse(ev.data as string);
      if (msg.id !== undefined) {
        const p = this.#pending.get(msg.id);
        this.#pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(`CDP: ${msg.error.message}`));
        else p?.resolve(msg.result ?? {});
      } else if (msg.method === "Runtime.consoleAPICalled") {
        const args = msg.params.args.map((a: { value?: unknown; description?: string }) =>
          a.value ?? a.description ?? ""
        );
        this.console.push(`${msg.params.type}: ${args.join(" ")}`);
      } else if (msg.method === "Runtime.exceptionThrown") {
        const d = msg.params.exceptionDetails;
        this.console.push(`exception: ${d.exception?.description ?? d.text}`);
      }
    };
  }

  /** Connects to a page target's WebSocket and enables its runtime and page domains. */
  static async connect(url: string): Promise<Page> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error(`CDP: cannot connect to ${url}`));
    });
    const page = new Page(ws);
    await page.send("Runtime.enable");
    await page.send("Page.enable");
    return page;
  }

  /** Sends one command and waits for its answer. */
  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Loads url and waits for its load event. */
  async goto(url: string): Promise<void> {
    await this.send("Page.navigate", { url });
    await this.waitFor(
      `location.href !== "about:blank" && document.readyState === "complete"`,
      30_000,
    );
  }

  /** The value of an expression in the page, promises awaited; a throw in the page throws here. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    }) as {
      result: { value?: T };
      exceptionDetails?: { exception?: { description?: string }; text: string };
    };
    if (r.exceptionDetails) {
      const d = r.exceptionDetails;
      throw new Error(`in the page: ${d.exception?.description ?? d.text}`);
    }
    return r.result.value as T;
  }

  /** Polls a condition in the page until it holds, or throws after ms. */
  async waitFor(condition: string, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await this.evaluate<boolean>(`Boolean(${condition})`).catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the page did not reach "${condition}" in ${ms} ms`);
  }

  /** A PNG of the page's viewport. */
  async screenshot(): Promise<Uint8Array> {
    const r = await this.send("Page.captureScreenshot", { format: "png" }) as { data: string };
    return Uint8Array.from(atob(r.data), (c) => c.charCodeAt(0));
  }

  /** Closes the connection. */
  close(): void {
    this.#ws.close();
  }
}

/** A headless Chromium with its DevTools endpoint, in a fresh profile that is removed after. */
export class Browser {
  #child: Deno.ChildProcess;
  #profile: string;
  #port: number;

  private constructor(child: Deno.ChildProcess, profile: string, port: number) {
    this.#child = child;
    this.#profile = profile;
    this.#port = port;
  }

  /**
   * Starts Chromium headless with WebGPU on its software Vulkan (SwiftShader). The network flags
   * keep it from calling home, which a closed network answers with refusals.
   */
  static async launch(path: string, webgpu = true): Promise<Browser> {
    const profile = await Deno.makeTempDir({ prefix: "knap-chromium-" });
    const args = [
      "--headless=new",
      "--no-sandbox",
      "--no-first-run",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      "--window-size=1100,900",
      ...(webgpu
        ? ["--enable-unsafe-webgpu", "--enable-features=Vulkan", "--use-webgpu-adapter=swiftshader"]
        : ["--disable-gpu"]),
      "about:blank",
    ];
    const child = new Deno.Command(path, { args, stdout: "null", stderr: "piped" }).spawn();
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    const deadline = Date.now() + 30_000;
    let port = 0;
    while (Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
      const m = seen.match(/DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        port = Number(m[1]);
        break;
      }
    }
    // Keep draining Chromium's stderr so it never blocks on a full pipe.
    (async () => {
      try {
        while (!(await reader.read()).done) { /* drained */ }
      } catch { /* closed */ }
    })();
    if (port === 0) {
      child.kill();
      throw new Error(`Chromium did not start: ${seen.slice(-2000)}`);
    }
    return new Browser(child, profile, port);
  }

  /**
   * Opens a new tab, connects to it, then loads url: what the page logs or throws while it
   * loads is in `console`.
   */
  async open(url: string): Promise<Page> {
    const r = await fetch(`http://127.0.0.1:${this.#port}/json/new?about:blank`, {
      method: "PUT",
    });
    const target = await r.json() as { webSocketDebuggerUrl: string };
    const page = await Page.connect(target.webSocketDebuggerUrl);
    await page.goto(url);
    return page;
  }

  /** Stops Chromium and removes its profile. */
  async close(): Promise<void> {
    try {
      this.#child.kill("SIGTERM");
    } catch { /* already gone */ }
    await this.#child.status;
    await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
  }
}

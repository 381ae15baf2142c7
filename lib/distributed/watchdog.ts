/**
 * A watchdog for blocking MPI calls. For small messages Open MPI's blocking collectives are the
 * fastest route by far, ahead of the polled non-blocking collective and of point-to-point
 * exchanges (bench/allreduce.ts), but a blocking call
 * cannot time out: a rank whose partner is stuck would wait forever. So a worker thread watches:
 * the rank arms it before each blocking call and disarms it after (two stores into shared
 * memory), and a call still armed past the timeout ends the process with the error — PyTorch's
 * NCCL watchdog does the same — which makes `mpirun` stop every rank.
 *
 * A live worker keeps a Deno program from ending, so the watchdog closes itself after a second
 * without calls and is started again by the next one (tens of milliseconds).
 *
 * @module
 */

/** Slots of the shared state (slot 4 is what the thread sleeps on; nothing writes it). */
const STATE = 0, SEQUENCE = 1, WHAT = 2, TIMEOUT_MS = 3;
/** States: idle (watching), armed (a call in progress), closed (no worker). */
const IDLE = 0, ARMED = 1, CLOSED = 2;

/** The watching thread: its source, run from a blob URL (no read permission needed). */
const source = `
const [STATE, SEQUENCE, WHAT, TIMEOUT_MS, WAKE] = [0, 1, 2, 3, 4];
self.onmessage = (e) => {
  const { buffer, names, context, idleMs } = e.data;
  const s = new Int32Array(buffer);
  let exit;
  try {
    const libc = Deno.dlopen(Deno.build.os === "darwin" ? "libSystem.B.dylib" : "libc.so.6", {
      _exit: { parameters: ["i32"], result: "void" },
    });
    exit = (code) => libc.symbols._exit(code);
  } catch {
    exit = undefined;
  }
  let seen = -1, since = performance.now(), quiet = since;
  for (;;) {
    const timeoutMs = Atomics.load(s, TIMEOUT_MS);
    Atomics.wait(s, WAKE, 0, Math.min(Math.max(timeoutMs / 4, 20), 250));
    const now = performance.now(), sequence = Atomics.load(s, SEQUENCE);
    if (sequence !== seen) {
      seen = sequence;
      since = quiet = now;
    }
    const state = Atomics.load(s, STATE);
    if (state === 1 && now - since >= timeoutMs && exit !== undefined) {
      console.error(
        "error: KnapError: " + names[Atomics.load(s, WHAT)] + ": " + context + " waited " +
          timeoutMs / 1000 + " s for the others; one may have failed (its error ends the job) " +
          "or the timeout is too short",
      );
      exit(1);
    }
    if (state === 0 && now - quiet >= idleMs && Atomics.compareExchange(s, STATE, 0, 2) === 0) {
      self.close();
      return;
    }
  }
};
`;

let url: string | undefined;

/** Arms and disarms around blocking calls; see the module docs. */
export class Watchdog {
  readonly #state = new Int32Array(new SharedArrayBuffer(5 * 4));
  readonly #names: readonly string[];
  readonly #context: string;
  readonly #idleMs: number;

  /**
   * `names` are the operations `arm` may name; `context` says who waits ("rank 0 of 2");
   * `idle` is how long, in ms, the thread waits for a call before it closes.
   */
  constructor(names: readonly string[], context: string, timeout: number, idle = 1000) {
    this.#names = names;
    this.#context = context;
    this.#idleMs = idle;
    this.timeout = timeout;
    Atomics.store(this.#state, STATE, CLOSED);
  }

  /** Seconds a call may block. */
  set timeout(seconds: number) {
    Atomics.store(this.#state, TIMEOUT_MS, Math.min(Math.ceil(seconds * 1000), 2 ** 31 - 1));
  }

  /** Before a blocking call: operation `what` (an index into the names) starts. */
  arm(what: number): void {
    const s = this.#state;
    Atomics.add(s, SEQUENCE, 1);
    s[WHAT] = what;
    if (Atomics.compareExchange(s, STATE, IDLE, ARMED) === CLOSED) {
      Atomics.store(s, STATE, ARMED);
      this.#start();
    }
  }

  /** After the call returned. */
  disarm(): void {
    Atomics.store(this.#state, STATE, IDLE);
  }

  #start(): void {
    url ??= URL.createObjectURL(new Blob([source], { type: "application/javascript" }));
    const worker = new Worker(url, { type: "module" });
    worker.postMessage({
      buffer: this.#state.buffer,
      names: this.#names,
      context: this.#context,
      idleMs: this.#idleMs,
    });
  }
}

/**
 * input_request / input_reply on the stdin channel, through the io worker (io-worker.ts).
 * `prompt()` is synchronous like the browser's (the main thread waits with Atomics.wait); `input()` is async.
 */
import path from "path";
import { Worker } from "worker_threads";
import type { InputRequestMsg, IoWorkerData } from "./io-worker";
import type { Message } from "./wire";

const SAB_BYTES = 1 << 20;

export class StdinChannel {
  private readonly worker: Worker;
  private readonly sab = new SharedArrayBuffer(8 + SAB_BYTES);
  private readonly state = new Int32Array(this.sab, 0, 2);
  private nextId = 1;
  private readonly waiters = new Map<number, (v: string) => void>();
  readonly ready: Promise<void>;

  constructor(opts: Omit<IoWorkerData, "sab">, log: (text: string) => void) {
    this.worker = new Worker(path.join(__dirname, "io-worker.js"), { workerData: { ...opts, sab: this.sab } });
    this.worker.unref();
    let onReady!: () => void;
    this.ready = new Promise((r) => (onReady = r));
    this.worker.on("message", (m: any) => {
      if (m.type === "ready") onReady();
      else if (m.type === "log") log(m.text);
      else if (m.type === "input_reply") {
        const w = this.waiters.get(m.id);
        this.waiters.delete(m.id);
        w?.(m.value);
      }
    });
    this.worker.on("error", (e) => log(`cnnlab: io worker error: ${e.stack ?? e}`));
  }

  private post(parent: Message, prompt: string, password: boolean): number {
    const id = this.nextId++;
    const msg: InputRequestMsg = {
      type: "input",
      id,
      idents: parent.idents.map((b) => new Uint8Array(b)),
      parent: parent.header,
      prompt,
      password,
    };
    Atomics.store(this.state, 0, 0);
    this.worker.postMessage(msg);
    return id;
  }

  /** Asks the frontend for a line of input (the execute_request `parent` must have allow_stdin). */
  input(parent: Message, prompt: string, password = false): Promise<string> {
    const id = this.post(parent, prompt, password);
    return new Promise((resolve) => this.waiters.set(id, resolve));
  }

  /** Synchronous variant: blocks this thread until the frontend answers. */
  inputSync(parent: Message, prompt: string, password = false): string {
    const id = this.post(parent, prompt, password);
    this.waiters.set(id, () => {});
    while (Atomics.load(this.state, 0) === 0) Atomics.wait(this.state, 0, 0, 1000);
    const n = Atomics.load(this.state, 1);
    return Buffer.from(new Uint8Array(this.sab, 8, n)).toString("utf8");
  }

  close(): void {
    this.worker.postMessage({ type: "close" });
  }
}

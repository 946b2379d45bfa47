/**
 * The main thread's side of the io worker (io-worker.ts), which serves heartbeat, stdin and control:
 * - input_request / input_reply on stdin: `prompt()` is synchronous like the browser's (the main thread waits with
 *   Atomics.wait, and an interrupt ends the wait); `input()` is async;
 * - control messages arrive here from the worker, and replies go back through it.
 */
import path from "path";
import { Worker } from "worker_threads";
import { KeyboardInterrupt } from "./interrupt";
import type { ControlReceivedMsg, ControlSendMsg, InputRequestMsg, IoWorkerData } from "./io-worker";
import type { Message } from "./wire";

const SAB_BYTES = 1 << 20;

export type ControlHandler = (frames: Buffer[], interruptRequest: number | undefined) => void;

export class IoChannels {
  private readonly worker: Worker;
  private readonly sab = new SharedArrayBuffer(8 + SAB_BYTES);
  private readonly state = new Int32Array(this.sab, 0, 2);
  private nextId = 1;
  private readonly waiters = new Map<number, (v: string) => void>();
  readonly ready: Promise<void>;

  constructor(
    opts: Omit<IoWorkerData, "sab" | "interruptRequests">,
    private readonly interruptRequests: Int32Array,
    onControl: ControlHandler,
    log: (text: string) => void,
  ) {
    const workerData: IoWorkerData = {
      ...opts,
      sab: this.sab,
      interruptRequests: interruptRequests.buffer as SharedArrayBuffer,
    };
    this.worker = new Worker(path.join(__dirname, "io-worker.js"), { workerData });
    this.worker.unref();
    let onReady!: () => void;
    this.ready = new Promise((r) => (onReady = r));
    this.worker.on("message", (m: any) => {
      if (m.type === "ready") onReady();
      else if (m.type === "log") log(m.text);
      else if (m.type === "control") {
        const c = m as ControlReceivedMsg;
        onControl(
          c.frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength)),
          c.interruptRequest,
        );
      } else if (m.type === "input_reply") {
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

  /** Synchronous variant: blocks this thread until the frontend answers; an interrupt request ends the wait. */
  inputSync(parent: Message, prompt: string, password = false): string {
    const id = this.post(parent, prompt, password);
    this.waiters.set(id, () => {});
    const handled = Atomics.load(this.interruptRequests, 1);
    while (Atomics.load(this.state, 0) === 0) {
      const requested = Atomics.load(this.interruptRequests, 0);
      if (requested > handled) {
        Atomics.store(this.interruptRequests, 1, requested);
        throw new KeyboardInterrupt();
      }
      Atomics.wait(this.state, 0, 0, 50);
    }
    const n = Atomics.load(this.state, 1);
    return Buffer.from(new Uint8Array(this.sab, 8, n)).toString("utf8");
  }

  sendControl(frames: Buffer[]): void {
    const msg: ControlSendMsg = { type: "control-send", frames };
    this.worker.postMessage(msg);
  }

  close(): void {
    this.worker.postMessage({ type: "close" });
  }
}

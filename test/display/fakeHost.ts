import { inspect } from "util";
import { KERNEL_HOST, KernelHost, KernelComm, DisplayOptions, JUPYTER_DISPLAY, MimeBundle } from "../../src/contract";

/** What a fake kernel received: the bundle it would have sent, and the display options. */
export interface SentOutput {
  bundle: MimeBundle | undefined;
  value: unknown;
  options: DisplayOptions | undefined;
}

/** A comm message as the fake kernel would have put it on iopub. */
export interface SentCommMessage {
  type: "comm_open" | "comm_msg" | "comm_close";
  commId: string;
  targetName?: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** One comm of the fake kernel; `receive` plays a comm_msg from the frontend. */
export interface FakeComm extends KernelComm {
  receive(data: Record<string, unknown>): Promise<void>;
}

/**
 * Publishes a fake kernel host (as the cnnlab kernel does while a cell runs) that formats each value the way the
 * kernel does, and records it; its comms record what they send and let a test play the frontend. Returns the
 * records and a function that removes the host again.
 */
export function installFakeHost(): {
  sent: SentOutput[];
  comms: Map<string, FakeComm>;
  commMessages: SentCommMessage[];
  /** Opens a comm from the "frontend" to a registered target. */
  openFromFrontend(targetName: string, data?: Record<string, unknown>): Promise<FakeComm>;
  remove(): void;
} {
  const sent: SentOutput[] = [];
  const comms = new Map<string, FakeComm>();
  const commMessages: SentCommMessage[] = [];
  const targets = new Map<string, (comm: KernelComm, data: Record<string, unknown>) => void | Promise<void>>();
  let nextId = 1;
  const makeComm = (): FakeComm => {
    const msgHandlers: ((data: Record<string, unknown>, message: { buffers: Buffer[] }) => void | Promise<void>)[] = [];
    const closeHandlers: ((data: Record<string, unknown>) => void | Promise<void>)[] = [];
    const comm: FakeComm = {
      commId: `comm${nextId++}`,
      closed: false,
      send(data = {}, metadata = {}) {
        if (comm.closed) throw new Error("comm is closed");
        commMessages.push({ type: "comm_msg", commId: comm.commId, data, metadata });
      },
      close(data = {}) {
        if (comm.closed) return;
        (comm as { closed: boolean }).closed = true;
        commMessages.push({ type: "comm_close", commId: comm.commId, data, metadata: {} });
      },
      onMsg(handler) {
        msgHandlers.push(handler);
        return comm;
      },
      onClose(handler) {
        closeHandlers.push(handler);
        return comm;
      },
      async receive(data) {
        for (const handler of msgHandlers) await handler(data, { buffers: [] });
      },
    };
    comms.set(comm.commId, comm);
    return comm;
  };
  const host: KernelHost = {
    display(value: unknown, options?: DisplayOptions) {
      const method = (value as Record<symbol, unknown> | null)?.[JUPYTER_DISPLAY];
      const bundle = typeof method === "function" ? (method.call(value) as MimeBundle) : undefined;
      sent.push({ bundle, value, options });
    },
    clearOutput() {},
    signal: new AbortController().signal,
    input: () => Promise.reject(new Error("no stdin in tests")),
    comm: {
      registerTarget: (name, handler) => void targets.set(name, handler),
      unregisterTarget: (name) => void targets.delete(name),
      open(targetName, data = {}, metadata = {}) {
        const comm = makeComm();
        commMessages.push({ type: "comm_open", commId: comm.commId, targetName, data, metadata });
        return comm;
      },
    },
    async format(value: unknown) {
      const method = (value as Record<symbol, unknown> | null)?.[JUPYTER_DISPLAY];
      if (typeof method === "function") return { data: { ...(await method.call(value)) }, metadata: {} };
      return { data: { "text/plain": inspect(value) }, metadata: {} };
    },
  };
  (globalThis as Record<symbol, unknown>)[KERNEL_HOST] = host;
  return {
    sent,
    comms,
    commMessages,
    async openFromFrontend(targetName, data = {}) {
      const handler = targets.get(targetName);
      if (handler === undefined) throw new Error(`no target ${targetName}`);
      const comm = makeComm();
      await handler(comm, data);
      return comm;
    },
    remove() {
      delete (globalThis as Record<symbol, unknown>)[KERNEL_HOST];
    },
  };
}

/**
 * Sockets of one kernel: shell (ROUTER) and iopub (XPUB, so a new subscriber gets an iopub_welcome) on this thread;
 * control and stdin (ROUTER) and heartbeat (REP) in the io worker. Sends are serialised per socket.
 */
import fs from "fs";
import type * as zmqTypes from "zeromq";
import { decode, encode, makeMessage, Message, rejectionReason, Signer } from "./wire";
import { IoChannels } from "./io-channels";

export interface ConnectionInfo {
  transport: string;
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

export function readConnectionFile(file: string): ConnectionInfo {
  const info = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<ConnectionInfo>;
  return {
    ...info,
    transport: info.transport ?? "tcp",
    signature_scheme: info.signature_scheme ?? "hmac-sha256",
    key: info.key ?? "",
  } as ConnectionInfo;
}

export function address(info: ConnectionInfo, port: number): string {
  return info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `${info.transport}://${info.ip}:${port}`;
}

/** `interruptRequest`: the io worker's count for an interrupt_request read from control. */
type Handler = (msg: Message, channel: "shell" | "control", interruptRequest?: number) => void;

export class Connection {
  readonly signer: Signer;
  readonly session: string;
  private shell!: zmqTypes.Router;
  private iopub!: zmqTypes.XPublisher;
  io!: IoChannels;
  private queues = new Map<object, Promise<unknown>>();
  private closed = false;

  constructor(
    readonly info: ConnectionInfo,
    session: string,
    private readonly log: (text: string) => void,
  ) {
    this.signer = new Signer(info.key, info.signature_scheme);
    this.session = session;
  }

  /**
   * `interruptRequests`: the InterruptController's shared request counters; `executionState`: what a new iopub
   * subscriber is told after its welcome.
   */
  async bind(onMessage: Handler, interruptRequests: Int32Array, executionState: () => "busy" | "idle"): Promise<void> {
    const zmq = require("zeromq") as typeof zmqTypes;
    this.shell = new zmq.Router();
    this.iopub = new zmq.XPublisher();
    // Pass every subscription up (not only the first per topic), so each client gets its welcome.
    this.iopub.verbosity = "allSubs";
    this.io = new IoChannels(
      {
        key: this.info.key,
        scheme: this.info.signature_scheme,
        session: this.session,
        stdinAddr: address(this.info, this.info.stdin_port),
        hbAddr: address(this.info, this.info.hb_port),
        controlAddr: address(this.info, this.info.control_port),
      },
      interruptRequests,
      (frames, interruptRequest) => {
        // The worker has verified the signature already.
        if (!this.closed) onMessage(decode(frames, this.signer), "control", interruptRequest);
      },
      this.log,
    );
    await Promise.all([
      this.shell.bind(address(this.info, this.info.shell_port)),
      this.iopub.bind(address(this.info, this.info.iopub_port)),
      this.io.ready,
    ]);
    this.receive(this.shell, "shell", onMessage);
    this.welcome(executionState);
  }

  private receive(sock: zmqTypes.Router, channel: "shell", onMessage: Handler): void {
    (async () => {
      for await (const frames of sock) {
        let msg: Message;
        try {
          msg = decode(frames as Buffer[], this.signer);
        } catch (e) {
          this.log(`cnnlab: rejected ${channel} message: ${rejectionReason(e)}`);
          continue;
        }
        onMessage(msg, channel);
      }
    })().catch((e) => {
      if (!this.closed) this.log(`cnnlab: ${channel} receive loop failed: ${e?.stack ?? e}`);
    });
  }

  /**
   * JEP 65 (protocol 5.4): each new iopub subscription gets an iopub_welcome message, and then the kernel's execution
   * state. Without that state a frontend that reconnects to a restarted kernel may never see one: jupyter_server does
   * not nudge a kernel it last saw busy (one killed mid-training), the one kernel_info the browser sends can be
   * answered before the new subscription is live, and JupyterLab showed "Unknown" until reloaded (so did IPython's
   * kernel).
   */
  private welcome(executionState: () => "busy" | "idle"): void {
    (async () => {
      for await (const [frame] of this.iopub) {
        if (frame.length === 0 || frame[0] !== 1) continue;
        const subscription = frame.subarray(1).toString("utf8");
        this.sendIopub(makeMessage("iopub_welcome", { subscription }, undefined, this.session));
        this.sendIopub(makeMessage("status", { execution_state: executionState() }, undefined, this.session));
      }
    })().catch((e) => {
      if (!this.closed) this.log(`cnnlab: iopub subscription loop failed: ${e?.stack ?? e}`);
    });
  }

  private enqueue(sock: zmqTypes.Socket & { send(m: Buffer[]): Promise<void> }, frames: Buffer[]): void {
    if (this.closed) return;
    const prev = this.queues.get(sock) ?? Promise.resolve();
    const next = prev
      .then(() => (this.closed ? undefined : sock.send(frames)))
      .catch((e) => {
        if (!this.closed) this.log(`cnnlab: send failed: ${e?.message ?? e}`);
      });
    this.queues.set(sock, next);
  }

  reply(channel: "shell" | "control", msg: Message): void {
    if (channel === "control") {
      if (!this.closed) this.io.sendControl(encode(msg, this.signer));
    } else this.enqueue(this.shell, encode(msg, this.signer));
  }

  sendIopub(msg: Message): void {
    // iopub messages carry a topic as their routing prefix (ipykernel uses "kernel.<id>.<type>").
    msg.idents = [Buffer.from(`kernel.${this.session}.${msg.header.msg_type}`)];
    this.enqueue(this.iopub, encode(msg, this.signer));
  }

  /** Waits until everything queued so far is handed to ZeroMQ. */
  async drain(): Promise<void> {
    await Promise.all(this.queues.values());
  }

  close(): void {
    this.closed = true;
    for (const s of [this.shell, this.iopub]) {
      try {
        s?.close();
      } catch {
        // already closed
      }
    }
    this.io?.close();
  }
}

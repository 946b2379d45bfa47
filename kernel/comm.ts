/**
 * Comms (https://jupyter-client.readthedocs.io/en/latest/messaging.html#custom-messages) in both directions:
 * targets registered by cells receive frontend-opened comms; cells open comms to frontend targets.
 */
import { randomUUID } from "crypto";

export type CommData = Record<string, unknown>;
export interface CommMessage {
  content: { comm_id: string; data: CommData; target_name?: string };
  metadata: Record<string, unknown>;
  buffers: Buffer[];
}
type MsgHandler = (data: CommData, msg: CommMessage) => void | Promise<void>;

/** Sends a comm_* message on iopub (provided by the protocol layer). */
export type CommSender = (
  msgType: "comm_open" | "comm_msg" | "comm_close",
  content: Record<string, unknown>,
  metadata?: Record<string, unknown>,
  buffers?: Buffer[],
) => void;

export class Comm {
  private msgHandlers: MsgHandler[] = [];
  private closeHandlers: MsgHandler[] = [];
  closed = false;

  constructor(
    readonly commId: string,
    readonly targetName: string,
    private readonly manager: CommManager,
  ) {}

  /** Sends data to the frontend side of this comm. */
  send(data: CommData = {}, metadata: Record<string, unknown> = {}, buffers: Buffer[] = []): void {
    if (this.closed) throw new Error(`comm ${this.commId} is closed`);
    this.manager.sender("comm_msg", { comm_id: this.commId, data }, metadata, buffers);
  }

  close(data: CommData = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.manager.forget(this.commId);
    this.manager.sender("comm_close", { comm_id: this.commId, data });
  }

  onMsg(handler: MsgHandler): this {
    this.msgHandlers.push(handler);
    return this;
  }

  onClose(handler: MsgHandler): this {
    this.closeHandlers.push(handler);
    return this;
  }

  /** @internal */
  async dispatch(kind: "msg" | "close", msg: CommMessage): Promise<void> {
    if (kind === "close") {
      this.closed = true;
      this.manager.forget(this.commId);
    }
    for (const h of kind === "msg" ? this.msgHandlers : this.closeHandlers) await h(msg.content.data ?? {}, msg);
  }
}

export type TargetHandler = (comm: Comm, data: CommData, msg: CommMessage) => void | Promise<void>;

export class CommManager {
  private readonly targets = new Map<string, TargetHandler>();
  private readonly comms = new Map<string, Comm>();

  constructor(public sender: CommSender) {}

  registerTarget(name: string, handler: TargetHandler): void {
    this.targets.set(name, handler);
  }

  unregisterTarget(name: string): void {
    this.targets.delete(name);
  }

  /** Opens a comm from the kernel to a frontend target. */
  open(targetName: string, data: CommData = {}, metadata: Record<string, unknown> = {}, buffers: Buffer[] = []): Comm {
    const comm = new Comm(randomUUID().replace(/-/g, ""), targetName, this);
    this.comms.set(comm.commId, comm);
    this.sender("comm_open", { comm_id: comm.commId, target_name: targetName, data }, metadata, buffers);
    return comm;
  }

  /** @internal */
  forget(commId: string): void {
    this.comms.delete(commId);
  }

  /** comm_info_reply content. */
  info(targetName?: string): { comms: Record<string, { target_name: string }> } {
    const comms: Record<string, { target_name: string }> = {};
    for (const c of this.comms.values()) {
      if (!targetName || c.targetName === targetName) comms[c.commId] = { target_name: c.targetName };
    }
    return { comms };
  }

  /** Handles comm_open / comm_msg / comm_close from the frontend. */
  async handle(msgType: string, msg: CommMessage): Promise<void> {
    const { comm_id } = msg.content;
    if (msgType === "comm_open") {
      const target = msg.content.target_name ?? "";
      const handler = this.targets.get(target);
      if (!handler) {
        // Unknown target: tell the frontend the comm is closed (as ipykernel does).
        this.sender("comm_close", { comm_id, data: {} });
        throw new Error(`no comm target registered for "${target}"`);
      }
      const comm = new Comm(comm_id, target, this);
      this.comms.set(comm_id, comm);
      await handler(comm, msg.content.data ?? {}, msg);
      return;
    }
    const comm = this.comms.get(comm_id);
    if (!comm) {
      // A comm this process never opened or already closed: typically a widget shown before a kernel restart. Tell
      // the frontend it is closed (its widget manager then treats the model as dead) instead of failing each message.
      if (msgType === "comm_close") return;
      this.sender("comm_close", { comm_id, data: {} });
      throw new Error(
        `comm ${comm_id} does not exist in this kernel (opened before a restart, or closed); told the frontend it is closed`,
      );
    }
    await comm.dispatch(msgType === "comm_msg" ? "msg" : "close", msg);
  }
}

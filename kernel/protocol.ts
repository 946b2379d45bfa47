/**
 * Request dispatch: every shell/control request gets iopub status busy … idle around it; shell requests run one at
 * a time in arrival order; control requests (interrupt, shutdown, kernel_info…) are answered at once.
 */
import { randomUUID } from "crypto";
import { CommManager, CommMessage } from "./comm";
import { complete, isComplete } from "./complete";
import { Connection, ConnectionInfo } from "./connection";
import { ConverterClient } from "./converter-client";
import { errorToOutcome, ExecOutcome, Executor } from "./execute";
import type { FormattedOutput } from "../src/contract";
import { format } from "./format";
import { History, HistoryRequest } from "./history";
import { GLOBALS_DECL, HostBackend, installHost, KernelHost } from "./host";
import { inspectAt } from "./inspect";
import { languageInfo, TS_VERSION } from "./language-info";
import { InterruptController, KeyboardInterrupt, rawTimers } from "./interrupt";
import { makeMessage, Message, PROTOCOL_VERSION } from "./wire";

const PACKAGE = require("../../package.json") as { version: string };

type Channel = "shell" | "control";
type StreamName = "stdout" | "stderr";

export interface KernelOptions {
  /** Directory cells resolve modules from (Jupyter starts the kernel in the notebook's folder). */
  rootDir?: string;
  /** Where the kernel's own diagnostics go (not a cell's output). */
  log?: (text: string) => void;
}

export class Kernel implements HostBackend {
  readonly conn: Connection;
  readonly interrupts = new InterruptController();
  readonly comms: CommManager;
  readonly history = new History(1);
  readonly executor: Executor;
  readonly host: KernelHost;
  executionCount = 0;

  private readonly log: (text: string) => void;
  private readonly shellQueue: Message[] = [];
  private processing = false;
  /** The request whose output area receives streams/displays (the running cell, or the last one). */
  private currentParent: Message | undefined;
  /** The execute_request being run, if any. */
  private running: Message | undefined;
  private pendingErrors: ExecOutcome[] = [];
  private streamBuf: { name: StreamName; text: string; parent: Message }[] = [];
  private streamBytes = 0;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private shuttingDown = false;
  private readonly realWrite: Record<StreamName, (s: string) => boolean>;

  constructor(info: ConnectionInfo, opts: KernelOptions = {}) {
    this.realWrite = {
      stdout: process.stdout.write.bind(process.stdout) as (s: string) => boolean,
      stderr: process.stderr.write.bind(process.stderr) as (s: string) => boolean,
    };
    this.log = opts.log ?? ((t) => this.realWrite.stderr(t.endsWith("\n") ? t : t + "\n"));
    this.conn = new Connection(info, randomUUID(), this.log);
    this.comms = new CommManager((type, content, metadata = {}, buffers = []) =>
      this.iopub(type, content, this.currentParent, metadata, buffers),
    );
    this.executor = new Executor(
      new ConverterClient(GLOBALS_DECL, this.log),
      opts.rootDir ?? process.cwd(),
      this.interrupts,
      () => this.hookTslabDisplay(),
    );
    this.host = new KernelHost(this);
  }

  async start(): Promise<void> {
    this.interrupts.install();
    installHost(this.host);
    this.captureOutput();
    process.on("SIGINT", () => this.interrupts.interrupt());
    process.on("uncaughtException", (e) => this.reportBackgroundError(e, "uncaughtException"));
    process.on("unhandledRejection", (e) => this.reportBackgroundError(e, "unhandledRejection"));
    await this.conn.bind(
      (msg, channel, interruptRequest) => this.onMessage(msg, channel, interruptRequest),
      this.interrupts.requests,
      () => (this.processing ? "busy" : "idle"),
    );
    // No "starting" status here: with protocol 5.4 a subscriber's first iopub message must be its iopub_welcome.
    // The TypeScript program (1–3 s of one core) is built in the converter's own thread, while this one answers.
    this.executor
      .warm()
      .catch((e) => this.log(`cnnlab: warming the TypeScript converter failed: ${(e as Error)?.message ?? e}`));
  }

  // ---------------------------------------------------------------------------------------------- output plumbing

  private captureOutput(): void {
    for (const name of ["stdout", "stderr"] as const) {
      (process[name] as any).write = (chunk: unknown, encoding?: unknown, cb?: unknown) => {
        const text =
          typeof chunk === "string"
            ? chunk
            : Buffer.from(chunk as Uint8Array).toString(
                typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8",
              );
        this.stream(name, text);
        const done = typeof encoding === "function" ? encoding : cb;
        if (typeof done === "function") rawTimers.setImmediate(done as () => void);
        return true;
      };
    }
  }

  private stream(name: StreamName, text: string): void {
    const parent = this.currentParent;
    if (!parent || this.shuttingDown) {
      this.realWrite[name](text);
      return;
    }
    const last = this.streamBuf[this.streamBuf.length - 1];
    if (last && last.name === name && last.parent === parent) last.text += text;
    else this.streamBuf.push({ name, text, parent });
    this.streamBytes += text.length;
    if (this.streamBytes > 64 * 1024) this.flushStreams();
    else if (!this.flushTimer) this.flushTimer = rawTimers.setTimeout(() => this.flushStreams(), 20);
  }

  private flushStreams(): void {
    if (this.flushTimer) {
      rawTimers.clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    const buf = this.streamBuf;
    this.streamBuf = [];
    this.streamBytes = 0;
    for (const s of buf) this.sendIopubRaw("stream", { name: s.name, text: s.text }, s.parent);
  }

  private sendIopubRaw(
    type: string,
    content: unknown,
    parent: Message | undefined,
    metadata: Record<string, unknown> = {},
    buffers: Buffer[] = [],
  ): void {
    this.conn.sendIopub(makeMessage(type, content, parent, this.conn.session, [], metadata, buffers));
  }

  /** Publishes on iopub, after any buffered stream output (keeps output order). */
  iopub(
    type: string,
    content: unknown,
    parent: Message | undefined,
    metadata: Record<string, unknown> = {},
    buffers: Buffer[] = [],
  ): void {
    this.flushStreams();
    this.sendIopubRaw(type, content, parent, metadata, buffers);
  }

  private reply(channel: Channel, parent: Message, type: string, content: unknown): void {
    this.flushStreams();
    this.conn.reply(channel, makeMessage(type, content, parent, this.conn.session));
  }

  private reportBackgroundError(e: unknown, kind: string): void {
    if (e instanceof KeyboardInterrupt) {
      // A loop in a callback that an earlier cell scheduled, stopped by the interrupt the user asked for: nothing
      // to report on a later cell.
      this.log(`cnnlab: interrupt stopped a loop in a background callback`);
      if (this.running)
        this.stream("stderr", "KeyboardInterrupt: stopped a loop in a callback an earlier cell scheduled\n");
      return;
    }
    const outcome = errorToOutcome(e);
    this.log(`cnnlab: ${kind}: ${outcome.ename}: ${outcome.evalue}`);
    if (this.running) this.iopub("error", errorContent(outcome), this.running);
    else this.pendingErrors.push(outcome);
  }

  // ---------------------------------------------------------------------------------------------- HostBackend

  sendDisplay(bundle: FormattedOutput, displayId: string | undefined, update: boolean): void {
    const content: Record<string, unknown> = {
      data: bundle.data,
      metadata: bundle.metadata,
      transient: displayId != null ? { display_id: displayId } : {},
    };
    this.iopub(update && displayId != null ? "update_display_data" : "display_data", content, this.currentParent);
  }

  clearOutput(wait: boolean): void {
    this.iopub("clear_output", { wait }, this.currentParent);
  }

  private stdinParent(): Message {
    const parent = this.running ?? this.currentParent;
    if (!parent) throw new Error("input is only available while a cell runs");
    if ((parent.content as any)?.allow_stdin === false)
      throw new Error("this frontend does not support input requests (allow_stdin is false)");
    return parent;
  }

  input(prompt: string, password: boolean): Promise<string> {
    const parent = this.stdinParent();
    this.flushStreams();
    return this.conn.io.input(parent, prompt, password);
  }

  inputSync(prompt: string, password: boolean): string {
    const parent = this.stdinParent();
    this.flushStreams();
    return this.conn.io.inputSync(parent, prompt, password);
  }

  /** tslab's `display.html(...)` etc. write through tslab's jupyter.lastWriteDisplayData: route it here. */
  private hookTslabDisplay(): void {
    const jupyter = require("tslab/dist/jupyter");
    jupyter.lastWriteDisplayData = (
      d: { data: Record<string, unknown>; metadata?: Record<string, unknown>; transient?: { display_id?: string } },
      update: boolean,
    ) => {
      this.sendDisplay({ data: d.data, metadata: d.metadata ?? {} }, d.transient?.display_id, !!update);
    };
  }

  // ---------------------------------------------------------------------------------------------- dispatch

  private onMessage(msg: Message, channel: Channel, interruptRequest?: number): void {
    if (channel === "control") {
      void this.handle(msg, channel, interruptRequest);
      return;
    }
    this.shellQueue.push(msg);
    if (!this.processing) void this.processShell();
  }

  private async processShell(): Promise<void> {
    this.processing = true;
    try {
      while (this.shellQueue.length) await this.handle(this.shellQueue.shift()!, "shell");
    } finally {
      this.processing = false;
    }
  }

  private async handle(msg: Message, channel: Channel, interruptRequest?: number): Promise<void> {
    const type = msg.header.msg_type;
    this.iopub("status", { execution_state: "busy" }, msg);
    try {
      switch (type) {
        case "kernel_info_request":
          this.reply(channel, msg, "kernel_info_reply", this.kernelInfo());
          break;
        case "execute_request":
          if (channel === "shell") await this.execute(msg);
          break;
        case "complete_request":
          this.reply(
            channel,
            msg,
            "complete_reply",
            await complete(this.executor, msg.content.code ?? "", msg.content.cursor_pos),
          );
          break;
        case "inspect_request":
          this.reply(
            channel,
            msg,
            "inspect_reply",
            await inspectAt(this.executor, msg.content.code ?? "", msg.content.cursor_pos),
          );
          break;
        case "is_complete_request":
          this.reply(channel, msg, "is_complete_reply", isComplete(msg.content.code ?? ""));
          break;
        case "history_request":
          this.reply(channel, msg, "history_reply", {
            status: "ok",
            history: this.history.query(msg.content as HistoryRequest),
          });
          break;
        case "comm_info_request":
          this.reply(channel, msg, "comm_info_reply", { status: "ok", ...this.comms.info(msg.content?.target_name) });
          break;
        case "comm_open":
        case "comm_msg":
        case "comm_close":
          await this.comm(type, msg);
          break;
        case "interrupt_request":
          this.interrupts.interrupt(interruptRequest);
          this.reply(channel, msg, "interrupt_reply", { status: "ok" });
          break;
        case "shutdown_request":
          this.reply(channel, msg, "shutdown_reply", { status: "ok", restart: !!msg.content?.restart });
          this.iopub("status", { execution_state: "idle" }, msg);
          await this.shutdown();
          return;
        default:
          this.log(`cnnlab: unsupported message type ${type} on ${channel}`);
      }
    } catch (e) {
      this.log(`cnnlab: error while handling ${type}: ${(e as Error)?.stack ?? e}`);
      if (type.endsWith("_request")) {
        const o = errorToOutcome(e);
        this.reply(channel, msg, type.replace(/_request$/, "_reply"), errorContent(o, { status: "error" }));
      }
    }
    this.iopub("status", { execution_state: "idle" }, msg);
  }

  kernelInfo() {
    return {
      status: "ok",
      protocol_version: PROTOCOL_VERSION,
      implementation: "cnnlab",
      implementation_version: PACKAGE.version,
      language_info: languageInfo(),
      banner: `cnnlab ${PACKAGE.version}: TypeScript ${TS_VERSION} on Node.js ${process.version}`,
      help_links: [
        { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
        { text: "TensorFlow.js API", url: "https://js.tensorflow.org/api/latest/" },
        { text: "Node.js documentation", url: `https://nodejs.org/docs/${process.version}/api/` },
      ],
      debugger: false,
    };
  }

  private async comm(type: string, msg: Message): Promise<void> {
    const prev = this.currentParent;
    this.currentParent = msg;
    try {
      await this.comms.handle(type, {
        content: msg.content,
        metadata: msg.metadata,
        buffers: msg.buffers,
      } as CommMessage);
    } catch (e) {
      this.log(`cnnlab: ${type}: ${(e as Error)?.message ?? e}`);
    } finally {
      this.flushStreams();
      this.currentParent = prev ?? this.currentParent;
    }
  }

  private async execute(msg: Message): Promise<void> {
    const c = msg.content as {
      code: string;
      silent?: boolean;
      store_history?: boolean;
      user_expressions?: Record<string, string>;
      stop_on_error?: boolean;
    };
    const code = c.code ?? "";
    const silent = !!c.silent;
    const storeHistory = silent ? false : (c.store_history ?? true);
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    this.currentParent = msg;
    this.running = msg;
    for (const o of this.pendingErrors.splice(0)) this.iopub("error", errorContent(o), msg);
    if (!silent) this.iopub("execute_input", { code, execution_count: count }, msg);
    const entry = storeHistory ? this.history.add(count, code) : undefined;
    // Hand busy/execute_input to ZeroMQ before the cell may block this thread (a synchronous loop).
    await this.conn.drain();

    let outcome: ExecOutcome;
    const payload: unknown[] = [];
    try {
      const help = helpTarget(code);
      if (help != null) {
        // IPython-style `expr?` / `?expr` (never valid TypeScript): the type and TSDoc of expr, in the pager.
        const info = await inspectAt(this.executor, help, help.length);
        payload.push({
          source: "page",
          data: info.found ? info.data : { "text/plain": `No information for ${help}` },
          start: 0,
        });
        outcome = { status: "ok", hasValue: false };
      } else outcome = await this.executor.execute(code);
      await this.host.flush();
      if (outcome.status === "ok" && outcome.hasValue && outcome.value !== undefined) {
        const bundle = await format(outcome.value);
        if (!silent)
          this.iopub("execute_result", { execution_count: count, data: bundle.data, metadata: bundle.metadata }, msg);
        if (entry)
          entry.output = typeof bundle.data["text/plain"] === "string" ? (bundle.data["text/plain"] as string) : null;
      }
    } catch (e) {
      outcome = errorToOutcome(e);
    }

    const userExpressions: Record<string, unknown> = {};
    if (outcome.status === "ok") {
      for (const [name, expr] of Object.entries(c.user_expressions ?? {}))
        userExpressions[name] = await this.evaluate(expr);
    }
    this.flushStreams();
    if (outcome.status === "error") {
      if (!silent) this.iopub("error", errorContent(outcome), msg);
      this.reply("shell", msg, "execute_reply", {
        ...errorContent(outcome, { status: "error" }),
        execution_count: count,
        user_expressions: {},
        payload: [],
      });
    } else {
      this.reply("shell", msg, "execute_reply", {
        status: "ok",
        execution_count: count,
        user_expressions: userExpressions,
        payload,
      });
    }
    this.running = undefined;
    if (outcome.status === "error" && (c.stop_on_error ?? true)) await this.abortQueuedExecutes();
  }

  /** After an error with stop_on_error, execute requests already queued are answered "aborted" without running. */
  private async abortQueuedExecutes(): Promise<void> {
    await new Promise((r) => rawTimers.setImmediate(r));
    const keep: Message[] = [];
    for (const m of this.shellQueue.splice(0)) {
      if (m.header.msg_type !== "execute_request") {
        keep.push(m);
        continue;
      }
      this.iopub("status", { execution_state: "busy" }, m);
      this.reply("shell", m, "execute_reply", {
        status: "aborted",
        execution_count: this.executionCount,
        user_expressions: {},
        payload: [],
      });
      this.iopub("status", { execution_state: "idle" }, m);
    }
    this.shellQueue.unshift(...keep);
  }

  private async evaluate(expr: string): Promise<Record<string, unknown>> {
    try {
      const o = await this.executor.execute(expr, { keepDecls: false });
      if (o.status === "error") return errorContent(o, { status: "error" });
      const bundle = await format(o.hasValue ? o.value : undefined);
      return { status: "ok", data: bundle.data, metadata: bundle.metadata };
    } catch (e) {
      return errorContent(errorToOutcome(e), { status: "error" });
    }
  }

  async shutdown(): Promise<void> {
    if (this.shuttingDown) return;
    this.flushStreams();
    this.shuttingDown = true;
    await this.conn.drain();
    this.conn.close();
    try {
      this.executor.close();
    } catch {
      // converter already closed
    }
    rawTimers.setTimeout(() => process.exit(0), 50);
  }
}

/** The expression of a one-line `expr?` or `?expr` help request, else null. */
export function helpTarget(code: string): string | null {
  const line = code.trim();
  if (line.includes("\n")) return null;
  const m = /^\?+\s*([^?]+)$/.exec(line) ?? /^([^?]+?)\s*\?+$/.exec(line);
  return m ? m[1].trim() : null;
}

function errorContent(o: ExecOutcome, extra: Record<string, unknown> = {}): Record<string, unknown> {
  if (o.status !== "error") return { ...extra };
  return { ...extra, ename: o.ename, evalue: o.evalue, traceback: o.traceback };
}

/**
 * The KernelHost: what cells can use from the kernel, on `globalThis[Symbol.for("cnnlab.kernel")]`, plus the cell
 * globals `display`, `clearOutput`, `prompt` and `input` (declared for the type checker in GLOBALS_DECL).
 */
import { Comm, CommData, CommManager, TargetHandler } from "./comm";
import {
  KERNEL_HOST,
  type DisplayOptions,
  type FormattedOutput,
  type KernelHost as HostContract,
} from "../src/contract";
import { format } from "./format";
import type { InterruptController } from "./interrupt";

/** What the protocol layer provides to the host. */
export interface HostBackend {
  sendDisplay(bundle: FormattedOutput, displayId: string | undefined, update: boolean): void;
  clearOutput(wait: boolean): void;
  input(prompt: string, password: boolean): Promise<string>;
  inputSync(prompt: string, password: boolean): string;
  readonly comms: CommManager;
  readonly interrupts: InterruptController;
  readonly executionCount: number;
}

export class KernelHost implements HostContract {
  private readonly shownIds = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  readonly version: string = require("../../package.json").version;

  constructor(private readonly backend: HostBackend) {}

  /**
   * Shows `value` (same formatting as a cell's last value). With `{ id }`, a later `display(y, { id })` replaces the
   * output shown under that id (update_display_data) unless `update: false`.
   */
  display = (value: unknown, options: DisplayOptions = {}): void => {
    const id = options.id;
    const update = options.update ?? (id != null && this.shownIds.has(id));
    if (id != null) this.shownIds.add(id);
    this.show(value, id, update, options.metadata);
  };

  clearOutput = (wait = false): void => {
    this.backend.clearOutput(wait);
  };

  /** Asks the user for a line of text (input_request on stdin). */
  input = (prompt = "", options: { password?: boolean } = {}): Promise<string> =>
    this.backend.input(prompt, !!options.password);

  /** Synchronous, browser-like prompt(). */
  prompt = (message = "", defaultValue?: string): string | null => {
    const v = this.backend.inputSync(message, false);
    return v === "" && defaultValue != null ? defaultValue : v;
  };

  /** The AbortSignal of the execution the caller belongs to; aborted when that cell is interrupted. */
  get signal(): AbortSignal {
    return (
      (this.backend.interrupts.current() ?? this.backend.interrupts.runningExecution)?.signal ??
      new AbortController().signal
    );
  }

  get executionCount(): number {
    return this.backend.executionCount;
  }

  readonly comm = {
    registerTarget: (name: string, handler: TargetHandler): void => this.backend.comms.registerTarget(name, handler),
    unregisterTarget: (name: string): void => this.backend.comms.unregisterTarget(name),
    open: (targetName: string, data?: CommData, metadata?: Record<string, unknown>): Comm =>
      this.backend.comms.open(targetName, data, metadata),
  };

  /**
   * The mimebundle a value would be shown with, without showing it: what a widget puts into its output area so that
   * it looks exactly like a cell's output.
   */
  format = async (value: unknown): Promise<FormattedOutput> => format(value);

  /** Resolves when every display() so far has been sent (a Jupyter.display method may be async). */
  flush(): Promise<void> {
    return this.chain;
  }

  /** Formats and sends; keeps displays in call order even when one of them formats asynchronously. */
  show(value: unknown, id: string | undefined, update: boolean, metadata?: Record<string, unknown>): void {
    const send = (b: FormattedOutput) =>
      this.backend.sendDisplay(metadata ? { data: b.data, metadata: { ...b.metadata, ...metadata } } : b, id, update);
    const report = (e: unknown): void => void process.stderr.write(`display failed: ${(e as Error)?.stack ?? e}\n`);
    let formatted: FormattedOutput | Promise<FormattedOutput>;
    try {
      formatted = format(value);
    } catch (e) {
      report(e);
      return;
    }
    if (!(formatted instanceof Promise) && this.pending === 0) {
      send(formatted);
      return;
    }
    this.pending++;
    const ready = formatted;
    this.chain = this.chain
      .then(() => ready)
      .then(send, (e) => void report(e))
      .finally(() => {
        this.pending--;
      });
  }

  /** Displays whose formatting is still in flight. */
  private pending = 0;
}

/** Type declarations of the cell globals, added to the converter as a global augmentation. */
export const GLOBALS_DECL = `
declare global {
  interface CnnlabDisplayOptions { id?: string; update?: boolean; metadata?: Record<string, unknown> }
  /** Shows a value: objects with [Symbol.for("Jupyter.display")](), PNG/JPEG bytes, else util.inspect text. */
  function display(value: unknown, options?: CnnlabDisplayOptions): void;
  /** Clears the output of the running cell (wait: clear when the next output arrives). */
  function clearOutput(wait?: boolean): void;
  /** Asks the user for a line of text and waits for it (synchronous, like the browser's prompt()). */
  function prompt(message?: string, defaultValue?: string): string | null;
  /** Asks the user for a line of text. */
  function input(prompt?: string, options?: { password?: boolean }): Promise<string>;
}
`;

/** Installs the host on globalThis and the cell globals. */
export function installHost(host: KernelHost): void {
  const g = globalThis as any;
  g[KERNEL_HOST] = host;
  g.display = host.display;
  g.clearOutput = host.clearOutput;
  g.prompt = host.prompt;
  g.input = host.input;
}

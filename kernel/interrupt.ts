/**
 * Interrupts that really stop a cell, and keep what it did.
 *
 * - Requests: JupyterLab sends interrupt_request on control (interrupt_mode "message"). The io worker reads the
 *   control socket on its own thread, so a request arrives even while a cell holds the main thread; it counts it in
 *   shared memory (`requests`) and forwards the message. SIGINT (a frontend using "signal") is also honoured.
 * - Loops: every loop body in cell code begins with a check of that shared counter (loop-check.ts); a loop that sees
 *   a request it has not handled throws KeyboardInterrupt, wherever it runs: the cell's synchronous start, after an
 *   `await`, in a timer callback. Node cannot terminate JavaScript on its main thread and keep running (V8's
 *   TerminateExecution leaves Node's async-context stack corrupt and the process aborts), so the check is how a
 *   busy loop gives the thread back. vm's `breakOnSigint` still covers a SIGINT during the synchronous start.
 * - Awaited work: every cell runs inside an AsyncLocalStorage context (an Execution). An interrupt first aborts the
 *   execution's AbortSignal; code that honours it (train(), evaluate(), sweep()) ends soon after and the cell
 *   completes normally, its declarations standing. What has not finished within GRACE_MS is stopped: the cell's
 *   promise is rejected with KeyboardInterrupt (the reply is sent) and every timer callback the execution scheduled
 *   (setTimeout/setInterval/setImmediate, also via `timers`) becomes inert, so `for (;;) await sleep(10)` stops.
 */
import { AsyncLocalStorage } from "async_hooks";
import { promisify } from "util";

/** How long interrupted code may take to finish on its own before it is stopped. */
export const GRACE_MS = 500;

/** The global the loop checks in cell code read: `{ requests, raise }` (see LoopCheckGlobal). */
export const LOOP_CHECK_GLOBAL = "__cnnlab_interrupt__";

export interface LoopCheckGlobal {
  /** Int32 [0]: interrupt requests received (written by the io worker), [1]: requests handled (main thread). */
  readonly requests: Int32Array;
  /** Handles the pending request and throws KeyboardInterrupt. */
  raise(): never;
}

export class KeyboardInterrupt extends Error {
  constructor(message = "Interrupted") {
    super(message);
    this.name = "KeyboardInterrupt";
  }
}

export class Execution {
  /** Stopped: the cell's promise is rejected and the callbacks it scheduled are dropped. */
  stopped = false;
  readonly controller = new AbortController();
  /** Rejects with KeyboardInterrupt when the execution is stopped. */
  readonly stoppedPromise: Promise<never>;
  private rejectStopped!: (e: unknown) => void;
  private stopTimer: ReturnType<typeof setTimeout> | undefined;
  constructor(readonly id: number) {
    this.stoppedPromise = new Promise<never>((_, reject) => (this.rejectStopped = reject));
    this.stoppedPromise.catch(() => {});
  }
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  /** Asked to stop (its signal is aborted); it may still be finishing within the grace period. */
  get interrupted(): boolean {
    return this.controller.signal.aborted;
  }
  /** Aborts the signal now and stops the execution after the grace period unless it is stopped before. */
  interrupt(): void {
    this.abort();
    this.stopTimer ??= rawTimers.setTimeout(() => this.stop(), GRACE_MS);
  }
  /** Aborts the signal (if not yet), rejects the cell's promise and drops the callbacks it scheduled. */
  stop(): void {
    if (this.stopTimer !== undefined) rawTimers.clearTimeout(this.stopTimer);
    if (this.stopped) return;
    this.stopped = true;
    this.abort();
    this.rejectStopped(new KeyboardInterrupt());
  }
  private abort(): void {
    if (this.interrupted) return;
    try {
      this.controller.abort(new KeyboardInterrupt());
    } catch {
      // an abort listener threw; the execution is interrupted regardless
    }
  }
}

/** True for the error vm throws when `breakOnSigint` stops a script. */
export function isSigintError(e: unknown): boolean {
  return e != null && typeof e === "object" && (e as any).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED";
}

export class InterruptController {
  /** Shared with the io worker, which counts the interrupt requests it reads from the control socket. */
  readonly requests = new Int32Array(new SharedArrayBuffer(8));
  private readonly als = new AsyncLocalStorage<Execution>();
  private nextId = 1;
  private running: Execution | null = null;
  /** Executions that finished but may still have timers pending (interrupted when idle). */
  private finished = new Set<Execution>();
  private installed = false;

  /** The execution whose async context the caller is in (a cell, or a callback a cell scheduled). */
  current(): Execution | undefined {
    return this.als.getStore();
  }

  get runningExecution(): Execution | null {
    return this.running;
  }

  begin(): Execution {
    const ex = new Execution(this.nextId++);
    this.running = ex;
    return ex;
  }

  end(ex: Execution): void {
    if (this.running === ex) this.running = null;
    if (!ex.interrupted) this.finished.add(ex);
    // Bound the set: executions older than the last 100 are not tracked for idle interrupts.
    if (this.finished.size > 100) this.finished.delete(this.finished.values().next().value as Execution);
  }

  run<T>(ex: Execution, fn: () => T): T {
    return this.als.run(ex, fn);
  }

  /**
   * Handles an interrupt request: the running cell is interrupted (signal now, stopped after the grace period);
   * when idle, what earlier cells left running in the background stops at once. `request` is the io worker's count
   * for a request read from control: one that a loop check already handled is not handled twice.
   */
  interrupt(request?: number): void {
    if (request !== undefined && request <= Atomics.load(this.requests, 1)) return;
    Atomics.store(this.requests, 1, Atomics.load(this.requests, 0));
    if (this.running) {
      this.running.interrupt();
      return;
    }
    for (const ex of this.finished) ex.stop();
    this.finished.clear();
  }

  /** A loop check saw a request: the execution it runs in (or the running cell) stops now. */
  private raise(): never {
    Atomics.store(this.requests, 1, Atomics.load(this.requests, 0));
    (this.current() ?? this.running)?.stop();
    throw new KeyboardInterrupt();
  }

  /**
   * Defines the loop checks' global and wraps the global timer functions so that callbacks scheduled by a stopped
   * execution are dropped.
   */
  install(): void {
    if (this.installed) return;
    this.installed = true;
    const loopCheck: LoopCheckGlobal = { requests: this.requests, raise: () => this.raise() };
    Object.defineProperty(globalThis, LOOP_CHECK_GLOBAL, { value: loopCheck, enumerable: false });
    const als = this.als;
    const timers = require("timers") as typeof import("timers");
    const g = globalThis as any;

    const wrapOnce = (orig: (...a: any[]) => any) => {
      const wrapped = function (this: unknown, cb: unknown, ...rest: unknown[]) {
        const ex = als.getStore();
        if (!ex || typeof cb !== "function") return orig.call(this, cb, ...rest);
        return orig.call(
          this,
          function (this: unknown, ...args: unknown[]) {
            if (ex.stopped) return;
            return (cb as (...values: unknown[]) => unknown).apply(this, args);
          },
          ...rest,
        );
      };
      copyCustomPromisify(orig, wrapped);
      return wrapped;
    };
    const origInterval = g.setInterval as (...a: any[]) => any;
    const origClearInterval = g.clearInterval as (h: unknown) => void;
    const wrappedInterval = function (this: unknown, cb: unknown, ...rest: unknown[]) {
      const ex = als.getStore();
      if (!ex || typeof cb !== "function") return origInterval.call(this, cb, ...rest);
      const handle = origInterval.call(
        this,
        function (this: unknown, ...args: unknown[]) {
          if (ex.stopped) {
            origClearInterval(handle);
            return;
          }
          return (cb as (...values: unknown[]) => unknown).apply(this, args);
        },
        ...rest,
      );
      return handle;
    };
    copyCustomPromisify(origInterval, wrappedInterval);

    const wrappedTimeout = wrapOnce(g.setTimeout);
    const wrappedImmediate = wrapOnce(g.setImmediate);
    g.setTimeout = wrappedTimeout;
    g.setInterval = wrappedInterval;
    g.setImmediate = wrappedImmediate;
    (timers as any).setTimeout = wrappedTimeout;
    (timers as any).setInterval = wrappedInterval;
    (timers as any).setImmediate = wrappedImmediate;
  }
}

function copyCustomPromisify(from: any, to: any): void {
  const custom = from[promisify.custom];
  if (custom) Object.defineProperty(to, promisify.custom, { value: custom, configurable: true });
}

/** The timer functions as they were before install(): kernel internals use these so an interrupt never drops them. */
export const rawTimers = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setImmediate: globalThis.setImmediate,
};

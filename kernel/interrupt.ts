/**
 * Interrupts that really stop a cell.
 *
 * - Synchronous code: cells run under vm `breakOnSigint`, so SIGINT (interrupt_mode "signal") terminates a
 *   `while (true) {}` with ERR_SCRIPT_EXECUTION_INTERRUPTED; the kernel's heap (variables) survives.
 * - Asynchronous code: every cell runs inside an AsyncLocalStorage context (an Execution). Interrupting rejects the
 *   cell's promise at once (the reply is sent), aborts the execution's AbortSignal, and makes every timer callback
 *   scheduled from that execution (setTimeout/setInterval/setImmediate, also via `timers`) inert: an awaited loop
 *   such as `for (;;) await new Promise(r => setTimeout(r, 10))` never resumes, so it really stops instead of running
 *   on in the background as it did in tslab (which only rejected a Promise.race).
 */
import { AsyncLocalStorage } from "async_hooks";
import { promisify } from "util";

export class KeyboardInterrupt extends Error {
  constructor(message = "Interrupted") {
    super(message);
    this.name = "KeyboardInterrupt";
  }
}

export class Execution {
  interrupted = false;
  readonly controller = new AbortController();
  readonly interruptedPromise: Promise<never>;
  private rejectInterrupted!: (e: unknown) => void;
  constructor(readonly id: number) {
    this.interruptedPromise = new Promise<never>((_, reject) => (this.rejectInterrupted = reject));
    this.interruptedPromise.catch(() => {});
  }
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  interrupt(): void {
    if (this.interrupted) return;
    this.interrupted = true;
    const err = new KeyboardInterrupt();
    this.rejectInterrupted(err);
    try {
      this.controller.abort(err);
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
   * Interrupts the running cell; when idle, stops what earlier cells left running in the background (their timers
   * become inert and their signals abort).
   */
  interrupt(): void {
    if (this.running) {
      this.running.interrupt();
      return;
    }
    for (const ex of this.finished) ex.interrupt();
    this.finished.clear();
  }

  /** Wraps the global timer functions so callbacks scheduled by an interrupted execution are dropped. */
  install(): void {
    if (this.installed) return;
    this.installed = true;
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
            if (ex.interrupted) return;
            return (cb as Function).apply(this, args);
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
          if (ex.interrupted) {
            origClearInterval(handle);
            return;
          }
          return (cb as Function).apply(this, args);
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

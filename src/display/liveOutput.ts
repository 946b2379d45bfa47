import { randomUUID } from "crypto";
import { display, DisplayHandle } from "./display";
import { kernelHost, KernelHost } from "../contract";

/** Fastest update rate of a live output: 5 per second keeps the frontend responsive and the notebook small. */
export const MIN_UPDATE_INTERVAL_MS = 200;
/** Without a kernel (a script), intermediate states are printed at most this often; the final one always. */
const PLAIN_UPDATE_INTERVAL_MS = 5000;

/** Options for {@link LiveOutput}; `now` lets tests drive the clock. */
export interface LiveOutputOptions {
  minimumIntervalMs?: number;
  now?: () => number;
}

/**
 * One output that is replaced in place (update_display_data) as its value changes, at most 5 times per second.
 * Updates that come too fast are held back; the newest is sent when the interval has passed, and `show(value,
 * true)` (the final state) is always sent at once.
 */
export class LiveOutput {
  private handle: DisplayHandle | undefined;
  private lastSent = -Infinity;
  private pending: unknown = undefined;
  private hasPending = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly interval: number;
  private readonly now: () => number;
  private readonly withKernel: boolean;
  // The host of the cell that made this output: a held-back update sent after the cell ended still goes to the
  // output it belongs to.
  private readonly host: KernelHost | undefined;

  constructor(options: LiveOutputOptions = {}) {
    this.host = kernelHost();
    this.withKernel = this.host !== undefined;
    this.interval = options.minimumIntervalMs ?? (this.withKernel ? MIN_UPDATE_INTERVAL_MS : PLAIN_UPDATE_INTERVAL_MS);
    this.now = options.now ?? Date.now;
  }

  /** Number of times the output was actually sent (first display included). */
  sentCount = 0;

  /** Shows `value`; `final` sends it immediately whatever the rate. */
  show(value: unknown, final = false): void {
    const now = this.now();
    if (final || this.handle === undefined || now - this.lastSent >= this.interval) {
      this.send(value, now);
      return;
    }
    this.pending = value;
    this.hasPending = true;
    // In a script a held-back state just waits for the next update or the final one; in the kernel it is sent
    // when the interval has passed, so the output never lags far behind the work.
    if (this.timer === undefined && this.withKernel) {
      const delay = Math.max(0, this.lastSent + this.interval - now);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.hasPending) this.send(this.pending, this.now());
      }, delay);
      // A held-back update must not keep a finished script alive.
      this.timer.unref?.();
    }
  }

  private send(value: unknown, now: number): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.hasPending = false;
    this.pending = undefined;
    this.lastSent = now;
    this.sentCount++;
    if (this.host !== undefined) {
      const host = this.host;
      if (this.handle === undefined) {
        const id = randomUUID();
        this.handle = { id, update: (next: unknown) => host.display(next, { id, update: true }) };
        host.display(value, { id, update: false });
      } else {
        this.handle.update(value);
      }
    } else if (this.handle === undefined) {
      this.handle = display(value);
    } else {
      this.handle.update(value);
    }
  }
}

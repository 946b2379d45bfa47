import { mimeBundle } from "./bundle";
import { LiveOutput, LiveOutputOptions } from "./liveOutput";
import { Displayable, JUPYTER_DISPLAY, MimeBundle } from "../contract";
import { progressHtml, ProgressState, progressText } from "./render/progressBar";

/** Metric values shown beside a progress bar, e.g. `{ loss: 0.31, accuracy: 0.9 }`. */
export type ProgressMetrics = Record<string, number | string>;

/** How a {@link Progress} shows itself: its output's update rate and clock, and HTML drawn below the bar. */
export interface ProgressOutputOptions extends LiveOutputOptions {
  /** HTML shown under the bar in each update (train()'s dashboard puts its loss and accuracy charts there). */
  below?: () => string;
}

/**
 * A progress bar that updates one output in place: done / total, rate, time left, and metrics. Updates are sent at
 * most 5 times per second; the final state is always sent by {@link Progress.finish}.
 */
export class Progress implements Displayable {
  private done = 0;
  private metrics: ProgressMetrics | undefined;
  private finished = false;
  private readonly startedAt: number;
  private readonly output: LiveOutput;
  private readonly below: (() => string) | undefined;

  constructor(
    readonly total: number,
    /** Shown before the bar; it may change while the bar runs (train() says "interrupted"). */
    public label: string | undefined,
    private readonly now: () => number = Date.now,
    outputOptions: ProgressOutputOptions = {},
  ) {
    this.startedAt = now();
    this.below = outputOptions.below;
    this.output = new LiveOutput({ now, ...outputOptions });
    this.output.show(this.snapshot());
  }

  /** Advances by `steps` (default 1), optionally with the latest metrics. */
  tick(steps = 1, metrics?: ProgressMetrics): void {
    this.set(this.done + steps, metrics);
  }

  /** Sets the number of steps done, optionally with the latest metrics. */
  set(done: number, metrics?: ProgressMetrics): void {
    if (!Number.isFinite(done)) throw new RangeError(`progress: done must be a finite number, got ${done}`);
    if (this.finished) return;
    this.done = done;
    if (metrics !== undefined) this.metrics = metrics;
    this.output.show(this.snapshot());
  }

  /** Marks the work finished and sends the final state at once. Calling it again does nothing. */
  finish(metrics?: ProgressMetrics): void {
    if (this.finished) return;
    if (metrics !== undefined) this.metrics = metrics;
    this.finished = true;
    this.output.show(this.snapshot(), true);
  }

  /** The current state. */
  get state(): ProgressState {
    return {
      label: this.label,
      done: this.done,
      total: this.total,
      elapsedSeconds: (this.now() - this.startedAt) / 1000,
      metrics: this.metrics,
      finished: this.finished,
    };
  }

  toString(): string {
    return progressText(this.state);
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const state = this.state;
    return mimeBundle({ text: progressText(state), html: progressHtml(state) + (this.below?.() ?? "") });
  }

  /** A frozen copy to send, so an output shows the state at the time it was sent. */
  private snapshot(): Displayable {
    const bundle = this[JUPYTER_DISPLAY]();
    return { [JUPYTER_DISPLAY]: () => bundle, toString: () => bundle["text/plain"] } as Displayable;
  }
}

/**
 * Starts a progress bar shown as one output updated in place.
 *
 * @example
 * ```ts
 * const bar = progress({ total: batches, label: "epoch 1" });
 * for (...) { ...; bar.tick(1, { loss }); }
 * bar.finish();
 * ```
 */
export function progress(options: { total: number; label?: string }): Progress {
  const total = options?.total;
  if (typeof total !== "number" || !Number.isFinite(total) || total <= 0) {
    throw new RangeError(`progress() needs a positive total, e.g. progress({ total: 100 }); got ${String(total)}`);
  }
  return new Progress(total, options.label);
}

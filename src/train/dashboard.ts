import { LiveOutput } from "../display/liveOutput";
import { progressHtml, progressText, ProgressState } from "../display/render/progressBar";
import { TrainingHistory } from "./history";
import { JUPYTER_DISPLAY } from "../contract";

/**
 * The live training view: a progress bar with ETA and the loss / accuracy curves, all in ONE output replaced in
 * place (the display library's LiveOutput limits the update rate). Without a kernel it prints one line per epoch.
 */
export class TrainingDashboard {
  private readonly output: LiveOutput | undefined;
  private readonly startedAt = Date.now();

  constructor(private readonly history: TrainingHistory, private readonly totalBatches: number,
    private readonly totalEpochs: number, withKernel: boolean, private readonly quiet: boolean) {
    this.output = withKernel ? new LiveOutput() : undefined;
  }

  /** After each batch. */
  batch(done: number, metrics: Record<string, number | string>): void {
    this.output?.show(this.snapshot(done, metrics, false));
  }

  /** At the end of each epoch: always sent. */
  epoch(done: number, metrics: Record<string, number | string>): void {
    if (this.output) this.output.show(this.snapshot(done, metrics, false), true);
    else if (!this.quiet) {
      const e = this.history.last;
      if (e) {
        const v = this.history.validationName;
        console.log(`epoch ${e.epoch}/${this.totalEpochs}: loss ${e.loss.toFixed(4)}, accuracy ${e.accuracy.toFixed(4)}` +
          (e.validationAccuracy !== undefined
            ? `, ${v} loss ${e.validationLoss!.toFixed(4)}, ${v} accuracy ${e.validationAccuracy.toFixed(4)}` : "") +
          ` (${e.seconds.toFixed(1)} s, ${Math.round(e.imagesPerSecond)} img/s)`);
      }
    }
  }

  /** The final state. */
  finish(done: number, metrics: Record<string, number | string>): void {
    this.output?.show(this.snapshot(done, metrics, true), true);
  }

  private snapshot(done: number, metrics: Record<string, number | string>, finished: boolean): object {
    const state: ProgressState = {
      label: this.history.stopReason === "interrupted" ? "interrupted" : "training",
      done,
      total: this.totalBatches,
      elapsedSeconds: (Date.now() - this.startedAt) / 1000,
      metrics,
      finished,
    };
    const text = progressText(state);
    const html = progressHtml(state) + this.history.chartsHtml();
    return { [JUPYTER_DISPLAY]: () => ({ "text/plain": text, "text/html": html }), toString: () => text };
  }
}

import { Progress, type ProgressMetrics } from "../display";
import { TrainingHistory } from "./history";

/**
 * The live training view: a progress bar with ETA and the loss / accuracy curves under it, all in one output
 * replaced in place (a {@link Progress} with the charts below its bar). Without a kernel it prints one line per
 * epoch instead.
 */
export class TrainingDashboard {
  private readonly progress: Progress | undefined;
  private metrics: ProgressMetrics = {};

  constructor(
    private readonly history: TrainingHistory,
    totalBatches: number,
    private readonly totalEpochs: number,
    withKernel: boolean,
    private readonly quiet: boolean,
  ) {
    this.progress = withKernel
      ? new Progress(totalBatches, "training", Date.now, { below: () => history.chartsHtml({ epochs: totalEpochs }) })
      : undefined;
  }

  /** After each batch, with the epoch's running loss and accuracy. */
  batch(done: number, metrics: ProgressMetrics): void {
    this.metrics = metrics;
    this.progress?.set(done, metrics);
  }

  /** At the end of each epoch, with the epoch's results. */
  epoch(done: number, metrics: ProgressMetrics): void {
    this.metrics = metrics;
    if (this.progress) this.progress.set(done, metrics);
    else if (!this.quiet) console.log(this.epochLine());
  }

  /** The final state, with the last metrics shown. */
  finish(done: number): void {
    if (!this.progress) return;
    if (this.history.stopReason === "interrupted") this.progress.label = "interrupted";
    this.progress.set(done, this.metrics);
    this.progress.finish();
  }

  private epochLine(): string {
    const e = this.history.last!;
    const v = this.history.validationName;
    return (
      `epoch ${e.epoch}/${this.totalEpochs}: loss ${e.loss.toFixed(4)}, accuracy ${e.accuracy.toFixed(4)}` +
      (e.validationAccuracy !== undefined
        ? `, ${v} loss ${e.validationLoss!.toFixed(4)}, ${v} accuracy ${e.validationAccuracy.toFixed(4)}`
        : "") +
      ` (${e.seconds.toFixed(1)} s, ${Math.round(e.imagesPerSecond)} img/s)`
    );
  }
}

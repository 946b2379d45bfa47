import { type ChartSeries, lineChartSvg, sideBySideHtml, tableHtml, tableText } from "../display";
import { JUPYTER_DISPLAY, MimeBundle } from "../contract";

/** The metrics of one finished epoch. */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** Training accuracy over the epoch (with dropout / augmentation on, as the batches were trained). */
  accuracy: number;
  validationLoss?: number;
  validationAccuracy?: number;
  /** Wall time of the epoch's training (without validation), seconds. */
  seconds: number;
  /** Training images per second. */
  imagesPerSecond: number;
}

/** The loss and accuracy of one trained batch, for the curves. */
export interface BatchRecord {
  /** Fractional epoch at the end of the batch (1.5 = half-way through epoch 2). */
  epoch: number;
  loss: number;
  accuracy: number;
}

// Curve colours with at least 3:1 contrast on white (WCAG's minimum for graphics): the per-batch curve is a lighter
// blue than the per-epoch one, but not the pale #aec7e8 (1.7:1) that vanished on a projector; the validation curve
// is a darker orange than plotly's #ff7f0e (2.5:1).
const BATCH_COLOR = "#5a8fc0";
const TRAIN_COLOR = "#0b4f8a";
const VALIDATION_COLOR = "#c24e00";

/** Why training ended. */
export type StopReason = "completed" | "interrupted" | "early-stopping";

/**
 * What `train()` returns: per-epoch and per-batch metrics, why it stopped and how long it took. Displays as the
 * loss and accuracy curves and a table of epochs.
 */
export class TrainingHistory {
  readonly epochs: EpochRecord[] = [];
  readonly batches: BatchRecord[] = [];
  stopReason: StopReason = "completed";
  /** Total wall time, seconds (training, validation and display). */
  seconds = 0;
  /** The epoch whose weights the model holds at the end when early stopping restored the best ones. */
  bestEpoch: number | undefined;

  /** @param validationName - what the validation curves are called ("validation" or "test"). */
  constructor(readonly validationName = "validation") {}

  /** The last epoch's record, if any finished. */
  get last(): EpochRecord | undefined {
    return this.epochs[this.epochs.length - 1];
  }

  /** Mean seconds per epoch. */
  get secondsPerEpoch(): number {
    return this.epochs.length ? this.epochs.reduce((s, e) => s + e.seconds, 0) / this.epochs.length : 0;
  }

  /**
   * Loss and accuracy charts as inline SVG. With `epochs` (the run's length) the epoch axis spans the whole run from
   * the start, so the curves show how far training has got, and the empty charts before the first batch say so.
   */
  chartsHtml(options: { epochs?: number } = {}): string {
    const v = this.validationName;
    const curves = (
      metric: (record: BatchRecord | EpochRecord) => number,
      validation: (e: EpochRecord) => number | undefined,
    ) =>
      [
        { name: "train (batch)", color: BATCH_COLOR, points: smooth(this.batches.map((b) => [b.epoch, metric(b)])) },
        { name: "train", color: TRAIN_COLOR, points: this.epochs.map((e) => [e.epoch, metric(e)]), markers: true },
        {
          name: v,
          color: VALIDATION_COLOR,
          markers: true,
          points: this.epochs.filter((e) => validation(e) !== undefined).map((e) => [e.epoch, validation(e)!]),
        },
      ] as ChartSeries[];
    const axes = { xLabel: "epoch", xFrom: 0, xTo: options.epochs, placeholder: "waiting for the first batch…" };
    return sideBySideHtml([
      lineChartSvg(
        curves(
          (r) => r.loss,
          (e) => e.validationLoss,
        ),
        { title: "loss", ...axes },
      ),
      lineChartSvg(
        curves(
          (r) => r.accuracy,
          (e) => e.validationAccuracy,
        ),
        // Accuracy is a fraction: before any data its axis is 0…1 rather than no scale at all.
        { title: "accuracy", ...axes, ...(this.batches.length ? {} : { yRange: [0, 1] as [number, number] }) },
      ),
    ]);
  }

  /** The per-epoch table's rows. */
  private tableContent() {
    const v = this.validationName;
    return {
      title:
        `training ${
          this.stopReason === "completed"
            ? "finished"
            : this.stopReason === "interrupted"
              ? "interrupted"
              : "stopped early"
        } after ${this.epochs.length} epoch${this.epochs.length === 1 ? "" : "s"} ` +
        `in ${this.seconds.toFixed(1)} s${this.bestEpoch ? ` (weights of epoch ${this.bestEpoch} restored)` : ""}`,
      columns: ["epoch", "loss", "accuracy", `${v} loss`, `${v} accuracy`, "seconds", "images/s"],
      rows: this.epochs.map((e) => [
        String(e.epoch),
        e.loss.toFixed(4),
        e.accuracy.toFixed(4),
        e.validationLoss?.toFixed(4) ?? "",
        e.validationAccuracy?.toFixed(4) ?? "",
        e.seconds.toFixed(1),
        Math.round(e.imagesPerSecond).toString(),
      ]),
      numeric: [true, true, true, true, true, true, true],
    };
  }

  toString(): string {
    return tableText(this.tableContent());
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/plain": this.toString(), "text/html": this.chartsHtml() + tableHtml(this.tableContent()) };
  }

  /** Plain data, for JSON files and sweeps. */
  toJSON(): Record<string, unknown> {
    return {
      epochs: this.epochs,
      stopReason: this.stopReason,
      seconds: this.seconds,
      bestEpoch: this.bestEpoch,
      validationName: this.validationName,
    };
  }
}

/** Exponential moving average so the per-batch curve shows the trend, not the noise. */
function smooth(points: [number, number][], factor = 0.9): [number, number][] {
  let average: number | undefined;
  return points.map(([x, y]) => {
    average = average === undefined ? y : factor * average + (1 - factor) * y;
    return [x, average];
  });
}

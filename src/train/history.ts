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

  /** Loss and accuracy charts as inline SVG. */
  chartsHtml(): string {
    const v = this.validationName;
    const lossSeries: ChartSeries[] = [
      { name: "train (batch)", color: "#aec7e8", points: smooth(this.batches.map((b) => [b.epoch, b.loss])) },
      { name: "train", color: "#1f77b4", points: this.epochs.map((e) => [e.epoch, e.loss]), markers: true },
      {
        name: v,
        color: "#ff7f0e",
        markers: true,
        points: this.epochs.filter((e) => e.validationLoss !== undefined).map((e) => [e.epoch, e.validationLoss!]),
      },
    ];
    const accuracySeries: ChartSeries[] = [
      { name: "train (batch)", color: "#aec7e8", points: smooth(this.batches.map((b) => [b.epoch, b.accuracy])) },
      { name: "train", color: "#1f77b4", points: this.epochs.map((e) => [e.epoch, e.accuracy]), markers: true },
      {
        name: v,
        color: "#ff7f0e",
        markers: true,
        points: this.epochs
          .filter((e) => e.validationAccuracy !== undefined)
          .map((e) => [e.epoch, e.validationAccuracy!]),
      },
    ];
    return sideBySideHtml([
      lineChartSvg(lossSeries, { title: "loss", xLabel: "epoch", xFrom: 0 }),
      lineChartSvg(accuracySeries, { title: "accuracy", xLabel: "epoch", xFrom: 0 }),
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

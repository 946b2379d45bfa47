import * as tf from "@tensorflow/tfjs";
import type { EpochRecord } from "./history";

/** Early stopping settings: stop when the monitored validation metric has not improved for `patience` epochs. */
export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping (default 3). */
  patience?: number;
  /** What must improve (default "validationLoss"). */
  monitor?: "validationLoss" | "validationAccuracy";
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Put back the weights of the best epoch when stopping (default true). */
  restoreBestWeights?: boolean;
}

/** Watches the validation metric epoch by epoch and keeps a copy of the best epoch's weights. */
export class EarlyStopping {
  private readonly patience: number;
  private readonly monitor: "validationLoss" | "validationAccuracy";
  private readonly minDelta: number;
  private readonly restoreBestWeights: boolean;
  private best = Infinity;
  private stale = 0;
  private bestWeights: tf.Tensor[] | undefined;
  private bestEpoch = 0;

  constructor(options: true | EarlyStoppingOptions) {
    const settings = options === true ? {} : options;
    this.patience = settings.patience ?? 3;
    this.monitor = settings.monitor ?? "validationLoss";
    this.minDelta = settings.minDelta ?? 0;
    this.restoreBestWeights = settings.restoreBestWeights ?? true;
  }

  /** After an epoch with validation: true when it is time to stop. */
  shouldStop(record: EpochRecord, model: tf.LayersModel): boolean {
    // Lower is better for both: accuracy is negated.
    const value = this.monitor === "validationLoss" ? record.validationLoss! : -record.validationAccuracy!;
    if (value < this.best - this.minDelta) {
      this.best = value;
      this.bestEpoch = record.epoch;
      this.stale = 0;
      if (this.restoreBestWeights) {
        tf.dispose(this.bestWeights ?? []);
        this.bestWeights = model.getWeights().map((weight) => tf.clone(weight));
      }
      return false;
    }
    return ++this.stale >= this.patience;
  }

  /** Puts the best epoch's weights back and returns that epoch; undefined when restoreBestWeights is off. */
  restore(model: tf.LayersModel): number | undefined {
    if (!this.bestWeights) return undefined;
    model.setWeights(this.bestWeights);
    return this.bestEpoch;
  }

  /** Frees the kept weights. */
  dispose(): void {
    tf.dispose(this.bestWeights ?? []);
    this.bestWeights = undefined;
  }
}

import * as tf from "@tensorflow/tfjs";
import type { ImageDataset } from "../data";
import type { TrainingDashboard } from "./dashboard";
import type { TrainingHistory } from "./history";
import type { TrainingStep } from "./trainingStep";

/** What one epoch of train() needs; `done` counts batches over the whole run, for the progress bar. */
export interface EpochContext {
  trainSet: ImageDataset;
  batchSize: number;
  seed: number;
  maxShift: number | undefined;
  step: TrainingStep;
  history: TrainingHistory;
  dashboard: TrainingDashboard;
  signal: AbortSignal | undefined;
  done: number;
}

/** The training loss and accuracy of one epoch, averaged over its images, or undefined when it was interrupted. */
export interface EpochResult {
  loss: number;
  accuracy: number;
  images: number;
  seconds: number;
}

/**
 * One pass over the training set in a fresh seeded order: a step per batch, each batch's loss and accuracy into the
 * history and the dashboard, and a turn of the event loop between batches so an interrupt is seen.
 */
export async function trainEpoch(context: EpochContext, epoch: number): Promise<EpochResult | undefined> {
  const { trainSet, batchSize, history, dashboard, signal } = context;
  const started = Date.now();
  const batchesPerEpoch = trainSet.batchCount(batchSize);
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  let batchIndex = 0;
  for (const batch of trainSet.batches(batchSize, { seed: context.seed + epoch, maxShift: context.maxShift })) {
    const n = batch.labels.length;
    let outcome;
    try {
      outcome = await context.step.run(batch);
    } finally {
      tf.dispose([batch.xs, batch.ys]);
    }
    if (!Number.isFinite(outcome.loss)) {
      throw new Error(
        `train: the loss became ${outcome.loss} at epoch ${epoch}, batch ${batchIndex + 1}; ` +
          "lower the learning rate (e.g. { learningRate: 1e-4 }) or add normalisation",
      );
    }
    lossSum += outcome.loss * n;
    correct += outcome.accuracy * n;
    seen += n;
    batchIndex++;
    context.done++;
    history.batches.push({
      epoch: epoch - 1 + batchIndex / batchesPerEpoch,
      loss: outcome.loss,
      accuracy: outcome.accuracy,
    });
    dashboard.batch(context.done, { epoch, loss: lossSum / seen, accuracy: correct / seen });
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal?.aborted) return undefined;
  }
  return { loss: lossSum / seen, accuracy: correct / seen, images: seen, seconds: (Date.now() - started) / 1000 };
}

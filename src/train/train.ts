import * as tf from "@tensorflow/tfjs";
import { kernelHost } from "../contract";
import { DatasetSplit, ImageDataset } from "../data";
import { backendReady } from "../engine";
import { isFast } from "../settings";
import { recalibrateBatchNormalization } from "./batchNormStatistics";
import { TrainingDashboard } from "./dashboard";
import { EarlyStopping, type EarlyStoppingOptions } from "./earlyStopping";
import { trainEpoch, type EpochContext } from "./epoch";
import { TrainingHistory, type EpochRecord } from "./history";
import { evaluateLossAccuracy } from "./metrics";
import { trainingStep } from "./trainingStep";
import { trainingSets } from "./validation";

/** Options of {@link train}. */
export interface TrainOptions {
  /** Passes over the training set (default 5; at most 1 in fast mode). */
  epochs?: number;
  /** Fast mode: at most one epoch, so CI runs notebooks quickly (default: on when CNNLAB_FAST=1). */
  fast?: boolean;
  /** Images per gradient step (default 64). */
  batchSize?: number;
  /**
   * Data to validate on after each epoch: a dataset, a fraction (0.1) or a count split off the training data, or
   * `false` for none. Default: the split's test set when `data` is `{ train, test }` (labelled "test"), else none.
   */
  validation?: ImageDataset | number | false;
  /** Seed for shuffling, the validation split and augmentation: the same seed (and the same initial weights, e.g.
   *  `lenet5({ seed })`) gives the same run on one backend. Dropout masks are not seeded. */
  seed?: number;
  /** Learning rate of the default Adam optimiser (default 0.001). Ignored when the model is compiled already. */
  learningRate?: number;
  /** An optimiser to use instead of the model's own or Adam. */
  optimizer?: tf.Optimizer;
  /** Stop when validation stops improving: `true` for the defaults, or settings. Needs validation data. */
  earlyStopping?: boolean | EarlyStoppingOptions;
  /** Random shift augmentation of up to this many pixels (default 0). */
  maxShift?: number;
  /** Stops training after the current batch when aborted; default the kernel's interrupt signal. */
  signal?: AbortSignal;
  /** No dashboard and no console lines. */
  quiet?: boolean;
  /**
   * Re-estimate batch normalisation's moving statistics from this many training images (with the current weights)
   * at the end of each epoch, before validation: `true` (the default) for 2,048, `false` to keep the moving averages
   * training left (lagging behind: a net with batch norm can then evaluate far below its training accuracy).
   */
  recalibrateBatchNorm?: boolean | number;
  /** Called after each epoch with its record; return `false` to stop. */
  onEpochEnd?: (history: TrainingHistory) => void | boolean | Promise<void | boolean>;
}

/**
 * Trains a classifier on an image dataset while showing a live dashboard (progress bar with ETA, loss and accuracy
 * of training and validation, in one output updated in place), and returns the history.
 *
 * Interrupting the kernel (or aborting `options.signal`) stops training after the current batch: the model keeps
 * the weights it has and the history so far is returned, with `stopReason` "interrupted".
 *
 * After each epoch, batch normalisation's moving mean and variance (what inference uses) are re-estimated from
 * training images with the epoch's final weights (`recalibrateBatchNorm`); the moving averages training leaves lag
 * behind the weights and can make a net evaluate far below its training accuracy.
 *
 * The model must end in a softmax over the classes (lenet5() and cnn() do). The loss is categorical
 * cross-entropy; if the model is not compiled yet it is compiled with Adam so that `model.evaluate` and
 * `model.predict` work afterwards.
 *
 * @example
 * ```ts
 * const data = await mnist();
 * const model = lenet5({ seed: 1 });
 * const history = await train(model, data, { epochs: 3, seed: 1 });
 * ```
 */
export async function train(
  model: tf.LayersModel,
  data: ImageDataset | DatasetSplit,
  options: TrainOptions = {},
): Promise<TrainingHistory> {
  await backendReady();
  const started = Date.now();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const batchSize = options.batchSize ?? 64;
  const epochs = isFast(options.fast) ? Math.min(1, options.epochs ?? 1) : (options.epochs ?? 5);
  const { trainSet, validationSet, validationName } = trainingSets(data, options.validation, seed);
  checkShapes(model, trainSet);
  const recalibration = recalibrationImages(options.recalibrateBatchNorm);
  if (options.earlyStopping && !validationSet) {
    throw new Error("train: earlyStopping needs validation data; pass { validation: 0.1 } or a dataset");
  }
  const early = options.earlyStopping ? new EarlyStopping(options.earlyStopping) : undefined;
  const optimizer = options.optimizer ?? model.optimizer ?? tf.train.adam(options.learningRate ?? 1e-3);
  if (!model.optimizer || options.optimizer) {
    model.compile({ optimizer, loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  }
  const step = trainingStep(model, optimizer, options.quiet ?? false);
  const signal = options.signal ?? kernelHost()?.signal;
  const history = new TrainingHistory(validationName);
  const dashboard = new TrainingDashboard(
    history,
    trainSet.batchCount(batchSize) * epochs,
    epochs,
    kernelHost() !== undefined && !options.quiet,
    options.quiet ?? false,
  );
  const context: EpochContext = {
    trainSet,
    batchSize,
    seed,
    maxShift: options.maxShift,
    step,
    history,
    dashboard,
    signal,
    done: 0,
  };
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const result = await trainEpoch(context, epoch);
      if (result === undefined) {
        history.stopReason = "interrupted";
        break;
      }
      recalibrateBatchNormalization(model, trainSet, {
        images: recalibration,
        batchSize,
        seed: seed + epoch,
        step: step.native,
      });
      const record: EpochRecord = {
        epoch,
        loss: result.loss,
        accuracy: result.accuracy,
        seconds: result.seconds,
        imagesPerSecond: result.images / result.seconds,
      };
      if (validationSet) {
        const validation = await evaluateLossAccuracy(model, validationSet, Math.max(batchSize, 256), signal);
        if (validation === undefined) {
          history.stopReason = "interrupted";
          break;
        }
        record.validationLoss = validation.loss;
        record.validationAccuracy = validation.accuracy;
      }
      history.epochs.push(record);
      dashboard.epoch(context.done, {
        epoch,
        loss: record.loss,
        accuracy: record.accuracy,
        ...(record.validationAccuracy !== undefined
          ? { [`${validationName} accuracy`]: record.validationAccuracy }
          : {}),
      });
      if (early?.shouldStop(record, model)) history.stopReason = "early-stopping";
      if (options.onEpochEnd && (await options.onEpochEnd(history)) === false) break;
      if (history.stopReason === "early-stopping") break;
    }
    if (history.stopReason === "early-stopping") history.bestEpoch = early!.restore(model);
  } finally {
    early?.dispose();
    history.seconds = (Date.now() - started) / 1000;
    dashboard.finish(context.done);
  }
  return history;
}

function recalibrationImages(option: boolean | number | undefined): number {
  if (option === undefined || option === true) return 2048;
  if (option === false) return 0;
  if (!Number.isInteger(option) || option < 1) {
    throw new RangeError(
      `train: recalibrateBatchNorm must be true, false or a positive number of images, got ${option}`,
    );
  }
  return option;
}

function checkShapes(model: tf.LayersModel, data: ImageDataset): void {
  const input = model.inputs[0].shape.slice(1);
  const [h, w, c] = data.shape;
  if (input.length !== 3 || input[0] !== h || input[1] !== w || input[2] !== c) {
    throw new Error(
      `train: the model expects inputs [${input.join(",")}] but the images are [${h},${w},${c}]; ` +
        `build the model with inputShape: [${h}, ${w}, ${c}]`,
    );
  }
  const output = model.outputs[0].shape;
  if (output[output.length - 1] !== data.classes) {
    throw new Error(
      `train: the model has ${output[output.length - 1]} outputs but the data has ${data.classes} ` +
        `classes; build the model with classes: ${data.classes}`,
    );
  }
}

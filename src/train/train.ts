import * as tf from "@tensorflow/tfjs";
import { DatasetSplit, ImageDataset } from "../data/dataset";
import { backendReady, isFast } from "../data/ready";
import { kernelHost } from "../contract";
import { backendInfo, NativeTrainingStep, type StepOutcome } from "../engine";
import { recalibrateBatchNormalization } from "./batchNormStatistics";
import { TrainingDashboard } from "./dashboard";
import { TrainingHistory } from "./history";
import { crossEntropy, evaluateLossAccuracy } from "./metrics";

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
export async function train(model: tf.LayersModel, data: ImageDataset | DatasetSplit,
  options: TrainOptions = {}): Promise<TrainingHistory> {
  await backendReady();
  const started = Date.now();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const batchSize = options.batchSize ?? 64;
  const epochs = isFast(options.fast) ? Math.min(1, options.epochs ?? 1) : options.epochs ?? 5;
  let trainSet = data instanceof ImageDataset ? data : data.train;
  if (!(trainSet instanceof ImageDataset)) {
    throw new Error("train(model, data): data must be an ImageDataset or { train, test } from mnist() / fashionMnist()");
  }
  let validationSet: ImageDataset | undefined;
  let validationName = "validation";
  if (options.validation instanceof ImageDataset) validationSet = options.validation;
  else if (typeof options.validation === "number") {
    const parts = trainSet.split(options.validation, seed);
    trainSet = parts.train;
    validationSet = parts.validation;
  } else if (options.validation === undefined && !(data instanceof ImageDataset) && data.test instanceof ImageDataset) {
    validationSet = data.test;
    validationName = "test";
  }
  checkShapes(model, trainSet);
  const recalibration = recalibrationImages(options.recalibrateBatchNorm);
  const early = options.earlyStopping ? { patience: 3, monitor: "validationLoss" as const, minDelta: 0,
    restoreBestWeights: true, ...(options.earlyStopping === true ? {} : options.earlyStopping) } : undefined;
  if (early && !validationSet) {
    throw new Error("train: earlyStopping needs validation data; pass { validation: 0.1 } or a dataset");
  }
  const optimizer = options.optimizer ?? model.optimizer ?? tf.train.adam(options.learningRate ?? 1e-3);
  if (!model.optimizer || options.optimizer) {
    model.compile({ optimizer, loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  }
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  // The whole step in one native call where the engine and the network allow it (a chain of common layers, Adam or
  // SGD); otherwise tfjs computes it layer by layer. Both update the same variables.
  const compiled = NativeTrainingStep.compile(model, optimizer, variables);
  const nativeStep = compiled.ok ? compiled.step : undefined;
  // Said once, so a student whose own net trains several times slower than the lesson's knows why.
  if (!compiled.ok && backendInfo()?.name === "native" && !options.quiet) {
    console.log(`train: ${compiled.why}, so this network trains layer by layer (slower than the whole step in one native call)`);
  }
  const signal = options.signal ?? kernelHost()?.signal;
  const host = kernelHost();
  const history = new TrainingHistory(validationName);
  const batchesPerEpoch = trainSet.batchCount(batchSize);
  const dashboard = new TrainingDashboard(history, batchesPerEpoch * epochs, epochs, host !== undefined && !options.quiet,
    options.quiet ?? false);
  let best = { value: Infinity, epoch: 0, weights: undefined as tf.Tensor[] | undefined };
  let stale = 0;
  let done = 0;
  let lastMetrics: Record<string, number> = {};
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const epochStart = Date.now();
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let batchIndex = 0;
      for (const batch of trainSet.batches(batchSize, { seed: seed + epoch, maxShift: options.maxShift })) {
        const n = batch.labels.length;
        let outcome: StepOutcome;
        try {
          outcome = nativeStep ? nativeStep.run(batch.xs, batch.ys) : await layerByLayerStep(model, optimizer, variables, batch);
        } finally {
          tf.dispose([batch.xs, batch.ys]);
        }
        const { loss: lossValue, accuracy: accuracyValue } = outcome;
        if (!Number.isFinite(lossValue)) {
          throw new Error(`train: the loss became ${lossValue} at epoch ${epoch}, batch ${batchIndex + 1}; ` +
            "lower the learning rate (e.g. { learningRate: 1e-4 }) or add normalisation");
        }
        lossSum += lossValue * n;
        correct += accuracyValue * n;
        seen += n;
        batchIndex++;
        done++;
        history.batches.push({ epoch: epoch - 1 + batchIndex / batchesPerEpoch, loss: lossValue, accuracy: accuracyValue });
        lastMetrics = { epoch, loss: lossSum / seen, accuracy: correct / seen };
        dashboard.batch(done, lastMetrics);
        // Let the event loop run so an interrupt (the kernel aborting the signal) is seen between batches.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (signal?.aborted) break;
      }
      if (signal?.aborted) {
        history.stopReason = "interrupted";
        break;
      }
      const seconds = (Date.now() - epochStart) / 1000;
      recalibrateBatchNormalization(model, trainSet, { images: recalibration, batchSize, seed: seed + epoch, step: nativeStep });
      const record = { epoch, loss: lossSum / seen, accuracy: correct / seen, seconds, imagesPerSecond: seen / seconds,
        validationLoss: undefined as number | undefined, validationAccuracy: undefined as number | undefined };
      if (validationSet) {
        const result = await evaluateLossAccuracy(model, validationSet, Math.max(batchSize, 256), signal);
        if (result === undefined) {
          history.stopReason = "interrupted";
          break;
        }
        record.validationLoss = result.loss;
        record.validationAccuracy = result.accuracy;
      }
      history.epochs.push(record);
      lastMetrics = { epoch, loss: record.loss, accuracy: record.accuracy,
        ...(record.validationAccuracy !== undefined ? { [`${validationName} accuracy`]: record.validationAccuracy } : {}) };
      dashboard.epoch(done, lastMetrics);
      if (early) {
        const value = early.monitor === "validationLoss" ? record.validationLoss! : -record.validationAccuracy!;
        if (value < best.value - early.minDelta) {
          tf.dispose(best.weights ?? []);
          best = { value, epoch, weights: early.restoreBestWeights ? model.getWeights().map((w) => tf.clone(w)) : undefined };
          stale = 0;
        } else if (++stale >= early.patience) {
          history.stopReason = "early-stopping";
        }
      }
      if (options.onEpochEnd && (await options.onEpochEnd(history)) === false) break;
      if (history.stopReason === "early-stopping") break;
    }
    if (history.stopReason === "early-stopping" && best.weights) {
      model.setWeights(best.weights);
      history.bestEpoch = best.epoch;
    }
  } finally {
    tf.dispose(best.weights ?? []);
    history.seconds = (Date.now() - started) / 1000;
    dashboard.finish(done, lastMetrics);
  }
  return history;
}

/** One step through tfjs: the forward pass on the tape, its gradients, the optimiser's update. */
async function layerByLayerStep(model: tf.LayersModel, optimizer: tf.Optimizer, variables: tf.Variable[],
  batch: { xs: tf.Tensor; ys: tf.Tensor }): Promise<StepOutcome> {
  let accuracy: tf.Scalar | undefined;
  const loss = optimizer.minimize(() => {
    const predictions = model.apply(batch.xs, { training: true }) as tf.Tensor2D;
    accuracy = tf.keep(tf.mean(tf.cast(tf.equal(tf.argMax(predictions, 1), tf.argMax(batch.ys, 1)), "float32"))) as tf.Scalar;
    return crossEntropy(batch.ys as tf.Tensor2D, predictions);
  }, true, variables) as tf.Scalar;
  try {
    return { loss: (await loss.data())[0], accuracy: (await accuracy!.data())[0] };
  } finally {
    tf.dispose([loss, accuracy!]);
  }
}

function recalibrationImages(option: boolean | number | undefined): number {
  if (option === undefined || option === true) return 2048;
  if (option === false) return 0;
  if (!Number.isInteger(option) || option < 1) {
    throw new RangeError(`train: recalibrateBatchNorm must be true, false or a positive number of images, got ${option}`);
  }
  return option;
}

function checkShapes(model: tf.LayersModel, data: ImageDataset): void {
  const input = model.inputs[0].shape.slice(1);
  const [h, w, c] = data.shape;
  if (input.length !== 3 || input[0] !== h || input[1] !== w || input[2] !== c) {
    throw new Error(`train: the model expects inputs [${input.join(",")}] but the images are [${h},${w},${c}]; ` +
      `build the model with inputShape: [${h}, ${w}, ${c}]`);
  }
  const output = model.outputs[0].shape;
  if (output[output.length - 1] !== data.classes) {
    throw new Error(`train: the model has ${output[output.length - 1]} outputs but the data has ${data.classes} ` +
      `classes; build the model with classes: ${data.classes}`);
  }
}

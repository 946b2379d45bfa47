/**
 * Training and evaluation: `train()` with a live dashboard and cooperative interrupt, `evaluate()` with per-class
 * accuracy, confusion matrix and misclassified examples, and `sweep()` over model configurations.
 * @packageDocumentation
 */
export { train } from "./train";
export type { TrainOptions } from "./train";
export type { EarlyStoppingOptions } from "./earlyStopping";
export { TrainingHistory } from "./history";
export type { EpochRecord, BatchRecord, StopReason } from "./history";
export { evaluate, predictionChart, Evaluation, ConfusionMatrix, ProbabilityChart, Misclassified } from "./evaluate";
export type { EvaluateOptions, MisclassifiedExample } from "./evaluate";
export { sweep, SweepResult, configKey } from "./sweep";
export type { SweepRow, SweepOptions } from "./sweep";

// For the other areas (cnnlab/internal); not part of the public API.
export { crossEntropy } from "./metrics";

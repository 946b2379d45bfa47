/**
 * Training and evaluation: `train()` with a live dashboard and cooperative interrupt, `evaluate()` with per-class
 * accuracy, confusion matrix and misclassified examples, and `sweep()` over model configurations.
 * @packageDocumentation
 */
export { train, TrainOptions } from "./train";
export type { EarlyStoppingOptions } from "./earlyStopping";
export { TrainingHistory, EpochRecord, BatchRecord, StopReason } from "./history";
export {
  evaluate, predictionChart, Evaluation, EvaluateOptions, ConfusionMatrix, ProbabilityChart, Misclassified,
  MisclassifiedExample,
} from "./evaluate";
export { sweep, SweepResult, SweepRow, SweepOptions, configKey } from "./sweep";

/**
 * The training engine: picks the fastest tfjs backend that works here and registers the gradient kernels that
 * make model.fit of convolutional networks work (and fast) on it.
 *
 * @packageDocumentation
 */
export { useBestBackend, backendInfo } from "./backend";
export { backendReady } from "./ready";
export type { BackendInfo, BackendName, UseBestBackendOptions } from "./backend";
export { NativeTrainingStep } from "./trainingStep/step";
export type { CompiledStep, StepOutcome, StepTimes } from "./trainingStep/step";

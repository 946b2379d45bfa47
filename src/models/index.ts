/**
 * Models: LeNet-5 (classic and modern), a configurable CNN for depth / width / normalisation experiments, the
 * normalisation layers tfjs lacks, and `summary()` with MACs and receptive fields.
 * @packageDocumentation
 */
export { lenet5 } from "./lenet";
export type { LeNet5Options } from "./lenet";
export { cnn } from "./cnn";
export type { CnnOptions, NormKind, DownsampleKind, ActivationKind } from "./cnn";
export { GroupNormalization, InstanceNormalization, groupNormalization, instanceNormalization } from "./normalization";
export type { GroupNormalizationArgs } from "./normalization";
export { ConnectionTableConv2D, Subsampling, LENET_C3_TABLE } from "./lenetLayers";
export { summary, ModelSummary } from "./summary";
export { saveModel, loadModel } from "./saveModel";
export type { SaveModelOptions, SavedModel } from "./saveModel";
export type { MemoryEstimate } from "./summary";
export { layerGeometry } from "./geometry";
export type { LayerGeometry, PerAxis } from "./geometry";

import { registerModelDisplay } from "../display";
import { summary } from "./summary";

// A model shown as a cell's value displays as its summary (receptive fields and MACs included); the display
// library falls back to its plain layer table if a model cannot be summarised (e.g. not built yet).
registerModelDisplay((model) => summary(model));

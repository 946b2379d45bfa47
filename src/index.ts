/**
 * cnnlab — see, build, train and look inside convolutional networks from a TypeScript notebook.
 *
 * This file is the public API, `import { ... } from "cnnlab"`: what the lessons use and what a student's own
 * notebook needs, grouped by area. Everything else (the display symbols, the kernel host, dataset plumbing, the
 * engine's native step, the layer classes behind the layer functions) is reachable from `"cnnlab/internal"` for
 * tools and tests; it may change without notice. test/publicApi.test.ts lists these names, so a change here is
 * deliberate.
 *
 * @packageDocumentation
 */

/** The library version, read from package.json. */
export const version: string = require("../../package.json").version;

// Engine and settings: which engine trains, and whether lessons run in fast (CI) mode.
export { useBestBackend } from "./engine";
export { fastMode } from "./settings";

// Display: anything as a notebook output, tensors as pictures, tables, progress bars.
export { display, show, showImages, showFilters, showFeatureMaps, table, numericTable, progress } from "./display";
export type { Displayable } from "./contract";

// Data: the datasets and their batches.
export { mnist, fashionMnist, syntheticShapes, ImageDataset, SeededRandom } from "./data";

// Models: the lessons' networks, their summaries and the layers tfjs lacks.
export {
  lenet5,
  cnn,
  summary,
  layerGeometry,
  groupNormalization,
  instanceNormalization,
  saveModel,
  loadModel,
} from "./models";
export type { CnnOptions } from "./models";

// Plots: plotly figures.
export {
  linePlot,
  scatterPlot,
  barPlot,
  histogramPlot,
  heatmapPlot,
  confusionMatrixPlot,
  subplots,
  liveFigure,
  Figure,
} from "./plot";

// Inspect: looking inside a trained network.
export { activations, gradientNorms, receptiveField } from "./inspect";

// Train: training, evaluation and sweeps over configurations.
export { train, evaluate, sweep } from "./train";
export type { TrainOptions, TrainingHistory, Evaluation, SweepRow } from "./train";

// Check: the exercises' checks, for the student editions and nbgrader.
export { check } from "./check";

// Widgets: explorers with sliders and drop-down lists.
export {
  interact,
  IntSlider,
  FloatSlider,
  Dropdown,
  ToggleButtons,
  Checkbox,
  Text,
  HTML,
  HBox,
  VBox,
  Output,
} from "./widgets";

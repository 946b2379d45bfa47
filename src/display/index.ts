/**
 * Display: tensors, images, filters, feature maps, tables and progress bars as notebook outputs, through the
 * Jupyter display protocol (`Symbol.for("Jupyter.display")`). Importing this module installs the protocol on tfjs's
 * Tensor and LayersModel, without running any tensor operation.
 *
 * @packageDocumentation
 */
import { installDisplayMethods } from "./install";

export { display } from "./display";
export type { DisplayHandle } from "./display";
export { show, TensorView } from "./tensorView";
export type { ShowOptions } from "./tensorView";
export { ImageGrid } from "./imageGrid";
export type { ImageOptions } from "./imageGrid";
export type { RenderedImage, TileBox } from "./render/imageGrid";
export type { ColormapName } from "./render/colormap";
export { showImages } from "./images";
export type { ShowImagesOptions } from "./images";
export { showFilters } from "./filters";
export type { ShowFiltersOptions } from "./filters";
export { showFeatureMaps } from "./featureMaps";
export type { ShowFeatureMapsOptions } from "./featureMaps";
export { table, numericTable, Table } from "./table";
export type { NumericTableOptions } from "./table";
export { progress, Progress } from "./progress";
export type { ProgressMetrics } from "./progress";
export { registerModelDisplay, layerTable } from "./modelDisplay";
export type { ModelDisplay } from "./modelDisplay";

installDisplayMethods();

// For the other areas (cnnlab/internal); not part of the public API.
export { mimeBundle } from "./bundle";
export { STANDALONE_HTML } from "./fallback";
export { LiveOutput } from "./liveOutput";
export { TABLE_SIZE, colormapTable } from "./render/colormap";
export { captionedPicturesHtml, escapeHtml, sideBySideHtml } from "./render/html";
export { formatBytes, formatCount, formatNumber, statistics } from "./render/statistics";
export { tableHtml, tableText } from "./render/table";
export type { TableContent } from "./render/table";
export { describeValue, isTensor, readTensor } from "./tensorData";
export { barChartSvg, lineChartSvg } from "./render/svgChart";
export type { ChartSeries } from "./render/svgChart";
export { confusionMatrixHtml, evaluationHtml, misclassifiedHtml } from "./render/evaluation";
export { exercisePassedHtml } from "./render/exerciseResult";
